import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { CertificateSigningKey } from '../constructs/certificate-signing-key';
import { CryptoErasure } from '../constructs/crypto-erasure';
import { DataClassKey } from '../constructs/data-class-key';
import { pinLogicalId } from '../constructs/logical-ids';
import { deploymentNames, LOGICAL_IDS } from '../vocabulary';

/** The config-derived part of `DeploymentKeysProps`. */
export interface DeploymentKeysSettings {
  /** Deployment name: key aliases, tags, and the trail and roles the key policies name. */
  readonly deployment: string;
  /** Automatic rotation period of the symmetric keys (90-365 days). */
  readonly rotationPeriod: Duration;
  /** Waiting period before a key scheduled for deletion is destroyed (7-30 days). */
  readonly pendingWindow: Duration;
  /** Whether AWS Config delivers its configuration history under the audit key. @default false */
  readonly configDelivery?: boolean;
}

/** Translates the config into the settings of `DeploymentKeys`. */
export function deploymentKeysSettings(config: DeploymentConfig): DeploymentKeysSettings {
  return {
    deployment: config.name,
    rotationPeriod: Duration.days(config.keys.rotationPeriodDays),
    pendingWindow: Duration.days(config.keys.pendingWindowDays),
    configDelivery: config.detection.config,
  };
}

/** Everything `DeploymentKeys` needs comes from the config: it receives no other resource. */
export type DeploymentKeysProps = DeploymentKeysSettings;

/**
 * The primary region's customer-managed keys: one per data class (HIPAA 164.312(a)(2)(iv)) and the
 * certificate-signing key. Separate keys let the `phi` and `backup` keys be destroyed at contract end
 * (crypto-erasure) while the `audit` key keeps the 6-year audit trail readable and the signing key keeps
 * certificates of destruction verifiable.
 *
 * The key policies name the services and roles of later stacks by their deterministic names (the trail,
 * the crypto-erasure role), because a key policy cannot reference what does not exist yet.
 */
export class DeploymentKeys extends Construct {
  /** Encrypts PHI: database, PHI documents bucket, database secret, Performance Insights. */
  readonly phiKey: kms.Key;
  /** Encrypts the audit trail: CloudTrail, log groups, alarm topics, evidence. Never crypto-erased. */
  readonly auditKey: kms.Key;
  /** Encrypts the primary AWS Backup vault. */
  readonly backupKey: kms.Key;
  /** Signs certificates of destruction (asymmetric). Never erased, like the audit key. */
  readonly certificateSigningKey: kms.Key;

  constructor(scope: Construct, id: string, props: DeploymentKeysProps) {
    super(scope, id);
    const common = { deployment: props.deployment, rotationPeriod: props.rotationPeriod, pendingWindow: props.pendingWindow };
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
    audit.allowCloudTrail(deploymentNames(props.deployment).trail);
    // The Operations stack's EventBridge rules keep undeliverable events in audit-key-encrypted queues.
    audit.allowEventBridgeDeadLetters();
    // The security topic (audit key) receives the Audit stack's alarms and finding notifications.
    audit.allowAlarmAndEventPublishers();
    // The Audit stack's AWS Config delivery channel encrypts the configuration history with the audit key.
    if (props.configDelivery) audit.allowConfigDelivery();
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
    const erasureRole = CryptoErasure.roleArn(this, props.deployment);
    phi.allowCryptoErasureBy(erasureRole);
    backup.allowCryptoErasureBy(erasureRole);
    const signing = new CertificateSigningKey(this, 'CertificateSigning', {
      deployment: props.deployment,
      pendingWindow: props.pendingWindow,
    });
    signing.allowSigningBy(erasureRole);
    this.phiKey = phi.key;
    this.auditKey = audit.key;
    this.backupKey = backup.key;
    this.certificateSigningKey = signing.key;

    // Replacing a key makes everything encrypted under it unreadable: the IDs must never change.
    const ids = LOGICAL_IDS.keys;
    pinLogicalId(phi.key, ids.phi);
    pinLogicalId(audit.key, ids.audit);
    pinLogicalId(backup.key, ids.backup);
    pinLogicalId(signing.key, ids.certificateSigning);
    pinLogicalId(signing.key.node.findChild('Alias'), ids.certificateSigningAlias);
  }
}
