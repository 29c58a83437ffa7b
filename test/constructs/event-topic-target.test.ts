import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { allowEventRulesOfThisAccount, EventTopicTarget } from '../../lib/constructs/event-topic-target';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

type Statement = { Sid?: string; Principal?: unknown; Action?: unknown; Condition?: unknown };
type Resource = {
  Type: string;
  Properties: { PolicyDocument?: { Statement: Statement[] }; KeyPolicy?: { Statement: Statement[] }; Targets?: unknown[] };
};

/** A rule publishing to an encrypted topic, through `target`. */
function build(target: (topic: sns.ITopic, queue: sqs.IQueue) => events.IRuleTarget) {
  const stack = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
  const topic = new sns.Topic(stack, 'Topic', { masterKey: new kms.Key(stack, 'Key') });
  const queue = new sqs.Queue(stack, 'DeadLetters');
  const rule = new events.Rule(stack, 'Rule', { eventPattern: { source: ['aws.backup'] } });
  rule.addTarget(target(topic, queue));
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const statements = (type: string) =>
    Object.values(resources)
      .filter((r) => r.Type === type)
      .flatMap((r) => r.Properties.PolicyDocument?.Statement ?? r.Properties.KeyPolicy?.Statement ?? []);
  const eventsStatements = (type: string) =>
    statements(type).filter((s) => JSON.stringify(s.Principal ?? {}).includes('events.amazonaws.com'));
  return { stack, resources, statements, eventsStatements };
}

describe('EventTopicTarget', () => {
  const props = { deadLetterQueue: undefined, retryAttempts: 185, maxEventAge: Duration.hours(24) };

  test("grants EventBridge nothing on the topic or its key, where CDK's SnsTopic target grants both without a condition", () => {
    const ours = build((topic, queue) => new EventTopicTarget(topic, { ...props, deadLetterQueue: queue }));
    expect(ours.eventsStatements('AWS::SNS::TopicPolicy')).toEqual([]);
    expect(ours.eventsStatements('AWS::KMS::Key')).toEqual([]);
    // What the target replaces: the reason it exists.
    const cdk = build((topic, queue) => new targets.SnsTopic(topic, { ...props, deadLetterQueue: queue }));
    expect(cdk.eventsStatements('AWS::SNS::TopicPolicy')).toEqual([
      expect.not.objectContaining({ Condition: expect.anything() }),
    ]);
    expect(cdk.eventsStatements('AWS::KMS::Key')).toEqual([expect.not.objectContaining({ Condition: expect.anything() })]);
  });

  test("renders the rule's target exactly as CDK's SnsTopic target does: topic, message, retries, dead-letter queue and its policy", () => {
    const message = events.RuleTargetInput.fromText('a failed backup job');
    const ours = build((topic, queue) => new EventTopicTarget(topic, { ...props, message, deadLetterQueue: queue }));
    const cdk = build((topic, queue) => new targets.SnsTopic(topic, { ...props, message, deadLetterQueue: queue }));
    const rule = (b: ReturnType<typeof build>) => Object.values(b.resources).find((r) => r.Type === 'AWS::Events::Rule');
    expect(rule(ours)).toEqual(rule(cdk));
    expect(ours.statements('AWS::SQS::QueuePolicy')).toEqual(cdk.statements('AWS::SQS::QueuePolicy'));
    expect(ours.statements('AWS::SQS::QueuePolicy')).toEqual([
      expect.objectContaining({ Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': expect.anything() } } }),
    ]);
  });

  test('without retry settings or a dead-letter queue, the target has neither', () => {
    const ours = build((topic) => new EventTopicTarget(topic));
    const target = (Object.values(ours.resources).find((r) => r.Type === 'AWS::Events::Rule')!.Properties.Targets as object[])[0];
    expect(target).not.toHaveProperty('RetryPolicy');
    expect(target).not.toHaveProperty('DeadLetterConfig');
  });
});

test('allowEventRulesOfThisAccount lets only EventBridge rules of this account and region publish', () => {
  const stack = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  const topic = new sns.Topic(stack, 'Topic');
  allowEventRulesOfThisAccount(topic);
  Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
    PolicyDocument: {
      Statement: [
        {
          Sid: 'AllowEventBridgeRulesOfThisAccount',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: stack.resolve((topic.node.defaultChild as sns.CfnTopic).logicalId) },
          Condition: {
            StringEquals: { 'aws:SourceAccount': '111122223333' },
            ArnLike: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:111122223333:rule/*' },
          },
        },
      ],
    },
  });
});
