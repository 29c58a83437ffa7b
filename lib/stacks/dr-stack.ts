import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { CryptoErasure } from '../constructs/crypto-erasure';
import { DataClassKey } from '../constructs/data-class-key';
import { trailBucketLifecycle } from '../constructs/audit-trail';
import { LockedBackupVault } from '../constructs/locked-backup-vault';
import { LockedBucket } from '../constructs/locked-bucket';
import { drBackupVaultName, evidenceReplicaBucketName, phiReplicaBucketName, trailReplicaBucketName } from '../naming';
import { evidenceLock } from './audit-stack';
import { vaultLock } from './backup-stack';
import { pinLogicalId } from '../constructs/logical-ids';

export interface DrStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/**
 * Stateful, DR region (HIPAA 164.308(a)(7)(ii)(B) disaster recovery plan): the DR PHI key and the
 * replica of the PHI documents bucket, the replicas of the audit buckets, and the DR backup vault. The
 * primary stacks find them by deterministic names (`phiReplicaBucketName`, `alias/<deployment>/phi-dr`,
 * `drBackupVaultArn`), never by cross-region references.
 */
export class DrStack extends Stack {
  /** Encrypts the PHI replicas in the DR region. */
  readonly phiDrKey: kms.Key;
  readonly phiReplica: LockedBucket;
  /** Off-site copy of the audit evidence bucket. */
  readonly evidenceReplica: LockedBucket;
  /** Off-site copy of the CloudTrail log bucket. */
  readonly trailReplica: LockedBucket;
  /** Encrypts the DR replicas of audit data and the DR region's operational logs and alerts (never erased). */
  readonly auditDrKey: kms.Key;
  /** Encrypts the DR backup vault. */
  readonly backupDrKey: kms.Key;
  /** The DR backup vault: receives the copies of the primary plan's scheduled recovery points. */
  readonly backupVault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: DrStackProps) {
    super(scope, id, props);
    const { config } = props;

    const phiDr = new DataClassKey(this, 'PhiDr', {
      deployment: config.name,
      dataClass: 'phi-dr',
      description: 'PHI replicas in the DR region (replicated documents)',
      rotationPeriod: Duration.days(config.keys.rotationPeriodDays),
      pendingWindow: Duration.days(config.keys.pendingWindowDays),
    });
    this.phiDrKey = phiDr.key;

    this.phiReplica = new LockedBucket(this, 'PhiReplica', {
      description: 'PHI documents replica bucket',
      replicaOf: 'PHI documents bucket',
      bucketName: phiReplicaBucketName(config),
      encryptionKey: phiDr.key,
      // Same lock as the source: S3 requires Object Lock on the destination of Object Lock replication.
      objectLockMode: config.phiBucket.objectLockMode,
      objectLockRetention: Duration.days(config.phiBucket.objectLockRetentionDays),
      noncurrentVersionExpiration: Duration.days(config.phiBucket.noncurrentVersionExpirationDays),
      accessLogRetention: Duration.days(config.logs.retentionDays),
    });

    // Off-site copy of the audit evidence (access reviews, drill records, certificates of
    // destruction). Its own key, never crypto-erased, like the primary audit key.
    const auditDr = new DataClassKey(this, 'AuditDr', {
      deployment: config.name,
      dataClass: 'audit-dr',
      description: 'audit evidence and CloudTrail log replicas in the DR region (no PHI)',
      rotationPeriod: Duration.days(config.keys.rotationPeriodDays),
      pendingWindow: Duration.days(config.keys.pendingWindowDays),
    });
    this.auditDrKey = auditDr.key;
    // The DrOperations stack's key-rotation enforcer logs, queues and alerts under the audit-dr key.
    auditDr.allowCloudWatchLogs();
    auditDr.allowEventBridgeDeadLetters();
    auditDr.allowAlarmAndEventPublishers();
    this.evidenceReplica = new LockedBucket(this, 'EvidenceReplica', {
      description: 'audit evidence replica bucket',
      replicaOf: 'audit evidence bucket',
      bucketName: evidenceReplicaBucketName(config),
      encryptionKey: auditDr.key,
      ...evidenceLock(config),
    });
    // Off-site copy of the CloudTrail log files and digests, under the same key, lock and lifecycle as
    // the source: delete markers are not replicated, so the replica expires its copies itself.
    this.trailReplica = new LockedBucket(this, 'TrailReplica', {
      description: 'CloudTrail log replica bucket',
      replicaOf: 'CloudTrail log bucket',
      bucketName: trailReplicaBucketName(config),
      encryptionKey: auditDr.key,
      ...trailBucketLifecycle(Duration.days(config.logs.retentionDays)),
    });

    // Off-site vault of the primary backup plan (HIPAA 164.308(a)(7)(ii)(A) and (B)): every daily and
    // monthly recovery point is copied here by the vault's deterministic ARN (`drBackupVaultArn`), and
    // re-encrypted with its own key. Same Vault Lock as the primary vault. Same account, so AWS Backup
    // needs no vault access policy to copy in (only cross-account destinations do).
    const backupDr = new DataClassKey(this, 'BackupDr', {
      deployment: config.name,
      dataClass: 'backup-dr',
      description: 'recovery points copied into the DR AWS Backup vault',
      rotationPeriod: Duration.days(config.keys.rotationPeriodDays),
      pendingWindow: Duration.days(config.keys.pendingWindowDays),
    });
    this.backupDrKey = backupDr.key;
    // Crypto-erasure (Operations stack, primary region) destroys the DR copies' keys too, through these
    // key policies only; its role is named deterministically because this stack cannot reference it.
    const erasureRole = CryptoErasure.roleArn(this, config.name);
    phiDr.allowCryptoErasureBy(erasureRole);
    backupDr.allowCryptoErasureBy(erasureRole);
    this.backupVault = new LockedBackupVault(this, 'BackupVault', {
      backupVaultName: drBackupVaultName(config.name),
      encryptionKey: backupDr.key,
      ...vaultLock(config),
    }).vault;

    pinLogicalId(phiDr.key, 'PhiDrKey');
    pinLogicalId(phiDr.key.node.findChild('Alias'), 'PhiDrKeyAlias');
    pinLogicalId(this.phiReplica.bucket, 'PhiReplicaBucket');
    pinLogicalId(this.phiReplica.accessLogs.bucket, 'PhiReplicaAccessLogBucket');
    pinLogicalId(auditDr.key, 'AuditDrKey');
    pinLogicalId(auditDr.key.node.findChild('Alias'), 'AuditDrKeyAlias');
    pinLogicalId(this.evidenceReplica.bucket, 'EvidenceReplicaBucket');
    pinLogicalId(this.evidenceReplica.accessLogs.bucket, 'EvidenceReplicaAccessLogBucket');
    pinLogicalId(this.trailReplica.bucket, 'TrailReplicaBucket');
    pinLogicalId(this.trailReplica.accessLogs.bucket, 'TrailReplicaAccessLogBucket');
    pinLogicalId(backupDr.key, 'BackupDrKey');
    pinLogicalId(backupDr.key.node.findChild('Alias'), 'BackupDrKeyAlias');
    pinLogicalId(this.backupVault, 'BackupDrVault');
  }
}
