import { Duration } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { organizationSettings } from '../config/organization';
import type { DeploymentConfig } from '../config/schema';
import { airGappedVaultArns } from '../naming';
import { BackupAuditFramework } from '../constructs/backup-audit-framework';
import { BackupJobNotifications } from '../constructs/backup-job-notifications';
import { IntegrityCanary } from '../constructs/integrity-canary';
import { allowBackupReports } from '../constructs/key-policy-grants';
import { pinLogicalId } from '../constructs/logical-ids';
import { RestoreTesting, type RestoreTestingProps } from '../constructs/restore-testing';
import { RestoreValidation } from '../constructs/restore-validation';
import { s3PrefixListId } from '../constructs/s3-prefix-list';
import type { SecureFunctionNetwork } from '../constructs/secure-function';
import { deploymentNames, LOGICAL_IDS, SUBNET_GROUPS } from '../vocabulary';
import { Capability, type CapabilityProps } from './capability';

/** What the config decides about backup assurance. */
export interface BackupAssuranceSettings {
  /** Deployment name: names of the plan, functions, alarms and reports (`deploymentNames`). */
  readonly deployment: string;
  /** When restore tests run: an AWS Backup cron expression in UTC (`backup.restoreTesting.schedule`). */
  readonly restoreSchedule: string;
  /** Hours after the scheduled time within which the restore jobs must start (`startWindowHours`). */
  readonly restoreStartWindowHours: number;
  /** Hours the restored copies stay up for validation (`validationWindowHours`). */
  readonly validationWindowHours: number;
  /** Application tables every restored database must hold, as `schema.table` (`expectedTables`). */
  readonly expectedTables: readonly string[];
  /** Objects of a restored bucket read back and checked (`sampleObjectCount`). */
  readonly sampleObjectCount: number;
  /** Recovery point objective every restore is measured against (`backup.targets.rpoMinutes`). */
  readonly rpoMinutes: number;
  /** Recovery time objective every restore is measured against; also the Backup Audit Manager restore-time target. */
  readonly rtoMinutes: number;
  /** How often the integrity canary writes its row (`backup.canaryIntervalMinutes`). */
  readonly canaryInterval: Duration;
  /** Name of the application database inside the live database and its restored copies. */
  readonly databaseName: string;
  /** Retention of the daily recovery points (`backup.dailyRetentionDays`): the Backup Audit Manager minimum. */
  readonly dailyRetentionDays: number;
  /** Vault Lock minimum retention (`backup.vaultLock.minRetentionDays`); also every recovery point's minimum. */
  readonly vaultLockMinRetentionDays: number;
  /** Vault Lock maximum retention (`backup.vaultLock.maxRetentionDays`). */
  readonly vaultLockMaxRetentionDays: number;
  /** Region every recovery point must be copied to (`regions.dr`). */
  readonly copyRegion: string;
  /**
   * Accounts apart (config `organization`): the backup account every recovery point is also copied to
   * (the cross-account copy control), and its air-gapped vault in the primary region, shared with this
   * account, which a restore testing plan of its own restores from. @default - none: single account
   */
  readonly airGappedCopy?: { readonly backupAccount: string; readonly primaryRegionVaultArn?: string };
  /** The VPC's IPv4 CIDR as a literal (`network.vpcCidr`): the in-VPC functions' HTTPS egress. */
  readonly vpcCidr: string;
  /** ID of the S3 managed prefix list of the primary region: the validator reads restored buckets. */
  readonly s3PrefixListId: string;
  /** Retention of the functions' log groups in days (`logs.retentionDays`, at least 6 years). */
  readonly logRetentionDays: number;
}

/** The backup assurance settings of a deployment. */
export function backupAssuranceSettings(config: DeploymentConfig): BackupAssuranceSettings {
  const b = config.backup;
  return {
    deployment: config.name,
    restoreSchedule: b.restoreTesting.schedule,
    restoreStartWindowHours: b.restoreTesting.startWindowHours,
    validationWindowHours: b.restoreTesting.validationWindowHours,
    expectedTables: b.restoreTesting.expectedTables,
    sampleObjectCount: b.restoreTesting.sampleObjectCount,
    rpoMinutes: b.targets.rpoMinutes,
    rtoMinutes: b.targets.rtoMinutes,
    canaryInterval: Duration.minutes(b.canaryIntervalMinutes),
    databaseName: config.database.databaseName,
    dailyRetentionDays: b.dailyRetentionDays,
    vaultLockMinRetentionDays: b.vaultLock.minRetentionDays,
    vaultLockMaxRetentionDays: b.vaultLock.maxRetentionDays,
    copyRegion: config.regions.dr,
    airGappedCopy: airGappedCopyOf(config),
    vpcCidr: config.network.vpcCidr,
    s3PrefixListId: s3PrefixListId(config.regions.primary),
    logRetentionDays: config.logs.retentionDays,
  };
}

