import { Duration, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { sandboxRelaxations } from '../config/profile';
import type { DeploymentConfig } from '../config/schema';
import { CONTINUOUS_BACKUP_RETENTION_DAYS } from '../config/schema-backup';
import { LockedBackupVault, type LockedBackupVaultProps } from '../constructs/locked-backup-vault';
import { pinLogicalId } from '../constructs/logical-ids';
import { ManagedPolicyRole } from '../constructs/managed-policy-role';
import { acknowledgeWildcardResource } from '../constructs/wildcard-acknowledgement';
import { organizationSettings } from '../config/organization';
import { airGappedVaultArns, drBackupVaultArn } from '../naming';
import { deploymentNames, LOGICAL_IDS, TAG } from '../vocabulary';

/** The Vault Lock of a vault: mode and retention bounds, or none in a disposable (sandbox) vault. */
export type VaultLock = Pick<
  LockedBackupVaultProps,
  'lockMode' | 'minRetention' | 'maxRetention' | 'changeableFor' | 'disposable'
>;

/** The Vault Lock of both vaults, primary and DR, from the config (none in the sandbox profile). */
export function vaultLockSettings(config: DeploymentConfig): VaultLock {
  const lock = config.backup.vaultLock;
  return {
    lockMode: lock.mode,
    minRetention: Duration.days(lock.minRetentionDays),
    maxRetention: Duration.days(lock.maxRetentionDays),
    changeableFor: lock.changeableForDays === undefined ? undefined : Duration.days(lock.changeableForDays),
    disposable: sandboxRelaxations(config).disposable,
  };
}

/**
 * The AWS managed policies AWS Backup documents for a backup role that backs up and restores RDS and
 * S3. They follow every new AWS Backup feature; a customer-managed copy would silently fall behind.
 */
export const BACKUP_ROLE_MANAGED_POLICIES = [
  'service-role/AWSBackupServiceRolePolicyForBackup',
  'service-role/AWSBackupServiceRolePolicyForRestores',
  'AWSBackupServiceRolePolicyForS3Backup',
  'AWSBackupServiceRolePolicyForS3Restore',
] as const;

/** What the role may do with the keys of the data it backs up and of the vaults it writes into. */
const KEY_USE_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

/**
 * When the rules run (UTC). The continuous rule's window must not overlap the snapshot rules' windows:
 * when two rules' start windows overlap, AWS Backup takes only the backup of the rule with the longer
 * retention, and the daily snapshot (the one copied off-site) must never lose to the continuous backup.
 * The daily and monthly windows do overlap on the 1st: the monthly snapshot, kept longer, wins, and is
 * copied off-site with the monthly retention.
 */
const WINDOWS = {
  continuous: { hour: '1', startWindow: Duration.hours(1), completionWindow: Duration.days(7) },
  daily: { hour: '5', startWindow: Duration.hours(2), completionWindow: Duration.days(1) },
  monthly: { hour: '5', startWindow: Duration.hours(2), completionWindow: Duration.days(7) },
} as const;

/** The config-derived part of `BackupVaultingProps`. */
export interface BackupVaultingSettings {
  /** Deployment name: vault, plan and recovery-point tags, the DR key alias. */
  readonly deployment: string;
  /** Vault Lock of the primary vault (the DR vault has the same). */
  readonly vaultLock: VaultLock;
  /** Retention of the daily snapshots and of their off-site copies. */
  readonly dailyRetention: Duration;
  /** Retention of the monthly snapshots and of their off-site copies. */
  readonly monthlyRetention: Duration;
  /** Region of the DR vault and of its backup-dr key. */
  readonly drRegion: string;
  /** ARN of the DR vault (`DrRegionStore`), built from its deterministic name: no cross-region reference. */
  readonly drVaultArn: string;
  /** A further vault (e.g. another account's logically air-gapped vault) that receives every copy. @default - none */
  readonly additionalCopyVaultArn?: string;
  /**
   * Accounts apart (config `organization`): the backup account's logically air-gapped vaults, which
   * receive every scheduled copy too. The backup role then gets its fixed name, which their access
   * policies and keys admit. @default - none: single account, nothing changes
   */
  readonly airGappedCopy?: AirGappedCopy;
}

/** Where the air-gapped copies go (`BackupVaultingSettings.airGappedCopy`). */
export interface AirGappedCopy {
  /** The vault ARNs, one per backup region (`airGappedVaultArns`). */
  readonly vaultArns: readonly string[];
  /** The backup account: its vault keys, one per backup region, are the copies' keys. */
  readonly backupAccount: string;
  readonly regions: readonly string[];
}

/** Translates the config into the settings of `BackupVaulting`. */
export function backupVaultingSettings(config: DeploymentConfig): BackupVaultingSettings {
  return {
    deployment: config.name,
    vaultLock: vaultLockSettings(config),
    dailyRetention: Duration.days(config.backup.dailyRetentionDays),
    monthlyRetention: Duration.days(config.backup.monthlyRetentionDays),
    drRegion: config.regions.dr,
    drVaultArn: drBackupVaultArn(config),
    additionalCopyVaultArn: config.backup.additionalCopyVaultArn,
    airGappedCopy: airGappedCopyOf(config),
  };
}

function airGappedCopyOf(config: DeploymentConfig): AirGappedCopy | undefined {
  const organization = organizationSettings(config);
  if (!organization) return undefined;
  return {
    vaultArns: airGappedVaultArns(config),
    backupAccount: organization.backupAccount,
    regions: organization.backupRegions,
  };
}

export interface BackupVaultingProps extends BackupVaultingSettings {
  /** Encrypts the primary vault. */
  readonly backupKey: kms.IKey;
  /** Encrypts the protected data (database, PHI documents): backups read it, restores write it. */
  readonly phiKey: kms.IKey;
}

/**
 * Backups of the primary region (HIPAA 164.308(a)(7)(ii)(A) data backup plan, (B) disaster recovery
 * plan): the primary AWS Backup vault (backup key, Vault Lock), the backup plan and the role AWS Backup
 * runs its jobs with. The plan copies every scheduled recovery point into the DR vault by its
 * deterministic ARN, and into the additional copy vault when one is set.
 *
 * What the plan backs up is selected next to the protected resources (see `DataTier`), because cdk-nag
 * only credits a backup selection in the resource's own stack.
 */
export class BackupVaulting extends Construct {
  /** The primary vault: locked, encrypted with the backup key. */
  readonly vault: backup.BackupVault;
  /** Continuous (35-day PITR), daily and monthly rules; the scheduled ones copy off-site. */
  readonly plan: backup.BackupPlan;
  /** The role of every backup, copy and restore job, restore tests included. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: BackupVaultingProps) {
    super(scope, id);
    const names = deploymentNames(props.deployment);

    const lockedVault = new LockedBackupVault(this, 'Vault', {
      backupVaultName: names.backupVault,
      encryptionKey: props.backupKey,
      ...props.vaultLock,
    });
    this.vault = lockedVault.vault;

    this.role = this.backupRole(props);
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: names.backupPlan,
      backupVault: this.vault,
      backupPlanRules: this.rules(props),
    });
    // Sandbox: the plan (and its rules) is deleted before the vault is emptied, so no new backup lands after.
    if (lockedVault.emptier) this.plan.node.addDependency(lockedVault.emptier);

    pinLogicalId(this.vault, LOGICAL_IDS.backup.vault);
    pinLogicalId(this.plan, LOGICAL_IDS.backup.plan);
    pinLogicalId(this.role, LOGICAL_IDS.backup.role);
  }

  /**
   * Continuous backup for point-in-time recovery within 35 days, and daily and monthly snapshots
   * (HIPAA 164.308(a)(7)(ii)(A): retrievable exact copies). Every snapshot is copied to the DR vault
   * (and the additional vault) with its own retention. Continuous recovery points are not copied: a
   * copy of one is only a snapshot without point-in-time restore, which the daily rule already makes.
   * No cold storage: AWS Backup cannot copy recovery points in a cold tier across regions.
   */
  private rules(props: BackupVaultingProps): backup.BackupPlanRule[] {
    // Copy destinations by ARN: the DR vault lives in another region's stack, the additional one in another account.
    const destinations = [
      backup.BackupVault.fromBackupVaultArn(this, 'DrVault', props.drVaultArn),
      ...(props.additionalCopyVaultArn
        ? [backup.BackupVault.fromBackupVaultArn(this, 'AdditionalCopyVault', props.additionalCopyVaultArn)]
        : []),
      // The backup account's air-gapped vaults (https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html:
      // "Logically air-gapped vaults can be a copy job destination target in a backup plan").
      ...(props.airGappedCopy?.vaultArns ?? []).map((arn, i) =>
        backup.BackupVault.fromBackupVaultArn(this, `AirGappedVault${i}`, arn),
      ),
    ];
    const offSite = (deleteAfter: Duration): backup.BackupPlanCopyActionProps[] =>
      destinations.map((destinationBackupVault) => ({ destinationBackupVault, deleteAfter }));
    const tags = (rule: string) => ({ [TAG.deployment]: props.deployment, [TAG.backupRule]: rule });
    const { daily, monthly, continuous } = WINDOWS;
    return [
      new backup.BackupPlanRule({
        ruleName: 'continuous',
        enableContinuousBackup: true,
        deleteAfter: Duration.days(CONTINUOUS_BACKUP_RETENTION_DAYS),
        scheduleExpression: events.Schedule.cron({ minute: '0', hour: continuous.hour }),
        startWindow: continuous.startWindow,
        completionWindow: continuous.completionWindow,
        recoveryPointTags: tags('continuous'),
      }),
      new backup.BackupPlanRule({
        ruleName: 'daily',
        deleteAfter: props.dailyRetention,
        scheduleExpression: events.Schedule.cron({ minute: '0', hour: daily.hour }),
        startWindow: daily.startWindow,
        completionWindow: daily.completionWindow,
        copyActions: offSite(props.dailyRetention),
        recoveryPointTags: tags('daily'),
      }),
      new backup.BackupPlanRule({
        ruleName: 'monthly',
        deleteAfter: props.monthlyRetention,
        scheduleExpression: events.Schedule.cron({ minute: '0', hour: monthly.hour, day: '1' }),
        startWindow: monthly.startWindow,
        completionWindow: monthly.completionWindow,
        copyActions: offSite(props.monthlyRetention),
        recoveryPointTags: tags('monthly'),
      }),
    ];
  }

  /**
   * The role AWS Backup assumes for backup, copy and restore jobs of RDS and S3 (restore tests reuse it).
   * Trust: AWS Backup only. Permissions: the four AWS managed policies AWS Backup documents for RDS and
   * S3, plus the use of exactly the keys involved: the phi key (the data), the backup key (the primary
   * vault) and the backup-dr key (the DR vault, known by alias only: it lives in another region's
   * stack). The keys' policies delegate to IAM, so these statements are what lets the jobs use them.
   */
  private backupRole(props: BackupVaultingProps): iam.Role {
    const role = new ManagedPolicyRole(this, 'Role', {
      // Named only with accounts apart: the backup account's vault policy and key admit it by exact ARN.
      // (Spread, not `roleName: undefined`: CDK records the props it is given in the template's metadata.)
      ...(props.airGappedCopy ? { roleName: deploymentNames(props.deployment).backupRole } : {}),
      description: `AWS Backup jobs of ${props.deployment}: backup, copy to the DR region, restore (RDS and S3)`,
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: BACKUP_ROLE_MANAGED_POLICIES.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
      policyDescription: `Use of the phi, backup and backup-dr keys by the AWS Backup jobs of ${props.deployment}`,
    });
    const keys = [props.phiKey.keyArn, props.backupKey.keyArn];
    const drKeys = Stack.of(this).formatArn({ service: 'kms', region: props.drRegion, resource: 'key', resourceName: '*' });
    const drKeyAlias = {
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [deploymentNames(props.deployment).keyAlias('backup-dr')] },
    };
    // Grants only for AWS services acting on a resource (RDS snapshot copies, AWS Backup storage).
    const forAwsResources = { Bool: { 'kms:GrantIsForAWSResource': 'true' } };
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'UseDataAndVaultKeys', actions: KEY_USE_ACTIONS, resources: keys }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'GrantDataAndVaultKeysToAwsServices',
        actions: ['kms:CreateGrant'],
        resources: keys,
        conditions: forAwsResources,
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'UseDrVaultKey', actions: KEY_USE_ACTIONS, resources: [drKeys], conditions: drKeyAlias }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'GrantDrVaultKeyToAwsServices',
        actions: ['kms:CreateGrant'],
        resources: [drKeys],
        conditions: { ...drKeyAlias, ...forAwsResources },
      }),
    );
    if (props.airGappedCopy) this.allowAirGappedVaultKeys(role, props.airGappedCopy);
    acknowledgeWildcardResource(role.policy.node.defaultChild as iam.CfnManagedPolicy, drKeys, {
      control: '164.308(a)(7)(ii)(B)',
      reason:
        'The DR vault key lives in the Dr stack of another region and is known only by its alias; IAM cannot name a key by alias in Resource. Narrowed by kms:ResourceAliases to the one key carrying the backup-dr alias of this deployment, for the copies AWS Backup re-encrypts with the destination vault key; CreateGrant only for AWS resources.',
    });
    const why =
      'is one of the four AWS managed policies AWS Backup documents for a backup role that backs up and restores RDS and S3; AWS keeps it in step with the service (new resource types, API changes), a customer-managed copy would silently fall behind and fail jobs. The role can only be assumed by AWS Backup, and AWS Backup only acts on the resources named in the backup selection and on restore jobs of this account.';
    acknowledge(
      role.node.defaultChild as iam.CfnRole,
      ...BACKUP_ROLE_MANAGED_POLICIES.map((name) => ({
        ruleId: `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        control: '164.308(a)(7)(ii)(A)' as const,
        reason: `${name.replace('service-role/', '')} ${why}`,
      })),
    );
    return role;
  }

  /**
   * Accounts apart: the role copies into the backup account's air-gapped vaults and restores from them,
   * so it needs their keys too: "The source account's copy role must have access permissions to both the
   * source and destination CMKs" (https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html#lag-encryption-key-types).
   * Those keys' policies admit only this role, by exact ARN and through AWS Backup.
   */
  private allowAirGappedVaultKeys(role: ManagedPolicyRole, copy: AirGappedCopy): void {
    const stack = Stack.of(this);
    const keys = copy.regions.map((region) =>
      stack.formatArn({ service: 'kms', region, account: copy.backupAccount, resource: 'key', resourceName: '*' }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'UseAirGappedVaultKeys', actions: KEY_USE_ACTIONS, resources: keys }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'GrantAirGappedVaultKeysToAwsServices',
        actions: ['kms:CreateGrant'],
        resources: keys,
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    for (const key of keys) {
      acknowledgeWildcardResource(role.policy.node.defaultChild as iam.CfnManagedPolicy, key, {
        control: '164.308(a)(7)(ii)(A)',
        reason:
          "The air-gapped vault key lives in the backup account and its ARN holds a random key ID that this account cannot know without a cross-account reference. Narrowed to that account and region; the key's own policy admits this role only through AWS Backup, and no other key of the backup account admits it. CreateGrant only for AWS resources.",
      });
    }
  }
}
