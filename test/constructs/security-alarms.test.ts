/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack, Token, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  breakGlassAlarm,
  CIS_SECURITY_ALARMS,
  SECURITY_METRIC_NAMESPACE,
  SecurityAlarms,
  securityAlarmDefinitions,
} from '../../lib/constructs/security-alarms';
import { projectApp } from '../helpers/app';
import { expectedSecurityAlarmPatterns } from '../helpers/security-alarm-patterns';
import { flat, TEMPLATE_ONLY } from '../helpers/cfn-values';

const ROLE = 'crm-demo-break-glass';

const EXPECTED_PATTERNS = expectedSecurityAlarmPatterns(ROLE);

/** Tests only read what `setup` returns: each prefix is built once per file. */
const built = new Map<string | null, ReturnType<typeof build>>();
function setup(alarmNamePrefix: string | null = 'crm-demo-security') {
  if (!built.has(alarmNamePrefix)) built.set(alarmNamePrefix, build(alarmNamePrefix));
  return built.get(alarmNamePrefix)!;
}

function build(alarmNamePrefix: string | null) {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const stack = new Stack(app, 'Audit', { env: { account: '111122223333', region: 'us-east-1' } });
  const logGroup = new logs.LogGroup(stack, 'TrailLogs');
  const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true });
  const alarms = new SecurityAlarms(stack, 'SecurityAlarms', {
    trailLogGroup: logGroup,
    topic,
    breakGlassRoleName: ROLE,
    alarmNamePrefix: alarmNamePrefix ?? undefined,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
  const ref = (construct: logs.ILogGroup | sns.ITopic) => ({
    Ref: stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string,
  });
  return { stack, alarms, ofType, logGroupRef: ref(logGroup), topicRef: ref(topic) };
}

/** `*` in a CloudWatch Logs string value matches any characters. */
const globMatches = (glob: string, value: string) =>
  new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(value);

describe('SecurityAlarms', () => {
  test('the alarm set is complete: the 14 CIS monitoring alarms, break-glass use and a cancelled key deletion, nothing else', () => {
    const { alarms, ofType } = setup();
    const names = Object.keys(EXPECTED_PATTERNS);
    expect(names).toHaveLength(16);
    expect(alarms.definitions.map((d) => d.name).sort()).toEqual([...names].sort());
    expect(
      ofType('AWS::CloudWatch::Alarm')
        .map((a) => a.Properties.AlarmName)
        .sort(),
    ).toEqual(names.map((n) => `crm-demo-security-${n}`).sort());
    expect(ofType('AWS::Logs::MetricFilter')).toHaveLength(16);
  });

  test.each(Object.entries(EXPECTED_PATTERNS))(
    '%s: a metric filter on the trail log group with the exact pattern',
    (name, pattern) => {
      const { ofType, logGroupRef } = setup();
      const filters = ofType('AWS::Logs::MetricFilter').filter((f) => f.Properties.MetricTransformations[0].MetricName === name);
      expect(filters).toHaveLength(1);
      expect(filters[0].Properties).toEqual({
        LogGroupName: logGroupRef,
        FilterPattern: pattern,
        MetricTransformations: [{ MetricNamespace: SECURITY_METRIC_NAMESPACE, MetricName: name, MetricValue: '1' }],
      });
    },
  );

  test.each(Object.keys(EXPECTED_PATTERNS))(
    '%s: alarms on one event in 5 minutes, missing data is not breaching, notifies the topic',
    (name) => {
      const { ofType, topicRef } = setup();
      const alarm = ofType('AWS::CloudWatch::Alarm').find((a) => a.Properties.MetricName === name)!;
      expect(alarm.Properties).toMatchObject({
        Namespace: SECURITY_METRIC_NAMESPACE,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        ActionsEnabled: true,
        AlarmActions: [topicRef],
      });
      // An OK a few minutes later would say nothing new; INSUFFICIENT_DATA is the normal state.
      expect(alarm.Properties.OKActions).toBeUndefined();
      expect(alarm.Properties.InsufficientDataActions).toBeUndefined();
      expect(alarm.Properties.AlarmDescription).toMatch(/^\[HIPAA 164\.\d+\(.+\)\] \S/);
    },
  );

  test('the definitions table names a HIPAA control and a source for every alarm', () => {
    for (const d of securityAlarmDefinitions(ROLE)) {
      expect(d.control).toMatch(/^164\.3\d\d\(/);
      expect(d.source).not.toHaveLength(0);
      expect(d.description).toMatch(/\.$/);
    }
    expect(CIS_SECURITY_ALARMS.map((d) => d.source.match(/CloudWatch\.(\d+)/)?.[1])).toEqual(
      Array.from({ length: 14 }, (_, i) => String(i + 1)),
    );
  });

  describe('break-glass use', () => {
    test('matches every AssumeRole of exactly that role, in any account or partition', () => {
      const glob = breakGlassAlarm(ROLE).pattern.match(/roleArn = "([^"]+)"/)![1];
      expect(globMatches(glob, `arn:aws:iam::111122223333:role/${ROLE}`)).toBe(true);
      expect(globMatches(glob, `arn:aws-us-gov:iam::111122223333:role/${ROLE}`)).toBe(true);
      expect(globMatches(glob, `arn:aws:iam::111122223333:role/${ROLE}-2`)).toBe(false);
      expect(globMatches(glob, `arn:aws:iam::111122223333:role/other-${ROLE}`)).toBe(false);
      expect(breakGlassAlarm(ROLE).pattern).toContain('($.eventName = "AssumeRole")');
    });

    test('follows the role name it is given', () => {
      expect(breakGlassAlarm('acme-crm-prod-break-glass').pattern).toBe(
        '{ ($.eventName = "AssumeRole") && ($.requestParameters.roleArn = "*:role/acme-crm-prod-break-glass") }',
      );
    });

    test.each(['', 'a"b', 'role/x', 'a*b', 'x'.repeat(65)])('refuses %j as a role name', (name) => {
      expect(() => breakGlassAlarm(name)).toThrow(/not a literal IAM role name/);
    });

    test('refuses a role name that is only known at deploy time', () => {
      expect(() => breakGlassAlarm(Token.asString({ Ref: 'Role' }))).toThrow(/not a literal IAM role name/);
    });
  });

  test('without a prefix, CloudFormation names the alarms', () => {
    const { ofType } = setup(null);
    expect(ofType('AWS::CloudWatch::Alarm').every((a) => a.Properties.AlarmName === undefined)).toBe(true);
  });

  test('the topic accepts alarms of this account only', () => {
    const { ofType, topicRef } = setup();
    const statements = ofType('AWS::SNS::TopicPolicy').flatMap((p) => p.Properties.PolicyDocument.Statement);
    const cloudwatch = statements.filter((s: any) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudwatch).toHaveLength(1);
    expect(cloudwatch[0]).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish', Resource: topicRef });
    expect(cloudwatch[0].Condition.StringEquals).toEqual({ 'aws:SourceAccount': '111122223333' });
    expect(flat(cloudwatch[0].Condition.ArnLike['aws:SourceArn'])).toBe(
      'arn:<AWS::Partition>:cloudwatch:us-east-1:111122223333:alarm:*',
    );
  });
});
