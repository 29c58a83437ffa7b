/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  FINDING_MESSAGE_FIELDS,
  FindingNotifications,
  MACIE_LEVELS_FROM,
  type FindingNotificationsProps,
  type FindingSeverity,
  securityHubLabelsFrom,
} from '../../lib/constructs/finding-notifications';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

type Resource = { Type: string; Properties: any };
const ENV = { account: '111122223333', region: 'us-east-1' };

function setup(
  minimumSeverity: FindingSeverity,
  opts: {
    topicKey?: boolean;
    keyInOtherStack?: boolean;
    props?: Partial<FindingNotificationsProps>;
    phiDiscoveryJobId?: string;
  } = {},
) {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const stack = new Stack(app, 'Audit', { env: ENV });
  const keyStack = opts.keyInOtherStack ? new Stack(app, 'Keys', { env: ENV }) : stack;
  const key = new kms.Key(keyStack, 'Key', { enableKeyRotation: true });
  const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true, masterKey: opts.topicKey === false ? undefined : key });
  const notifications = new FindingNotifications(stack, 'Findings', { topic, minimumSeverity, ...opts.props });
  if (opts.phiDiscoveryJobId) notifications.notifyPhiDiscovery(opts.phiDiscoveryJobId);
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const id = (c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as CfnElement).logicalId) as string;
  const rule = (r: { node: { defaultChild?: unknown } }) => resources[id(r)].Properties;
  return {
    stack,
    notifications,
    resources,
    ofType: (type: string) => Object.values(resources).filter((r) => r.Type === type),
    guardDuty: rule(notifications.guardDutyRule),
    securityHub: rule(notifications.securityHubRule),
    inspector: rule(notifications.inspectorRule),
    maciePolicy: rule(notifications.maciePolicyRule),
    phiDiscovery: notifications.phiDiscoveryRule ? rule(notifications.phiDiscoveryRule) : undefined,
    ruleIds: [
      notifications.guardDutyRule,
      notifications.securityHubRule,
      notifications.inspectorRule,
      notifications.maciePolicyRule,
      ...(notifications.phiDiscoveryRule ? [notifications.phiDiscoveryRule] : []),
    ].map(id),
    queueId: id(notifications.deadLetterQueue),
    keyId: opts.keyInOtherStack ? undefined : id(key),
    topicRef: { Ref: id(topic) },
  };
}

/** The placeholders (`<name>`) of an input template. */
const placeholders = (template: string) => [...template.matchAll(/<([^>]+)>/g)].map((m) => m[1]);

