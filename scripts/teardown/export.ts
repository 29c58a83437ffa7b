/**
 * The export the customer is offered before the erasure (the BAA's return-or-destroy clause at contract
 * end): the exact commands that copy the database and the PHI documents to a bucket the customer names,
 * with an IAM role and a KMS key they provide. The command prints them; a person runs them, because
 * where the data goes is the customer's decision, and the erasure is refused until the operator says
 * the export is done (--export-done) or was declined (--skip-export).
 *
 * Exporting changes the inventory (a final snapshot is a new copy under the phi key), and with it the
 * plan digest: export first, then plan again, then confirm that digest.
 */
import { DescribeStackResourceCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { deploymentNames, LOGICAL_IDS, STACK_PARTS } from '../../lib/vocabulary';

/** The PHI documents bucket's name, read from the Data stack (read-only); undefined if it cannot be read. */
export async function resolvePhiBucket(cfn: CloudFormationClient, deployment: string): Promise<string | undefined> {
  try {
    const answer = await cfn.send(
      new DescribeStackResourceCommand({
        StackName: deploymentNames(deployment).stack(STACK_PARTS.data),
        LogicalResourceId: LOGICAL_IDS.data.documentsBucket,
      }),
    );
    return answer.StackResourceDetail?.PhysicalResourceId || undefined;
  } catch {
    return undefined;
  }
}

export interface ExportInput {
  readonly deployment: string;
  readonly region: string;
  readonly account: string;
  readonly partition: string;
  /** Undefined when the Data stack could not be read: a placeholder is printed instead. */
  readonly phiBucket?: string;
  readonly now: Date;
}

/** The export step, as printed with every plan. */
export function formatExportStep(input: ExportInput): string {
  const { deployment, region } = input;
  const names = deploymentNames(deployment);
  const day = input.now.toISOString().slice(0, 10).replace(/-/g, '');
  const instance = names.databaseInstance;
  const snapshot = names.finalSnapshot(day);
  const snapshotArn = `arn:${input.partition}:rds:${region}:${input.account}:snapshot:${snapshot}`;
  const task = names.exportTask(day);
  const bucket = input.phiBucket ?? '<PHI_DOCUMENTS_BUCKET>';
  const customer = '<CUSTOMER_BUCKET>';
  return [
    'Export first (contract end: the customer chooses to receive their data before it is destroyed)',
    '  The erasure makes every copy of the PHI unreadable for good. Offer the export, and run it before --execute,',
    `  into a bucket the customer names (in ${region} for the database export), with an IAM role that`,
    '  export.rds.amazonaws.com can assume to write to it, and a KMS key of theirs:',
    `  1. Database ${instance}: a final snapshot (the newest data), then its export to S3 (Apache Parquet):`,
    `     aws rds create-db-snapshot --region ${region} --db-instance-identifier ${instance} --db-snapshot-identifier ${snapshot}`,
    `     aws rds wait db-snapshot-available --region ${region} --db-snapshot-identifier ${snapshot}`,
    '     (or export the latest existing automated or manual snapshot, whose ARN this prints:',
    `     aws rds describe-db-snapshots --region ${region} --db-instance-identifier ${instance} --query "reverse(sort_by(DBSnapshots[?Status=='available'], &SnapshotCreateTime))[0].DBSnapshotArn" --output text)`,
    `     aws rds start-export-task --region ${region} --export-task-identifier ${task} --source-arn ${snapshotArn} --s3-bucket-name ${customer} --s3-prefix ${names.customerExportPrefix('database')} --iam-role-arn <CUSTOMER_EXPORT_ROLE_ARN> --kms-key-id <CUSTOMER_KMS_KEY_ARN>`,
    `     aws rds describe-export-tasks --region ${region} --export-task-identifier ${task} --query "ExportTasks[0].[Status,PercentProgress,FailureCause]"`,
    `  2. Documents (PHI bucket ${bucket}): the current version of every object:`,
    `     aws s3 sync s3://${bucket} s3://${customer}/${names.customerExportPrefix('documents')} --region ${region} --sse aws:kms --sse-kms-key-id <CUSTOMER_KMS_KEY_ARN>`,
    ...(input.phiBucket
      ? []
      : [
          `     (the bucket name could not be read from stack ${names.stack(STACK_PARTS.data)}: see its ${LOGICAL_IDS.data.documentsBucket} resource)`,
        ]),
    "  Both read PHI: run them as a role allowed to use the phi key, and keep the customer's receipt.",
    '  Then plan again (the final snapshot changes the inventory and so the digest) and execute with',
    '  --export-done, or with --skip-export if the customer declined the export in writing.',
  ].join('\n');
}
