import { Aws, Duration } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { sandboxRelaxations } from '../config/profile';
import type { DeploymentConfig } from '../config/schema';
import { LockedBucket, type LockedBucketProps } from '../constructs/locked-bucket';
import { pinLogicalId } from '../constructs/logical-ids';
import { PhiDatabase } from '../constructs/phi-database';
import { deploymentNames, LOGICAL_IDS, SUBNET_GROUPS } from '../vocabulary';

/** The Object Lock and lifecycle of the PHI documents bucket; its DR replica repeats them. */
export type PhiDocumentsLock = Pick<LockedBucketProps, 'objectLockMode' | 'objectLockRetention' | 'noncurrentVersionExpiration'>;

/** The PHI documents' lock from the config (source and replica). */
export function phiDocumentsLockSettings(config: DeploymentConfig): PhiDocumentsLock {
  return {
    objectLockMode: config.phiBucket.objectLockMode,
    objectLockRetention: Duration.days(config.phiBucket.objectLockRetentionDays),
    noncurrentVersionExpiration: Duration.days(config.phiBucket.noncurrentVersionExpirationDays),
  };
}

/** The database's engine, size and initial database. */
export interface DatabaseSettings {
  /** PostgreSQL version, e.g. `17.4`. */
  readonly engineVersion: string;
  readonly instanceType: ec2.InstanceType;
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling ceiling. */
  readonly maxAllocatedStorageGiB: number;
  /** Name of the database created in the instance. */
  readonly databaseName: string;
}

/** The config-derived part of `DataTierProps`. */
export interface DataTierSettings {
  /** Deployment name: database identifier, backup selection, replica names. */
  readonly deployment: string;
  readonly database: DatabaseSettings;
  readonly documentsLock: PhiDocumentsLock;
  /** Retention of the database's log exports and the access logs. */
  readonly logRetention: logs.RetentionDays;
  /** The DR region the PHI documents replicate into. */
  readonly drRegion: string;
  /**
   * Sandbox profile only (`sandboxRelaxations`, lib/config/profile.ts): its buckets are emptied and
   * deleted with the stack, without Object Lock default retention.
   */
  readonly disposable: boolean;
}

/** Translates the config into the settings of `DataTier`. */
export function dataTierSettings(config: DeploymentConfig): DataTierSettings {
  const db = config.database;
  return {
    deployment: config.name,
    disposable: sandboxRelaxations(config).disposable,
    database: {
      engineVersion: db.engineVersion,
      instanceType: new ec2.InstanceType(db.instanceType),
      allocatedStorageGiB: db.allocatedStorageGiB,
      maxAllocatedStorageGiB: db.maxAllocatedStorageGiB,
      databaseName: db.databaseName,
    },
    documentsLock: phiDocumentsLockSettings(config),
    logRetention: config.logs.retentionDays as logs.RetentionDays,
    drRegion: config.regions.dr,
  };
}

export interface DataTierProps extends DataTierSettings {
  /** The VPC with the `Data` subnet group (the database). */
  readonly vpc: ec2.IVpc;
  /** Encrypts the database, its master user secret, Performance Insights and the PHI documents bucket. */
  readonly phiKey: kms.IKey;
  /** Encrypts the log groups of the database exports. */
  readonly auditKey: kms.IKey;
  /** The AWS Backup plan that backs up the database and the PHI documents bucket. */
  readonly backupPlan: backup.IBackupPlan;
  /** The role AWS Backup runs the plan's jobs with; nothing is added to it here. */
  readonly backupRole: iam.IRole;
}

/**
 * The PHI stores (HIPAA 164.312(a)(2)(iv), 164.308(a)(7)(ii)(A)): PostgreSQL (`PhiDatabase`) and the
 * PHI documents bucket (`LockedBucket`), which replicates into the DR region's replica, and the backup
 * selection that puts both into the backup plan.
 */
export class DataTier extends Construct {
  readonly database: PhiDatabase;
  readonly documents: LockedBucket;
  /** Puts the database and the PHI documents bucket into the backup plan. */
  readonly backupSelection: backup.BackupSelection;

  constructor(scope: Construct, id: string, props: DataTierProps) {
    super(scope, id);
    const names = deploymentNames(props.deployment);

    this.database = new PhiDatabase(this, 'Database', {
      vpc: props.vpc,
      subnets: { subnetGroupName: SUBNET_GROUPS.data },
      instanceIdentifier: names.databaseInstance,
      ...props.database,
      encryptionKey: props.phiKey,
      logEncryptionKey: props.auditKey,
      logRetention: props.logRetention,
    });

    this.documents = new LockedBucket(this, 'PhiDocuments', {
      description: 'PHI documents bucket',
      encryptionKey: props.phiKey,
      ...props.documentsLock,
      accessLogRetention: Duration.days(props.logRetention),
      disposable: props.disposable,
      // Deterministic names: the replica lives in the DR stack of another region.
      replicateTo: {
        bucketName: names.drReplicaBucket('phi-replica', Aws.ACCOUNT_ID, props.drRegion),
        region: props.drRegion,
        keyAliasName: names.keyAlias('phi-dr'),
      },
    });

    // HIPAA 164.308(a)(7)(ii)(A): both PHI stores in the backup plan, named by their own ARNs (a tag
    // could be removed or added by mistake). The selection lives here, next to them, because cdk-nag's
    // RDSInBackupPlan only credits a selection in the database's own stack. S3 backups need versioning
    // and EventBridge notifications on the bucket; every secure bucket has both.
    this.backupSelection = new backup.BackupSelection(this, 'BackupSelection', {
      backupPlan: props.backupPlan,
      backupSelectionName: names.backupSelection,
      resources: [
        backup.BackupResource.fromRdsDatabaseInstance(this.database.instance),
        backup.BackupResource.fromArn(this.documents.bucket.bucketArn),
      ],
      role: props.backupRole,
      // The backup role has exactly the policies it needs (`BackupVaulting`); nothing is added from here.
      disableDefaultBackupPolicy: true,
    });

    const db = this.database;
    const ids = LOGICAL_IDS.data;
    pinLogicalId(db.instance, ids.database);
    pinLogicalId(db.subnetGroup, ids.databaseSubnetGroup);
    pinLogicalId(db.parameterGroup, ids.databaseParameterGroup);
    pinLogicalId(db.logGroups.postgresql, ids.databaseLogGroupPostgresql);
    pinLogicalId(db.logGroups.upgrade, ids.databaseLogGroupUpgrade);
    pinLogicalId(this.documents.bucket, ids.documentsBucket);
    pinLogicalId(this.documents.accessLogs.bucket, ids.documentsAccessLogBucket);
    pinLogicalId(this.backupSelection, ids.backupSelection);
  }
}