describe('FindingNotifications', () => {
  test.each([
    ['MEDIUM', 4],
    ['HIGH', 7],
    ['CRITICAL', 9],
  ] as const)('GuardDuty: from %s, every finding with a score of at least %d (numeric match)', (minimum, score) => {
    const { guardDuty } = setup(minimum);
    expect(guardDuty.EventPattern).toEqual({
      source: ['aws.guardduty'],
      'detail-type': ['GuardDuty Finding'],
      detail: { severity: [{ numeric: ['>=', score] }] },
    });
  });

  test.each([
    ['MEDIUM', ['MEDIUM', 'HIGH', 'CRITICAL']],
    ['HIGH', ['HIGH', 'CRITICAL']],
    ['CRITICAL', ['CRITICAL']],
  ] as const)(
    'Security Hub: from %s, new active findings labelled %j, GuardDuty, Inspector and Macie left to their own rules',
    (minimum, labels) => {
      const { securityHub } = setup(minimum);
      expect(securityHubLabelsFrom(minimum)).toEqual(labels);
      expect(securityHub.EventPattern).toEqual({
        source: ['aws.securityhub'],
        'detail-type': ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Severity: { Label: labels },
            Workflow: { Status: ['NEW'] },
            RecordState: ['ACTIVE'],
            ProductName: [{ 'anything-but': ['GuardDuty', 'Inspector', 'Macie'] }],
          },
        },
      });
    },
  );

  test.each([
    [
      'GuardDuty',
      {
        title: '$.detail.title',
        severity: '$.detail.severity',
        account: '$.detail.accountId',
        region: '$.detail.region',
        resourceType: '$.detail.resource.resourceType',
        id: '$.detail.id',
      },
    ],
    [
      'Security Hub',
      {
        title: '$.detail.findings[0].Title',
        severity: '$.detail.findings[0].Severity.Label',
        account: '$.detail.findings[0].AwsAccountId',
        region: '$.detail.findings[0].Region',
        resourceType: '$.detail.findings[0].Resources[0].Type',
        id: '$.detail.findings[0].Id',
      },
    ],
    [
      'Inspector',
      {
        title: '$.detail.title',
        severity: '$.detail.severity',
        account: '$.detail.awsAccountId',
        region: '$.region',
        resourceType: '$.detail.resources[0].type',
        id: '$.detail.findingArn',
      },
    ],
    [
      'Macie',
      {
        title: '$.detail.title',
        severity: '$.detail.severity.description',
        account: '$.detail.accountId',
        region: '$.detail.region',
        resourceType: '$.detail.type',
        id: '$.detail.id',
      },
    ],
  ])('%s: the message carries title, severity, account, region, resource type and ID, nothing else', (service, paths) => {
    const built = setup('HIGH', { phiDiscoveryJobId: 'job-1' });
    const { topicRef } = built;
    const rules = {
      GuardDuty: [built.guardDuty],
      'Security Hub': [built.securityHub],
      Inspector: [built.inspector],
      Macie: [built.maciePolicy, built.phiDiscovery],
    }[service]!;
    for (const rule of rules) expectFindingMessage(rule.Targets, service, paths, topicRef);
  });

  test.each([
    ['MEDIUM', ['MEDIUM', 'HIGH', 'CRITICAL']],
    ['HIGH', ['HIGH', 'CRITICAL']],
    ['CRITICAL', ['CRITICAL']],
  ] as const)('Inspector: from %s, active findings labelled %j', (minimum, labels) => {
    expect(setup(minimum).inspector.EventPattern).toEqual({
      source: ['aws.inspector2'],
      'detail-type': ['Inspector2 Finding'],
      detail: { severity: labels, status: ['ACTIVE'] },
    });
  });

  test.each([
    ['MEDIUM', ['Medium', 'High']],
    ['HIGH', ['High']],
    // Macie's highest level is High: it still pages with a CRITICAL threshold.
    ['CRITICAL', ['High']],
  ] as const)('Macie: from %s, policy findings of level %j', (minimum, levels) => {
    expect(MACIE_LEVELS_FROM[minimum]).toEqual(levels);
    expect(setup(minimum).maciePolicy.EventPattern).toEqual({
      source: ['aws.macie'],
      'detail-type': ['Macie Finding'],
      detail: { category: ['POLICY'], severity: { description: levels } },
    });
  });

  test('Macie: every sensitive-data finding of the PHI discovery job, whatever its severity; once only', () => {
    const { phiDiscovery, notifications } = setup('CRITICAL', { phiDiscoveryJobId: 'job-1' });
    expect(phiDiscovery.EventPattern).toEqual({
      source: ['aws.macie'],
      'detail-type': ['Macie Finding'],
      detail: { category: ['CLASSIFICATION'], classificationDetails: { jobId: ['job-1'] } },
    });
    expect(() => notifications.notifyPhiDiscovery('job-2')).toThrow(/already sent/);
    expect(setup('HIGH').phiDiscovery).toBeUndefined();
  });
});

function expectFindingMessage(targets: any[], service: string, paths: Record<string, string>, topicRef: unknown) {
  {
    expect(targets).toHaveLength(1);
    const [target] = targets;
    expect(target.Arn).toEqual(topicRef);
    // Never the whole event (Input / InputPath), only the transformer (and how undeliverable events are kept).
    expect(Object.keys(target).sort()).toEqual(['Arn', 'DeadLetterConfig', 'Id', 'InputTransformer', 'RetryPolicy']);
    const { InputPathsMap, InputTemplate } = target.InputTransformer;
    expect(InputPathsMap).toEqual(paths);
    expect(Object.keys(InputPathsMap).sort()).toEqual([...FINDING_MESSAGE_FIELDS].sort());

    const text = JSON.parse(InputTemplate) as string;
    expect(typeof text).toBe('string');
    expect(placeholders(text).sort()).toEqual([...FINDING_MESSAGE_FIELDS].sort());
    // The fixed words around the placeholders, and no other field reference.
    expect(text.replace(/<[^>]+>/g, '<>')).toBe(
      `${service} finding, severity <>: <>. Account <>, region <>, resource type <>, finding ID <>. ` +
        `Review it in the ${service} console.`,
    );
    expect(text).not.toContain('$');
  }
}

