import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LockedBucket, type LockedBucketProps, type ObjectLockMode } from '../../lib/constructs/locked-bucket';
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

describe('LockedBucket lifecycle', () => {
  function lifecycle(extra: Partial<LockedBucketProps>) {
    const stack = new Stack(projectApp(), 'S');
    const locked = new LockedBucket(stack, 'Logs', {
      description: 'test bucket',
      encryptionKey: new kms.Key(stack, 'Key'),
      objectLockMode: 'COMPLIANCE',
      objectLockRetention: Duration.days(2192),
      noncurrentVersionExpiration: Duration.days(30),
      ...extra,
    });
    const logicalId = stack.resolve((locked.bucket.node.defaultChild as s3.CfnBucket).logicalId) as string;
    return Template.fromStack(stack).toJSON().Resources[logicalId].Properties.LifecycleConfiguration.Rules;
  }
  const noncurrentRule = {
    Id: 'expire-noncurrent-versions',
    Status: 'Enabled',
    NoncurrentVersionExpiration: { NoncurrentDays: 30 },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
  };

  test('by default only noncurrent versions expire: current versions are neither moved nor expired', () => {
    expect(lifecycle({})).toEqual([noncurrentRule]);
  });

  test('with transitions and an expiration: current versions are archived, expired, and their delete markers removed', () => {
    const rules = lifecycle({
      transitions: [
        { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
        { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(365) },
      ],
      expiration: Duration.days(2192),
    });
    expect(rules).toEqual([
      noncurrentRule,
      {
        Id: 'archive-and-expire-current-versions',
        Status: 'Enabled',
        ExpirationInDays: 2192,
        Transitions: [
          { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
          { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 },
        ],
      },
      { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
  });

  test('with transitions only: nothing expires', () => {
    const rules = lifecycle({
      transitions: [{ storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(365) }],
    });
    expect(rules).toEqual([
      noncurrentRule,
      {
        Id: 'archive-and-expire-current-versions',
        Status: 'Enabled',
        Transitions: [{ StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 }],
      },
    ]);
  });

  test('refuses an expiration shorter than the Object Lock retention', () => {
    expect(() => lifecycle({ expiration: Duration.days(2191) })).toThrow(/before their Object Lock retention ends/);
  });
});

describe('LockedBucket, disposable (sandbox profile only)', () => {
  const stack = new Stack(projectApp(), 'Sandbox', { env: { region: 'us-east-1' } });
  new LockedBucket(stack, 'Docs', {
    description: 'test bucket',
    encryptionKey: new kms.Key(stack, 'Key'),
    objectLockMode: 'COMPLIANCE',
    objectLockRetention: Duration.days(10),
    noncurrentVersionExpiration: Duration.days(20),
    disposable: true,
  });
  const template = Template.fromStack(stack);
  const buckets = Object.values(template.findResources('AWS::S3::Bucket')) as {
    DeletionPolicy?: string;
    Properties: { ObjectLockEnabled?: boolean; ObjectLockConfiguration?: { Rule?: unknown } };
  }[];

  test('keeps Object Lock enabled, but locks no version: no default retention', () => {
    const locked = buckets.filter((b) => b.Properties.ObjectLockEnabled === true);
    expect(locked).toHaveLength(1);
    expect(locked[0].Properties.ObjectLockConfiguration?.Rule).toBeUndefined();
  });

  test('the bucket and its access-log bucket are emptied by CDK and deleted with the stack', () => {
    expect(buckets).toHaveLength(2);
    for (const b of buckets) expect(b.DeletionPolicy).toBe('Delete');
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });

  test('no bucket policy denies deleting objects, which would stop the emptying', () => {
    const policies = JSON.stringify(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).not.toMatch(/DenyDeletingAccessLogs/);
    expect(policies).toMatch(/s3:DeleteObject\*/);
  });
});

describe('LockedBucket with an archive in another account (archiveTo)', () => {
  const archive = {
    bucketName: 'crm-trail-arc-222222222222-us-east-1',
    account: '222222222222',
    region: 'us-east-1',
    keyArn: 'arn:aws:kms:us-east-1:222222222222:key/00000000-0000-4000-8000-000000000000',
    replicationRoleName: 'crm-trail-replication',
  };
  const props = (overrides: Partial<LockedBucketProps> = {}): [Stack, LockedBucketProps] => {
    const stack = new Stack(projectApp(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
    return [
      stack,
      {
        description: 'test bucket',
        encryptionKey: new kms.Key(stack, 'Key'),
        objectLockMode: 'COMPLIANCE',
        objectLockRetention: Duration.days(10),
        noncurrentVersionExpiration: Duration.days(20),
        replicateTo: { bucketName: 'replica', region: 'us-west-2', keyAliasName: 'alias/t/audit-dr' },
        archiveTo: archive,
        ...overrides,
      },
    ];
  };
  const [stack, archived] = props();
  const bucket = new LockedBucket(stack, 'Trail', archived);
  const template = Template.fromStack(stack);
  const rules = (
    template.findResources('AWS::S3::Bucket', { Properties: { ReplicationConfiguration: {} } }) as never as Record<
      string,
      { Properties: { ReplicationConfiguration: { Rules: Record<string, unknown>[] } } }
    >
  )[Stack.of(stack).resolve((bucket.bucket.node.defaultChild as s3.CfnBucket).logicalId) as string].Properties
    .ReplicationConfiguration.Rules;

  test('two rules, each with its priority (S3 requires them once there are several)', () => {
    expect(rules.map((r) => [r.Id, r.Priority])).toEqual([
      ['replicate-all-versions', 1],
      ['archive-all-versions', 2],
    ]);
  });

  test("the archive rule: the archive account owns the replicas (owner override), encrypted under the archive key's full ARN", () => {
    expect(rules[1]).toEqual({
      Id: 'archive-all-versions',
      Priority: 2,
      Status: 'Enabled',
      Filter: { Prefix: '' },
      DeleteMarkerReplication: { Status: 'Disabled' },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
      Destination: {
        Bucket: `arn:aws:s3:::${archive.bucketName}`,
        Account: archive.account,
        AccessControlTranslation: { Owner: 'Destination' },
        EncryptionConfiguration: { ReplicaKmsKeyID: archive.keyArn },
      },
    });
  });

  test('the replication role gets its fixed name, the owner override and the archive key, and no delete in the archive', () => {
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: archive.replicationRoleName });
    const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: { Sid: string }[] } } }).Properties.PolicyDocument.Statement,
    );
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.WriteArchiveReplicasOwnedByTheArchive).toEqual({
      Sid: 'WriteArchiveReplicasOwnedByTheArchive',
      Effect: 'Allow',
      Action: ['s3:ObjectOwnerOverrideToBucketOwner', 's3:ReplicateObject', 's3:ReplicateTags'],
      Resource: `arn:aws:s3:::${archive.bucketName}/*`,
    });
    expect(bySid.CheckArchiveVersioning).toMatchObject({
      Action: 's3:GetBucketVersioning',
      Resource: `arn:aws:s3:::${archive.bucketName}`,
    });
    expect(bySid.EncryptArchiveReplicasWithArchiveKey).toMatchObject({
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: archive.keyArn,
      Condition: {
        StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
        StringLike: {
          'kms:EncryptionContext:aws:s3:arn': [`arn:aws:s3:::${archive.bucketName}`, `arn:aws:s3:::${archive.bucketName}/*`],
        },
      },
    });
  });

  test('the archive wildcard is acknowledged for exactly the archive bucket', () => {
    const policy = bucket.replicationRole!.node.findChild('Policy').node.defaultChild!;
    const ids = policy.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(ids).toContain(`AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:s3:::${archive.bucketName}/*]`);
  });

  test('an archive is a second destination: without the DR replica, or on a replica, it is refused', () => {
    const [s1, withoutReplica] = props({ replicateTo: undefined });
    expect(() => new LockedBucket(s1, 'B', withoutReplica)).toThrow(/replicateTo is required/);
    const [s2, onReplica] = props({ replicateTo: undefined, replicaOf: 'x' });
    expect(() => new LockedBucket(s2, 'B', onReplica)).toThrow(/does not replicate onward/);
  });

  test('without an archive the DR rule has no priority and the role no fixed name (single-account templates unchanged)', () => {
    const { template: single } = build('COMPLIANCE', true);
    const [rule] = Object.values(single.findResources('AWS::S3::Bucket', { Properties: { ReplicationConfiguration: {} } })).map(
      (b) =>
        (b as { Properties: { ReplicationConfiguration: { Rules: Record<string, unknown>[] } } }).Properties
          .ReplicationConfiguration.Rules,
    );
    expect(rule).toHaveLength(1);
    expect(rule[0].Priority).toBeUndefined();
    expect(
      Object.values(single.findResources('AWS::IAM::Role')).map(
        (r) => (r as { Properties: { RoleName?: string } }).Properties.RoleName,
      ),
    ).toEqual([undefined]);
  });
});
