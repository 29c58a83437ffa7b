/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';
import { UserActivityLog, type UserActivityLogProps } from '../../lib/constructs/user-activity-log';
import { projectApp } from '../helpers/app';
import { flat, PRIVATE_BUCKET } from '../helpers/cfn-values';

const ENV = { account: '111122223333', region: 'us-east-1' };
const LOG_DELIVERIES = {
  StringEquals: { 'aws:SourceAccount': '111122223333' },
  ArnLike: { 'aws:SourceArn': 'arn:aws:logs:us-east-1:111122223333:*' },
};

type Resources = Record<string, { Type: string; Properties: Record<string, any>; [k: string]: unknown }>;

function build(props: Partial<UserActivityLogProps> = {}) {
  const stack = new Stack(projectApp(), 'Audit', { env: ENV });
  const key = new kms.Key(stack, 'AuditKey');
  const userPool = new cognito.UserPool(stack, 'Pool', { featurePlan: cognito.FeaturePlan.PLUS });
  const log = new UserActivityLog(stack, 'SignInLog', { userPool, encryptionKey: key, retentionDays: 2557, ...props });
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;
  const id = (c: IConstruct) => stack.resolve(((c.node.defaultChild ?? c) as CfnResource).logicalId) as string;
  const bucketId = id(log.bucket);
  return { stack, log, resources, id, bucketId, keyId: id(key), poolId: id(userPool) };
}

const acknowledged = (c: IConstruct): string[] =>
  c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.keys(m.data));

describe('UserActivityLog', () => {
  const built = build();
  const { resources, log, bucketId } = built;
  const bucket = () => resources[bucketId].Properties;
  const [policyId, policy] = Object.entries(resources).find(
    ([, r]) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId,
  )!;
  const statements = () => policy.Properties.PolicyDocument.Statement as any[];
  const deliveries = () => Object.values(resources).filter((r) => r.Type === 'AWS::Cognito::LogDeliveryConfiguration');

  test('refuses a retention below 6 years', () => {
    expect(() => build({ retentionDays: 365 })).toThrow(/below 6 years/);
  });

  test("exports the pool's threat-protection activity (userAuthEvents, INFO) to the bucket, and nothing to CloudWatch Logs", () => {
    expect(deliveries()).toHaveLength(1);
    const delivery = deliveries()[0].Properties;
    expect(delivery.UserPoolId).toEqual({ Ref: built.poolId });
    expect(delivery.LogConfigurations).toEqual([
      { EventSource: 'userAuthEvents', LogLevel: 'INFO', S3Configuration: { BucketArn: { 'Fn::GetAtt': [bucketId, 'Arn'] } } },
    ]);
    expect(JSON.stringify(delivery)).not.toMatch(/CloudWatchLogsConfiguration|userNotification/);
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::Logs::LogGroup')).toEqual([]);
  });

  test('the delivery is set up only once the bucket policy lets the delivery service in', () => {
    const [deliveryId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Cognito::LogDeliveryConfiguration')!;
    expect(resources[deliveryId].DependsOn).toContain(policyId);
  });

  test('the bucket is encrypted with the given key (S3 Bucket Key), versioned, private and logged into its own bucket', () => {
    const sse = bucket().BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(sse).toEqual({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [built.keyId, 'Arn'] } },
    });
    expect(bucket().VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket()).toMatchObject(PRIVATE_BUCKET);
    expect(bucket().LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: built.id(log.accessLogs.bucket) } });
    expect(resources[bucketId]).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
  });

  test('log files, and versions that were overwritten, are kept for the whole retention', () => {
    const rules = bucket().LifecycleConfiguration.Rules as any[];
    expect(rules.find((r) => r.Id === 'expire-sign-in-logs')).toMatchObject({
      ExpirationInDays: 2557,
      NoncurrentVersionExpiration: { NoncurrentDays: 2557 },
    });
    for (const r of rules.filter((x) => x.ExpirationInDays !== undefined))
      expect(r.ExpirationInDays).toBeGreaterThanOrEqual(2557);
  });

  test('nobody may delete a log file or a version of one; only the lifecycle expiry removes them', () => {
    expect(statements()).toContainEqual({
      Sid: 'DenyDeletingSignInLogs',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
    });
  });

  test('only the log delivery service, for deliveries of this account and region, may check the bucket and write under AWSLogs/<account>/', () => {
    const allows = statements().filter((s) => s.Effect === 'Allow');
    expect(allows.map((s) => [s.Sid, s.Principal])).toEqual([
      ['AWSLogDeliveryAclCheck', { Service: 'delivery.logs.amazonaws.com' }],
      ['AWSLogDeliveryWrite', { Service: 'delivery.logs.amazonaws.com' }],
    ]);
    const [check, write] = allows;
    expect(check).toMatchObject({
      Action: ['s3:GetBucketAcl', 's3:ListBucket'],
      Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      Condition: LOG_DELIVERIES,
    });
    expect(write.Action).toBe('s3:PutObject');
    expect(flat(write.Resource)).toBe(`<${bucketId}.Arn>/AWSLogs/111122223333/*`);
    expect(write.Condition).toEqual({
      StringEquals: { ...LOG_DELIVERIES.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' },
      ArnLike: LOG_DELIVERIES.ArnLike,
    });
    expect(log.logPrefix).toBe('AWSLogs/111122223333/');
  });

  test('is not replicated unless asked', () => {
    expect(bucket().ReplicationConfiguration).toBeUndefined();
    expect(log.replicationRole).toBeUndefined();
  });

  test('replicates every version into the given bucket of another region under its key, delete markers excluded', () => {
    const replicated = build({
      replicateTo: { bucketName: 'evidence-dr', region: 'us-west-2', keyAliasName: 'alias/t/audit-dr' },
    });
    const rule = replicated.resources[replicated.bucketId].Properties.ReplicationConfiguration.Rules[0];
    expect(flat(rule.Destination.Bucket)).toBe('arn:<AWS::Partition>:s3:::evidence-dr');
    expect(flat(rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID)).toBe(
      'arn:<AWS::Partition>:kms:us-west-2:111122223333:alias/t/audit-dr',
    );
    expect(rule.DeleteMarkerReplication).toEqual({ Status: 'Disabled' });
    expect(replicated.log.replicationRole).toBeDefined();
  });

  test('acknowledges exactly the missing Object Lock, on the bucket only', () => {
    expect(acknowledged(log.bucket.node.defaultChild!)).toEqual(['cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check']);
    expect(acknowledged(log.delivery)).toEqual([]);
  });
});
