import { Stack, Validations } from 'aws-cdk-lib';
import { AccessLogBucket, type AccessLogSource } from '../../lib/constructs/access-log-bucket';
import { projectApp } from '../helpers/app';

function acknowledged(source?: AccessLogSource): Record<string, string> {
  const stack = new Stack(projectApp(), 'Logs');
  const logs = new AccessLogBucket(stack, 'AccessLogs', { loggedBucketDescription: 'test target', source });
  return Object.assign(
    {},
    ...logs.bucket.node
      .defaultChild!.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .map((m) => m.data as Record<string, string>),
  );
}

const LOGGING_FINDINGS = [
  'HIPAA.Security::HIPAA.Security-S3BucketLoggingEnabled',
  'NIST.800.53.R5::NIST.800.53.R5-S3BucketLoggingEnabled',
  'AwsSolutions::AwsSolutions-S1',
];

describe('AccessLogBucket', () => {
  test('for S3 server access logs, cites S3 logging and leaves the logging findings to the logged bucket', () => {
    const acks = acknowledged();
    expect(acks['HIPAA.Security::HIPAA.Security-S3DefaultEncryptionKMS']).toMatch(/S3 server access logging only delivers/);
    for (const id of LOGGING_FINDINGS) expect(acks[id]).toBeUndefined();
  });

  test('for load balancer logs, cites Elastic Load Balancing and acknowledges that the log bucket is not itself logged', () => {
    const acks = acknowledged('elb');
    expect(acks['HIPAA.Security::HIPAA.Security-S3DefaultEncryptionKMS']).toMatch(
      /^\[HIPAA 164\.312\(a\)\(2\)\(iv\)\] .*Elastic Load Balancing only delivers access logs into buckets whose default encryption is SSE-S3/,
    );
    expect(acks['cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check']).toMatch(/the access logs of the test target/);
    for (const id of LOGGING_FINDINGS)
      expect(acks[id]).toMatch(/^\[HIPAA 164\.312\(b\)\] This bucket is itself the access-log destination/);
  });
});
