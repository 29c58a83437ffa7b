import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { AccessGovernance, accessGovernanceSettings } from '../capabilities/access-governance';
import { BackupAssurance, backupAssuranceSettings, type LiveDatabase } from '../capabilities/backup-assurance';
import { KeyLifecycle, keyLifecycleSettings } from '../capabilities/key-lifecycle';
import type { DeploymentConfig } from '../config/schema';

export interface OperationsStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** The user pool (Identity stack): sessions revoked, users reviewed. */
  readonly userPool: cognito.IUserPool;
  /** Write-once store for reports and evidence (Audit stack). */
  readonly evidenceBucket: s3.IBucket;
  /** Notifies the security contact (Audit stack). */
  readonly securityTopic: sns.ITopic;
  /** The VPC (Network stack): the backup checks and the rotation enforcer run in its workload subnets. */
  readonly vpc: ec2.IVpc;
  /** The live database (Data stack): the canary writes into it; restore tests restore it. */
  readonly database: LiveDatabase;
  /** The PHI documents bucket (Data stack): restore tests restore it. */
  readonly documentsBucket: s3.IBucket;
  /** The primary backup vault, plan and role (Backup stack). */
  readonly backupVault: backup.IBackupVault;
  readonly backupPlan: backup.IBackupPlan;
  readonly backupRole: iam.IRole;
  /** The keys of this region (Keys stack): each is checked by the rotation enforcer. */
  readonly phiKey: kms.IKey;
  readonly auditKey: kms.IKey;
  readonly backupKey: kms.IKey;
  /** Signs certificates of destruction. */
  readonly certificateSigningKey: kms.IKey;
}

/**
 * Stateless: the operational capabilities of the primary region. Access governance (session
 * revocation, access reviews), backup assurance (restore tests and their validation, the integrity
 * canary, failed-job notifications, Backup Audit Manager) and the key lifecycle (rotation enforcement,
 * crypto-erasure). Each capability owns its resources, names, alarms and pinned logical IDs, and builds
 * them in this stack itself (`partsScope`), where they were deployed before the capabilities existed.
 */
export class OperationsStack extends Stack {
  readonly accessGovernance: AccessGovernance;
  readonly backupAssurance: BackupAssurance;
  readonly keyLifecycle: KeyLifecycle;

  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.accessGovernance = new AccessGovernance(this, 'AccessGovernance', {
      ...accessGovernanceSettings(config),
      partsScope: this,
      userPool: props.userPool,
      evidenceBucket: props.evidenceBucket,
      securityTopic: props.securityTopic,
      encryptionKey: props.auditKey,
    });

    this.backupAssurance = new BackupAssurance(this, 'BackupAssurance', {
      ...backupAssuranceSettings(config),
      partsScope: this,
      vpc: props.vpc,
      database: props.database,
      documentsBucket: props.documentsBucket,
      phiKey: props.phiKey,
      backupVault: props.backupVault,
      backupPlan: props.backupPlan,
      restoreRole: props.backupRole,
      evidenceBucket: props.evidenceBucket,
      securityTopic: props.securityTopic,
      auditKey: props.auditKey,
    });

    this.keyLifecycle = new KeyLifecycle(this, 'KeyLifecycle', {
      ...keyLifecycleSettings(config),
      partsScope: this,
      keys: [props.phiKey, props.auditKey, props.backupKey, props.certificateSigningKey],
      erasableKeys: [props.phiKey, props.backupKey],
      certificateSigningKey: props.certificateSigningKey,
      evidenceBucket: props.evidenceBucket,
      auditKey: props.auditKey,
      securityTopic: props.securityTopic,
      backupVault: props.backupVault,
      vpc: props.vpc,
    });
  }
}
