import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { AccessReview } from '../constructs/access-review';
import { BackupAuditFramework } from '../constructs/backup-audit-framework';
import { BackupJobNotifications } from '../constructs/backup-job-notifications';
import { CryptoErasure } from '../constructs/crypto-erasure';
import { IntegrityCanary } from '../constructs/integrity-canary';
import { KeyRotationEnforcer } from '../constructs/key-rotation-enforcer';
import type { PhiDatabase } from '../constructs/phi-database';
import { RestoreTesting } from '../constructs/restore-testing';
import { RestoreValidation } from '../constructs/restore-validation';
import { s3PrefixListId } from '../constructs/s3-prefix-list';
import { FunctionAlarms } from '../constructs/function-alarms';
import type { SecureFunctionPlacement } from '../constructs/secure-function';
import { SessionRevocation } from '../constructs/session-revocation';
import { drBackupVaultArn, drBackupVaultName, keyRotationFunctionName } from '../naming';
import type { IdentityStack } from './identity-stack';
import { pinLogicalId } from '../constructs/logical-ids';
import { SUBNET_GROUPS } from './network-stack';

export interface OperationsStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly identity: IdentityStack;
  /** Write-once store for reports (access reviews). */
  readonly evidenceBucket: s3.IBucket;
  /** Notifies the security contact. */
  readonly securityTopic: sns.ITopic;
  readonly auditKey: kms.IKey;
  /** The VPC: the restore validator and the integrity canary run in its workload subnets. */
  readonly vpc: ec2.IVpc;
  /** The live database: the canary writes into it; restore tests restore it. */
  readonly database: PhiDatabase;
  /** The PHI documents bucket: restore tests restore it. */
  readonly documentsBucket: s3.IBucket;
  /** Encrypts the database and the documents, and so their restored copies. */
  readonly phiKey: kms.IKey;
  /** The primary backup vault, plan and role (Backup stack). */
  readonly backupVault: backup.IBackupVault;
  readonly backupPlan: backup.IBackupPlan;
  readonly backupRole: iam.IRole;
  /** Encrypts the primary vault: checked by the rotation enforcer. */
  readonly backupKey: kms.IKey;
  /** Signs certificates of destruction. */
  readonly certificateSigningKey: kms.IKey;
}

/**
 * Why the Operations functions are outside the VPC, recorded with their LambdaInsideVPC acknowledgements.
 * `calls`: the AWS services the function calls; `logs`: what it writes to its log.
 */
function outsideVpc(calls: string, logs: string): SecureFunctionPlacement {
  return {
    outsideVpc: {
      reason:
        'its Cognito admin calls cannot complete through the cognito-idp PrivateLink endpoint, which AWS documents as ' +
        'incompatible with a user pool that has a domain (this pool has one, for the managed login of the load ' +
        `balancer), and the VPC has no NAT. It calls ${calls}, and holds and logs no PHI: ${logs} only.`,
    },
  };
}

/**
 * Stateless: the operational functions and their triggers. Session revocation reacts to Cognito admin
 * calls; the access review runs on the configured schedule.
 *
 * Both run outside the VPC. Their work is Cognito admin calls, and Cognito documents that user pool API
 * requests through its PrivateLink endpoint (`cognito-idp`) do not complete for a user pool that has a
 * domain; the Identity stack assigns one (managed login for the load balancer), and the VPC has no NAT
 * by design. Outside the VPC they reach Cognito, S3 and SNS at their public regional endpoints over
 * TLS with SigV4-signed requests, under least-privilege roles; they hold and log no PHI (user `sub`s
 * and counts only). The LambdaInsideVPC findings are acknowledged on each function with this reason.
 * Failures are still retried, counted (`RevocationFailures`, `AccessReviewFailures`) and end in the
 * dead-letter queues, never silently: `FunctionAlarms` sends each to the security topic (Lambda
 * errors, dead-letter queue depth, the failure metrics). The access review has no "did not run"
 * alarm: it runs quarterly by default, and CloudWatch alarms look back 7 days at most.
 *
 * The backup checks run in the VPC, next to the database: the restore testing plan and its
 * selections (restored copies land in the isolated data subnets with their own security group), the
 * restore validator, the integrity canary, notifications of failed backup, copy and restore jobs, and
 * the Backup Audit Manager framework with its reports.
 */
export class OperationsStack extends Stack {
  readonly sessionRevocation: SessionRevocation;
  readonly accessReview: AccessReview;
  readonly sessionRevocationAlarms: FunctionAlarms;
  readonly accessReviewAlarms: FunctionAlarms;
  readonly restoreTesting: RestoreTesting;
  readonly restoreValidation: RestoreValidation;
  readonly integrityCanary: IntegrityCanary;
  readonly backupJobNotifications: BackupJobNotifications;
  readonly backupAudit: BackupAuditFramework;
  readonly keyRotation: KeyRotationEnforcer;
  readonly cryptoErasure: CryptoErasure;

  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const userPool = props.identity.userPool;
    const common = {
      userPool,
      encryptionKey: props.auditKey,
      logRetentionDays: config.logs.retentionDays,
    };

