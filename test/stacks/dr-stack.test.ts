/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
import { Template } from 'aws-cdk-lib/assertions';
import { type Deployment } from '../../lib/app';
import type { DeploymentConfig } from '../../lib/config/schema';
import { flat, PRIVATE_BUCKET } from '../helpers/cfn-values';
import { resourcesOf, shippedDeployment } from '../helpers/deployment';

type Resource = { Type: string; Properties: Record<string, any>; [k: string]: unknown };
type Resources = Record<string, Resource>;

/** Stateful resources and their pinned logical IDs: a change replaces (or orphans) the resource. */
const PINNED = {
  PhiDrKey: 'AWS::KMS::Key',
  PhiDrKeyAlias: 'AWS::KMS::Alias',
  PhiReplicaBucket: 'AWS::S3::Bucket',
  PhiReplicaAccessLogBucket: 'AWS::S3::Bucket',
  AuditDrKey: 'AWS::KMS::Key',
  AuditDrKeyAlias: 'AWS::KMS::Alias',
  EvidenceReplicaBucket: 'AWS::S3::Bucket',
  EvidenceReplicaAccessLogBucket: 'AWS::S3::Bucket',
  TrailReplicaBucket: 'AWS::S3::Bucket',
  TrailReplicaAccessLogBucket: 'AWS::S3::Bucket',
  BackupDrKey: 'AWS::KMS::Key',
  BackupDrKeyAlias: 'AWS::KMS::Alias',
  BackupDrVault: 'AWS::Backup::BackupVault',
} as const;

