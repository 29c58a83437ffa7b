/**
 * IDs of the AWS-managed prefix list `com.amazonaws.<region>.s3`, the address ranges of S3 in a
 * region. Traffic through the S3 gateway endpoint goes to these addresses, so a security group that
 * admits no other egress must name this list.
 *
 * Why a table: CloudFormation cannot resolve a managed prefix list by name, a gateway endpoint does
 * not expose its prefix list ID, and a synth-time lookup (`PrefixList.fromLookup`) needs AWS
 * credentials. The IDs are fixed per region. A deployment in a region missing here fails at synth
 * with the command that prints the ID; add it with the region.
 */
export const S3_PREFIX_LISTS: Readonly<Record<string, string>> = {
  'us-east-1': 'pl-63a5400a',
  'us-east-2': 'pl-7ba54012',
  'us-west-1': 'pl-6ba54002',
  'us-west-2': 'pl-68a54001',
  'eu-west-1': 'pl-6da54004',
  'eu-central-1': 'pl-6ea54007',
};

/** The ID of the S3 managed prefix list of `region`. */
export function s3PrefixListId(region: string): string {
  const id = S3_PREFIX_LISTS[region];
  if (!id) {
    throw new Error(
      `No S3 prefix list ID is recorded for ${region}. Add it to S3_PREFIX_LISTS in lib/constructs/s3-prefix-list.ts; ` +
        `print it with: aws ec2 describe-managed-prefix-lists --region ${region} ` +
        `--filters Name=prefix-list-name,Values=com.amazonaws.${region}.s3 --query 'PrefixLists[0].PrefixListId'`,
    );
  }
  return id;
}