    const sessionRevocationName = `${config.name}-session-revocation`;
    this.sessionRevocation = new SessionRevocation(this, 'SessionRevocation', {
      ...common,
      placement: outsideVpc('Cognito only', 'the subs of the users whose sessions it revokes'),
      functionName: sessionRevocationName,
    });

    const accessReviewName = `${config.name}-access-review`;
    this.accessReview = new AccessReview(this, 'AccessReview', {
      ...common,
      placement: outsideVpc('Cognito, S3 (the evidence bucket) and SNS (the security topic)', 'user subs and counts'),
      functionName: accessReviewName,
      schedule: config.accessReview.schedule,
      inactiveDays: config.accessReview.inactiveDays,
      // The role matrix is the policy: whichever roles grant the admin scope are the highest privilege.
      privilegedGroups: config.identity.roles.filter((r) => r.scopes.includes('admin')).map((r) => r.name),
      deploymentName: config.name,
      evidenceBucket: props.evidenceBucket,
      securityTopic: props.securityTopic,
    });

    // A revocation or review that failed must reach a person (HIPAA 164.308(a)(1)(ii)(D), 164.308(a)(6)(ii)).
    this.sessionRevocationAlarms = new FunctionAlarms(this, 'SessionRevocationAlarms', {
      handler: this.sessionRevocation.handler,
      functionName: sessionRevocationName,
      alarmNamePrefix: sessionRevocationName,
      topic: props.securityTopic,
      serviceName: 'session-revocation',
      onFailure:
        'Until a retry succeeds, the user of the event (the log names their sub, or the CloudTrail event ID) may still ' +
        'have live sessions: sign them out by hand (Cognito console, or AdminUserGlobalSignOut) and check that the ' +
        'change to their access is what was intended.',
      failureMetrics: [
        {
          metricName: 'RevocationFailures',
          meaning: 'A user lost or changed access but signing them out failed (the error name is in the log); Lambda retries it.',
        },
        {
          // The rule only delivers revocation triggers on this pool, so an ignored event is never routine: a
          // trigger whose user could not be identified (no revocation happened) or a rule and parser that disagree.
          metricName: 'RevocationEventsIgnored',
          meaning:
            'An event reached session revocation but was ignored (the reason and event ID are in the log): if the ' +
            'reason is no-usable-user-identifier, a user lost or changed access and their sessions were NOT revoked.',
        },
      ],
    });
    this.accessReviewAlarms = new FunctionAlarms(this, 'AccessReviewAlarms', {
      handler: this.accessReview.handler,
      functionName: accessReviewName,
      alarmNamePrefix: accessReviewName,
      topic: props.securityTopic,
      serviceName: 'access-review',
      onFailure:
        'If the retries fail too, no access review report exists for this period: fix the cause named in the log, ' +
        'then run the function again (any test event) so that the review is stored in the evidence bucket.',
      failureMetrics: [
        {
          metricName: 'AccessReviewFailures',
          meaning: 'The scheduled access review failed before its report was stored; Lambda retries it twice.',
        },
      ],
    });

