/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { vaultLockSettings } from '../../lib/capabilities/backup-vaulting';
import { DrRegionStore, drRegionStoreSettings } from '../../lib/capabilities/dr-region-store';
import type { DeploymentConfig } from '../../lib/config/schema';
import { trailBucketLifecycle } from '../../lib/constructs/audit-trail';
import { LockedBucket } from '../../lib/constructs/locked-bucket';
import { evidenceReplicaBucketName, trailReplicaBucketName } from '../../lib/naming';
import { evidenceLock } from '../../lib/capabilities/evidence-store';
import { deploymentNames } from '../../lib/vocabulary';
import { flat, PRIVATE_BUCKET } from '../helpers/cfn-values';
import { shippedConfig } from '../helpers/config';
import { envOf, logicalIdOfL2, templateApp } from '../helpers/stand-ins';

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

/** The lifecycle rules of the PHI documents bucket (test/capabilities/data-tier.test.ts asserts the same). */
const phiDocumentsLifecycle = (config: DeploymentConfig) => [
  {
    Id: 'expire-noncurrent-versions',
    Status: 'Enabled',
    NoncurrentVersionExpiration: { NoncurrentDays: config.phiBucket.noncurrentVersionExpirationDays },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
  },
];

/** A CloudTrail log bucket as the Audit stack's trail makes it (`trailBucketLifecycle`), for comparison. */
function trailBucketOf(config: DeploymentConfig) {
  const stack = new Stack(templateApp(), 'TrailSource');
  new LockedBucket(stack, 'Trail', {
    description: 'CloudTrail log bucket',
    encryptionKey: new kms.Key(stack, 'Key'),
    ...trailBucketLifecycle(Duration.days(config.logs.retentionDays)),
  });
  return Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket')).find((b) => b.Properties.ObjectLockEnabled)!
    .Properties;
}

