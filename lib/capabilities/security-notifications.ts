import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { allowEventRulesOfThisAccount } from '../constructs/event-topic-target';
import { allowAlarmAndEventPublishers } from '../constructs/key-policy-grants';
import { pinLogicalId } from '../constructs/logical-ids';
import { allowAlarmsOfThisAccount } from '../constructs/security-alarms';
import { deploymentNames, LOGICAL_IDS } from '../vocabulary';

/** The config-derived part of `SecurityNotificationsProps`. */
export interface SecurityNotificationsSettings {
  /** Display name of the topic: the sender name of every e-mail. */
  readonly displayName: string;
  /** Who is subscribed by e-mail (each confirms once): the security contact first, then the extra recipients. */
  readonly emailAddresses: readonly string[];
  /**
   * Pinned logical ID of the topic: a new topic would need every recipient to confirm again.
   * @default - not pinned: derived from the construct path, as for any resource
   */
  readonly logicalId?: string;
}

/**
 * The security topic of a region: the security contact and `alerts.additionalEmails`, in the primary
 * region (`'primary'`, Audit stack; its topic's logical ID is pinned) or the DR region (`'dr'`,
 * DrOperations stack: alarm actions cannot cross regions).
 */
export function securityNotificationsSettings(
  config: DeploymentConfig,
  region: 'primary' | 'dr' = 'primary',
): SecurityNotificationsSettings {
  const names = deploymentNames(config.name);
  return {
    displayName: region === 'primary' ? names.securityTopicDisplayName : names.drSecurityTopicDisplayName,
    emailAddresses: [config.securityContactEmail, ...config.alerts.additionalEmails],
    logicalId: region === 'primary' ? LOGICAL_IDS.audit.securityTopic : undefined,
  };
}

export interface SecurityNotificationsProps extends SecurityNotificationsSettings {
  /**
   * Encrypts the messages at rest: the audit key of the region. This construct lets CloudWatch alarms
   * and EventBridge of this account use it for topics of this account (`allowAlarmAndEventPublishers`);
   * it must be a key whose policy CDK can change (a key of this app, not an imported one).
   */
  readonly encryptionKey: kms.IKey;
}

/**
 * The topic that pages the security contact (HIPAA 164.308(a)(6)(ii) security incident reporting,
 * 164.308(a)(1)(ii)(D) activity review): encrypted with the audit key, TLS only, with an e-mail
 * subscription per recipient. Its policy (which replaces SNS's default one) lets CloudWatch alarms and
 * EventBridge rules of this account and region publish (rules target it with `eventTopicTarget`, which
 * grants nothing more). The key's policy lets both publishers encrypt for it.
 *
 * The topic is this construct's `Default` child, which CDK leaves out of logical IDs: built with the id
 * `SecurityTopic`, the topic, its policy and subscriptions keep the IDs they had before this construct
 * existed, in either region.
 */
export class SecurityNotifications extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: SecurityNotificationsProps) {
    super(scope, id);
    if (props.emailAddresses.length === 0) {
      throw new Error(`${this.node.path}: a security topic needs at least one recipient`);
    }
    const topic = new sns.Topic(this, 'Default', {
      displayName: props.displayName,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    for (const email of props.emailAddresses) topic.addSubscription(new subscriptions.EmailSubscription(email));
    allowAlarmsOfThisAccount(topic);
    allowEventRulesOfThisAccount(topic);
    // Alarms and finding rules can publish to an encrypted topic only if the key lets them encrypt for it.
    allowAlarmAndEventPublishers(props.encryptionKey);
    this.topic = topic;
    if (props.logicalId) pinLogicalId(topic, props.logicalId);
  }
}
