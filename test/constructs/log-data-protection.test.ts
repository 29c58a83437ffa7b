/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Aspects, AspectPriority, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  LogDataProtection,
  PHI_IN_LOGS_QUERY,
  PHI_LOG_IDENTIFIERS,
  PHI_LOG_POLICY_NAME,
  PhiInLogsAlarm,
} from '../../lib/constructs/log-data-protection';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

const identifierArn = (name: string) => `arn:aws:dataprotection::aws:data-identifier/${name}`;

function stackWithAspect() {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const stack = new Stack(app, 'Logs', { env: { account: '111122223333', region: 'us-east-1' } });
  Aspects.of(app).add(new LogDataProtection(), { priority: AspectPriority.MUTATING });
  return { app, stack };
}

describe('LogDataProtection', () => {
  const { stack } = stackWithAspect();
  new logs.LogGroup(stack, 'Made', {});
  new logs.CfnLogGroup(stack, 'Raw', {});
  const groups = Template.fromStack(stack).findResources('AWS::Logs::LogGroup');

  test('every log group, L2 or raw, audits and masks the PHI identifiers under the one policy', () => {
    expect(Object.keys(groups)).toHaveLength(2);
    for (const group of Object.values(groups) as any[]) {
      const policy = group.Properties.DataProtectionPolicy;
      expect(policy.Name).toBe(PHI_LOG_POLICY_NAME);
      const operations = policy.Statement.map((s: any) => Object.keys(s.Operation)[0]).sort();
      expect(operations).toEqual(['Audit', 'Deidentify']);
      for (const statement of policy.Statement) {
        expect(statement.DataIdentifier).toEqual(PHI_LOG_IDENTIFIERS.map((i) => identifierArn(i.name)));
      }
      const audit = policy.Statement.find((s: any) => s.Operation.Audit);
      // No findings copy: the copy would itself hold the PHI. The metric alarms instead.
      expect(audit.Operation.Audit.FindingsDestination).toEqual({});
      expect(policy.Statement.find((s: any) => s.Operation.Deidentify).Operation.Deidentify).toEqual({ MaskConfig: {} });
    }
  });

  test('identifiers of persons only: the trail keeps e-mail and IP addresses readable for investigations', () => {
    const names = PHI_LOG_IDENTIFIERS.map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['Ssn-US', 'MedicareBeneficiaryNumber-US', 'HealthInsuranceClaimNumber-US']));
    expect(names).not.toContain('EmailAddress');
    expect(names).not.toContain('IpAddress');
  });

  test('a log group with a policy of its own is refused, not overwritten', () => {
    const { app, stack: other } = stackWithAspect();
    new logs.LogGroup(other, 'Own', {
      dataProtectionPolicy: new logs.DataProtectionPolicy({ identifiers: [logs.DataIdentifier.EMAILADDRESS] }),
    });
    expect(() => app.synth()).toThrow(/carries a data protection policy of its own/);
  });
});

describe('PhiInLogsAlarm', () => {
  const { stack } = stackWithAspect();
  const topic = new sns.Topic(stack, 'Topic');
  new PhiInLogsAlarm(stack, 'PhiInLogs', { topic, alarmName: 'crm-demo-security-PhiInLogs' });
  const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')) as any[];

  test('one alarm over every log group of the region (a Metrics Insights query), on the first finding, to the topic', () => {
    expect(alarms).toHaveLength(1);
    const p = alarms[0].Properties;
    expect(p.AlarmName).toBe('crm-demo-security-PhiInLogs');
    expect(p.Metrics).toEqual([expect.objectContaining({ Expression: PHI_IN_LOGS_QUERY, Period: 300, ReturnData: true })]);
    expect(PHI_IN_LOGS_QUERY).toBe('SELECT SUM(LogEventsWithFindings) FROM "AWS/Logs"');
    expect([p.Threshold, p.ComparisonOperator, p.EvaluationPeriods, p.TreatMissingData]).toEqual([
      1,
      'GreaterThanOrEqualToThreshold',
      1,
      'notBreaching',
    ]);
    expect(p.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
    expect(p.AlarmDescription).toMatch(/^\[HIPAA 164\.312\(b\)/);
    expect(p.AlarmDescription).toContain('docs/runbooks/phi-in-logs.md');
  });
});
