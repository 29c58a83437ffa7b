/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  BACKUP_JOB_MESSAGE_FIELDS,
  BackupJobNotifications,
  type BackupJobKind,
} from '../../lib/constructs/backup-job-notifications';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

function setup() {
  const stack = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'Ops', {
    env: { account: '111122223333', region: 'us-east-1' },
  });
  const auditKey = new kms.Key(stack, 'AuditKey', { enableKeyRotation: true });
  const topic = new sns.Topic(stack, 'Topic', { masterKey: auditKey });
  const notifications = new BackupJobNotifications(stack, 'BackupJobNotifications', {
    topic,
    deadLetterKey: auditKey,
    alarmNamePrefix: 'crm-demo-backup',
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const id = (e: { node: { defaultChild?: unknown } }) => stack.resolve((e.node.defaultChild as CfnElement).logicalId) as string;
  return { stack, notifications, resources, id, topic, auditKey };
}

/** The placeholders (`<name>`) of an input template. */
const placeholders = (template: string) => [...template.matchAll(/<([^>]+)>/g)].map((m) => m[1]);

describe('BackupJobNotifications', () => {
  test.each([
    ['backup', 'Backup Job State Change', { state: ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'] }],
    ['copy', 'Copy Job State Change', { state: ['FAILED', 'PARTIAL'] }],
    ['restore', 'Restore Job State Change', { status: ['FAILED', 'ABORTED'] }],
  ] as const)('%s jobs: "%s" events that ended %j', (kind, detailType, detail) => {
    const { notifications, resources, id } = setup();
    expect(resources[id(notifications.rules[kind])].Properties.EventPattern).toEqual({
      source: ['aws.backup'],
      'detail-type': [detailType],
      detail,
    });
  });

  test.each([
    ['backup', 'backupJobId', 'state', true],
    ['copy', 'copyJobId', 'state', true],
    ['restore', 'restoreJobId', 'status', false],
  ] as const)(
    '%s jobs: a plain sentence with the job ID, state, resource and where, never the event',
    (kind, jobId, state, arn) => {
      const { stack, notifications, resources, id, topic, auditKey } = setup();
      const targets = resources[id(notifications.rules[kind as BackupJobKind])].Properties.Targets;
      expect(targets).toHaveLength(1);
      const [target] = targets;
      expect(target.Arn).toEqual({ Ref: id(topic) });
      // Never the whole event (Input / InputPath), only the transformer.
      expect(Object.keys(target).sort()).toEqual(['Arn', 'DeadLetterConfig', 'Id', 'InputTransformer', 'RetryPolicy']);
      expect(target.InputTransformer.InputPathsMap).toEqual({
        jobId: `$.detail.${jobId}`,
        state: `$.detail.${state}`,
        resourceType: '$.detail.resourceType',
        ...(arn ? { resourceArn: '$.detail.resourceArn' } : {}),
        account: '$.account',
        region: '$.region',
        time: '$.time',
      });
      const text = JSON.parse(target.InputTransformer.InputTemplate) as string;
      expect(placeholders(text).sort()).toEqual([...BACKUP_JOB_MESSAGE_FIELDS, ...(arn ? ['resourceArn'] : [])].sort());
      expect(text).not.toContain('$');
      expect(text).toMatch(/^AWS Backup .*job <jobId> ended <state> for /);
      // Delivered for 24 hours, then dead-lettered into the audit-key queue.
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
      expect(target.DeadLetterConfig).toEqual({ Arn: stack.resolve(notifications.deadLetterQueue.queueArn) });
      expect(resources[id(notifications.deadLetterQueue)].Properties).toMatchObject({
        KmsMasterKeyId: JSON.parse(JSON.stringify(stack.resolve(auditKey.keyArn))),
        MessageRetentionPeriod: 14 * 86400,
      });
    },
  );

  test('only the three rules may write to the dead-letter queue, over TLS', () => {
    const { stack, notifications, resources } = setup();
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::SQS::QueuePolicy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const sends = statements.filter((s) => s.Effect === 'Allow');
    const ruleArns = Object.values(notifications.rules).map((r) => stack.resolve(r.ruleArn));
    expect(sends).toHaveLength(3);
    for (const send of sends) {
      expect(send.Principal).toEqual({ Service: 'events.amazonaws.com' });
      expect(send.Action).toBe('sqs:SendMessage');
    }
    expect(sends.map((s) => s.Condition.ArnEquals['aws:SourceArn'])).toEqual(expect.arrayContaining(ruleArns));
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  test('the dead-letter queue depth alarms to the topic', () => {
    const { notifications, resources, id, topic } = setup();
    expect(resources[id(notifications.deadLetterAlarm)].Properties).toMatchObject({
      AlarmName: 'crm-demo-backup-BackupJobNotificationFailures',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: id(topic) }],
    });
  });

  test('its rules publish on the permissions the topic already has: no statement for EventBridge on the topic or its key', () => {
    // The security topic admits the rules of this account (SecurityNotifications); CDK's own target would
    // add unconditioned statements for events.amazonaws.com to the topic's and the key's policy.
    const { resources } = setup();
    const statements = Object.values(resources).flatMap((r) => [
      ...(r.Properties?.PolicyDocument?.Statement ?? []),
      ...(r.Properties?.KeyPolicy?.Statement ?? []),
    ]);
    expect(statements.length).toBeGreaterThan(0);
    expect(
      statements.filter(
        (s: any) => JSON.stringify(s.Principal ?? {}).includes('events.amazonaws.com') && !/^sqs:/.test(String(s.Action)),
      ),
    ).toEqual([]);
  });
});

describe('BackupJobNotifications acknowledgements', () => {
  test('acknowledges the SQS3 false positive on its dead-letter queue only', () => {
    const { notifications } = setup();
    const acked = (c: { node: { metadata: { type: string; data: unknown }[] } }) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(acked(notifications.deadLetterQueue.node.defaultChild as any)).toContain('AwsSolutions::AwsSolutions-SQS3');
    for (const rule of Object.values(notifications.rules)) expect(acked(rule.node.defaultChild as any)).toEqual([]);
  });
});