describe('FindingNotifications: permissions', () => {
  test('its rules publish on the permissions the topic already has: no statement for EventBridge on the topic or its key', () => {
    // The security topic admits the rules of this account (SecurityNotifications); CDK's own target would
    // add unconditioned statements for events.amazonaws.com to the topic's and the key's policy.
    const { resources } = setup('HIGH');
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

describe('FindingNotifications: undeliverable findings', () => {
  test('every rule target retries for 24 hours (185 attempts), then sends the event to the dead-letter queue', () => {
    const { guardDuty, securityHub, queueId } = setup('HIGH');
    for (const rule of [guardDuty, securityHub]) {
      expect(rule.Targets).toHaveLength(1);
      expect(rule.Targets[0].DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
      expect(rule.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
    }
  });

  test("the dead-letter queue is encrypted with the topic's key by default, kept 14 days and declared a dead-letter queue", () => {
    const { resources, queueId, keyId } = setup('HIGH');
    expect(resources[queueId].Type).toBe('AWS::SQS::Queue');
    expect(resources[queueId].Properties).toEqual({
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      KmsDataKeyReusePeriodSeconds: 300,
      MessageRetentionPeriod: 14 * 24 * 3600,
      RedriveAllowPolicy: { redrivePermission: 'allowAll' },
    });
  });

  test('deadLetterKey overrides the topic key; without either, synth fails', () => {
    const app = projectApp({ context: TEMPLATE_ONLY });
    const stack = new Stack(app, 'Audit', { env: ENV });
    const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true });
    expect(() => new FindingNotifications(stack, 'NoKey', { topic, minimumSeverity: 'HIGH' })).toThrow(/needs a KMS key/);
    const other = new kms.Key(stack, 'Other', { enableKeyRotation: true });
    const n = new FindingNotifications(stack, 'WithKey', { topic, minimumSeverity: 'HIGH', deadLetterKey: other });
    const queue = stack.resolve((n.deadLetterQueue.node.defaultChild as any).kmsMasterKeyId);
    expect(queue).toEqual({ 'Fn::GetAtt': [stack.resolve((other.node.defaultChild as CfnElement).logicalId), 'Arn'] });
  });

  test('the queue policy: TLS only, and only EventBridge sending on behalf of exactly its rules', () => {
    const { ofType, queueId, ruleIds } = setup('HIGH', { phiDiscoveryJobId: 'job-1' });
    const policies = ofType('AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.Queues).toEqual([{ Ref: queueId }]);
    const statements = policies[0].Properties.PolicyDocument.Statement as any[];
    const deny = statements.filter((s) => s.Effect === 'Deny');
    expect(deny).toEqual([
      expect.objectContaining({
        Action: 'sqs:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(5);
    for (const s of allows) {
      expect(s).toEqual({
        Sid: expect.any(String),
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': expect.anything() } },
      });
    }
    // One statement per rule: each names its own rule's ARN.
    const sourceArns = allows.map((s) => s.Condition.ArnEquals['aws:SourceArn']);
    expect(sourceArns).toEqual(ruleIds.map((r) => ({ 'Fn::GetAtt': [r, 'Arn'] })));
  });

  test('a message in the queue (Maximum visible above 0 in 5 minutes) alarms to the topic, ALARM only', () => {
    const { ofType, queueId, topicRef } = setup('HIGH', { props: { alarmNamePrefix: 'crm-t-findings' } });
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0].Properties;
    expect(alarm).toMatchObject({
      AlarmName: 'crm-t-findings-FindingDeliveryFailures',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [topicRef],
    });
    expect(alarm.OKActions).toBeUndefined();
    expect(alarm.AlarmDescription).toMatch(/nobody was told about it/);
    expect(alarm.AlarmDescription.length).toBeLessThanOrEqual(1024);
  });

  test('without a prefix, CloudFormation names the alarm', () => {
    const { ofType } = setup('HIGH');
    expect(ofType('AWS::CloudWatch::Alarm')[0].Properties.AlarmName).toBeUndefined();
  });

  test('acknowledged on the queue only: the EventBridge DLQ that cdk-nag cannot see (a key in another stack needs nothing)', () => {
    const ackIds = (stack: Stack) =>
      stack.node
        .findAll()
        .flatMap((c) =>
          c.node.metadata
            .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
            .flatMap((m) => Object.keys(m.data as Record<string, string>).map((ruleId) => `${c.node.path} ${ruleId}`)),
        )
        .filter((k) => !k.includes(' CloudFormation-Validate::'));
    const sqs3 = 'Audit/Findings/DeadLetterQueue/Resource AwsSolutions::AwsSolutions-SQS3';
    expect(ackIds(setup('HIGH').stack)).toEqual([sqs3]);
    expect(ackIds(setup('HIGH', { keyInOtherStack: true }).stack)).toEqual([sqs3]);
  });
});
