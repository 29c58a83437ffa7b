import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { DataTier, dataTierSettings } from '../capabilities/data-tier';
import type { DeploymentConfig } from '../config/schema';
import type { LockedBucket } from '../constructs/locked-bucket';
import type { PhiDatabase } from '../constructs/phi-database';

export interface DataStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** The isolated VPC (Network stack). */
  readonly vpc: ec2.IVpc;
  /** Encrypts the database, its secret, Performance Insights and the PHI bucket (Keys stack). */
  readonly phiKey: kms.IKey;
  /** Encrypts the log groups of the database exports (Keys stack). */
  readonly auditKey: kms.IKey;
  /** The AWS Backup plan (Backup stack) that backs up the database and the PHI documents bucket. */
  readonly backupPlan: backup.IBackupPlan;
  /** The role AWS Backup runs the plan's jobs with (Backup stack). */
  readonly backupRole: iam.IRole;
}

/**
 * Stateful: PostgreSQL and the PHI documents bucket, which replicates into the DR region; both are in
 * the AWS Backup plan of the Backup stack (see `DataTier`).
 */
export class DataStack extends Stack {
  readonly database: PhiDatabase;
  readonly documents: LockedBucket;
  /** Puts the database and the PHI documents bucket into the backup plan. */
  readonly backupSelection: backup.BackupSelection;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    // 'Default' keeps the logical IDs the resources had when they were created in the stack itself.
    const tier = new DataTier(this, 'Default', {
      ...dataTierSettings(props.config),
      vpc: props.vpc,
      phiKey: props.phiKey,
      auditKey: props.auditKey,
      backupPlan: props.backupPlan,
      backupRole: props.backupRole,
    });
    this.database = tier.database;
    this.documents = tier.documents;
    this.backupSelection = tier.backupSelection;
  }
}
