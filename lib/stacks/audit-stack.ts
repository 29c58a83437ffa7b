import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ActivityAudit, activityAuditSettings } from '../capabilities/activity-audit';
import { EvidenceStore, evidenceStoreSettings } from '../capabilities/evidence-store';
import { SecurityNotifications, securityNotificationsSettings } from '../capabilities/security-notifications';
import { SignInAudit, signInAuditSettings } from '../capabilities/sign-in-audit';
import { ThreatDetection, threatDetectionSettings } from '../capabilities/threat-detection';
import type { DeploymentConfig } from '../config/schema';
import type { AuditTrail } from '../constructs/audit-trail';

// The DR stack locks the evidence replica like the evidence.

export interface AuditStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** Buckets whose object-level access CloudTrail records and GuardDuty scans: every PHI bucket. */
  readonly phiBuckets: s3.IBucket[];
  /** Encrypts everything here. Never crypto-erased: the audit trail outlives PHI. */
  readonly auditKey: kms.IKey;
  /** The Identity stack's user pool (Plus plan, threat protection on), whose user activity is exported here. */
  readonly userPool: cognito.IUserPool;
}

/**
 * Stateful: the audit trail and everything that watches it (HIPAA 164.312(b), 164.308(a)(1)(ii)(D),
 * 164.308(a)(6)(ii)): the write-once evidence store, the security topic, the trail with its alarms,
 * finding notifications and review queries, Cognito's sign-in log with its Athena review, and the
 * detective services. Each capability owns its resources, names and logical-ID pins.
 */
export class AuditStack extends Stack {
  readonly evidence: EvidenceStore;
  readonly notifications: SecurityNotifications;
  readonly signIns: SignInAudit;
  readonly activity: ActivityAudit;
  readonly detection: ThreatDetection;
  /** Write-once (COMPLIANCE Object Lock) evidence, replicated to the DR region. */
  readonly evidenceBucket: s3.IBucket;
  /** Security alerts; subscribed by the security contact and the configured extra recipients. */
  readonly securityTopic: sns.ITopic;
  /** The multi-region CloudTrail trail, its write-once bucket and the log group alarms filter. */
  readonly trail: AuditTrail;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id, props);
    const { config, auditKey: encryptionKey, phiBuckets } = props;
    // The construct IDs are those of the resources before the capabilities existed; `Default` adds
    // nothing to logical IDs, so every resource keeps its own.
    this.evidence = new EvidenceStore(this, 'Evidence', { ...evidenceStoreSettings(config), encryptionKey });
    this.notifications = new SecurityNotifications(this, 'SecurityTopic', {
      ...securityNotificationsSettings(config),
      encryptionKey,
    });
    this.signIns = new SignInAudit(this, 'SignInLog', {
      ...signInAuditSettings(config),
      encryptionKey,
      userPool: props.userPool,
    });
    this.activity = new ActivityAudit(this, 'Default', {
      ...activityAuditSettings(config),
      encryptionKey,
      phiBuckets,
      alertTopic: this.notifications.topic,
      signInReview: this.signIns.review,
    });
    this.detection = new ThreatDetection(this, 'Detection', {
      ...threatDetectionSettings(config),
      auditKey: encryptionKey,
      phiBuckets,
      findingNotifications: this.activity.findingNotifications,
    });
    this.evidenceBucket = this.evidence.bucket;
    this.securityTopic = this.notifications.topic;
    this.trail = this.activity.trail;
  }
}
