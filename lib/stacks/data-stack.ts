import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { LockedBucket } from '../constructs/locked-bucket';
import { PhiDatabase } from '../constructs/phi-database';
import { keyAliasName, phiReplicaBucketName } from '../naming';
import { pinLogicalId } from '../constructs/logical-ids';
import { SUBNET_GROUPS } from './network-stack';

export interface DataStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly vpc: ec2.IVpc;
  /** Encrypts the database, its secret, Performance Insights and the PHI bucket. */
  readonly phiKey: kms.IKey;
  /** Encrypts the log groups of the database exports. */
  readonly auditKey: kms.IKey;
  /** The AWS Backup plan (Backup stack) that backs up the database and the PHI documents bucket. */
  readonly backupPlan: backup.IBackupPlan;
  /** The role AWS Backup runs the plan's jobs with (Backup stack). */
  readonly backupRole: iam.IRole;
}

/**
 * Stateful: PostgreSQL and the PHI documents bucket, which replicates into the DR region; both are in
 * the AWS Backup plan of the Backup stack.
 */
export class DataStack extends Stack {
  readonly database: PhiDatabase;
  readonly documents: LockedBucket;
  /** Puts the database and the PHI documents bucket into the backup plan. */
  readonly backupSelection: backup.BackupSelection;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.database = new PhiDatabase(this, 'Database', {
      vpc: props.vpc,
      subnets: { subnetGroupName: SUBNET_GROUPS.data },
      // Next to the application, where the interface endpoints are.
      rotationSubnets: { subnetGroupName: SUBNET_GROUPS.workload },
      instanceIdentifier: `${config.name}-crm`,
      engineVersion: config.database.engineVersion,
      instanceType: new ec2.InstanceType(config.database.instanceType),
      allocatedStorageGiB: config.database.allocatedStorageGiB,
      maxAllocatedStorageGiB: config.database.maxAllocatedStorageGiB,
      databaseName: config.database.databaseName,
      encryptionKey: props.phiKey,
      logEncryptionKey: props.auditKey,
      logRetention: config.logs.retentionDays as logs.RetentionDays,
      rotationFunctionName: `${config.name}-db-secret-rotation`,
    });

    this.documents = new LockedBucket(this, 'PhiDocuments', {
      description: 'PHI documents bucket',
      encryptionKey: props.phiKey,
      objectLockMode: config.phiBucket.objectLockMode,
      objectLockRetention: Duration.days(config.phiBucket.objectLockRetentionDays),
      noncurrentVersionExpiration: Duration.days(config.phiBucket.noncurrentVersionExpirationDays),
      accessLogRetention: Duration.days(config.logs.retentionDays),
      // Deterministic names: the replica lives in the DR stack of another region.
      replicateTo: {
        bucketName: phiReplicaBucketName(config),
        region: config.regions.dr,
        keyAliasName: keyAliasName(config.name, 'phi-dr'),
      },
    });

    // HIPAA 164.308(a)(7)(ii)(A): both PHI stores in the backup plan, named by their own ARNs (a tag
    // could be removed or added by mistake). The selection lives here, next to them, because cdk-nag's
    // RDSInBackupPlan only credits a selection in the database's own stack. S3 backups need versioning
    // and EventBridge notifications on the bucket; every secure bucket has both.
    this.backupSelection = new backup.BackupSelection(this, 'BackupSelection', {
      backupPlan: props.backupPlan,
      backupSelectionName: `${config.name}-phi-data`,
      resources: [
        backup.BackupResource.fromRdsDatabaseInstance(this.database.instance),
        backup.BackupResource.fromArn(this.documents.bucket.bucketArn),
      ],
      role: props.backupRole,
      // The Backup stack gives its role exactly the policies it needs; nothing is added from here.
      disableDefaultBackupPolicy: true,
    });

    const db = this.database;
    pinLogicalId(db.instance, 'PhiDatabase');
    pinLogicalId(db.secret, 'PhiDatabaseSecret');
    pinLogicalId(db.subnetGroup, 'PhiDatabaseSubnetGroup');
    pinLogicalId(db.parameterGroup, 'PhiDatabaseParameterGroup');
    pinLogicalId(db.logGroups.postgresql, 'PhiDatabaseLogGroupPostgresql');
    pinLogicalId(db.logGroups.upgrade, 'PhiDatabaseLogGroupUpgrade');
    pinLogicalId(db.rotationLogGroup, 'PhiDatabaseRotationLogGroup');
    pinLogicalId(this.documents.bucket, 'PhiDocumentsBucket');
    pinLogicalId(this.documents.accessLogs.bucket, 'PhiDocumentsAccessLogBucket');
    pinLogicalId(this.backupSelection, 'PhiBackupSelection');
  }
}
