import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { DrRegionStore, drRegionStoreSettings } from '../capabilities/dr-region-store';
import type { DeploymentConfig } from '../config/schema';
import type { LockedBucket } from '../constructs/locked-bucket';
import { evidenceLock } from '../capabilities/evidence-store';

export interface DrStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/**
 * Stateful, DR region: the DR keys, the replicas of the PHI, evidence and trail buckets, and the DR
 * backup vault (see `DrRegionStore`). The primary stacks find them by deterministic names.
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
    // 'Default' keeps the logical IDs the resources had when they were created in the stack itself.
    const store = new DrRegionStore(this, 'Default', {
      ...drRegionStoreSettings(props.config),
      evidenceLock: evidenceLock(props.config),
    });
    this.phiDrKey = store.phiDrKey;
    this.phiReplica = store.phiReplica;
    this.evidenceReplica = store.evidenceReplica;
    this.trailReplica = store.trailReplica;
    this.auditDrKey = store.auditDrKey;
    this.backupDrKey = store.backupDrKey;
    this.backupVault = store.backupVault;
  }
}
