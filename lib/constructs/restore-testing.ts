import { Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { deploymentNames, RESTORE_TESTING_SELECTIONS } from '../vocabulary';

/**
 * Recovery point types a test may restore: point-in-time (continuous) and snapshots. The latest within
 * the window is taken, so a test measures the RPO of the newest backup, which is what a real restore
 * would use first.
 */
export const RESTORE_TEST_RECOVERY_POINT_TYPES = ['CONTINUOUS', 'SNAPSHOT'] as const;

/** AWS Backup limits of a restore testing plan and its selections. */
const LIMITS = { maxHours: 168, maxSelectionWindowDays: 365, maxPlanNameLength: 50 } as const;

export interface RestoreTestingProps {
  /** Deployment name; the plan is named `deploymentNames(deployment).restoreTestingPlan`. */
  readonly deployment: string;
  /** When the tests run, an AWS Backup cron expression in UTC (`backup.restoreTesting.schedule`). */
  readonly schedule: string;
  /** Hours after the scheduled time within which the restore jobs must start, 1-168 (`startWindowHours`). */
  readonly startWindowHours: number;
  /**
   * Hours the restored copies stay up for the restore validator before AWS Backup deletes them, 1-168
   * (`validationWindowHours`).
   */
  readonly validationWindowHours: number;
  /** How many days back the latest recovery point may be, 1-365. @default 7 (one weekly cycle) */
  readonly selectionWindowDays?: number;
  /**
   * ARN of the vault recovery points are taken from: the primary backup vault, or (accounts apart) the
   * backup account's logically air-gapped vault shared with this account in the plan's own region, which
   * can be restored "for data loss recovery or restore testing"
   * (https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html).
   */
  readonly vaultArn: string;
  /** The plan's name. @default deploymentNames(deployment).restoreTestingPlan */
  readonly planName?: string;
  /**
   * Recovery point types the tests may restore. @default RESTORE_TEST_RECOVERY_POINT_TYPES (continuous
   * and snapshot); an air-gapped vault holds only the copied snapshots
   */
  readonly recoveryPointTypes?: readonly (typeof RESTORE_TEST_RECOVERY_POINT_TYPES)[number][];
  /**
   * Security group of the restored database copies, when another plan's is to be shared (the validator is
   * admitted to that one). @default - a group of its own
   */
  readonly restoreSecurityGroup?: ec2.SecurityGroup;
  /**
   * Role AWS Backup assumes to restore (the backup role). It must be able to restore RDS and S3
   * recovery points, create `awsbackup-restore-test-*` buckets and use the PHI key.
   */
  readonly restoreRoleArn: string;
  /** The VPC the restored database copy is placed in. */
  readonly vpc: ec2.IVpc;
  /** The live database: ARN of its instance (the protected resource). */
  readonly databaseInstanceArn: string;
  /** Port of the live database, a literal; the restored copy listens on it too. */
  readonly databasePort: number;
  /**
   * DB subnet group of the isolated data subnets, where the restored copy is placed. Required: the VPC
   * has no default subnets, and without it the restore fails.
   */
  readonly databaseSubnetGroupName: string;
  /**
   * Parameter group of the restored copy: the live database's, so that the copy also forces TLS and
   * keeps PHI out of its logs. @default - the engine's default parameter group
   */
  readonly databaseParameterGroupName?: string;
  /** Instance class of the restored copy. @default - the class of the backed-up instance */
  readonly databaseInstanceClass?: string;
  /** ARN of the PHI documents bucket (the protected resource). */
  readonly documentsBucketArn: string;
  /** Encrypts the restored bucket (the PHI key): restored documents stay under the key that protects them. */
  readonly documentsKey: kms.IKey;
}

/**
 * Scheduled restore tests of the PHI stores (HIPAA 164.308(a)(7)(ii)(D) testing and revision of the
 * contingency plan, 164.308(a)(7)(ii)(B) disaster recovery): an AWS Backup restore testing plan that
 * restores the latest recovery point (continuous or snapshot) of the database and of the PHI documents
 * bucket from the primary vault on the schedule, keeps the copies for the validation window and then
 * deletes them. The restore validator (`RestoreValidation`) checks each copy.
 *
 * AWS Backup names every copy with `RESTORED_RESOURCE_PREFIX` (vocabulary; see
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html): the
 * validator's permissions on restored copies are scoped by it.
 *
 * Where the copies go is stated, never inferred (the VPC has no default VPC or subnets to fall back on):
 * - database (`RESTORE_TESTING_SELECTIONS.database`): the isolated data subnets' DB subnet group, a
 *   security group of its own (`restoreSecurityGroup`, no ingress unless granted, no egress), Single-AZ,
 *   not publicly accessible, IAM database authentication on (the validator's only way in), the live
 *   port and, when given, the live parameter group. Only overrides AWS Backup documents for RDS
 *   instances are used. Deletion protection is always off on test copies (AWS Backup sets it so it
 *   can delete them); the copy stays encrypted with the key of its snapshot.
 * - documents (`RESTORE_TESTING_SELECTIONS.documents`): a new bucket (`awsbackup-restore-test-*`, the
 *   only choice AWS Backup offers), encrypted SSE-KMS with the PHI key instead of the SSE-S3 default,
 *   without restored ACLs (the source bucket has ACLs disabled).
 */
export class RestoreTesting extends Construct {
  readonly plan: backup.CfnRestoreTestingPlan;
  readonly databaseSelection: backup.CfnRestoreTestingSelection;
  readonly documentsSelection: backup.CfnRestoreTestingSelection;
  /** Security group of every restored database copy; `RestoreValidation` admits its validator to it. */
  readonly restoreSecurityGroup: ec2.SecurityGroup;
  readonly planName: string;
  /** ARN of the restore testing plan; AWS Backup names it as the creator of its restore jobs (DescribeRestoreJob). */
  readonly planArn: string;
  /** Names of the selections, by what they restore. */
  readonly selectionNames = RESTORE_TESTING_SELECTIONS;
  /** Port of the restored database copies. */
  readonly databasePort: number;

  constructor(scope: Construct, id: string, props: RestoreTestingProps) {
    super(scope, id);
    const selectionWindowDays = props.selectionWindowDays ?? 7;
    checkRange(this, 'startWindowHours', props.startWindowHours, 1, LIMITS.maxHours);
    checkRange(this, 'validationWindowHours', props.validationWindowHours, 1, LIMITS.maxHours);
    checkRange(this, 'selectionWindowDays', selectionWindowDays, 1, LIMITS.maxSelectionWindowDays);
    if (!Token.isUnresolved(props.databasePort)) checkRange(this, 'databasePort', props.databasePort, 1150, 65535);
    this.planName = props.planName ?? deploymentNames(props.deployment).restoreTestingPlan;
    if (this.planName.length > LIMITS.maxPlanNameLength) {
      throw new Error(`${this.node.path}: restore testing plan name ${this.planName} is longer than 50 characters`);
    }
    this.databasePort = props.databasePort;

    this.restoreSecurityGroup =
      props.restoreSecurityGroup ??
      new ec2.SecurityGroup(this, 'RestoredDatabaseSecurityGroup', {
        vpc: props.vpc,
        description: 'Restore-test copies of the PHI database: the restore validator only, no egress',
        allowAllOutbound: false,
      });

    this.plan = new backup.CfnRestoreTestingPlan(this, 'Plan', {
      restoreTestingPlanName: this.planName,
      scheduleExpression: props.schedule,
      startWindowHours: props.startWindowHours,
      recoveryPointSelection: {
        algorithm: 'LATEST_WITHIN_WINDOW',
        includeVaults: [props.vaultArn],
        recoveryPointTypes: [...(props.recoveryPointTypes ?? RESTORE_TEST_RECOVERY_POINT_TYPES)],
        selectionWindowDays,
      },
    });
    this.planArn = this.plan.attrRestoreTestingPlanArn;

    const common = {
      // Ref of the plan is its name; it also orders the selections after the plan.
      restoreTestingPlanName: this.plan.ref,
      iamRoleArn: props.restoreRoleArn,
      validationWindowHours: props.validationWindowHours,
    };
    this.databaseSelection = new backup.CfnRestoreTestingSelection(this, 'DatabaseSelection', {
      ...common,
      restoreTestingSelectionName: RESTORE_TESTING_SELECTIONS.database,
      protectedResourceType: 'RDS',
      protectedResourceArns: [props.databaseInstanceArn],
      restoreMetadataOverrides: databaseRestoreOverrides({
        subnetGroupName: props.databaseSubnetGroupName,
        securityGroupId: this.restoreSecurityGroup.securityGroupId,
        port: props.databasePort,
        parameterGroupName: props.databaseParameterGroupName,
        instanceClass: props.databaseInstanceClass,
      }),
    });
    this.documentsSelection = new backup.CfnRestoreTestingSelection(this, 'DocumentsSelection', {
      ...common,
      restoreTestingSelectionName: RESTORE_TESTING_SELECTIONS.documents,
      protectedResourceType: 'S3',
      protectedResourceArns: [props.documentsBucketArn],
      restoreMetadataOverrides: documentsRestoreOverrides(props.documentsKey.keyArn),
    });
  }
}

/** What a restored database copy may differ in from the backed-up instance. */
export interface DatabaseRestoreTarget {
  readonly subnetGroupName: string;
  readonly securityGroupId: string;
  readonly port: number;
  readonly parameterGroupName?: string;
  readonly instanceClass?: string;
}

/**
 * Restore metadata overrides of the database selection, with the keys AWS Backup documents as
 * overridable for "Amazon RDS instances". Values are strings; lists are JSON-array strings.
 */
export function databaseRestoreOverrides(target: DatabaseRestoreTarget): Record<string, string> {
  return {
    dbSubnetGroupName: target.subnetGroupName,
    vpcSecurityGroupIds: `["${target.securityGroupId}"]`,
    // A test copy needs no standby; Single-AZ restores faster and costs half.
    multiAz: 'false',
    publiclyAccessible: 'false',
    // The validator signs in with an IAM token; a restore does not carry the setting over by itself.
    enableIamDatabaseAuthentication: 'true',
    port: String(target.port),
    ...(target.parameterGroupName ? { dbParameterGroupName: target.parameterGroupName } : {}),
    ...(target.instanceClass ? { dbInstanceClass: target.instanceClass } : {}),
  };
}

/** Restore metadata overrides of the documents selection (keys documented for Amazon S3). */
export function documentsRestoreOverrides(keyArn: string): Record<string, string> {
  return {
    encryptionType: 'SSE-KMS',
    kmsKey: keyArn,
    restoreACLs: 'false',
  };
}

function checkRange(scope: Construct, name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${scope.node.path}: ${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}
