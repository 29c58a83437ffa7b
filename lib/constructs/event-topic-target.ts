import { Names, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';

/**
 * Lets EventBridge rules of the account and region of `rules` (the topic's own by default) publish to
 * the topic, and nothing else that EventBridge delivers: both conditions name this account, as
 * EventBridge documents for SNS targets
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions).
 * The key's `AllowEventBridgeToPublishToTopicsOfThisAccount` statement lets them encrypt for the topic.
 */
export function allowEventRulesOfThisAccount(topic: sns.ITopic, rules: IConstruct = topic): void {
  const stack = Stack.of(rules);
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowEventBridgeRulesOfThisAccount',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:events:${stack.region}:${stack.account}:rule/*` },
      },
    }),
  );
}

/**
 * A rule target that publishes to `topic` on the permissions the topic already has
 * (`allowEventRulesOfThisAccount`), instead of granting them. CDK's `targets.SnsTopic` calls
 * `topic.grantPublish(events.amazonaws.com)`, which adds an unconditioned statement to the topic's
 * policy and, for an encrypted topic, `kms:Decrypt` and `kms:GenerateDataKey*` to the key's policy for
 * the service principal: any account's rule could then publish, and the key's scoped EventBridge
 * statement would be pointless. This target grants nothing on the topic; like CDK's, it lets its own
 * rule, and nothing else, send to its dead-letter queue (`aws:SourceArn`).
 */
export class EventTopicTarget implements events.IRuleTarget {
  constructor(
    private readonly topic: sns.ITopic,
    private readonly props: targets.SnsTopicProps = {},
  ) {}

  bind(rule: events.IRule): events.RuleTargetConfig {
    const { message, deadLetterQueue, retryAttempts, maxEventAge } = this.props;
    if (deadLetterQueue) {
      deadLetterQueue.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `AllowEventRule${Names.nodeUniqueId(rule.node)}`,
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [deadLetterQueue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
        }),
      );
    }
    const retrying = (retryAttempts !== undefined && retryAttempts >= 0) || maxEventAge !== undefined;
    return {
      arn: this.topic.topicArn,
      input: message,
      targetResource: this.topic,
      deadLetterConfig: deadLetterQueue ? { arn: deadLetterQueue.queueArn } : undefined,
      retryPolicy: retrying
        ? { maximumRetryAttempts: retryAttempts, maximumEventAgeInSeconds: maxEventAge?.toSeconds({ integral: true }) }
        : undefined,
    };
  }
}
