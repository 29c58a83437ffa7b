import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
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

export interface FindingNotificationsProps {
  /** Where notifications are sent: the security topic. */
  readonly topic: sns.ITopic;
  /** Lowest severity that is sent (`alerts.minimumFindingSeverity`). */
  readonly minimumSeverity: FindingSeverity;
}

/**
 * Sends GuardDuty and Security Hub findings at or above the configured severity to the security
 * topic (HIPAA 164.308(a)(6)(ii) response and reporting, 164.308(a)(1)(ii)(D) information system
 * activity review).
 *
 * - GuardDuty: every "GuardDuty Finding" event whose score is at least the level's lowest score
 *   (numeric match), new findings and updates of recurring ones alike.
 * - Security Hub: imported findings with a severity label at or above the level, still NEW in the
 *   workflow and ACTIVE. GuardDuty's own findings are left out there: Security Hub imports them
 *   too, and the GuardDuty rule has already sent them.
 *
 * The message is a fixed sentence with the finding's title, severity, account, region, resource
 * type and ID (`FINDING_MESSAGE_FIELDS`); the rest of the finding (resource details, user names,
 * IP addresses, object keys) stays in the consoles. E-mail is not the place for it, and findings
 * about the PHI stores could otherwise carry identifiers into inboxes.
 */
export class FindingNotifications extends Construct {
  readonly guardDutyRule: events.Rule;
  readonly securityHubRule: events.Rule;

  constructor(scope: Construct, id: string, props: FindingNotificationsProps) {
    super(scope, id);
    const minimum = props.minimumSeverity;

    this.guardDutyRule = new events.Rule(this, 'GuardDutyFindings', {
      description: `GuardDuty findings of severity ${minimum} or higher (score >= ${GUARDDUTY_MINIMUM_SCORE[minimum]}): notify the security contact`,
      eventPattern: {
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Finding'],
        detail: { severity: events.Match.greaterThanOrEqual(GUARDDUTY_MINIMUM_SCORE[minimum]) },
      },
    });
    this.guardDutyRule.addTarget(
      new targets.SnsTopic(props.topic, { message: new FindingMessage('GuardDuty', GUARDDUTY_FIELD_PATHS) }),
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
            ProductName: events.Match.anythingBut('GuardDuty'),
          },
        },
      },
    });
    this.securityHubRule.addTarget(
      new targets.SnsTopic(props.topic, { message: new FindingMessage('Security Hub', SECURITY_HUB_FIELD_PATHS) }),
    );
  }
}
