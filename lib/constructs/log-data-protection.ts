import { Duration, Stack, type IAspect } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';

/**
 * PHI must never be written to a log (HIPAA 164.312(b) with 164.502(b) minimum necessary; the seeds:
 * "never store PHI values in logs"). The code is written not to, and CloudWatch Logs data protection
 * proves it keeps holding: every log group of the deployment audits each incoming event for health and
 * identity numbers and masks them (only principals with `logs:Unmask` see the raw value), and the
 * audit's free `LogEventsWithFindings` metric alarms on the security topic.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/mask-sensitive-log-data.html
 *
 * Managed identifiers only for numbers that identify a person (patient, member, beneficiary). Not
 * e-mail or IP addresses: the audit trail needs them unmasked to investigate an incident. Not procedure
 * or drug codes: alone they identify nobody, and they would flood the alarm with infrastructure numbers.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL-managed-data-identifiers.html
 */
export const PHI_LOG_IDENTIFIERS: readonly logs.DataIdentifier[] = [
  logs.DataIdentifier.SSN_US,
  logs.DataIdentifier.MEDICAREBENEFICIARYNUMBER_US,
  logs.DataIdentifier.HEALTHINSURANCECLAIMNUMBER_US,
  logs.DataIdentifier.DRUGENFORCEMENTAGENCYNUMBER_US,
  logs.DataIdentifier.INDIVIDUALTAXIDENTIFICATIONNUMBER_US,
  logs.DataIdentifier.PERSONALHEALTHNUMBER_CA,
  logs.DataIdentifier.HEALTHINSURANCECARDNUMBER_EU,
];

/** Name of the data protection policy every log group carries (the guard rule and the report look for it). */
export const PHI_LOG_POLICY_NAME = 'phi-never-in-logs';

/** The policy: audit (metric only: a findings copy would itself hold the PHI) and mask the identifiers. */
export function phiLogDataProtectionPolicy(): logs.DataProtectionPolicy {
  return new logs.DataProtectionPolicy({
    name: PHI_LOG_POLICY_NAME,
    description: 'HIPAA 164.312(b): finds and masks PHI identifiers in log events; findings alarm on the security topic.',
    identifiers: [...PHI_LOG_IDENTIFIERS],
  });
}

/**
 * Gives every log group of the app the PHI data protection policy, whoever created it (the project's
 * constructs, CDK's own helper functions). A log group with a policy of its own is refused rather than
 * overwritten: one policy per log group, and it must be this one.
 */
export class LogDataProtection implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof logs.CfnLogGroup)) return;
    if (node.dataProtectionPolicy !== undefined) {
      throw new Error(
        `${node.node.path}: a log group carries a data protection policy of its own; every log group carries "${PHI_LOG_POLICY_NAME}" (LogDataProtection)`,
      );
    }
    const bound = phiLogDataProtectionPolicy()._bind(node);
    node.dataProtectionPolicy = Stack.of(node).resolve({
      Name: bound.name,
      Description: bound.description,
      Version: bound.version,
      Statement: bound.statement,
      Configuration: bound.configuration,
    });
  }
}

/** The metric every data protection audit emits, summed over every log group of the account and region. */
export const PHI_IN_LOGS_QUERY = 'SELECT SUM(LogEventsWithFindings) FROM "AWS/Logs"';

export interface PhiInLogsAlarmProps {
  /** Where the alarm is sent: the security topic. */
  readonly topic: sns.ITopic;
  /** The alarm's fixed name (`deploymentNames(d).phiInLogsAlarm`): the runbook and the report find it by it. */
  readonly alarmName: string;
}

/**
 * One alarm per region on a Metrics Insights query over `LogEventsWithFindings`: it covers every log
 * group of the account and region, present and future, without one alarm per group.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Metrics_Insights_Alarm.html
 */
export class PhiInLogsAlarm extends Construct {
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PhiInLogsAlarmProps) {
    super(scope, id);
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName: props.alarmName,
      alarmDescription:
        '[HIPAA 164.312(b), 164.308(a)(6)(ii)] A log event held a PHI identifier (CloudWatch Logs data protection masked it). ' +
        'Follow docs/runbooks/phi-in-logs.md: find the code path that logged it, fix it, and assess it as a possible breach.',
      metric: new cloudwatch.MathExpression({
        expression: PHI_IN_LOGS_QUERY,
        usingMetrics: {},
        period: Duration.minutes(5),
        label: 'Log events with PHI findings',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new actions.SnsAction(props.topic));
  }
}
