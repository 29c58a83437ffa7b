import { Duration, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { organizationSettings } from '../config/organization';
import type { DeploymentConfig } from '../config/schema';
import { CertificateSigningKey } from '../constructs/certificate-signing-key';
import { DataClassKey } from '../constructs/data-class-key';
import { backupServiceLinkedRoleArn } from '../constructs/key-policy-grants';
import { pinLogicalId } from '../constructs/logical-ids';
import { LOGICAL_IDS } from '../vocabulary';

/** The config-derived part of `DeploymentKeysProps`. */
export interface DeploymentKeysSettings {
  /** Deployment name: key aliases and tags. */
  readonly deployment: string;
  /** Automatic rotation period of the symmetric keys (90-365 days). */
  readonly rotationPeriod: Duration;
  /** Waiting period before a key scheduled for deletion is destroyed (7-30 days). */
  readonly pendingWindow: Duration;
  /**
   * Accounts apart (config `organization`): the backup account that copies the recovery points into its
   * air-gapped vaults, and their organization. @default - none: single account, nothing changes
   */
  readonly backupAccountCopy?: { readonly backupAccount: string; readonly organizationId: string };
}

/** Translates the config into the settings of `DeploymentKeys`. */
export function deploymentKeysSettings(config: DeploymentConfig): DeploymentKeysSettings {
  return {
    deployment: config.name,
    rotationPeriod: Duration.days(config.keys.rotationPeriodDays),
    pendingWindow: Duration.days(config.keys.pendingWindowDays),
    backupAccountCopy: backupAccountCopyOf(config),
  };
}

function backupAccountCopyOf(config: DeploymentConfig): DeploymentKeysSettings['backupAccountCopy'] {
  const organization = organizationSettings(config);
  return organization && { backupAccount: organization.backupAccount, organizationId: organization.organizationId };
}

/** Everything `DeploymentKeys` needs comes from the config: it receives no other resource. */
export type DeploymentKeysProps = DeploymentKeysSettings;

/**
 * The primary region's customer-managed keys: one per data class (HIPAA 164.312(a)(2)(iv)) and the
 * certificate-signing key. Separate keys let the `phi` and `backup` keys be destroyed at contract end
 * (crypto-erasure) while the `audit` key keeps the 6-year audit trail readable and the signing key keeps
 * certificates of destruction verifiable.
 *
 * Each consumer of a key adds the key-policy statements it needs itself (key-policy-grants.ts), naming
 * its trail or role by deterministic name, because a key policy cannot reference what does not exist yet.
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
    // Kept with the key: every log group and every dead-letter queue under the audit key, in any stack, needs these.
    audit.allowCloudWatchLogs();
    audit.allowEventBridgeDeadLetters();
    const backup = new DataClassKey(this, 'Backup', {
      ...common,
      dataClass: 'backup',
      description: 'recovery points in the primary AWS Backup vault',
    });
    const signing = new CertificateSigningKey(this, 'CertificateSigning', {
      deployment: props.deployment,
      pendingWindow: props.pendingWindow,
    });
    this.phiKey = phi.key;
    this.auditKey = audit.key;
    this.backupKey = backup.key;
    this.certificateSigningKey = signing.key;

    if (props.backupAccountCopy) {
      // The cross-account copy into the backup account's air-gapped vaults: its AWS Backup (service-linked
      // role) must decrypt and grant the source recovery points' keys. RDS snapshots keep the phi key until
      // copied; S3 recovery points are under the backup (vault) key. "Confirm that the source AWS KMS key
      // policy allows the destination account" (https://repost.aws/knowledge-center/backup-troubleshoot-cross-account-copy).
      const { backupAccount, organizationId } = props.backupAccountCopy;
      for (const key of [phi, backup]) {
        key.allowAwsBackupAcrossAccounts({
          sid: 'AllowBackupAccountAwsBackupToCopy',
          organizationId,
          account: backupAccount,
          roleArns: [backupServiceLinkedRoleArn(Stack.of(this).partition, backupAccount)],
        });
      }
    }

    // Replacing a key makes everything encrypted under it unreadable: the IDs must never change.
    const ids = LOGICAL_IDS.keys;
    pinLogicalId(phi.key, ids.phi);
    pinLogicalId(audit.key, ids.audit);
    pinLogicalId(backup.key, ids.backup);
    pinLogicalId(signing.key, ids.certificateSigning);
    pinLogicalId(signing.key.node.findChild('Alias'), ids.certificateSigningAlias);
  }
}
