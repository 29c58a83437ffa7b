/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import * as path from 'node:path';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Duration, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { createMetrics, METRICS_NAMESPACE } from '../../lambda/shared/powertools';
import { FunctionAlarms, type FunctionAlarmsProps } from '../../lib/constructs/function-alarms';
import { SecureFunction } from '../../lib/constructs/secure-function';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

const ENTRY = path.join(__dirname, '..', '..', 'lambda', 'access-review', 'index.ts');

type Resource = { Type: string; Properties: Record<string, any> };

/** Tests only read what `setup` returns: without overrides it is built once per file. */
let shared: ReturnType<typeof build> | undefined;
function setup(overrides: Partial<FunctionAlarmsProps> = {}) {
  if (Object.keys(overrides).length > 0) return build(overrides);
  return (shared ??= build());
}

function build(overrides: Partial<FunctionAlarmsProps> = {}) {
  const stack = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'Ops', {
    env: { region: 'us-east-1', account: '111122223333' },
  });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const topic = new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
  const handler = new SecureFunction(stack, 'Fn', {
    entry: ENTRY,
    functionName: 'crm-t-job',
    description: 'test',
    placement: { outsideVpc: { reason: 'test' } },
    encryptionKey: key,
    logRetentionDays: 2192,
    statements: [],
  });
  const alarms = new FunctionAlarms(stack, 'Alarms', {
    handler,
    functionName: 'crm-t-job',
    alarmNamePrefix: 'crm-t-job',
    topic,
    serviceName: 'job',
    onFailure: 'Do the documented thing.',
    failureMetrics: [{ metricName: 'JobFailures', meaning: 'The job failed.' }],
    ...overrides,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const id = (c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as CfnElement).logicalId) as string;
  const alarmList = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  const byName = (name: string) => {
    const found = alarmList.filter((a) => a.Properties.AlarmName === name);
    expect(found).toHaveLength(1);
    return found[0].Properties;
  };
  return {
    alarms,
    alarmList,
    byName,
    topicRef: { Ref: id(topic) },
    functionId: id(handler.function),
    queueId: id(handler.deadLetterQueue),
  };
}

/** What every failure alarm has: above zero, once, no data is normal, ALARM notifies the topic and nothing else. */
const failureAlarm = (topicRef: unknown) => ({
  Threshold: 0,
  ComparisonOperator: 'GreaterThanThreshold',
  EvaluationPeriods: 1,
  DatapointsToAlarm: 1,
  Period: 300,
  TreatMissingData: 'notBreaching',
  ActionsEnabled: true,
  AlarmActions: [topicRef],
});