function airGappedCopyOf(config: DeploymentConfig): BackupAssuranceSettings['airGappedCopy'] {
  const organization = organizationSettings(config);
  if (!organization) return undefined;
  // A restore testing plan restores in its own region (the primary): only an air-gapped vault of that
  // region can be tested by it. A vault in another region (off-site) is restored by hand
  // (docs/runbooks/lost-workload-account.md).
  const arns = airGappedVaultArns(config);
  const primary = organization.backupRegions.indexOf(config.regions.primary);
  return { backupAccount: organization.backupAccount, primaryRegionVaultArn: primary === -1 ? undefined : arns[primary] };
}

/** The live PHI database, as the restore tests, the validator and the canary need it. */
export interface LiveDatabase {
  /** The instance: its ARN (restore tests), endpoint and resource ID (canary, validator). */
  readonly instance: rds.IDatabaseInstance;
  /** Its port, a literal; restored copies listen on it too. */
  readonly port: number;
  /** Its security group: the canary is admitted to it on `port`. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Its DB subnet group (the isolated data subnets): restored copies are placed in it. */
  readonly subnetGroupName: string;
  /** Its parameter group: restored copies use it too, so that they also force TLS and keep PHI out of their logs. */
  readonly parameterGroupName: string;
}

export interface BackupAssuranceProps extends BackupAssuranceSettings, CapabilityProps {
  /** The VPC: restored databases, the validator and the canary are placed in it. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the validator and the canary, next to the interface endpoints.
   * @default - the workload subnets (`SUBNET_GROUPS.workload`)
   */
  readonly functionSubnets?: ec2.SubnetSelection;
  /** The live database: restore tests restore it, the canary writes into it. */
  readonly database: LiveDatabase;
  /** The PHI documents bucket: restore tests restore it. */
  readonly documentsBucket: s3.IBucket;
  /** Encrypts the database and the documents (the PHI key), and so their restored copies. */
  readonly phiKey: kms.IKey;
  /** The primary backup vault: restore tests take its recovery points; Backup Audit Manager checks its lock. */
  readonly backupVault: backup.IBackupVault;
  /** The backup plan Backup Audit Manager checks. */
  readonly backupPlan: backup.IBackupPlan;
  /** The role AWS Backup restores with (the backup role). */
  readonly restoreRole: iam.IRole;
  /** Write-once evidence store: restore evidence and the Backup Audit Manager reports. */
  readonly evidenceBucket: s3.IBucket;
  /** Receives the alarms and the failed-job notifications. It must accept CloudWatch alarms and EventBridge of this account. */
  readonly securityTopic: sns.ITopic;
  /**
   * The audit key: the evidence bucket's key; encrypts the functions' log groups and every dead-letter
   * queue. This construct lets Backup Audit Manager write its reports with it (`allowBackupReports`), so it
   * must be a key whose policy CDK can change.
   */
  readonly auditKey: kms.IKey;
}

/**
 * Backups that are proven, not assumed (HIPAA 164.308(a)(7)(ii)(A)-(B) backup and disaster recovery,
 * 164.308(a)(7)(ii)(D) testing and revision): weekly restore tests of the database and the PHI
 * documents into the VPC (restored databases land in the isolated data subnets behind their own
 * security group), validated on the data itself by a function in the VPC with RPO and RTO measured
 * against the targets; an integrity canary row that makes freshness measurable; notifications of
 * failed backup, copy and restore jobs; and the Backup Audit Manager framework with its daily reports
 * in the evidence bucket.
 *
 * Pins the logical IDs of the validator's and the canary's log groups (`LOGICAL_IDS.operations`).
 */
export class BackupAssurance extends Capability {
  readonly restoreTesting: RestoreTesting;
  /** Accounts apart, with an air-gapped vault in the primary region: the restore tests of that copy. */
  readonly airGappedRestoreTesting?: RestoreTesting;
  readonly restoreValidation: RestoreValidation;
  readonly integrityCanary: IntegrityCanary;
  readonly backupJobNotifications: BackupJobNotifications;
  readonly backupAudit: BackupAuditFramework;

