import { Duration, Stack, type CfnResource } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as ram from 'aws-cdk-lib/aws-ram';
import { Construct } from 'constructs';
import { STATEFUL_REMOVAL_POLICY } from '../compliance/retention';
import { organizationSettings } from '../config/organization';
import type { DeploymentConfig } from '../config/schema';
import { AIR_GAPPED_MIN_RETENTION_DAYS } from '../config/schema-organization';
import { DataClassKey } from '../constructs/data-class-key';
import { backupServiceLinkedRoleArn } from '../constructs/key-policy-grants';
import { VAULT_PROTECTED_ACTIONS } from '../constructs/locked-backup-vault';
import { pinLogicalId } from '../constructs/logical-ids';
import { acknowledgeWildcardResource } from '../constructs/wildcard-acknowledgement';
import { AIR_GAPPED_DATA_CLASS, deploymentNames, LOGICAL_IDS } from '../vocabulary';

/** The config-derived part of `AirGappedVaultProps`; undefined for a single-account deployment. */
export interface AirGappedVaultSettings {
  /** Deployment name: vault, key alias and role names. */
  readonly deployment: string;
  /** The organization of the accounts: every grant to the workload account is scoped to it. */
  readonly organizationId: string;
  /** The workload account: it copies into the vault and restores from it. */
  readonly workloadAccount: string;
  /**
   * Retention bounds of the vault (`backup.vaultLock`), the same as the workload's vaults: every daily
   * and monthly copy fits them. Create-only: a change would replace the vault.
   */
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
  /** Automatic rotation period of the key (`keys.rotationPeriodDays`). */
  readonly rotationPeriod: Duration;
  /** Waiting period before the key, once scheduled for deletion, is destroyed (`keys.pendingWindowDays`). */
  readonly pendingWindow: Duration;
}

/** The air-gapped vault settings from the config, or undefined without `organization` (nothing is built). */
export function airGappedVaultSettings(config: DeploymentConfig): AirGappedVaultSettings | undefined {
  const organization = organizationSettings(config);
  if (!organization) return undefined;
  return {
    deployment: config.name,
    organizationId: organization.organizationId,
    workloadAccount: organization.workloadAccount,
    minRetentionDays: config.backup.vaultLock.minRetentionDays,
    maxRetentionDays: config.backup.vaultLock.maxRetentionDays,
    rotationPeriod: Duration.days(config.keys.rotationPeriodDays),
    pendingWindow: Duration.days(config.keys.pendingWindowDays),
  };
}

export type AirGappedVaultProps = AirGappedVaultSettings;

/**
 * The backup account's logically air-gapped vault in one region (HIPAA 164.308(a)(7)(ii)(A) data
 * backup plan, (B) disaster recovery plan; 164.312(c)(1) integrity): every scheduled recovery point of
 * the workload's plan is copied here, where no principal of the workload account can delete it.
 *
 * - The vault (`AWS::Backup::LogicallyAirGappedBackupVault`, L1: CDK has no L2) is always locked in
 *   compliance mode (https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html).
 *   Its name, key and retentions are create-only: the logical IDs are pinned.
 * - Its key is a customer-managed key of this account, so that the copies can be crypto-erased (with the
 *   default AWS-owned key they never could). AWS Backup of this account may use it; the workload's backup
 *   role may use it through AWS Backup only (the source copy role of the guide's "Key policy for
 *   copy/restore"); the workload's AWS Backup may use it to restore from the shared vault; only the
 *   erasure role below may disable it or schedule its deletion.
 * - The access policy admits only `backup:CopyIntoBackupVault`, only from the workload's backup role
 *   (organization, account and exact role ARN), and denies every principal deleting a recovery point,
 *   shortening its lifecycle or replacing the policy (as `LockedBackupVault` does).
 * - A RAM share gives the workload account, and no account outside the organization, the vault to
 *   restore from (restore tests, the drill, a recovery).
 * - The erasure role: the workload's crypto-erasure role assumes it, because key management is not
 *   cross-account (kms-api-permissions-reference: DisableKey and ScheduleKeyDeletion "Cross-account use: No").
 */
export class AirGappedVault extends Construct {
  readonly key: kms.Key;
  readonly vault: backup.CfnLogicallyAirGappedBackupVault;
  readonly share: ram.CfnResourceShare;
  readonly erasureRole: iam.Role;

