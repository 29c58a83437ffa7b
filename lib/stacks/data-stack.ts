import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { LockedBucket } from '../constructs/locked-bucket';
import { PhiDatabase } from '../constructs/phi-database';
import { keyAliasName, phiReplicaBucketName } from '../naming';
import { pinLogicalId } from './logical-ids';
import { SUBNET_GROUPS } from './network-stack';

export interface DataStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly vpc: ec2.IVpc;
  /** Encrypts the database, its secret, Performance Insights and the PHI bucket. */
  readonly phiKey: kms.IKey;
  /** Encrypts the log groups of the database exports. */
  readonly auditKey: kms.IKey;
}

/** Stateful: PostgreSQL and the PHI documents bucket, which replicates into the DR region. */
export class DataStack extends Stack {
  readonly database: PhiDatabase;
  readonly documents: LockedBucket;

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
  }
}
