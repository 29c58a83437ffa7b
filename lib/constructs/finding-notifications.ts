import { Duration, type CfnResource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { EventTopicTarget } from './event-topic-target';
import type { DeploymentConfig } from '../config/schema';

/** The lowest finding severity that pages the security contact (`alerts.minimumFindingSeverity`). */
export type FindingSeverity = DeploymentConfig['alerts']['minimumFindingSeverity'];

/**
 * Lowest GuardDuty severity score of each level: GuardDuty scores findings from 1.0 to 10.0,
 * Medium from 4.0, High from 7.0, Critical from 9.0
 * (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html).
 */
export const GUARDDUTY_MINIMUM_SCORE: Readonly<Record<FindingSeverity, number>> = { MEDIUM: 4, HIGH: 7, CRITICAL: 9 };

/** Security Hub severity labels (ASFF `Severity.Label`) that can page, lowest first. */
export const SECURITY_HUB_LABELS: readonly FindingSeverity[] = ['MEDIUM', 'HIGH', 'CRITICAL'];

/** Security Hub labels at or above `minimum`. */
export function securityHubLabelsFrom(minimum: FindingSeverity): FindingSeverity[] {
  return SECURITY_HUB_LABELS.slice(SECURITY_HUB_LABELS.indexOf(minimum));
}

/** The only finding fields a notification carries. None of them can hold PHI. */
export const FINDING_MESSAGE_FIELDS = ['title', 'severity', 'account', 'region', 'resourceType', 'id'] as const;
type FindingMessageField = (typeof FINDING_MESSAGE_FIELDS)[number];

/** Where each message field is in a GuardDuty finding event. */
export const GUARDDUTY_FIELD_PATHS: Readonly<Record<FindingMessageField, string>> = {
  title: '$.detail.title',
  severity: '$.detail.severity',
  account: '$.detail.accountId',
  region: '$.detail.region',
  resourceType: '$.detail.resource.resourceType',
  id: '$.detail.id',
};

/** Where each message field is in a Security Hub "Findings - Imported" event (one finding per event). */
export const SECURITY_HUB_FIELD_PATHS: Readonly<Record<FindingMessageField, string>> = {
  title: '$.detail.findings[0].Title',
  severity: '$.detail.findings[0].Severity.Label',
  account: '$.detail.findings[0].AwsAccountId',
  region: '$.detail.findings[0].Region',
  resourceType: '$.detail.findings[0].Resources[0].Type',
  id: '$.detail.findings[0].Id',
};

/** Inspector severity labels that can page, lowest first (`detail.severity` of an "Inspector2 Finding"). */
export const INSPECTOR_LABELS: readonly FindingSeverity[] = ['MEDIUM', 'HIGH', 'CRITICAL'];

/**
 * Macie severity levels (`detail.severity.description`) at or above each configured level. Macie rates findings
 * Low, Medium or High only (https://docs.aws.amazon.com/macie/latest/user/findings-severity.html), so its highest
 * level pages even when the threshold is CRITICAL.
 */
export const MACIE_LEVELS_FROM: Readonly<Record<FindingSeverity, readonly string[]>> = {
  MEDIUM: ['Medium', 'High'],
  HIGH: ['High'],
  CRITICAL: ['High'],
};

/**
 * Products whose findings Security Hub also imports but that have a rule of their own here, so the Security
 * Hub rule leaves them out (ASFF `ProductName`).
 */
export const PRODUCTS_WITH_OWN_RULE = ['GuardDuty', 'Inspector', 'Macie'] as const;

/**
 * Where each message field is in an "Inspector2 Finding" event
 * (https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html). The title names the
 * vulnerability and package, never data.
 */
export const INSPECTOR_FIELD_PATHS: Readonly<Record<FindingMessageField, string>> = {
  title: '$.detail.title',
  severity: '$.detail.severity',
  account: '$.detail.awsAccountId',
  region: '$.region',
  resourceType: '$.detail.resources[0].type',
  id: '$.detail.findingArn',
};

/**
 * Where each message field is in a "Macie Finding" event
 * (https://docs.aws.amazon.com/macie/latest/user/findings-publish-event-schemas.html). Macie's finding type
 * (e.g. `SensitiveData:S3Object/Personal`) stands for the resource type; the object key and the sensitive
 * data samples stay in the console.
 */
export const MACIE_FIELD_PATHS: Readonly<Record<FindingMessageField, string>> = {
  title: '$.detail.title',
  severity: '$.detail.severity.description',
  account: '$.detail.accountId',
  region: '$.detail.region',
  resourceType: '$.detail.type',
  id: '$.detail.id',
};

/** The notification text: fixed words and the `FINDING_MESSAGE_FIELDS` placeholders, nothing else. */
export function findingMessageText(service: string): string {
  return (
    `${service} finding, severity <severity>: <title>. ` +
    'Account <account>, region <region>, resource type <resourceType>, finding ID <id>. ' +
    `Review it in the ${service} console.`
  );
}

/**
 * An input transformer that turns a finding event into a one-line message built only from the
 * listed fields, named after them (CDK's `EventField` would name them after their JSON paths).
 */
class FindingMessage extends events.RuleTargetInput {
  constructor(
    private readonly service: string,
    private readonly paths: Readonly<Record<FindingMessageField, string>>,
  ) {
    super();
  }

  bind(): events.RuleTargetInputProperties {
    return {
      inputPathsMap: { ...this.paths },
      // A JSON string: SNS delivers it as the message text.
      inputTemplate: JSON.stringify(findingMessageText(this.service)),
    };
  }
}

/** How long EventBridge keeps retrying a notification the topic did not accept: the longest it allows. */
export const FINDING_DELIVERY_RETRY = { retryAttempts: 185, maxEventAge: Duration.hours(24) } as const;

export interface FindingNotificationsProps {
  /** Where notifications are sent: the security topic. It must accept CloudWatch alarms of this account. */
  readonly topic: sns.ITopic;
  /** Lowest severity that is sent (`alerts.minimumFindingSeverity`). */
  readonly minimumSeverity: FindingSeverity;
  /**
   * Encrypts the dead-letter queue of undeliverable notifications (the audit key); its key policy must let
   * EventBridge rules of this account use it (`DataClassKey.allowEventBridgeDeadLetters`).
   * @default - the topic's own key; a topic without one needs this
   */
  readonly deadLetterKey?: kms.IKey;
  /** Name of the dead-letter queue alarm: `<prefix>-FindingDeliveryFailures`. @default - generated by CloudFormation */
  readonly alarmNamePrefix?: string;
}

/**
 * Sends GuardDuty, Security Hub, Inspector and Macie findings at or above the configured severity to
 * the security topic (HIPAA 164.308(a)(6)(ii) response and reporting, 164.308(a)(1)(ii)(D) information
 * system activity review).
 *
 * - GuardDuty: every "GuardDuty Finding" event whose score is at least the level's lowest score
 *   (numeric match), new findings and updates of recurring ones alike.
 * - Security Hub: imported findings with a severity label at or above the level, still NEW in the
 *   workflow and ACTIVE. GuardDuty's, Inspector's and Macie's own findings are left out there
 *   (`PRODUCTS_WITH_OWN_RULE`): Security Hub imports them too, and their own rules have sent them.
 * - Inspector: ACTIVE "Inspector2 Finding" events (vulnerable images and functions) with a severity
 *   label at or above the level (docs/runbooks/vulnerability-patching.md).
 * - Macie: policy findings at or above the level (`MACIE_LEVELS_FROM`); with `notifyPhiDiscovery`,
 *   every finding of the PHI discovery job, whatever its severity (docs/runbooks/phi-in-logs.md).
 * Like the GuardDuty rule, these rules exist whether this deployment or the organisation runs the service.
 *
 * The message is a fixed sentence with the finding's title, severity, account, region, resource
 * type and ID (`FINDING_MESSAGE_FIELDS`); the rest of the finding (resource details, user names,
 * IP addresses, object keys) stays in the consoles. E-mail is not the place for it, and findings
 * about the PHI stores could otherwise carry identifiers into inboxes.
 *
 * A notification the topic does not accept is retried by EventBridge for up to 24 hours (errors a
 * retry cannot fix, such as a denied permission, are not retried), then kept in a dead-letter queue
 * (the audit key, TLS only, 14 days) that only these two rules may write to. Its depth alarms to the
 * same topic: a finding that was never sent must still reach a person, in the console if not by
 * mail. The queue holds the whole finding event, like the consoles, never in mail.
 */
export class FindingNotifications extends Construct {
  readonly guardDutyRule: events.Rule;
  readonly securityHubRule: events.Rule;
  /** Active Inspector findings (vulnerable images, functions) at or above the severity. */
  readonly inspectorRule: events.Rule;
  /** Macie policy findings (a bucket made public, unencrypted...) at or above the severity. */
  readonly maciePolicyRule: events.Rule;
  /** Every finding of the PHI discovery job, with `notifyPhiDiscovery`. */
  phiDiscoveryRule?: events.Rule;
  private readonly delivery: Pick<targets.SnsTopicProps, 'deadLetterQueue' | 'retryAttempts' | 'maxEventAge'>;
  private readonly topic: sns.ITopic;
  /** Finding events that could not be delivered to the topic. */
  readonly deadLetterQueue: sqs.Queue;
  /** Fires when the dead-letter queue holds a message. */
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FindingNotificationsProps) {
    super(scope, id);
    const minimum = props.minimumSeverity;
    const key = props.deadLetterKey ?? props.topic.masterKey;
    if (!key) {
      throw new Error(`${this.node.path}: the dead-letter queue needs a KMS key (deadLetterKey, or a topic with a key)`);
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Declares the queue a dead-letter queue (Control Tower CT.SQS.PR.1); "allowAll" is also SQS's default.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    });
    acknowledge(this.deadLetterQueue.node.defaultChild as CfnResource, {
      ruleId: 'AwsSolutions::AwsSolutions-SQS3',
      control: '164.308(a)(6)(ii)',
      reason:
        'False positive: this queue IS a dead-letter queue, of the DeadLetterConfig of both finding rule targets (asserted ' +
        'by the unit tests). The rule only recognises dead-letter queues named in an SQS redrive policy or a Lambda ' +
        'DeadLetterConfig, not EventBridge targets; a dead-letter queue of a dead-letter queue would only move the problem.',
    });
    // Each target also lets its own rule, and nothing else, send to the queue (aws:SourceArn).
    const delivery = { deadLetterQueue: this.deadLetterQueue, ...FINDING_DELIVERY_RETRY };
    this.delivery = delivery;
    this.topic = props.topic;

    this.guardDutyRule = new events.Rule(this, 'GuardDutyFindings', {
      description: `GuardDuty findings of severity ${minimum} or higher (score >= ${GUARDDUTY_MINIMUM_SCORE[minimum]}): notify the security contact`,
      eventPattern: {
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Finding'],
        detail: { severity: events.Match.greaterThanOrEqual(GUARDDUTY_MINIMUM_SCORE[minimum]) },
      },
    });
    this.guardDutyRule.addTarget(
      new EventTopicTarget(props.topic, {
        message: new FindingMessage('GuardDuty', GUARDDUTY_FIELD_PATHS),
        ...delivery,
      }),
    );

    this.securityHubRule = new events.Rule(this, 'SecurityHubFindings', {
      description: `New, active Security Hub findings of severity ${minimum} or higher: notify the security contact`,
      eventPattern: {
        source: ['aws.securityhub'],
        detailType: ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Severity: { Label: securityHubLabelsFrom(minimum) },
            Workflow: { Status: ['NEW'] },
            RecordState: ['ACTIVE'],
            ProductName: events.Match.anythingBut(...PRODUCTS_WITH_OWN_RULE),
          },
        },
      },
    });
    this.securityHubRule.addTarget(
      new EventTopicTarget(props.topic, {
        message: new FindingMessage('Security Hub', SECURITY_HUB_FIELD_PATHS),
        ...delivery,
      }),
    );

    this.inspectorRule = new events.Rule(this, 'InspectorFindings', {
      description: `Active Inspector findings of severity ${minimum} or higher (vulnerable images and functions): notify the security contact`,
      eventPattern: {
        source: ['aws.inspector2'],
        detailType: ['Inspector2 Finding'],
        detail: { severity: INSPECTOR_LABELS.slice(INSPECTOR_LABELS.indexOf(minimum)), status: ['ACTIVE'] },
      },
    });
    this.inspectorRule.addTarget(
      new EventTopicTarget(props.topic, { message: new FindingMessage('Inspector', INSPECTOR_FIELD_PATHS), ...delivery }),
    );

    this.maciePolicyRule = new events.Rule(this, 'MaciePolicyFindings', {
      description: `Macie policy findings of severity ${MACIE_LEVELS_FROM[minimum].join(' or ')}: notify the security contact`,
      eventPattern: {
        source: ['aws.macie'],
        detailType: ['Macie Finding'],
        detail: { category: ['POLICY'], severity: { description: [...MACIE_LEVELS_FROM[minimum]] } },
      },
    });
    this.maciePolicyRule.addTarget(
      new EventTopicTarget(props.topic, { message: new FindingMessage('Macie', MACIE_FIELD_PATHS), ...delivery }),
    );

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmName: props.alarmNamePrefix ? `${props.alarmNamePrefix}-FindingDeliveryFailures` : undefined,
      alarmDescription:
        '[HIPAA 164.308(a)(6)(ii)] A GuardDuty, Security Hub, Inspector or Macie finding could not be sent to the security ' +
        'topic and is in the finding-notifications dead-letter queue: nobody was told about it. Review the current ' +
        'findings in those consoles now, then find why delivery failed (topic policy, KMS key ' +
        'policy) and redrive or delete the messages (SQS deletes them after 14 days). While this alarm stays in ' +
        'ALARM, further undelivered findings send no new notification.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(5),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // An empty, idle queue publishes nothing: no data is the normal state.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
    this.deadLetterAlarm.addAlarmAction(new actions.SnsAction(props.topic));
  }

  /**
   * Sends every sensitive-data finding of the PHI discovery job (`PhiDiscovery`), whatever Macie's severity:
   * the job scans only buckets where no PHI may be, so any finding is a potential breach
   * (docs/runbooks/phi-in-logs.md). Findings of other jobs, such as an organisation's scans of the PHI
   * buckets, are left to the console.
   */
  notifyPhiDiscovery(jobId: string): events.Rule {
    if (this.phiDiscoveryRule) throw new Error(`${this.node.path}: the PHI discovery findings are already sent`);
    this.phiDiscoveryRule = new events.Rule(this, 'MaciePhiDiscoveryFindings', {
      description: 'Any Macie finding of the PHI discovery job (PHI where none may be): notify the security contact',
      eventPattern: {
        source: ['aws.macie'],
        detailType: ['Macie Finding'],
        detail: { category: ['CLASSIFICATION'], classificationDetails: { jobId: [jobId] } },
      },
    });
    this.phiDiscoveryRule.addTarget(
      new EventTopicTarget(this.topic, { message: new FindingMessage('Macie', MACIE_FIELD_PATHS), ...this.delivery }),
    );
    return this.phiDiscoveryRule;
  }
}
