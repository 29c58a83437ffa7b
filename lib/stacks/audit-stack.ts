import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { AthenaAuditReview } from '../constructs/athena-audit-review';
import { AuditTrail } from '../constructs/audit-trail';
import { DetectiveServices } from '../constructs/detective-services';
import { FindingNotifications } from '../constructs/finding-notifications';
import { AuditReviewQueries } from '../constructs/audit-review-queries';
import { LockedBucket } from '../constructs/locked-bucket';
import { SecurityAlarms } from '../constructs/security-alarms';
import { UserActivityLog } from '../constructs/user-activity-log';
import {
  auditReviewDatabaseName,
  auditReviewWorkGroupName,
  auditTrailName,
  evidenceReplicaBucketName,
  keyAliasName,
  trailReplicaBucketName,
} from '../naming';
import { pinLogicalId } from '../constructs/logical-ids';

export interface AuditStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** Buckets whose object-level access CloudTrail records (data events): every PHI bucket. */
  readonly phiBuckets: s3.IBucket[];
  /** Encrypts the evidence and the alert topic. Never crypto-erased: the audit trail outlives PHI. */
  readonly auditKey: kms.IKey;
  /**
   * The Identity stack's user pool (Plus plan, threat protection on). Its user activity (sign-ins, MFA,
   * risk decisions) is exported into this stack's sign-in log bucket.
   */
  readonly userPool: cognito.IUserPool;
}

/**
 * Object Lock of evidence (HIPAA 164.316(b)(2)(i): documentation kept 6 years): COMPLIANCE mode, so
 * nobody, root included, can delete or shorten it, for as long as the logs are kept (never under 6 years).
 */
export function evidenceLock(config: DeploymentConfig) {
  const retention = Duration.days(config.logs.retentionDays);
  return {
    objectLockMode: 'COMPLIANCE' as const,
    objectLockRetention: retention,
    // Superseded versions go once their own lock has run out.
    noncurrentVersionExpiration: retention,
    accessLogRetention: retention,
  };
}

/**
 * Stateful: the audit trail and everything that watches it (HIPAA 164.312(b), 164.308(a)(1)(ii)(D),
 * 164.308(a)(6)(ii)): CloudTrail on write-once storage, the write-once evidence store that reports are
 * written to (access reviews now; restore drills and certificates of destruction later), the topic that
 * pages the security contact, the security alarms and finding notifications, the detective services,
 * Cognito's sign-in log with the Athena workgroup that reads it, and the saved audit-review queries.
 */