describe.each([
  ['config/demo.json', 'GOVERNANCE', { MinRetentionDays: 35, MaxRetentionDays: 400 }],
  ['config/production.example.json', 'COMPLIANCE', { MinRetentionDays: 35, MaxRetentionDays: 2600, ChangeableForDays: 3 }],
])('DR stack from %s', (file, lockMode, vaultLockConfiguration) => {
  let config: DeploymentConfig;
  let deployment: Deployment;
  let resources: Resources;
  let dataResources: Resources;

  beforeAll(() => {
    ({ config, deployment } = shippedDeployment(file));
    resources = resourcesOf(deployment.dr);
    dataResources = resourcesOf(deployment.data);
  });

  const replica = () => resources.PhiReplicaBucket.Properties;
  const logBucket = () => resources.PhiReplicaAccessLogBucket.Properties;
  const policyOf = (bucketId: string) => {
    const policy = Object.values(resources).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId,
    )!;
    return policy.Properties.PolicyDocument.Statement as Record<string, any>[];
  };

  test('is deployed to the DR region with termination protection', () => {
    expect(deployment.dr.region).toBe(config.regions.dr);
    expect(deployment.dr.region).not.toBe(config.regions.primary);
    expect(deployment.dr.terminationProtection).toBe(true);
  });

  test('the evidence replica is locked in COMPLIANCE mode for the log retention, under its own audit-dr key', () => {
    const evidence = resources.EvidenceReplicaBucket.Properties;
    expect(evidence.BucketName).toEqual(expect.anything());
    expect(flat(evidence.BucketName)).toBe(`${config.name}-evidence-dr-<AWS::AccountId>-${config.regions.dr}`);
    expect(evidence.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.logs.retentionDays } },
    });
    expect(evidence.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: { 'Fn::GetAtt': ['AuditDrKey', 'Arn'] },
    });
    expect(resources.AuditDrKey.Properties).toMatchObject({ EnableKeyRotation: true });
    expect(resources.AuditDrKeyAlias.Properties.AliasName).toBe(`alias/${config.name}/audit-dr`);
  });

  describe('CloudTrail log replica bucket', () => {
    const trailReplica = () => resources.TrailReplicaBucket.Properties;
    let auditResources: Resources;
    beforeAll(() => {
      auditResources = resourcesOf(deployment.audit);
    });

    test('has exactly the deterministic name the Audit stack replicates into', () => {
      const name = `${config.name}-trail-dr-<AWS::AccountId>-${config.regions.dr}`;
      expect(flat(trailReplica().BucketName)).toBe(name);
      const [rule] = auditResources.TrailBucket.Properties.ReplicationConfiguration.Rules;
      expect(flat(rule.Destination.Bucket)).toBe(`arn:<AWS::Partition>:s3:::${name}`);
    });

    test('is locked in COMPLIANCE mode for the log retention, like the source, under the audit-dr key', () => {
      expect(trailReplica().ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.logs.retentionDays } },
      });
      expect(trailReplica().ObjectLockConfiguration).toEqual(auditResources.TrailBucket.Properties.ObjectLockConfiguration);
      expect(trailReplica().BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['AuditDrKey', 'Arn'] } },
      });
      expect(trailReplica()).toMatchObject({ VersioningConfiguration: { Status: 'Enabled' }, ...PRIVATE_BUCKET });
    });

    test('archives and expires its copies itself, with the same lifecycle as the source (delete markers are not replicated)', () => {
      expect(trailReplica().LifecycleConfiguration).toEqual(auditResources.TrailBucket.Properties.LifecycleConfiguration);
      expect(trailReplica().LifecycleConfiguration.Rules).toContainEqual(
        expect.objectContaining({ Id: 'archive-and-expire-current-versions', ExpirationInDays: config.logs.retentionDays }),
      );
    });

    test('logs server access into its own access-log bucket, and is a destination only', () => {
      expect(trailReplica().LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: 'TrailReplicaAccessLogBucket' } });
      expect(trailReplica().ReplicationConfiguration).toBeUndefined();
      expect(policyOf('TrailReplicaBucket').filter((s) => s.Effect === 'Allow')).toEqual([]);
    });
  });

  test('stateful resources keep their pinned logical IDs', () => {
    for (const [id, type] of Object.entries(PINNED)) expect(resources[id]?.Type).toBe(type);
  });

  test('the key and the buckets are retained on deletion and on replacement', () => {
    for (const id of [
      'PhiDrKey',
      'PhiReplicaBucket',
      'PhiReplicaAccessLogBucket',
      'AuditDrKey',
      'EvidenceReplicaBucket',
      'TrailReplicaBucket',
      'TrailReplicaAccessLogBucket',
      'BackupDrKey',
      'BackupDrVault',
    ]) {
      expect(resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  test('no Lambda function or custom resource in the stack', () => {
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function' || r.Type.startsWith('Custom::'))).toEqual(
      [],
    );
  });

  describe('DR PHI key', () => {
    test('rotates on the configured period, waits the configured window, and is tagged phi-dr', () => {
      expect(resources.PhiDrKey.Properties).toMatchObject({
        EnableKeyRotation: true,
        RotationPeriodInDays: config.keys.rotationPeriodDays,
        PendingWindowInDays: config.keys.pendingWindowDays,
        Tags: expect.arrayContaining([{ Key: 'hipaa-crm:data-class', Value: 'phi-dr' }]),
      });
    });

    test('has the alias the Data stack names as replica key', () => {
      expect(resources.PhiDrKeyAlias.Properties).toEqual({
        AliasName: `alias/${config.name}/phi-dr`,
        TargetKeyId: { 'Fn::GetAtt': ['PhiDrKey', 'Arn'] },
      });
      const [rule] = dataResources.PhiDocumentsBucket.Properties.ReplicationConfiguration.Rules;
      const replicaKey = flat(rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID);
      expect(replicaKey).toMatch(
        new RegExp(`^arn:<AWS::Partition>:kms:${config.regions.dr}:(<AWS::AccountId>|\\d{12}):alias/${config.name}/phi-dr$`),
      );
    });
  });

  describe('DR backup vault', () => {
    const vault = () => resources.BackupDrVault.Properties;

    test('has the deterministic name the primary backup plan copies into', () => {
      expect(vault().BackupVaultName).toBe(`${config.name}-backup-vault-dr`);
      const plan = Template.fromStack(deployment.backup).toJSON().Resources.BackupPlan.Properties.BackupPlan;
      const destinations = (plan.BackupPlanRule as Record<string, any>[]).flatMap((r) =>
        (r.CopyActions ?? []).map((c: Record<string, any>) => flat(c.DestinationBackupVaultArn)),
      );
      expect(destinations.length).toBeGreaterThan(0);
      for (const arn of destinations) {
        expect(arn).toBe(
          `arn:<AWS::Partition>:backup:${config.regions.dr}:<AWS::AccountId>:backup-vault:${vault().BackupVaultName}`,
        );
      }
    });

    test('is encrypted with its own backup-dr key, which rotates like the other DR keys', () => {
      expect(vault().EncryptionKeyArn).toEqual({ 'Fn::GetAtt': ['BackupDrKey', 'Arn'] });
      expect(resources.BackupDrKey.Properties).toMatchObject({
        EnableKeyRotation: true,
        RotationPeriodInDays: config.keys.rotationPeriodDays,
        PendingWindowInDays: config.keys.pendingWindowDays,
        Tags: expect.arrayContaining([{ Key: 'hipaa-crm:data-class', Value: 'backup-dr' }]),
      });
      expect(resources.BackupDrKeyAlias.Properties).toEqual({
        AliasName: `alias/${config.name}/backup-dr`,
        TargetKeyId: { 'Fn::GetAtt': ['BackupDrKey', 'Arn'] },
      });
    });

    test(`has the same ${lockMode} Vault Lock as the primary vault`, () => {
      expect(config.backup.vaultLock.mode).toBe(lockMode);
      expect(vault().LockConfiguration).toEqual(vaultLockConfiguration);
      const primary = Template.fromStack(deployment.backup).toJSON().Resources.BackupVault.Properties;
      expect(vault().LockConfiguration).toEqual(primary.LockConfiguration);
    });

    test('denies every principal deleting recovery points, shortening their lifecycle or replacing the policy', () => {
      expect(vault().AccessPolicy.Statement).toEqual([
        expect.objectContaining({
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Resource: '*',
          Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle', 'backup:PutBackupVaultAccessPolicy'],
        }),
      ]);
    });
  });

  describe('PHI replica bucket', () => {
    test('has exactly the deterministic name the Data stack replicates into', () => {
      const name = `${config.name}-phi-replica-<AWS::AccountId>-${config.regions.dr}`;
      expect(flat(replica().BucketName)).toBe(name);
      const [rule] = dataResources.PhiDocumentsBucket.Properties.ReplicationConfiguration.Rules;
      expect(flat(rule.Destination.Bucket)).toBe(`arn:<AWS::Partition>:s3:::${name}`);
    });

    test('is encrypted with the DR key and an S3 Bucket Key', () => {
      expect(replica().BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['PhiDrKey', 'Arn'] } },
          },
        ],
      });
    });

    test(`is versioned with the same Object Lock as the source (${lockMode})`, () => {
      expect(replica()).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: lockMode, Days: config.phiBucket.objectLockRetentionDays } },
        },
      });
      expect(replica().ObjectLockConfiguration).toEqual(dataResources.PhiDocumentsBucket.Properties.ObjectLockConfiguration);
    });

    test('blocks all public access and disables ACLs', () => {
      expect(replica()).toMatchObject({
        ...PRIVATE_BUCKET,
      });
    });

    test('denies requests without TLS or below TLS 1.2, and allows nothing', () => {
      const statements = policyOf('PhiReplicaBucket');
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
        ]),
      );
      expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([]);
    });

    test('logs server access into the DR access-log bucket', () => {
      expect(replica().LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: 'PhiReplicaAccessLogBucket' } });
    });

    test('has the same lifecycle as the source', () => {
      expect(replica().LifecycleConfiguration).toEqual(dataResources.PhiDocumentsBucket.Properties.LifecycleConfiguration);
      expect(replica().LifecycleConfiguration.Rules[0]).toMatchObject({
        NoncurrentVersionExpiration: { NoncurrentDays: config.phiBucket.noncurrentVersionExpirationDays },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      });
    });

    test('is a destination only: no replication of its own', () => {
      expect(replica().ReplicationConfiguration).toBeUndefined();
    });
  });

  describe('DR access-log bucket', () => {
    test('uses SSE-S3, is versioned, private and kept for the audit retention', () => {
      expect(logBucket()).toMatchObject({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        ...PRIVATE_BUCKET,
      });
      expect(logBucket().LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(config.logs.retentionDays);
    });

    test('accepts only S3 log delivery for the replica bucket and denies deletes', () => {
      const statements = policyOf('PhiReplicaAccessLogBucket');
      expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([
        expect.objectContaining({
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Condition: expect.objectContaining({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': ['PhiReplicaBucket', 'Arn'] } } }),
        }),
      ]);
      expect(statements).toContainEqual(
        expect.objectContaining({
          Sid: 'DenyDeletingAccessLogs',
          Effect: 'Deny',
          Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        }),
      );
    });
  });
});
