import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { LockedBucket } from '../constructs/locked-bucket';
import { evidenceReplicaBucketName, keyAliasName } from '../naming';
import { pinLogicalId } from './logical-ids';

export interface AuditStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** Encrypts the evidence and the alert topic. Never crypto-erased: the audit trail outlives PHI. */
  readonly auditKey: kms.IKey;
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
 * Stateful: the write-once evidence store that reports are written to (access reviews now; restore
 * drills and certificates of destruction later) and the topic that pages the security contact.
 * The Audit issue adds CloudTrail, alarms and the detective services here.
 */
export class AuditStack extends Stack {
  /** Write-once (COMPLIANCE Object Lock) evidence, replicated to the DR region. */
  readonly evidenceBucket: s3.IBucket;
  /** Security alerts; subscribed by the security contact and the configured extra recipients. */
  readonly securityTopic: sns.ITopic;

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

    pinLogicalId(evidence.bucket, 'EvidenceBucket');
    pinLogicalId(evidence.accessLogs.bucket, 'EvidenceAccessLogBucket');
    pinLogicalId(topic, 'SecurityTopic');
  }
}
