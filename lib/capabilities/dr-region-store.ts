import { Aws, Duration } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { sandboxRelaxations } from '../config/profile';
import type { DeploymentConfig } from '../config/schema';
import { trailBucketLifecycle } from '../constructs/audit-trail';
import { CryptoErasure } from '../constructs/crypto-erasure';
import { DataClassKey } from '../constructs/data-class-key';
import { LockedBackupVault } from '../constructs/locked-backup-vault';
import { LockedBucket, type LockedBucketProps } from '../constructs/locked-bucket';
import { pinLogicalId } from '../constructs/logical-ids';
import { deploymentNames, LOGICAL_IDS } from '../vocabulary';
import { vaultLockSettings, type VaultLock } from './backup-vaulting';
import { phiDocumentsLockSettings, type PhiDocumentsLock } from './data-tier';

/** The lock and lifecycle of a replica bucket, the same as its source's. */
export type ReplicaLock = Pick<
  LockedBucketProps,
  'objectLockMode' | 'objectLockRetention' | 'noncurrentVersionExpiration' | 'accessLogRetention'
>;

/** The config-derived part of `DrRegionStoreProps`. */
export interface DrRegionStoreSettings {
  /** Deployment name: key aliases and tags, bucket and vault names, the crypto-erasure role. */
  readonly deployment: string;
  /** The DR region (part of the replica bucket names the primary stacks replicate into). */
  readonly drRegion: string;
  /** Automatic rotation period of the DR keys (90-365 days). */
  readonly rotationPeriod: Duration;
  /** Waiting period before a DR key scheduled for deletion is destroyed (7-30 days). */
  readonly pendingWindow: Duration;
  /** The lock and lifecycle of the PHI documents bucket, which its replica repeats. */
  readonly phiDocumentsLock: PhiDocumentsLock;
  /** Retention of the audit logs: the CloudTrail replica's lock and lifecycle, every access log. */
  readonly logRetention: Duration;
  /** Vault Lock of the DR vault, the same as the primary vault's. */
  readonly vaultLock: VaultLock;
  /**
   * Sandbox profile only (`sandboxRelaxations`, lib/config/profile.ts): its buckets are emptied and
   * deleted with the stack, without Object Lock default retention.
   */
  readonly disposable: boolean;
}

/** Translates the config into the settings of `DrRegionStore`. */
export function drRegionStoreSettings(config: DeploymentConfig): DrRegionStoreSettings {
  return {
    deployment: config.name,
    drRegion: config.regions.dr,
    rotationPeriod: Duration.days(config.keys.rotationPeriodDays),
    pendingWindow: Duration.days(config.keys.pendingWindowDays),
    phiDocumentsLock: phiDocumentsLockSettings(config),
    logRetention: Duration.days(config.logs.retentionDays),
    vaultLock: vaultLockSettings(config),
    disposable: sandboxRelaxations(config).disposable,
  };
}

export interface DrRegionStoreProps extends DrRegionStoreSettings {
  /** The lock of the audit evidence bucket, which its replica repeats (the Audit stack's evidence lock). */
  readonly evidenceLock: ReplicaLock;
}

/**
 * The DR region's copies (HIPAA 164.308(a)(7)(ii)(B) disaster recovery plan): the DR keys, the replicas
 * of the PHI documents, audit evidence and CloudTrail buckets, and the DR backup vault. The primary
 * region finds them by deterministic names (replica bucket names, `alias/<deployment>/<class>-dr`, the
 * DR vault's ARN), never by cross-region references.
 */
export class DrRegionStore extends Construct {
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

