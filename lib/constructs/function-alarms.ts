import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../vocabulary';
import type { SecureFunction } from './secure-function';

/**
 * The dimension Powertools Metrics gives every metric: `service`, set to the `serviceName` the
 * function's `createMetrics(serviceName)` was called with (its only dimension set is `[["service"]]`).
 */
export const POWERTOOLS_SERVICE_DIMENSION = 'service';

/** How often failures are checked: Lambda and SQS publish at least every minute, five of them are summed. */
const FAILURE_PERIOD = Duration.minutes(5);

/** CloudWatch refuses alarm descriptions longer than this (PutMetricAlarm `AlarmDescription`). */
const MAX_DESCRIPTION = 1024;

/**
 * CloudWatch's limits on how far back an alarm looks (period × evaluation periods), per PutMetricAlarm:
 * at most 7 days, and at most 1 day when the period is shorter than an hour.
 */
export const MAX_EVALUATION_RANGE = Duration.days(7);
export const MAX_EVALUATION_RANGE_SHORT_PERIOD = Duration.days(1);
/** Longest period accepted here: longer ones are not documented as valid, so they are refused rather than tried. */
const MAX_EXPECTED_RUN_PERIOD = Duration.days(1);

/** A custom metric the function writes (count 1) when something went wrong. */
export interface FailureMetric {
  /** Metric name exactly as the handler writes it with `metrics.addMetric`. */
  readonly metricName: string;
  /** What it means when the metric is above zero, in plain words: the start of the alarm description. */
  readonly meaning: string;
}

/**
 * A metric the function writes on every successful run; its absence means the function did not run
 * (or never finished). Only for schedules that CloudWatch can watch: `period × periods` may not
 * exceed 7 days (1 day for periods under an hour). A quarterly job cannot be watched this way.
 */
export interface ExpectedRun {
  /** Metric name exactly as the handler writes it on success. */
  readonly metricName: string;
  /** Length of one evaluation period: a whole number of minutes. */
  readonly period: Duration;
  /** Consecutive periods without the metric before the alarm fires. */
  readonly periods: number;
}

export interface FunctionAlarmsProps {
  /** The function watched: its Lambda `Errors` and its dead-letter queue. */
  readonly handler: SecureFunction;
  /** The function's name as given to `SecureFunction` (a literal): used in the descriptions. */
  readonly functionName: string;
  /** Prefix of every alarm name: `<deployment>-<function>`, e.g. `crm-demo-session-revocation`. */
  readonly alarmNamePrefix: string;
  /** Where the alarms are sent: the security topic. It must accept CloudWatch alarms of this account. */
  readonly topic: sns.ITopic;
  /** The Powertools `serviceName` of the function (`createMetrics(serviceName)`): the `service` dimension. */
  readonly serviceName: string;
  /** What an operator does when the function failed, in plain words; ends every failure description. */
  readonly onFailure: string;
  /** Custom failure metrics, each alarmed on above zero. @default - none */
  readonly failureMetrics?: readonly FailureMetric[];
  /** Alarm when the function reported no success for a while. @default - no such alarm */
  readonly expectedRun?: ExpectedRun;
}

/**
 * CloudWatch alarms that tell a person when an operational function fails (HIPAA 164.308(a)(1)(ii)(D)
 * information system activity review, 164.308(a)(6)(ii) response and reporting): a failed revocation
 * or access review must not go unnoticed in a log.
 *
 * - `Errors`: Lambda's `Errors` above zero in 5 minutes (any failed invocation, including the ones that
 *   die before they can write a metric: missing configuration, timeout, out of memory);
 * - `DeadLetters`: the dead-letter queue holds a message (`ApproximateNumberOfMessagesVisible` above
 *   zero): an event that failed every retry and was never processed;
 * - one alarm per custom failure metric (namespace `HipaaCrm`, dimension `service`) above zero;
 * - optionally `DidNotRun`: the expected-success metric was missing for `periods` periods.
 *
 * Missing data is normal for the failure alarms (no failure, no data point) and breaching for
 * `DidNotRun`. Each alarm notifies the topic when it enters ALARM, and only then: an OK notification
 * would double the mail without saying anything new, and the console shows the state. The flip side,
 * said in each description: while an alarm stays in ALARM (the dead-letter queue is not emptied), a
 * further failure sends no new notification.
 */