  constructor(scope: Construct, id: string, props: AirGappedVaultProps) {
    super(scope, id);
    if (props.minRetentionDays < AIR_GAPPED_MIN_RETENTION_DAYS || props.maxRetentionDays < props.minRetentionDays) {
      throw new Error(
        `${this.node.path}: a logically air-gapped vault needs ${AIR_GAPPED_MIN_RETENTION_DAYS} <= minRetentionDays <= maxRetentionDays, ` +
          `got ${props.minRetentionDays} and ${props.maxRetentionDays}`,
      );
    }
    const stack = Stack.of(this);
    const names = deploymentNames(props.deployment);
    const workloadRole = (name: string) => `arn:${stack.partition}:iam::${props.workloadAccount}:role/${name}`;

    const key = new DataClassKey(this, 'Key', {
      deployment: props.deployment,
      dataClass: AIR_GAPPED_DATA_CLASS,
      description: 'air-gapped copies of the recovery points in the backup account (crypto-erased with the PHI keys)',
      rotationPeriod: props.rotationPeriod,
      pendingWindow: props.pendingWindow,
    });
    this.key = key.key;
    key.allowAwsBackupOfThisAccount();
    // The workload's backup role copies in: the source copy role needs the destination vault's key,
    // through AWS Backup (https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html#lag-encryption-key-types).
    key.allowAwsBackupAcrossAccounts({
      sid: 'AllowWorkloadBackupRoleToCopyInAndRestore',
      organizationId: props.organizationId,
      account: props.workloadAccount,
      roleArns: [workloadRole(names.backupRole)],
      onlyViaAwsBackup: true,
    });
    // Restoring from the shared vault in the workload account: "the destination SLR" of the same guide section.
    key.allowAwsBackupAcrossAccounts({
      sid: 'AllowWorkloadAwsBackupToRestore',
      organizationId: props.organizationId,
      account: props.workloadAccount,
      roleArns: [backupServiceLinkedRoleArn(stack.partition, props.workloadAccount)],
    });

    this.erasureRole = new iam.Role(this, 'KeyErasureRole', {
      roleName: names.airGappedKeyErasureRole,
      description: `Crypto-erasure of ${names.airGappedKeyAlias}: assumed by the workload's crypto-erasure role only`,
      maxSessionDuration: Duration.hours(1),
      // Principal * narrowed to the exact role: a trust policy naming a role that does not exist yet (the
      // workload deploys after this stack) is refused, and a recreated role would silently stop matching.
      assumedBy: new iam.AnyPrincipal().withConditions({
        ArnEquals: { 'aws:PrincipalArn': workloadRole(names.cryptoErasureRole) },
        StringEquals: { 'aws:PrincipalOrgID': props.organizationId, 'aws:PrincipalAccount': props.workloadAccount },
      }),
    });
    // The key policy alone lets this role inspect, canary-test, disable and schedule the deletion of this
    // one key (same account), with at least the key's waiting period. Its one IAM permission: the erasure's
    // verify phase finds the key's DisableKey and ScheduleKeyDeletion events in this account's CloudTrail
    // event history of this region, where KMS records them.
    const lookup = new iam.ManagedPolicy(this, 'KeyErasureEventLookup', {
      description: `Crypto-erasure of ${names.airGappedKeyAlias}: find its key events in CloudTrail, in this region only`,
      roles: [this.erasureRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'FindKeyEventsInCloudTrail',
          actions: ['cloudtrail:LookupEvents'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
        }),
      ],
    });
    acknowledgeWildcardResource(lookup.node.defaultChild as CfnResource, '*', {
      control: '164.312(b)',
      reason:
        "cloudtrail:LookupEvents has no resource-level permissions (Resource must be *). Read-only, in this region only; it lets the crypto-erasure prove from this account's own CloudTrail that the air-gapped key was disabled and scheduled for deletion.",
    });
    // By its name-built ARN (as the workload keys name their erasure role), which the project rule
    // project_key_destruction_only_by_erasure_role_key_policy recognizes.
    key.allowCryptoErasureBy(`arn:${stack.partition}:iam::${stack.account}:role/${names.airGappedKeyErasureRole}`);

    this.vault = new backup.CfnLogicallyAirGappedBackupVault(this, 'Vault', {
      backupVaultName: names.airGappedVault,
      minRetentionDays: props.minRetentionDays,
      maxRetentionDays: props.maxRetentionDays,
      encryptionKeyArn: this.key.keyArn,
      accessPolicy: airGappedVaultAccessPolicy({
        organizationId: props.organizationId,
        workloadAccount: props.workloadAccount,
        workloadBackupRoleArn: workloadRole(names.backupRole),
      }),
    });
    this.vault.applyRemovalPolicy(STATEFUL_REMOVAL_POLICY);

    // Within the organization only: the workload account restores from it (restore tests, drill, recovery).
    this.share = new ram.CfnResourceShare(this, 'Share', {
      name: names.airGappedVault,
      allowExternalPrincipals: false,
      principals: [props.workloadAccount],
      resourceArns: [this.vault.attrBackupVaultArn],
    });

    const ids = LOGICAL_IDS.backupAccount;
    pinLogicalId(this.key, ids.airGappedKey);
    pinLogicalId(this.key.node.findChild('Alias'), ids.airGappedKeyAlias);
    pinLogicalId(this.vault, ids.airGappedVault);
    pinLogicalId(this.share, ids.airGappedVaultShare);
    pinLogicalId(this.erasureRole, ids.airGappedKeyErasureRole);
  }
}

/**
 * The air-gapped vault's access policy: cross-account access "for any action other than
 * backup:CopyIntoBackupVault will be rejected" anyway
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html); this one
 * admits only the workload's backup role to copy in, by organization, account and exact role ARN (not
 * the account root of AWS's example, https://repost.aws/knowledge-center/backup-resolve-access-denied-error),
 * and denies everyone deleting a recovery point, shortening its lifecycle or replacing the policy.
 */
export function airGappedVaultAccessPolicy(p: {
  readonly organizationId: string;
  readonly workloadAccount: string;
  readonly workloadBackupRoleArn: string;
}): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowCopyIntoFromTheWorkloadBackupRole',
        Effect: 'Allow',
        Principal: '*',
        Action: 'backup:CopyIntoBackupVault',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': p.organizationId, 'aws:PrincipalAccount': p.workloadAccount },
          ArnEquals: { 'aws:PrincipalArn': p.workloadBackupRoleArn },
        },
      },
      {
        Sid: 'DenyRecoveryPointDeletionAndPolicyChanges',
        Effect: 'Deny',
        Principal: '*',
        Action: [...VAULT_PROTECTED_ACTIONS],
        Resource: '*',
      },
    ],
  };
}
