/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Duration, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import {
  AuditTrail,
  TRAIL_ARCHIVE_TRANSITIONS,
  TRAIL_NONCURRENT_GRACE,
  trailBucketLifecycle,
  type AuditTrailProps,
} from '../../lib/constructs/audit-trail';
import { projectApp } from '../helpers/app';

const ENV = { account: '111122223333', region: 'us-east-1' };
const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/t-audit-trail';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; [k: string]: unknown }>;

function build(options: { keyInOtherStack?: boolean; buckets?: number; props?: Partial<AuditTrailProps> } = {}) {
  const app = projectApp();
  const stack = new Stack(app, 'Audit', { env: ENV });
  const keyStack = options.keyInOtherStack ? new Stack(app, 'Keys', { env: ENV }) : stack;
  const key = new kms.Key(keyStack, 'AuditKey');
  const buckets = Array.from({ length: options.buckets ?? 2 }, (_, i) => new s3.Bucket(stack, `Phi${i}`));
  const trail = new AuditTrail(stack, 'Trail', {
    trailName: 't-audit-trail',
    encryptionKey: key,
    phiBuckets: buckets,
    retentionDays: 2557,
    logGroupName: '/t/cloudtrail',
    ...options.props,
  });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Resources;
  const id = (c: IConstruct) => stack.resolve(((c.node.defaultChild ?? c) as CfnResource).logicalId) as string;
  return {
    stack,
    key,
    keyId: stack.resolve((key.node.defaultChild as CfnResource).logicalId),
    buckets,
    trail,
    template,
    resources,
    id,
  };
}

const acknowledged = (c: IConstruct): string[] =>
  c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.keys(m.data));