    // Backups that are proven, not assumed (HIPAA 164.308(a)(7)(ii)(D) testing and revision): weekly
    // restore tests into the isolated data subnets, validated on the data itself, with RPO and RTO
    // measured against the config's targets, and a canary row that makes freshness measurable.
    const b = config.backup;
    const db = props.database;
    const network = {
      vpc: props.vpc,
      vpcCidr: config.network.vpcCidr,
      subnets: { subnetGroupName: SUBNET_GROUPS.workload },
    };
    this.restoreTesting = new RestoreTesting(this, 'RestoreTesting', {
      deployment: config.name,
      schedule: b.restoreTesting.schedule,
      startWindowHours: b.restoreTesting.startWindowHours,
      validationWindowHours: b.restoreTesting.validationWindowHours,
      vaultArn: props.backupVault.backupVaultArn,
      restoreRoleArn: props.backupRole.roleArn,
      vpc: props.vpc,
      databaseInstanceArn: db.instance.instanceArn,
      databasePort: db.port,
      databaseSubnetGroupName: db.subnetGroup.subnetGroupName,
      databaseParameterGroupName: (db.parameterGroup.node.defaultChild as rds.CfnDBParameterGroup).ref,
      documentsBucketArn: props.documentsBucket.bucketArn,
      documentsKey: props.phiKey,
    });
    this.restoreValidation = new RestoreValidation(this, 'RestoreValidation', {
      deployment: config.name,
      restoreTestingPlanArn: this.restoreTesting.planArn,
      restoreSchedule: b.restoreTesting.schedule,
      validationWindowHours: b.restoreTesting.validationWindowHours,
      restoredDatabaseSecurityGroup: this.restoreTesting.restoreSecurityGroup,
      databasePort: db.port,
      databaseName: config.database.databaseName,
      liveDatabase: db.instance,
      expectedTables: b.restoreTesting.expectedTables,
      sampleObjectCount: b.restoreTesting.sampleObjectCount,
      rpoMinutes: b.targets.rpoMinutes,
      rtoMinutes: b.targets.rtoMinutes,
      documentsKey: props.phiKey,
      evidenceBucket: props.evidenceBucket,
      evidenceKey: props.auditKey,
      alarmTopic: props.securityTopic,
      network,
      s3PrefixListId: s3PrefixListId(config.regions.primary),
      encryptionKey: props.auditKey,
      logRetentionDays: config.logs.retentionDays,
    });
    this.integrityCanary = new IntegrityCanary(this, 'IntegrityCanary', {
      deployment: config.name,
      interval: Duration.minutes(b.canaryIntervalMinutes),
      database: db.instance,
      databaseSecurityGroup: db.securityGroup,
      databasePort: db.port,
      databaseName: config.database.databaseName,
      network,
      encryptionKey: props.auditKey,
      logRetentionDays: config.logs.retentionDays,
      alarmTopic: props.securityTopic,
    });
    // Failed backup, copy and restore jobs reach the security contact (164.308(a)(7)(ii)(A)).
    this.backupJobNotifications = new BackupJobNotifications(this, 'BackupJobNotifications', {
      topic: props.securityTopic,
      deadLetterKey: props.auditKey,
      alarmNamePrefix: `${config.name}-backup`,
    });
    // Backup Audit Manager: the controls an auditor asks about, reported into the evidence bucket.
    this.backupAudit = new BackupAuditFramework(this, 'BackupAudit', {
      deployment: config.name,
      dailyRetentionDays: b.dailyRetentionDays,
      minimumRecoveryPointRetentionDays: b.vaultLock.minRetentionDays,
      vaultLockMinRetentionDays: b.vaultLock.minRetentionDays,
      vaultLockMaxRetentionDays: b.vaultLock.maxRetentionDays,
      copyRegion: config.regions.dr,
      maxRestoreMinutes: b.targets.rtoMinutes,
      vaultName: props.backupVault.backupVaultName,
      backupPlanId: props.backupPlan.backupPlanId,
      evidenceBucket: props.evidenceBucket,
    });

    // Key lifecycle (HIPAA 164.312(a)(2)(iv) encryption, 164.310(d)(2)(i) disposal): rotation enforced
    // daily on this region's keys, and crypto-erasure at contract end (plan, execute, verify, certify,
    // finalize) with a signed certificate of destruction.
    this.keyRotation = new KeyRotationEnforcer(this, 'KeyRotation', {
      deployment: config.name,
      functionName: keyRotationFunctionName(config.name, 'primary'),
      schedule: config.keys.rotationCheckSchedule,
      rotationPeriodDays: config.keys.rotationPeriodDays,
      // Every key behind alias/<name>/ in this region: one missing here fails each check (AccessDenied) and alarms.
      keyArns: [props.phiKey.keyArn, props.auditKey.keyArn, props.backupKey.keyArn, props.certificateSigningKey.keyArn],
      evidenceBucket: props.evidenceBucket,
      evidenceKey: props.auditKey,
      placement: { network },
      s3PrefixListId: s3PrefixListId(config.regions.primary),
      encryptionKey: props.auditKey,
      logRetentionDays: config.logs.retentionDays,
      alarmTopic: props.securityTopic,
    });
    this.cryptoErasure = new CryptoErasure(this, 'CryptoErasure', {
      deployment: config.name,
      regions: config.regions,
      account: this.account,
      pendingWindowDays: config.keys.pendingWindowDays,
      evidenceBucket: props.evidenceBucket,
      evidenceKey: props.auditKey,
      signingKey: props.certificateSigningKey,
      securityTopic: props.securityTopic,
      backupVault: { name: props.backupVault.backupVaultName, arn: props.backupVault.backupVaultArn },
      drBackupVault: { name: drBackupVaultName(config.name), arn: drBackupVaultArn(config) },
      auditKey: props.auditKey,
      logRetentionDays: config.logs.retentionDays,
    });

    // Six years of logs each: a refactor must not orphan them for a new, empty group.
    pinLogicalId(this.sessionRevocation.handler.logGroup, 'SessionRevocationLogGroup');
    pinLogicalId(this.accessReview.handler.logGroup, 'AccessReviewLogGroup');
    pinLogicalId(this.restoreValidation.handler.logGroup, 'RestoreValidatorLogGroup');
    pinLogicalId(this.integrityCanary.handler.logGroup, 'IntegrityCanaryLogGroup');
    pinLogicalId(this.keyRotation.handler.logGroup, 'KeyRotationLogGroup');
    pinLogicalId(this.cryptoErasure.handler.logGroup, 'CryptoErasureLogGroup');
    pinLogicalId(this.cryptoErasure.stateMachineLogGroup, 'CryptoErasureStateMachineLogGroup');
  }
}
