import { RemovalPolicy, type Duration } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { STATEFUL_REMOVAL_POLICY } from '../compliance/retention';
import { VaultEmptier } from './vault-emptier';

/** AWS Backup Vault Lock mode. */
export type VaultLockMode = 'GOVERNANCE' | 'COMPLIANCE';

/**
 * What the vault access policy denies to every principal, the vault's own account included. These are
 * the three actions AWS Config's and Backup Audit Manager's "recovery point manual deletion disabled"
 * control (BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED) looks for, with `*` as principal and resource.
 */
export const VAULT_PROTECTED_ACTIONS = [
  'backup:DeleteRecoveryPoint',
  'backup:UpdateRecoveryPointLifecycle',
  'backup:PutBackupVaultAccessPolicy',
] as const;

export interface LockedBackupVaultProps {
  /**
   * Name of the vault. Deterministic, so that a backup plan in another region (or account) can copy
   * into it by ARN without a cross-region reference.
   */
  readonly backupVaultName: string;
  /**
   * Customer-managed key of the vault. It encrypts the recovery points AWS Backup encrypts itself (S3)
   * and every copy that arrives from another region.
   */
  readonly encryptionKey: kms.IKey;
  /**
   * GOVERNANCE: principals allowed `backup:DeleteBackupVaultLockConfiguration` can still remove the
   * lock (trials). COMPLIANCE: the lock becomes immutable once `changeableFor` has passed, even for the
   * root user (production).
   */
  readonly lockMode: VaultLockMode;
  /** Shortest retention a recovery point stored or copied into the vault may have (at least 1 day). */
  readonly minRetention: Duration;
  /** Longest retention a recovery point stored or copied into the vault may have (more than `minRetention`, at most 36500 days). */
  readonly maxRetention: Duration;
  /**
   * COMPLIANCE mode only: the grace period (at least 3 days) during which the lock can still be
   * changed or removed, the last chance to undo a wrong lock.
   * @default - none: required in COMPLIANCE mode, refused in GOVERNANCE mode
   */
  readonly changeableFor?: Duration;
  /**
   * Sandbox profile only (lib/config/profile.ts): no Vault Lock and no deny policy, deleted with its
   * stack. AWS Backup refuses to delete a vault that still holds recovery points, so a VaultEmptier
   * deletes them first (CloudFormation deletes it before the vault). @default false
   */
  readonly disposable?: boolean;
}

/**
 * An AWS Backup vault whose recovery points cannot be destroyed early (HIPAA 164.308(a)(7)(ii)(A)
 * data backup plan, (B) disaster recovery plan; 164.312(c)(1) integrity): encrypted with the given
 * customer-managed key, Vault Lock with the given retention bounds, retained on stack deletion, and a
 * vault access policy that denies every principal deleting a recovery point, shortening its lifecycle
 * or replacing the access policy.
 *
 * `backup:DeleteBackupVaultAccessPolicy` is deliberately NOT denied. Denying it as well would make the
 * access policy permanent: nobody, CloudFormation included, could ever change it again (AWS's own
 * automatic EFS vault is stuck like that). Removing the policy is the one way to change it: an
 * operator deletes it (a CloudTrail-logged call that the Vault Lock makes harmless, since the lock
 * alone already refuses early deletion and lifecycle changes) and redeploys. The same applies to any
 * CloudFormation update of the policy itself, which `PutBackupVaultAccessPolicy` would otherwise refuse.
 *
 * Only recovery-point deletion by principals is denied: AWS Backup still expires recovery points at the
 * end of their lifecycle.
 */
export class LockedBackupVault extends Construct {
  readonly vault: backup.BackupVault;
  /**
   * Disposable vaults only: empties the vault before CloudFormation deletes it. Whatever writes into the
   * vault from the same stack (a backup plan) should depend on it, so it is deleted before the emptying.
   */
  readonly emptier?: VaultEmptier;

  constructor(scope: Construct, id: string, props: LockedBackupVaultProps) {
    super(scope, id);
    if (props.lockMode === 'COMPLIANCE' && !props.changeableFor) {
      throw new Error(`${this.node.path}: a COMPLIANCE Vault Lock needs changeableFor (at least 3 days to undo a wrong lock)`);
    }
    if (props.lockMode === 'GOVERNANCE' && props.changeableFor) {
      // A lock date would turn the lock into COMPLIANCE mode once it passes.
      throw new Error(`${this.node.path}: changeableFor applies to COMPLIANCE mode only; a GOVERNANCE lock has no lock date`);
    }
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: props.backupVaultName,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.disposable ? RemovalPolicy.DESTROY : STATEFUL_REMOVAL_POLICY,
      lockConfiguration: props.disposable
        ? undefined
        : {
            minRetention: props.minRetention,
            maxRetention: props.maxRetention,
            // AWS Backup: a lock with ChangeableForDays is in compliance mode after that date, without it in governance mode.
            changeableFor: props.lockMode === 'COMPLIANCE' ? props.changeableFor : undefined,
          },
    });
    if (props.disposable) {
      this.emptier = new VaultEmptier(this, 'Emptier', { vault: this.vault });
      return;
    }
    this.vault.addToAccessPolicy(
      new iam.PolicyStatement({
        sid: 'DenyRecoveryPointDeletionAndPolicyChanges',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...VAULT_PROTECTED_ACTIONS],
        resources: ['*'],
      }),
    );
  }
}
