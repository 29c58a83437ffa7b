import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { LockedBucket, type ObjectLockMode } from '../../lib/constructs/locked-bucket';
import { projectApp } from '../helpers/app';

function build(objectLockMode: ObjectLockMode, replicate: boolean) {
  const stack = new Stack(projectApp(), 'S', { env: { region: 'us-east-1' } });
  const bucket = new LockedBucket(stack, 'Phi', {
    description: 'test bucket',
    encryptionKey: new kms.Key(stack, 'Key'),
    objectLockMode,
    objectLockRetention: Duration.days(10),
    noncurrentVersionExpiration: Duration.days(20),
    replicateTo: replicate ? { bucketName: 'replica', region: 'us-west-2', keyAliasName: 'alias/t/phi-dr' } : undefined,
  });
  return { bucket, template: Template.fromStack(stack) };
}

describe('LockedBucket', () => {
  test.each(['GOVERNANCE', 'COMPLIANCE'] as const)('applies Object Lock mode %s by default', (mode) => {
    build(mode, false).template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: mode, Days: 10 } } },
    });
  });

  test('without a destination: no replication configuration and no replication role', () => {
    const { bucket, template } = build('GOVERNANCE', false);
    expect(bucket.replicationRole).toBeUndefined();
    const logicalId = Stack.of(bucket).resolve((bucket.bucket.node.defaultChild as s3.CfnBucket).logicalId) as string;
    const phi = template.toJSON().Resources[logicalId];
    expect(phi.Properties.ReplicationConfiguration).toBeUndefined();
    template.resourceCountIs('AWS::IAM::Role', 0);
  });

  test('with a destination: one rule replicating SSE-KMS objects, delete markers kept out', () => {
    const { bucket, template } = build('COMPLIANCE', true);
    expect(bucket.replicationRole).toBeDefined();
    template.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Rules: [
          {
            Id: 'replicate-all-versions',
            Status: 'Enabled',
            DeleteMarkerReplication: { Status: 'Disabled' },
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
            Destination: {
              Bucket: 'arn:aws:s3:::replica',
              EncryptionConfiguration: {
                ReplicaKmsKeyID: { 'Fn::Join': ['', ['arn:aws:kms:us-west-2:', { Ref: 'AWS::AccountId' }, ':alias/t/phi-dr']] },
              },
            },
          },
        ],
      },
    });
  });
});

describe('LockedBucket as a replica', () => {
  const props = {
    description: 'replica',
    objectLockMode: 'GOVERNANCE' as const,
    objectLockRetention: Duration.days(1),
    noncurrentVersionExpiration: Duration.days(1),
    replicaOf: 'source bucket',
  };

  test('acknowledges only the replication finding, for both rule packs', () => {
    const stack = new Stack(projectApp(), 'S');
    const replica = new LockedBucket(stack, 'Replica', { ...props, encryptionKey: new kms.Key(stack, 'Key') });
    const ids = replica.bucket.node
      .defaultChild!.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(ids.sort()).toEqual([
      'HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled',
      'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
    ]);
  });

  test('cannot also replicate onward', () => {
    const stack = new Stack(projectApp(), 'S');
    expect(
      () =>
        new LockedBucket(stack, 'Replica', {
          ...props,
          encryptionKey: new kms.Key(stack, 'Key'),
          replicateTo: { bucketName: 'x', region: 'us-west-2', keyAliasName: 'alias/x' },
        }),
    ).toThrow(/does not replicate onward/);
  });
});