describe('FunctionAlarms', () => {
  test("the function's Lambda Errors above zero in 5 minutes notifies the topic", () => {
    const { byName, topicRef, functionId } = setup();
    const errors = byName('crm-t-job-Errors');
    expect(errors).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
      ...failureAlarm(topicRef),
    });
  });

  test('any message in its dead-letter queue notifies the topic', () => {
    const { byName, topicRef, queueId } = setup();
    expect(byName('crm-t-job-DeadLetters')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      ...failureAlarm(topicRef),
    });
  });

  test('each failure metric above zero notifies the topic, on the HipaaCrm namespace and the service dimension', () => {
    const { byName, topicRef } = setup({
      failureMetrics: [
        { metricName: 'JobFailures', meaning: 'The job failed.' },
        { metricName: 'JobSkipped', meaning: 'The job skipped an item.' },
      ],
    });
    for (const metricName of ['JobFailures', 'JobSkipped']) {
      expect(byName(`crm-t-job-${metricName}`)).toMatchObject({
        Namespace: 'HipaaCrm',
        MetricName: metricName,
        Statistic: 'Sum',
        Dimensions: [{ Name: 'service', Value: 'job' }],
        ...failureAlarm(topicRef),
      });
    }
  });

  test('the alarm watches exactly the namespace and dimensions Powertools Metrics writes for the service', () => {
    const { byName } = setup();
    const metrics = createMetrics('job');
    metrics.addMetric('JobFailures', MetricUnit.Count, 1);
    const emf = metrics.serializeMetrics() as any;
    const [directive] = emf._aws.CloudWatchMetrics;
    const alarm = byName('crm-t-job-JobFailures');
    expect(directive.Namespace).toBe(METRICS_NAMESPACE);
    expect(alarm.Namespace).toBe(directive.Namespace);
    // One dimension set; the alarm must name every dimension of it, with the values the record carries.
    expect(directive.Dimensions).toHaveLength(1);
    expect(alarm.Dimensions).toEqual(directive.Dimensions[0].map((name: string) => ({ Name: name, Value: emf[name] })));
    expect(directive.Metrics.map((m: { Name: string }) => m.Name)).toEqual([alarm.MetricName]);
  });

  test('ALARM actions only: no OK or insufficient-data notifications', () => {
    const { alarmList } = setup({ expectedRun: { metricName: 'JobDone', period: Duration.hours(1), periods: 25 } });
    expect(alarmList).toHaveLength(4);
    for (const a of alarmList) {
      expect(a.Properties.OKActions).toBeUndefined();
      expect(a.Properties.InsufficientDataActions).toBeUndefined();
    }
  });

  test('exactly Errors, DeadLetters and one alarm per failure metric without expectedRun', () => {
    const { alarmList, alarms } = setup();
    expect(alarmList.map((a) => a.Properties.AlarmName).sort()).toEqual(
      ['crm-t-job-DeadLetters', 'crm-t-job-Errors', 'crm-t-job-JobFailures'].sort(),
    );
    expect(alarms.didNotRun).toBeUndefined();
  });

  test('descriptions say in words what happened and what to do, within the CloudWatch limit', () => {
    const { alarmList, byName } = setup();
    for (const a of alarmList) {
      expect(a.Properties.AlarmDescription.length).toBeLessThanOrEqual(1024);
      expect(a.Properties.AlarmDescription).toContain('Do the documented thing.');
    }
    expect(byName('crm-t-job-Errors').AlarmDescription).toContain('/aws/lambda/crm-t-job');
    expect(byName('crm-t-job-DeadLetters').AlarmDescription).toMatch(/NOT processed/);
    expect(byName('crm-t-job-DeadLetters').AlarmDescription).toMatch(/no new notification/);
    expect(byName('crm-t-job-JobFailures').AlarmDescription).toMatch(/^The job failed\./);
  });

  test('expectedRun: no success data point for N consecutive periods is breaching', () => {
    const { byName, topicRef } = setup({ expectedRun: { metricName: 'JobDone', period: Duration.hours(1), periods: 25 } });
    const alarm = byName('crm-t-job-DidNotRun');
    expect(alarm).toMatchObject({
      Namespace: 'HipaaCrm',
      MetricName: 'JobDone',
      Dimensions: [{ Name: 'service', Value: 'job' }],
      Statistic: 'SampleCount',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 25,
      DatapointsToAlarm: 25,
      TreatMissingData: 'breaching',
      ActionsEnabled: true,
      AlarmActions: [topicRef],
    });
    expect(alarm.AlarmDescription).toContain('for 25 hours');
  });

  test.each([
    ['5-minute periods up to 1 day', Duration.minutes(5), 288],
    ['hourly periods up to 7 days', Duration.hours(1), 168],
    ['daily periods up to 7 days', Duration.days(1), 7],
  ])('expectedRun within CloudWatch evaluation range is accepted: %s', (_label, period, periods) => {
    const { alarms } = setup({ expectedRun: { metricName: 'JobDone', period, periods } });
    expect(alarms.didNotRun).toBeDefined();
  });

  test.each([
    ['5-minute periods beyond 1 day', Duration.minutes(5), 289, /at most 1 day/],
    ['59-minute periods beyond 1 day', Duration.minutes(59), 25, /at most 1 day/],
    ['hourly periods beyond 7 days', Duration.hours(1), 169, /at most 7 days/],
    ['a quarterly job (a 92-day window)', Duration.days(1), 92, /at most 7 days/],
    ['a period that is not whole minutes', Duration.seconds(90), 2, /whole number of minutes/],
    ['a period longer than a day', Duration.days(2), 3, /at most 1 day/],
    ['zero periods', Duration.hours(1), 0, /positive integer/],
  ])('expectedRun CloudWatch would refuse fails synth: %s', (_label, period, periods, message) => {
    expect(() => setup({ expectedRun: { metricName: 'JobDone', period, periods } })).toThrow(message);
  });

  test('a failure metric listed twice fails synth', () => {
    expect(() =>
      setup({
        failureMetrics: [
          { metricName: 'JobFailures', meaning: 'a' },
          { metricName: 'JobFailures', meaning: 'b' },
        ],
      }),
    ).toThrow(/listed twice/);
  });

  test('a description over 1024 characters fails synth', () => {
    expect(() => setup({ onFailure: 'x'.repeat(1024) })).toThrow(/longer than 1024/);
  });
});
