/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { createDeliveryBucket } from '../../lib/constructs/delivery-bucket';
import { projectApp } from '../helpers/app';

function setup() {
  const stack = new Stack(projectApp(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const delivery = createDeliveryBucket(stack, {
    description: 'test delivery bucket',
    encryptionKey: key,
    retention: Duration.days(2192),
    expiryRuleId: 'expire-test',
    denyDeleteSid: 'DenyDeletingTest',
    noObjectLockReason: 'The service cannot write into Object Lock buckets.',
  });
  return { stack, delivery, template: Template.fromStack(stack) };
}

describe('createDeliveryBucket', () => {
  test('KMS with a bucket key, versioned, access-logged into its own access-log bucket', () => {
    const { template, stack, delivery } = setup();
    const bucket = template.toJSON().Resources[stack.getLogicalId(delivery.bucket.node.defaultChild as any)].Properties;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' },
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(JSON.stringify(bucket.LoggingConfiguration.DestinationBucketName)).toContain(
      stack.getLogicalId(delivery.accessLogs.bucket.node.defaultChild as any),
    );
  });

  test('objects and overwritten versions expire only after the retention', () => {
    const { template, stack, delivery } = setup();
    const rules = template.toJSON().Resources[stack.getLogicalId(delivery.bucket.node.defaultChild as any)].Properties
      .LifecycleConfiguration.Rules as any[];
    expect(rules.find((r) => r.Id === 'expire-test')).toMatchObject({
      ExpirationInDays: 2192,
      NoncurrentVersionExpiration: { NoncurrentDays: 2192 },
    });
  });

  test('every principal is denied deleting objects', () => {
    const { template } = setup();
    const statements = Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap(
      (p: any) => p.Properties.PolicyDocument.Statement,
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'DenyDeletingTest',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      }),
    );
  });

  test('the Object Lock rule is acknowledged on this bucket only, with the caller reason first', () => {
    const { delivery } = setup();
    const acks = delivery.bucket.node.defaultChild!.node.metadata.filter(
      (m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY,
    );
    const reasons = Object.assign({}, ...acks.map((m) => m.data)) as Record<string, string>;
    expect(Object.keys(reasons)).toEqual(['cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check']);
    expect(Object.values(reasons)[0]).toMatch(
      /^\[HIPAA 164\.312\(c\)\(1\)\] The service cannot write into Object Lock buckets\. This bucket is versioned, denies deleting/,
    );
  });
});
