import { Duration, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { deploymentNames, TAG, type AIR_GAPPED_DATA_CLASS, type DataClass, type DrDataClass } from '../vocabulary';
import * as grants from './key-policy-grants';
import { STATEFUL_REMOVAL_POLICY } from '../compliance/retention';

export interface DataClassKeyProps {
  /** Deployment name; prefixes the alias. */
  readonly deployment: string;
  /** The data class this key protects; becomes the alias suffix and the data-class tag. */
  readonly dataClass: DataClass | DrDataClass | typeof AIR_GAPPED_DATA_CLASS;
  /** What the key encrypts, for the key description. */
  readonly description: string;
  /**
   * The alias, for a key whose name is not its data class's (the log archive's key, which is tagged
   * `audit`). @default deploymentNames(deployment).keyAlias(dataClass)
   */
  readonly aliasName?: string;
  /** Automatic rotation period (90-365 days). @default Duration.days(365) */
  readonly rotationPeriod?: Duration;
  /** Waiting period before a key scheduled for deletion is destroyed (7-30 days). @default Duration.days(30) */
  readonly pendingWindow?: Duration;
}

/**
 * A customer-managed KMS key for one data class (HIPAA 164.312(a)(2)(iv) encryption at rest,
 * 164.312(b) key use is logged by CloudTrail). Secure by default and not configurable otherwise:
 * rotation on, retained on stack deletion, alias `alias/<deployment>/<data class>`, tagged with its
 * data class so that rotation enforcement and crypto-erasure can find it and nothing else.
 *
 * The key policy keeps CDK's account-root statement (IAM policies grant use, and every grant stays
 * least-privilege in the stack that needs it) and adds a deny that limits `kms:CreateGrant` to AWS
 * services acting for a resource (Control Tower CT.KMS.PR.3). Service principals and later roles are
 * added by the consumers of the key with the grants of `key-policy-grants.ts`, each constrained to this
 * account and region; the `allow*` methods here are the same grants on this key.
 */
export class DataClassKey extends Construct {
  readonly key: kms.Key;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: DataClassKeyProps) {
    super(scope, id);
    this.aliasName = props.aliasName ?? deploymentNames(props.deployment).keyAlias(props.dataClass);
    this.key = new kms.Key(this, 'Key', {
      description: `${props.deployment} ${props.dataClass}: ${props.description}`,
      enableKeyRotation: true,
      rotationPeriod: props.rotationPeriod ?? Duration.days(365),
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      alias: this.aliasName,
      removalPolicy: STATEFUL_REMOVAL_POLICY,
    });
    grants.denyGrantsExceptForAwsResources(this.key);
    Tags.of(this.key).add(TAG.dataClass, props.dataClass);
  }

  /** CloudWatch Logs may encrypt log groups of this account and region (`grants.allowCloudWatchLogs`). */
  allowCloudWatchLogs(): void {
    grants.allowCloudWatchLogs(this.key);
  }

  /** EventBridge rules of this account may write to dead-letter queues (`grants.allowEventBridgeDeadLetters`). */
  allowEventBridgeDeadLetters(): void {
    grants.allowEventBridgeDeadLetters(this.key);
  }

  /** CloudWatch alarms and EventBridge may publish to topics (`grants.allowAlarmAndEventPublishers`). */
  allowAlarmAndEventPublishers(): void {
    grants.allowAlarmAndEventPublishers(this.key);
  }

  /** AWS Config may deliver its configuration history (`grants.allowConfigDelivery`). */
  allowConfigDelivery(): void {
    grants.allowConfigDelivery(this.key);
  }

  /** The CloudTrail trail `trailName` may encrypt its log files (`grants.allowCloudTrail`). */
  allowCloudTrail(trailName: string): void {
    grants.allowCloudTrail(this.key, trailName);
  }

  /** The log delivery service may encrypt log files into buckets (`grants.allowLogDeliveryToBuckets`). */
  allowLogDeliveryToBuckets(): void {
    grants.allowLogDeliveryToBuckets(this.key);
  }

  /** Backup Audit Manager may write its reports (`grants.allowBackupReports`). */
  allowBackupReports(): void {
    grants.allowBackupReports(this.key);
  }

  /** AWS Backup of this account may use the key for its vault (`grants.allowAwsBackupOfThisAccount`). */
  allowAwsBackupOfThisAccount(): void {
    grants.allowAwsBackupOfThisAccount(this.key);
  }

  /** Exact roles of another account of the organization may use the key for AWS Backup (`grants.allowAwsBackupAcrossAccounts`). */
  allowAwsBackupAcrossAccounts(grant: grants.CrossAccountBackupGrant): void {
    grants.allowAwsBackupAcrossAccounts(this.key, grant);
  }

  /** The crypto-erasure role `roleArn` may destroy this key if it is erasable (`grants.allowCryptoErasureBy`). */
  allowCryptoErasureBy(roleArn: string): void {
    grants.allowCryptoErasureBy(this.key, roleArn);
  }
}