export class AuditStack extends Stack {
  /** Write-once (COMPLIANCE Object Lock) evidence, replicated to the DR region. */
  readonly evidenceBucket: s3.IBucket;
  /** Security alerts; subscribed by the security contact and the configured extra recipients. */
  readonly securityTopic: sns.ITopic;
  /** The multi-region CloudTrail trail, its write-once bucket and the log group alarms filter. */
  readonly trail: AuditTrail;
  /** GuardDuty, Security Hub and AWS Config (each per `config.detection`) and the HIPAA Config rules. */
  readonly detection: DetectiveServices;
  /** Cognito's exported user activity (sign-ins, MFA, risk decisions) in a bucket of its own. */
  readonly signInLog: UserActivityLog;
  /** The Athena workgroup and Glue table the sign-in reviews query. */
  readonly athenaReview: AthenaAuditReview;
  /** Saved audit-review queries (Logs Insights over the trail, Athena over the sign-in log). */
  readonly reviewQueries: AuditReviewQueries;
  /** CloudTrail metric filters and alarms (CIS monitoring, break-glass use) to the security topic. */
  readonly securityAlarms: SecurityAlarms;
  /** GuardDuty and Security Hub findings from `alerts.minimumFindingSeverity` up, to the security topic. */
  readonly findingNotifications: FindingNotifications;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id, props);
    const { config } = props;

    const evidence = new LockedBucket(this, 'Evidence', {
      description: 'audit evidence bucket',
      encryptionKey: props.auditKey,
      ...evidenceLock(config),
      replicateTo: {
        bucketName: evidenceReplicaBucketName(config),
        region: config.regions.dr,
        keyAliasName: keyAliasName(config.name, 'audit-dr'),
      },
    });
    this.evidenceBucket = evidence.bucket;

    const topic = new sns.Topic(this, 'SecurityTopic', {
      displayName: `${config.name} security alerts`,
      masterKey: props.auditKey,
      enforceSSL: true,
    });
    for (const email of [config.securityContactEmail, ...config.alerts.additionalEmails]) {
      topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.securityTopic = topic;

    // Every API call in every region, and object-level access to the PHI buckets (HIPAA 164.312(b)).
    const trail = new AuditTrail(this, 'Trail', {
      trailName: auditTrailName(config.name),
      encryptionKey: props.auditKey,
      phiBuckets: props.phiBuckets,
      retentionDays: config.logs.retentionDays,
      logGroupName: `/${config.name}/cloudtrail`,
      replicateTo: {
        bucketName: trailReplicaBucketName(config),
        region: config.regions.dr,
        keyAliasName: keyAliasName(config.name, 'audit-dr'),
      },
    });
    this.trail = trail;
    // A replacement would orphan years of audit trail (or fail on the fixed trail and log group names).
    pinLogicalId(trail.bucket, 'TrailBucket');
    pinLogicalId(trail.lockedBucket.accessLogs.bucket, 'TrailAccessLogBucket');
    pinLogicalId(trail.logGroup, 'TrailLogGroup');
    pinLogicalId(trail.trail, 'Trail');
    // Activity review and incident reporting (HIPAA 164.308(a)(1)(ii)(D), 164.308(a)(6)(ii)): CIS metric
    // filters and the break-glass alarm on the trail's log group, and findings from the configured
    // severity up, all to the security topic. The Identity stack names the break-glass role the same way.
    this.securityAlarms = new SecurityAlarms(this, 'SecurityAlarms', {
      trailLogGroup: trail.logGroup,
      topic,
      breakGlassRoleName: `${config.name}-break-glass`,
      alarmNamePrefix: `${config.name}-security`,
    });
    this.findingNotifications = new FindingNotifications(this, 'FindingNotifications', {
      topic,
      minimumSeverity: config.alerts.minimumFindingSeverity,
      alarmNamePrefix: `${config.name}-findings`,
    });
    // Staff sign-ins (HIPAA 164.308(a)(5)(ii)(C) log-in monitoring): Cognito's user activity, kept like
    // the rest of the audit trail and copied into the DR region's write-once evidence replica.
    const signInLog = new UserActivityLog(this, 'SignInLog', {
      userPool: props.userPool,
      encryptionKey: props.auditKey,
      retentionDays: config.logs.retentionDays,
      replicateTo: {
        bucketName: evidenceReplicaBucketName(config),
        region: config.regions.dr,
        keyAliasName: keyAliasName(config.name, 'audit-dr'),
      },
    });
    this.signInLog = signInLog;
    // Query results land next to the logs they were read from: same key, same retention, same replica.
    const athenaReview = new AthenaAuditReview(this, 'AthenaReview', {
      workGroupName: auditReviewWorkGroupName(config.name),
      databaseName: auditReviewDatabaseName(config.name),
      encryptionKey: props.auditKey,
      resultsBucket: signInLog.bucket,
      userActivity: { bucket: signInLog.bucket, prefix: signInLog.logPrefix },
    });
    this.athenaReview = athenaReview;
    // Saved queries for the reviews in docs/runbooks/audit-review.md.
    this.reviewQueries = new AuditReviewQueries(this, 'ReviewQueries', {
      folder: config.name,
      trailLogGroup: trail.logGroup,
      athena: athenaReview,
    });
    // A replacement would orphan years of sign-in records (or fail on the fixed workgroup and database
    // names); the delivery is one per user pool.
    pinLogicalId(signInLog.bucket, 'SignInLogBucket');
    pinLogicalId(signInLog.accessLogs.bucket, 'SignInLogAccessLogBucket');
    pinLogicalId(signInLog.delivery, 'SignInLogDelivery');
    pinLogicalId(athenaReview.workGroup, 'AuditReviewWorkGroup');
    pinLogicalId(athenaReview.database, 'AuditReviewDatabase');
    pinLogicalId(athenaReview.userActivityTable, 'SignInLogTable');
    const detection = new DetectiveServices(this, 'Detection', {
      deployment: config.name,
      guardDuty: config.detection.guardDuty,
      securityHub: config.detection.securityHub,
      config: config.detection.config,
      phiBuckets: props.phiBuckets,
      auditKey: props.auditKey,
      configRetention: Duration.days(config.logs.retentionDays),
      // The configuration history joins the evidence in the DR region's write-once replica.
      configReplicateTo: {
        bucketName: evidenceReplicaBucketName(config),
        region: config.regions.dr,
        keyAliasName: keyAliasName(config.name, 'audit-dr'),
      },
    });
    this.detection = detection;
    // One of each per account and region: a replacement could never be created next to the original.
    if (detection.detector) pinLogicalId(detection.detector, 'GuardDutyDetector');
    if (detection.hub) pinLogicalId(detection.hub, 'SecurityHub');
    if (detection.recording) {
      pinLogicalId(detection.recording.recorder, 'ConfigRecorder');
      pinLogicalId(detection.recording.deliveryChannel, 'ConfigDeliveryChannel');
      pinLogicalId(detection.recording.bucket, 'ConfigHistoryBucket');
      pinLogicalId(detection.recording.accessLogs.bucket, 'ConfigHistoryAccessLogBucket');
    }

    pinLogicalId(evidence.bucket, 'EvidenceBucket');
    pinLogicalId(evidence.accessLogs.bucket, 'EvidenceAccessLogBucket');
    pinLogicalId(topic, 'SecurityTopic');
  }
}
