/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  FINDING_MESSAGE_FIELDS,
  FindingNotifications,
  type FindingSeverity,
  securityHubLabelsFrom,
} from '../../lib/constructs/finding-notifications';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

function setup(minimumSeverity: FindingSeverity) {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const stack = new Stack(app, 'Audit', { env: { account: '111122223333', region: 'us-east-1' } });
  const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true });
  const notifications = new FindingNotifications(stack, 'Findings', { topic, minimumSeverity });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const rule = (r: { node: { defaultChild?: unknown } }) =>
    resources[stack.resolve((r.node.defaultChild as CfnElement).logicalId) as string].Properties;
  return {
    resources,
    guardDuty: rule(notifications.guardDutyRule),
    securityHub: rule(notifications.securityHubRule),
    topicRef: { Ref: stack.resolve((topic.node.defaultChild as CfnElement).logicalId) as string },
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
  ] as const)('Security Hub: from %s, new active findings labelled %j, GuardDuty left to its own rule', (minimum, labels) => {
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
          ProductName: [{ 'anything-but': ['GuardDuty'] }],
        },
      },
    });
  });

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
  ])('%s: the message carries title, severity, account, region, resource type and ID, nothing else', (service, paths) => {
    const { guardDuty, securityHub, topicRef } = setup('HIGH');
    const targets = (service === 'GuardDuty' ? guardDuty : securityHub).Targets;
    expect(targets).toHaveLength(1);
    const [target] = targets;
    expect(target.Arn).toEqual(topicRef);
    // Never the whole event (Input / InputPath), only the transformer.
    expect(Object.keys(target).sort()).toEqual(['Arn', 'Id', 'InputTransformer']);
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
  });

  test('EventBridge may publish to the topic', () => {
    const { resources, topicRef } = setup('HIGH');
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::SNS::TopicPolicy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicRef,
      }),
    );
  });
});