  constructor(scope: Construct, id: string, props: DrRegionStoreProps) {
    super(scope, id);
    const names = deploymentNames(props.deployment);
    const replicaBucketName = (kind: Parameters<typeof names.drReplicaBucket>[0]) =>
      names.drReplicaBucket(kind, Aws.ACCOUNT_ID, props.drRegion);
    const keyTiming = { rotationPeriod: props.rotationPeriod, pendingWindow: props.pendingWindow };

    const phiDr = new DataClassKey(this, 'PhiDr', {
      deployment: props.deployment,
      dataClass: 'phi-dr',
      description: 'PHI replicas in the DR region (replicated documents)',
      ...keyTiming,
    });
    this.phiDrKey = phiDr.key;

    this.phiReplica = new LockedBucket(this, 'PhiReplica', {
      description: 'PHI documents replica bucket',
      replicaOf: 'PHI documents bucket',
      bucketName: replicaBucketName('phi-replica'),
      encryptionKey: phiDr.key,
      // Same lock as the source: S3 requires Object Lock on the destination of Object Lock replication.
      ...props.phiDocumentsLock,
      accessLogRetention: props.logRetention,
      disposable: props.disposable,
    });

    // Off-site copy of the audit evidence (access reviews, drill records, certificates of
    // destruction). Its own key, never crypto-erased, like the primary audit key.
    const auditDr = new DataClassKey(this, 'AuditDr', {
      deployment: props.deployment,
      dataClass: 'audit-dr',
      description: 'audit evidence and CloudTrail log replicas in the DR region (no PHI)',
      ...keyTiming,
    });
    this.auditDrKey = auditDr.key;
    // Kept with the key: every log group and every dead-letter queue under the audit-dr key, in any stack, needs these.
    auditDr.allowCloudWatchLogs();
    auditDr.allowEventBridgeDeadLetters();
    this.evidenceReplica = new LockedBucket(this, 'EvidenceReplica', {
      description: 'audit evidence replica bucket',
      replicaOf: 'audit evidence bucket',
      bucketName: replicaBucketName('evidence-dr'),
      encryptionKey: auditDr.key,
      ...props.evidenceLock,
      disposable: props.disposable,
    });
    // Off-site copy of the CloudTrail log files and digests, under the same key, lock and lifecycle as
    // the source: delete markers are not replicated, so the replica expires its copies itself.
    this.trailReplica = new LockedBucket(this, 'TrailReplica', {
      description: 'CloudTrail log replica bucket',
      replicaOf: 'CloudTrail log bucket',
      bucketName: replicaBucketName('trail-dr'),
      encryptionKey: auditDr.key,
      ...trailBucketLifecycle(props.logRetention),
      disposable: props.disposable,
    });

    // Off-site vault of the primary backup plan (HIPAA 164.308(a)(7)(ii)(A) and (B)): every daily and
    // monthly recovery point is copied here by the vault's deterministic ARN, and re-encrypted with its
    // own key. Same Vault Lock as the primary vault. Same account, so AWS Backup needs no vault access
    // policy to copy in (only cross-account destinations do).
    const backupDr = new DataClassKey(this, 'BackupDr', {
      deployment: props.deployment,
      dataClass: 'backup-dr',
      description: 'recovery points copied into the DR AWS Backup vault',
      ...keyTiming,
    });
    this.backupDrKey = backupDr.key;
    // Crypto-erasure (KeyLifecycle, Operations stack) grants its role the primary keys itself; these DR keys are in
    // another region's stack, which the primary stacks know by name only, so they name its role here.
    const erasureRole = CryptoErasure.roleArn(this, props.deployment);
    phiDr.allowCryptoErasureBy(erasureRole);
    backupDr.allowCryptoErasureBy(erasureRole);
    this.backupVault = new LockedBackupVault(this, 'BackupVault', {
      backupVaultName: names.drBackupVault,
      encryptionKey: backupDr.key,
      ...props.vaultLock,
    }).vault;

    const ids = LOGICAL_IDS.dr;
    pinLogicalId(phiDr.key, ids.phiKey);
    pinLogicalId(phiDr.key.node.findChild('Alias'), ids.phiKeyAlias);
    pinLogicalId(this.phiReplica.bucket, ids.phiReplicaBucket);
    pinLogicalId(this.phiReplica.accessLogs.bucket, ids.phiReplicaAccessLogBucket);
    pinLogicalId(auditDr.key, ids.auditKey);
    pinLogicalId(auditDr.key.node.findChild('Alias'), ids.auditKeyAlias);
    pinLogicalId(this.evidenceReplica.bucket, ids.evidenceReplicaBucket);
    pinLogicalId(this.evidenceReplica.accessLogs.bucket, ids.evidenceReplicaAccessLogBucket);
    pinLogicalId(this.trailReplica.bucket, ids.trailReplicaBucket);
    pinLogicalId(this.trailReplica.accessLogs.bucket, ids.trailReplicaAccessLogBucket);
    pinLogicalId(backupDr.key, ids.backupKey);
    pinLogicalId(backupDr.key.node.findChild('Alias'), ids.backupKeyAlias);
    pinLogicalId(this.backupVault, ids.vault);
  }
}