describe('AuditTrail', () => {
  const built = build();
  const { resources, trail, id } = built;
  const trailProps = () => Object.values(resources).find((r) => r.Type === 'AWS::CloudTrail::Trail')!.Properties;
  const bucketProps = () => resources[id(trail.bucket)].Properties;
  const bucketStatements = () =>
    Object.values(resources).find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === id(trail.bucket))!
      .Properties.PolicyDocument.Statement as any[];

  test('one multi-region trail with global service events, log file validation, not an organization trail, logging', () => {
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::CloudTrail::Trail')).toHaveLength(1);
    expect(trailProps()).toMatchObject({
      TrailName: 't-audit-trail',
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsOrganizationTrail: false,
    });
    expect(trailProps().S3KeyPrefix).toBeUndefined();
    expect(built.stack.resolve(trail.trailArn)).toEqual({ 'Fn::GetAtt': [id(trail.trail), 'Arn'] });
  });

  test('encrypts log files with the given key and writes them into its own bucket', () => {
    expect(trailProps().KMSKeyId).toEqual({ 'Fn::GetAtt': [built.keyId, 'Arn'] });
    expect(trailProps().S3BucketName).toEqual({ Ref: id(trail.bucket) });
  });

  test('records every management event (read and write, none excluded) and S3 data events on exactly the PHI buckets', () => {
    expect(trailProps().AdvancedEventSelectors).toBeUndefined();
    expect(trailProps().EventSelectors).toEqual([
      {
        IncludeManagementEvents: true,
        ReadWriteType: 'All',
        DataResources: [
          {
            Type: 'AWS::S3::Object',
            Values: built.buckets.map((b) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(b), 'Arn'] }, '/']] })),
          },
        ],
      },
    ]);
  });

  test('delivers to the named log group, encrypted with the key, kept for the retention and retained', () => {
    const group = resources[id(trail.logGroup)];
    expect(group).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
      Properties: { LogGroupName: '/t/cloudtrail', RetentionInDays: 2557, KmsKeyId: { 'Fn::GetAtt': [built.keyId, 'Arn'] } },
    });
    expect(trailProps().CloudWatchLogsLogGroupArn).toEqual({ 'Fn::GetAtt': [id(trail.logGroup), 'Arn'] });
    expect(trailProps().CloudWatchLogsRoleArn).toEqual({ 'Fn::GetAtt': [id(trail.logsRole), 'Arn'] });
  });

  test('the delivery role is assumed by CloudTrail only and may only create and write its streams in that group', () => {
    expect(resources[id(trail.logsRole)].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' } },
    ]);
    expect(resources[id(trail.logsRole)].Properties.Policies).toBeUndefined();
    const policies = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles?.[0]?.Ref === id(trail.logsRole),
    );
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: 'arn:aws:logs:us-east-1:111122223333:log-group:/t/cloudtrail:log-stream:111122223333_CloudTrail_us-east-1*',
      },
    ]);
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy')).toEqual([]);
  });

  test('the trail waits for the bucket policy and the delivery policy it is checked against', () => {
    const trailResource = Object.values(resources).find((r) => r.Type === 'AWS::CloudTrail::Trail')!;
    const bucketPolicy = Object.entries(resources).find(
      ([, r]) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === id(trail.bucket),
    )![0];
    const logsPolicy = Object.entries(resources).find(
      ([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles?.[0]?.Ref === id(trail.logsRole),
    )![0];
    expect(trailResource.DependsOn).toEqual(expect.arrayContaining([bucketPolicy, logsPolicy]));
  });

  test('the bucket policy lets CloudTrail, for this trail only, check the bucket and write under AWSLogs/<account>/', () => {
    const allows = bucketStatements().filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: 'AllowCloudTrailAclCheckForTheTrail',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:GetBucketAcl',
        Resource: { 'Fn::GetAtt': [id(trail.bucket), 'Arn'] },
        Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
      },
      {
        Sid: 'AllowCloudTrailLogDeliveryForTheTrail',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(trail.bucket), 'Arn'] }, '/AWSLogs/111122223333/*']] },
        Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
    ]);
    expect(bucketStatements()).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  test('the bucket is write-once: versioned, Object Lock COMPLIANCE for the retention, SSE-KMS with the key, logged', () => {
    expect(bucketProps()).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2557 } } },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: id(trail.lockedBucket.accessLogs.bucket) } },
    });
    expect(bucketProps().BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [built.keyId, 'Arn'] } },
    });
    expect(resources[id(trail.bucket)]).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
  });

  test('log files move to Glacier IR after 90 days and Deep Archive after a year, and expire after the retention', () => {
    expect(bucketProps().LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'expire-noncurrent-versions',
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: TRAIL_NONCURRENT_GRACE.toDays() },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
      {
        Id: 'archive-and-expire-current-versions',
        Status: 'Enabled',
        ExpirationInDays: 2557,
        Transitions: [
          { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
          { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 },
        ],
      },
      { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
    expect(TRAIL_NONCURRENT_GRACE.toDays()).toBe(30);
  });

  test('the access logs of the bucket are kept for the retention', () => {
    const logs = resources[id(trail.lockedBucket.accessLogs.bucket)].Properties;
    expect(logs.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(2557);
  });

  test('without replicateTo the bucket is not replicated', () => {
    expect(bucketProps().ReplicationConfiguration).toBeUndefined();
    expect(trail.lockedBucket.replicationRole).toBeUndefined();
  });

  test('with the key in the same stack, the cfn-guard encryption rules see it: nothing is acknowledged on the trail or log group', () => {
    expect(acknowledged(trail.trail)).toEqual([]);
    expect(acknowledged(trail.logGroup.node.defaultChild!)).toEqual([]);
  });

  test('the only acknowledgement of the delivery policy is its log-stream wildcard', () => {
    Template.fromStack(built.stack); // validations (which add the acknowledgement) ran at synth
    const policy = trail.node.findChild('LogsPolicy').node.defaultChild!;
    expect(acknowledged(policy)).toEqual([
      'AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:111122223333:log-group:/t/cloudtrail:log-stream:111122223333_CloudTrail_us-east-1*]',
    ]);
  });
});

describe('AuditTrail options and limits', () => {
  test('with the key in another stack, nothing is acknowledged on the trail or its log group (the guard rules read the resolved key)', () => {
    const { trail } = build({ keyInOtherStack: true });
    expect(acknowledged(trail.trail)).toEqual([]);
    expect(acknowledged(trail.logGroup.node.defaultChild!)).toEqual([]);
  });

  test('without PHI buckets it still records every management event, and no data events', () => {
    const { resources } = build({ buckets: 0 });
    const trail = Object.values(resources).find((r) => r.Type === 'AWS::CloudTrail::Trail')!;
    expect(trail.Properties.EventSelectors).toEqual([{ IncludeManagementEvents: true, ReadWriteType: 'All' }]);
  });

  test('refuses a retention below 6 years and more buckets than one event selector takes', () => {
    expect(() => build({ props: { retentionDays: 365 } })).toThrow(/below 6 years/);
    expect(() => build({ buckets: 251 })).toThrow(/at most 250/);
  });

  test('replicates every log file into the destination with its key when replicateTo is set', () => {
    const { resources, trail, id } = build({
      props: { replicateTo: { bucketName: 'trail-replica', region: 'us-west-2', keyAliasName: 'alias/t/audit-dr' } },
    });
    const [rule] = resources[id(trail.bucket)].Properties.ReplicationConfiguration.Rules;
    expect(rule).toMatchObject({
      Destination: {
        Bucket: 'arn:aws:s3:::trail-replica',
        EncryptionConfiguration: { ReplicaKmsKeyID: 'arn:aws:kms:us-west-2:111122223333:alias/t/audit-dr' },
      },
      DeleteMarkerReplication: { Status: 'Disabled' },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
    });
  });

  test('archive transitions can be replaced', () => {
    const { resources, trail, id } = build({
      props: { archiveTransitions: [{ storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(180) }] },
    });
    const rule = resources[id(trail.bucket)].Properties.LifecycleConfiguration.Rules[1];
    expect(rule.Transitions).toEqual([{ StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 180 }]);
  });
});

describe('trailBucketLifecycle', () => {
  test('locks in COMPLIANCE mode for the retention, expires after it, keeps access logs as long', () => {
    const retention = Duration.days(2192);
    expect(trailBucketLifecycle(retention)).toEqual({
      objectLockMode: 'COMPLIANCE',
      objectLockRetention: retention,
      transitions: [...TRAIL_ARCHIVE_TRANSITIONS],
      expiration: retention,
      noncurrentVersionExpiration: TRAIL_NONCURRENT_GRACE,
      accessLogRetention: retention,
    });
  });
});
