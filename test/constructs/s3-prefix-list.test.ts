import { S3_PREFIX_LISTS, s3PrefixListId } from '../../lib/constructs/s3-prefix-list';

describe('s3PrefixListId', () => {
  test('returns the recorded managed prefix list of the region', () => {
    expect(s3PrefixListId('us-east-1')).toBe('pl-63a5400a');
    expect(s3PrefixListId('us-west-2')).toBe('pl-68a54001');
    for (const id of Object.values(S3_PREFIX_LISTS)) expect(id).toMatch(/^pl-[0-9a-f]{8}$/);
  });

  test('fails for an unrecorded region with the command that prints the ID', () => {
    expect(() => s3PrefixListId('ap-south-2')).toThrow(/com\.amazonaws\.ap-south-2\.s3/);
  });
});
