import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { CertificateSigningKey } from '../constructs/certificate-signing-key';
import { CryptoErasure } from '../constructs/crypto-erasure';
import { DataClassKey } from '../constructs/data-class-key';
import { auditTrailName } from '../naming';
import { pinLogicalId } from '../constructs/logical-ids';

export interface KeysStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/**
 * Stateful: one customer-managed key per data class in the primary region. Separate keys let the
 * `phi` and `backup` keys be destroyed at contract end (crypto-erasure) while the `audit` key keeps
 * the 6-year audit trail readable.
 */
export class KeysStack extends Stack {
  /** Encrypts PHI: database, PHI documents bucket, database secret, Performance Insights. */
  readonly phiKey: kms.Key;
  /** Encrypts the audit trail: CloudTrail, log groups, alarm topics, evidence. Never crypto-erased. */
  readonly auditKey: kms.Key;
  /** Encrypts the primary AWS Backup vault. */
  readonly backupKey: kms.Key;
  /** Signs certificates of destruction (asymmetric). Never erased, like the audit key. */
  readonly certificateSigningKey: kms.Key;

  constructor(scope: Construct, id: string, props: KeysStackProps) {
    super(scope, id, props);
    const common = {
      deployment: props.config.name,
      rotationPeriod: Duration.days(props.config.keys.rotationPeriodDays),
      pendingWindow: Duration.days(props.config.keys.pendingWindowDays),
    };
    const phi = new DataClassKey(this, 'Phi', {
      ...common,
      dataClass: 'phi',
      description: 'PHI at rest (database, documents, database secret, Performance Insights)',
    });
    const audit = new DataClassKey(this, 'Audit', {
      ...common,
      dataClass: 'audit',
      description: 'audit trail and operational logs (no PHI)',
    });
    audit.allowCloudWatchLogs();
    // The Audit stack's CloudTrail trail encrypts its log files with the audit key.
    audit.allowCloudTrail(auditTrailName(props.config.name));
    // The Operations stack's EventBridge rules keep undeliverable events in audit-key-encrypted queues.
    audit.allowEventBridgeDeadLetters();
    // The security topic (audit key) receives the Audit stack's alarms and finding notifications.
    audit.allowAlarmAndEventPublishers();
    // The Audit stack's AWS Config delivery channel encrypts the configuration history with the audit key.
    if (props.config.detection.config) audit.allowConfigDelivery();
    // Backup Audit Manager (Operations stack) delivers its reports into the audit-key evidence bucket.
    audit.allowBackupReports();
    // Cognito's user-activity export reaches the Audit stack's sign-in log bucket (audit key) through
    // the CloudWatch Logs delivery service.
    audit.allowLogDeliveryToBuckets();
    const backup = new DataClassKey(this, 'Backup', {
      ...common,
      dataClass: 'backup',
      description: 'recovery points in the primary AWS Backup vault',
    });
    // Crypto-erasure (Operations stack) may disable and schedule the deletion of the keys that protect PHI
    // copies, through these key policies only: no IAM statement anywhere grants it.
    const erasureRole = CryptoErasure.roleArn(this, props.config.name);
    phi.allowCryptoErasureBy(erasureRole);
    backup.allowCryptoErasureBy(erasureRole);
    const signing = new CertificateSigningKey(this, 'CertificateSigning', {
      deployment: props.config.name,
      pendingWindow: Duration.days(props.config.keys.pendingWindowDays),
    });
    signing.allowSigningBy(erasureRole);
    this.certificateSigningKey = signing.key;
    this.phiKey = phi.key;
    this.auditKey = audit.key;
    this.backupKey = backup.key;
    // Replacing a key makes everything encrypted under it unreadable: the IDs must never change.
    pinLogicalId(phi.key, 'PhiKey');
    pinLogicalId(audit.key, 'AuditKey');
    pinLogicalId(backup.key, 'BackupKey');
    pinLogicalId(signing.key, 'CertificateSigningKey');
    pinLogicalId(signing.key.node.findChild('Alias'), 'CertificateSigningKeyAlias');
  }
}