describe.each([
  ['config/demo.json', 'GOVERNANCE', { MinRetentionDays: 35, MaxRetentionDays: 400 }],
  ['config/production.example.json', 'COMPLIANCE', { MinRetentionDays: 35, MaxRetentionDays: 2600, ChangeableForDays: 3 }],
])('DrRegionStore from %s', (file, lockMode, vaultLockConfiguration) => {
  const config = shippedConfig(file);
  const stack = new Stack(templateApp(), 'Dr', { env: envOf(config, config.regions.dr) });
  const store = new DrRegionStore(stack, 'Store', { ...drRegionStoreSettings(config), evidenceLock: evidenceLock(config) });
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;

  const replica = () => resources.PhiReplicaBucket.Properties;
  const logBucket = () => resources.PhiReplicaAccessLogBucket.Properties;
  const policyOf = (bucketId: string) => {
    const policy = Object.values(resources).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId,
    )!;
    return policy.Properties.PolicyDocument.Statement as Record<string, any>[];
  };

  test('the evidence replica is locked in COMPLIANCE mode for the log retention, under its own audit-dr key', () => {
    const evidence = resources.EvidenceReplicaBucket.Properties;
    expect(evidence.BucketName).toEqual(expect.anything());
    expect(flat(evidence.BucketName)).toBe(`${config.name}-evidence-dr-<AWS::AccountId>-${config.regions.dr}`);
    // The name the Audit stack's evidence bucket replicates into.
    expect(flat(evidence.BucketName)).toBe(flat(stack.resolve(evidenceReplicaBucketName(config))));
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

    test('has exactly the deterministic name the Audit stack replicates into', () => {
      const name = `${config.name}-trail-dr-<AWS::AccountId>-${config.regions.dr}`;
      expect(flat(trailReplica().BucketName)).toBe(name);
      expect(flat(stack.resolve(trailReplicaBucketName(config)))).toBe(name);
    });

    test('is locked in COMPLIANCE mode for the log retention, like the source, under the audit-dr key', () => {
      expect(trailReplica().ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.logs.retentionDays } },
      });
      expect(trailReplica().ObjectLockConfiguration).toEqual(trailBucketOf(config).ObjectLockConfiguration);
      expect(trailReplica().BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['AuditDrKey', 'Arn'] } },
      });
      expect(trailReplica()).toMatchObject({ VersioningConfiguration: { Status: 'Enabled' }, ...PRIVATE_BUCKET });
    });

    test('archives and expires its copies itself, with the same lifecycle as the source (delete markers are not replicated)', () => {
      expect(trailReplica().LifecycleConfiguration).toEqual(trailBucketOf(config).LifecycleConfiguration);
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
    expect(
      [store.phiDrKey, store.auditDrKey, store.backupDrKey, store.backupVault]
        .map(logicalIdOfL2)
        .concat([store.phiReplica, store.evidenceReplica, store.trailReplica].map((b) => logicalIdOfL2(b.bucket))),
    ).toEqual([
      'PhiDrKey',
      'AuditDrKey',
      'BackupDrKey',
      'BackupDrVault',
      'PhiReplicaBucket',
      'EvidenceReplicaBucket',
      'TrailReplicaBucket',
    ]);
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
      expect(resources[id]).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    }
  });

  test('no Lambda function or custom resource', () => {
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function' || r.Type.startsWith('Custom::'))).toEqual(
      [],
    );
  });

  describe('DR key policies', () => {
    const statementsOf = (keyId: string) => resources[keyId].Properties.KeyPolicy.Statement as Record<string, any>[];
    const erasureRole = `arn:<AWS::Partition>:iam::${config.account ?? '<AWS::AccountId>'}:role/${config.name}-crypto-erasure`;

    test('crypto-erasure (primary region) may destroy the phi-dr and backup-dr keys, named by its deterministic role', () => {
      for (const keyId of ['PhiDrKey', 'BackupDrKey']) {
        const erasure = statementsOf(keyId).filter((s) => (s.Sid as string | undefined)?.startsWith('AllowCryptoErasure'));
        expect(erasure.map((s) => s.Sid)).toEqual([
          'AllowCryptoErasureToInspectAndDisable',
          'AllowCryptoErasureToScheduleDeletion',
          'AllowCryptoErasureCanary',
        ]);
        for (const s of erasure) expect(flat(s.Condition.ArnEquals['aws:PrincipalArn'])).toBe(erasureRole);
      }
    });

    test('the audit-dr key keeps its own generic grants only: never erasable, topic publishers granted by the DR topic', () => {
      // The DrOperations stack's topic (SecurityNotifications) grants the alarm and event publishers itself.
      expect(statementsOf('AuditDrKey').map((s) => s.Sid ?? 'root')).toEqual([
        'root',
        'DenyGrantsExceptForAwsResources',
        'AllowCloudWatchLogsOfThisAccount',
        'AllowEventBridgeDeadLettersOfThisAccount',
      ]);
    });
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
      // test/capabilities/data-tier.test.ts asserts that the PHI documents replicate under this alias.
      expect(resources.PhiDrKeyAlias.Properties).toEqual({
        AliasName: `alias/${config.name}/phi-dr`,
        TargetKeyId: { 'Fn::GetAtt': ['PhiDrKey', 'Arn'] },
      });
      expect(resources.PhiDrKeyAlias.Properties.AliasName).toBe(deploymentNames(config.name).keyAlias('phi-dr'));
    });
  });

  describe('DR backup vault', () => {
    const vault = () => resources.BackupDrVault.Properties;

    test('has the deterministic name the primary backup plan copies into', () => {
      // test/capabilities/backup-vaulting.test.ts asserts that the plan copies into this name, in this region.
      expect(vault().BackupVaultName).toBe(`${config.name}-backup-vault-dr`);
      expect(vault().BackupVaultName).toBe(deploymentNames(config.name).drBackupVault);
      expect(stack.region).toBe(config.regions.dr);
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
      // The primary vault gets its lock from the same function (see backup-vaulting.test.ts).
      expect(drRegionStoreSettings(config).vaultLock).toEqual(vaultLockSettings(config));
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
      // test/capabilities/data-tier.test.ts asserts that the PHI documents replicate into this name.
      const name = `${config.name}-phi-replica-<AWS::AccountId>-${config.regions.dr}`;
      expect(flat(replica().BucketName)).toBe(name);
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
      expect(config.phiBucket.objectLockMode).toBe(lockMode);
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
      expect(replica().LifecycleConfiguration.Rules).toEqual(phiDocumentsLifecycle(config));
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