  constructor(scope: Construct, id: string, props: BackupAssuranceProps) {
    super(scope, id, props);
    const names = deploymentNames(props.deployment);
    const db = props.database;
    const network: SecureFunctionNetwork = {
      vpc: props.vpc,
      vpcCidr: props.vpcCidr,
      subnets: props.functionSubnets ?? { subnetGroupName: SUBNET_GROUPS.workload },
    };

    const restoreTestingProps: RestoreTestingProps = {
      deployment: props.deployment,
      schedule: props.restoreSchedule,
      startWindowHours: props.restoreStartWindowHours,
      validationWindowHours: props.validationWindowHours,
      vaultArn: props.backupVault.backupVaultArn,
      restoreRoleArn: props.restoreRole.roleArn,
      vpc: props.vpc,
      databaseInstanceArn: db.instance.instanceArn,
      databasePort: db.port,
      databaseSubnetGroupName: db.subnetGroupName,
      databaseParameterGroupName: db.parameterGroupName,
      documentsBucketArn: props.documentsBucket.bucketArn,
      documentsKey: props.phiKey,
    };
    this.restoreTesting = new RestoreTesting(this.partsScope, 'RestoreTesting', restoreTestingProps);
    // Accounts apart: the air-gapped copy is tested too, by a plan of its own that restores only from it
    // (snapshots, the only points copied): the main plan takes the newest point, which is the primary
    // vault's, so it would never pick the copy. Same schedule, overrides, security group and validator.
    const airGappedVaultArn = props.airGappedCopy?.primaryRegionVaultArn;
    this.airGappedRestoreTesting =
      airGappedVaultArn === undefined
        ? undefined
        : new RestoreTesting(this.partsScope, 'AirGappedRestoreTesting', {
            ...restoreTestingProps,
            planName: names.airGappedRestoreTestingPlan,
            vaultArn: airGappedVaultArn,
            recoveryPointTypes: ['SNAPSHOT'],
            restoreSecurityGroup: this.restoreTesting.restoreSecurityGroup,
          });
    this.restoreValidation = new RestoreValidation(this.partsScope, 'RestoreValidation', {
      deployment: props.deployment,
      functionName: names.restoreValidatorFunction,
      restoreTestingPlanArn: this.restoreTesting.planArn,
      airGappedRestoreTestingPlanArn: this.airGappedRestoreTesting?.planArn,
      restoreSchedule: props.restoreSchedule,
      validationWindowHours: props.validationWindowHours,
      restoredDatabaseSecurityGroup: this.restoreTesting.restoreSecurityGroup,
      databasePort: db.port,
      databaseName: props.databaseName,
      liveDatabase: db.instance,
      expectedTables: props.expectedTables,
      sampleObjectCount: props.sampleObjectCount,
      rpoMinutes: props.rpoMinutes,
      rtoMinutes: props.rtoMinutes,
      documentsKey: props.phiKey,
      evidenceBucket: props.evidenceBucket,
      evidenceKey: props.auditKey,
      alarmTopic: props.securityTopic,
      alarmNamePrefix: names.alarmPrefix.restore,
      network,
      s3PrefixListId: props.s3PrefixListId,
      encryptionKey: props.auditKey,
      logRetentionDays: props.logRetentionDays,
    });
    this.integrityCanary = new IntegrityCanary(this.partsScope, 'IntegrityCanary', {
      functionName: names.integrityCanaryFunction,
      interval: props.canaryInterval,
      database: db.instance,
      databaseSecurityGroup: db.securityGroup,
      databasePort: db.port,
      databaseName: props.databaseName,
      network,
      encryptionKey: props.auditKey,
      logRetentionDays: props.logRetentionDays,
      alarmTopic: props.securityTopic,
    });
    // Failed backup, copy and restore jobs reach the security contact (164.308(a)(7)(ii)(A)).
    this.backupJobNotifications = new BackupJobNotifications(this.partsScope, 'BackupJobNotifications', {
      topic: props.securityTopic,
      deadLetterKey: props.auditKey,
      alarmNamePrefix: names.alarmPrefix.backup,
    });
    // Backup Audit Manager: the controls an auditor asks about, reported into the evidence bucket (audit key).
    allowBackupReports(props.auditKey);
    this.backupAudit = new BackupAuditFramework(this.partsScope, 'BackupAudit', {
      deployment: props.deployment,
      dailyRetentionDays: props.dailyRetentionDays,
      minimumRecoveryPointRetentionDays: props.vaultLockMinRetentionDays,
      vaultLockMinRetentionDays: props.vaultLockMinRetentionDays,
      vaultLockMaxRetentionDays: props.vaultLockMaxRetentionDays,
      copyRegion: props.copyRegion,
      copyAccounts: props.airGappedCopy && [props.airGappedCopy.backupAccount],
      maxRestoreMinutes: props.rtoMinutes,
      vaultName: props.backupVault.backupVaultName,
      backupPlanId: props.backupPlan.backupPlanId,
      evidenceBucket: props.evidenceBucket,
    });

    // Six years of logs each: a refactor must not orphan them for a new, empty group.
    pinLogicalId(this.restoreValidation.handler.logGroup, LOGICAL_IDS.operations.restoreValidatorLogGroup);
    pinLogicalId(this.integrityCanary.handler.logGroup, LOGICAL_IDS.operations.integrityCanaryLogGroup);
  }
}