export class FunctionAlarms extends Construct {
  readonly errors: cloudwatch.Alarm;
  readonly deadLetters: cloudwatch.Alarm;
  /** Alarm per failure metric name. */
  readonly failureMetrics: Record<string, cloudwatch.Alarm> = {};
  readonly didNotRun?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FunctionAlarmsProps) {
    super(scope, id);
    const fn = props.functionName;
    if (Token.isUnresolved(fn) || Token.isUnresolved(props.alarmNamePrefix) || Token.isUnresolved(props.serviceName)) {
      throw new Error(`${this.node.path}: functionName, alarmNamePrefix and serviceName must be literals`);
    }
    const notify = new actions.SnsAction(props.topic);
    const stillInAlarm = 'While this alarm stays in ALARM, further failures send no new notification.';

    this.errors = this.alarm('Errors', notify, {
      name: `${props.alarmNamePrefix}-Errors`,
      description:
        `${fn} failed: Lambda counted at least one failed invocation in 5 minutes. Lambda retries it twice; what ` +
        `still fails goes to the dead-letter queue (a separate alarm). Read /aws/lambda/${fn} for the error name and ` +
        `event ID. ${props.onFailure}`,
      metric: props.handler.function.metricErrors({ statistic: cloudwatch.Stats.SUM, period: FAILURE_PERIOD }),
    });

    this.deadLetters = this.alarm('DeadLetters', notify, {
      name: `${props.alarmNamePrefix}-DeadLetters`,
      description:
        `Events for ${fn} are in its dead-letter queue: they failed every retry and were NOT processed. ` +
        `${props.onFailure} Then redrive or delete the messages (SQS deletes them after 14 days); the alarm returns ` +
        `to OK when the queue is empty. ${stillInAlarm}`,
      metric: props.handler.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: FAILURE_PERIOD,
      }),
    });

    const custom = (metricName: string, statistic: string, period: Duration) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { [POWERTOOLS_SERVICE_DIMENSION]: props.serviceName },
        statistic,
        period,
      });

    const seen = new Set<string>();
    for (const m of props.failureMetrics ?? []) {
      if (seen.has(m.metricName)) throw new Error(`${this.node.path}: failure metric ${m.metricName} listed twice`);
      seen.add(m.metricName);
      this.failureMetrics[m.metricName] = this.alarm(m.metricName, notify, {
        name: `${props.alarmNamePrefix}-${m.metricName}`,
        description: `${m.meaning} (${fn}: ${METRICS_NAMESPACE}/${m.metricName} above 0 in 5 minutes.) ${props.onFailure}`,
        metric: custom(m.metricName, cloudwatch.Stats.SUM, FAILURE_PERIOD),
      });
    }

    if (props.expectedRun) {
      const run = props.expectedRun;
      assertEvaluationRange(this.node.path, run);
      const window = describeDuration(run.period.toSeconds() * run.periods);
      this.didNotRun = this.alarm('DidNotRun', notify, {
        name: `${props.alarmNamePrefix}-DidNotRun`,
        description:
          `${fn} reported no successful run (${METRICS_NAMESPACE}/${run.metricName}) for ${window}: it did not run or ` +
          `did not finish. Check that its schedule rule is enabled and read /aws/lambda/${fn}. ${props.onFailure}`,
        metric: custom(run.metricName, cloudwatch.Stats.SAMPLE_COUNT, run.period),
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        threshold: 1,
        evaluationPeriods: run.periods,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }
  }

  private alarm(
    id: string,
    notify: actions.SnsAction,
    spec: {
      name: string;
      description: string;
      metric: cloudwatch.IMetric;
      comparisonOperator?: cloudwatch.ComparisonOperator;
      threshold?: number;
      evaluationPeriods?: number;
      treatMissingData?: cloudwatch.TreatMissingData;
    },
  ): cloudwatch.Alarm {
    if (spec.description.length > MAX_DESCRIPTION) {
      throw new Error(`${this.node.path}/${id}: alarm description longer than ${MAX_DESCRIPTION} characters`);
    }
    const evaluationPeriods = spec.evaluationPeriods ?? 1;
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: spec.name,
      alarmDescription: spec.description,
      metric: spec.metric,
      // Failures: any count above zero.
      comparisonOperator: spec.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: spec.threshold ?? 0,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
    alarm.addAlarmAction(notify);
    return alarm;
  }
}

/** Fails synth when CloudWatch would refuse the alarm at deploy time (PutMetricAlarm limits). */
function assertEvaluationRange(path: string, run: ExpectedRun): void {
  const period = run.period.toSeconds();
  if (!Number.isInteger(period / 60) || period < 60 || period > MAX_EXPECTED_RUN_PERIOD.toSeconds()) {
    throw new Error(`${path}: expectedRun.period must be a whole number of minutes, at most 1 day`);
  }
  if (!Number.isInteger(run.periods) || run.periods < 1) {
    throw new Error(`${path}: expectedRun.periods must be a positive integer`);
  }
  const limit = period < 3600 ? MAX_EVALUATION_RANGE_SHORT_PERIOD : MAX_EVALUATION_RANGE;
  if (period * run.periods > limit.toSeconds()) {
    throw new Error(
      `${path}: expectedRun covers ${describeDuration(period * run.periods)}, but CloudWatch evaluates at most ` +
        `${describeDuration(limit.toSeconds())} (period × evaluation periods); a job scheduled less often than that ` +
        'cannot have a "did not run" alarm',
    );
  }
}

function describeDuration(seconds: number): string {
  if (seconds % 86400 === 0) return seconds === 86400 ? '1 day' : `${seconds / 86400} days`;
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  return `${seconds / 60} minutes`;
}
