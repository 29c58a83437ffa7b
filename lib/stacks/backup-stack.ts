import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { BackupVaulting, backupVaultingSettings } from '../capabilities/backup-vaulting';
import type { DeploymentConfig } from '../config/schema';

export interface BackupStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** Encrypts the primary vault (Keys stack). */
  readonly backupKey: kms.IKey;
  /** Encrypts the protected data (Keys stack): backups read it, restores write it. */
  readonly phiKey: kms.IKey;
}

/**
 * Stateful, primary region: the locked primary vault, the backup plan and the backup role (see
 * `BackupVaulting`). The plan copies into the Dr stack's vault by ARN, so it deploys after that stack.
 */
export class BackupStack extends Stack {
  /** The primary vault: locked, encrypted with the backup key. */
  readonly vault: backup.BackupVault;
  /** Continuous (35-day PITR), daily and monthly rules; the scheduled ones copy off-site. */
  readonly plan: backup.BackupPlan;
  /** The role of every backup, copy and restore job, restore tests included. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: BackupStackProps) {
    super(scope, id, props);
    // 'Default' keeps the logical IDs the resources had when they were created in the stack itself.
    const vaulting = new BackupVaulting(this, 'Default', {
      ...backupVaultingSettings(props.config),
      backupKey: props.backupKey,
      phiKey: props.phiKey,
    });
    this.vault = vaulting.vault;
    this.plan = vaulting.plan;
    this.role = vaulting.role;
  }
}
