import { Stack, type CfnElement } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  SecurityNotifications,
  securityNotificationsSettings,
  type SecurityNotificationsProps,
} from '../../lib/capabilities/security-notifications';
import type { DeploymentConfig } from '../../lib/config/schema';
import { LOGICAL_IDS } from '../../lib/vocabulary';
import { projectApp } from '../helpers/app';
import { auditStandIns } from '../helpers/audit-stand-ins';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';
import { crossStackRef, flatly, ofType, policyOf, resourcesIn, statementsOf } from '../helpers/cfn-matchers';
import { SHIPPED_CONFIGS, shippedConfig } from '../helpers/config';
import { logicalIdOfL2 } from '../helpers/stand-ins';

const TOPIC_ID = LOGICAL_IDS.audit.securityTopic;

function build(config: DeploymentConfig, settings: Partial<SecurityNotificationsProps> = {}) {
  const { auditKey, auditStack, stack: standIns } = auditStandIns(config);
  const stack = auditStack();
  const notifications = new SecurityNotifications(stack, 'SecurityTopic', {
    ...securityNotificationsSettings(config),
    encryptionKey: auditKey,
    ...settings,
  });
  const keyStatements = () => statementsOf(resourcesIn(standIns)[LOGICAL_IDS.keys.audit]);
  return { stack, notifications, resources: resourcesIn(stack), keyStatements };
}

/** The statements that let alarms and EventBridge encrypt for topics of `region` of the config's account under the key. */
function publisherStatements(config: DeploymentConfig, region: string) {
  const account = config.account ?? '<AWS::AccountId>';
  const topicsOfThisAccount = {
    'kms:EncryptionContext:aws:sns:topicArn': flatly(`arn:<AWS::Partition>:sns:${region}:${account}:*`),
  };
  return [
    {
      Sid: 'AllowCloudWatchAlarmsToPublishToTopicsOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': config.account ?? { Ref: 'AWS::AccountId' } },
        ArnLike: topicsOfThisAccount,
      },
    },
    {
      Sid: 'AllowEventBridgeToPublishToTopicsOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      // SNS documents aws:SourceAccount / aws:SourceArn as unsupported for EventBridge to encrypted topics.
      Condition: { ArnLike: topicsOfThisAccount },
    },
  ];
}

describe.each(SHIPPED_CONFIGS)('SecurityNotifications from %s', (file) => {
  const config = shippedConfig(file);
  const { stack, notifications, resources, keyStatements } = build(config);
  const [, policy] = policyOf(resources, 'AWS::SNS::TopicPolicy', TOPIC_ID);

  test('the audit key it receives (Keys stack) lets CloudWatch alarms and EventBridge encrypt for topics of this account and region', () => {
    const statements = keyStatements();
    expect(statements.filter((s) => JSON.stringify(s).includes('aws:sns:topicArn'))).toEqual(
      publisherStatements(config, config.regions.primary),
    );
    // Named, not referenced: the Keys stack comes first and cannot import from this one.
    expect(JSON.stringify(keyStatements())).not.toContain('Fn::ImportValue');
  });

  test('the topic keeps its pinned logical ID, is named for the deployment and encrypted with the audit key', () => {
    expect(resources[TOPIC_ID]).toMatchObject({
      Type: 'AWS::SNS::Topic',
      Properties: { DisplayName: `${config.name} security alerts`, KmsMasterKeyId: crossStackRef(LOGICAL_IDS.keys.audit, 'Arn') },
    });
    expect(stack.resolve(notifications.topic.topicArn)).toEqual({ Ref: TOPIC_ID });
  });

  test('the topic is TLS-only and reaches every configured recipient by e-mail', () => {
    expect(statementsOf(policy)).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const emails = ofType(resources, 'AWS::SNS::Subscription').map(([, r]) => [r.Properties.Protocol, r.Properties.Endpoint]);
    expect(emails).toEqual([config.securityContactEmail, ...config.alerts.additionalEmails].map((e) => ['email', e]));
  });

  test('CloudWatch alarms and EventBridge rules of this account and region may publish, and no other publisher is allowed', () => {
    const allows = statementsOf(policy).filter((s) => s.Effect === 'Allow');
    const account = config.account ?? '<AWS::AccountId>';
    expect(allows).toEqual([
      {
        Sid: 'AllowCloudWatchAlarmsOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: TOPIC_ID },
        Condition: {
          StringEquals: { 'aws:SourceAccount': config.account ?? { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': flatly(`arn:<AWS::Partition>:cloudwatch:${config.regions.primary}:${account}:alarm:*`),
          },
        },
      },
      {
        Sid: 'AllowEventBridgeRulesOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: TOPIC_ID },
        Condition: {
          StringEquals: { 'aws:SourceAccount': config.account ?? { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': flatly(`arn:<AWS::Partition>:events:${config.regions.primary}:${account}:rule/*`),
          },
        },
      },
    ]);
  });
});

describe('SecurityNotifications settings', () => {
  const config = shippedConfig('config/production.example.json');

  test('the DR region topic is named for that region and reaches the same people', () => {
    const primary = securityNotificationsSettings(config);
    const dr = securityNotificationsSettings(config, 'dr');
    expect(dr.displayName).toBe(`${config.name} security alerts (DR region)`);
    expect(dr.emailAddresses).toEqual(primary.emailAddresses);
    expect(primary.emailAddresses[0]).toBe(config.securityContactEmail);
  });

  test("the DR region's topic is not pinned: it keeps the ID of a topic built directly in its stack, and accepts alarms and rules", () => {
    const { stack, notifications, resources } = build(config, securityNotificationsSettings(config, 'dr'));
    const direct = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'Direct');
    const directId = direct.resolve((new sns.Topic(direct, 'SecurityTopic').node.defaultChild as CfnElement).logicalId) as string;
    expect(stack.resolve(notifications.topic.topicArn)).toEqual({ Ref: directId });
    expect(resources[TOPIC_ID]).toBeUndefined();
    const [, policy] = policyOf(resources, 'AWS::SNS::TopicPolicy', directId);
    expect(statementsOf(policy).map((s) => s.Sid ?? s.Effect)).toEqual([
      'AllowPublishThroughSSLOnly',
      'AllowCloudWatchAlarmsOfThisAccount',
      'AllowEventBridgeRulesOfThisAccount',
    ]);
  });

  test("the DR region's topic lets alarms and EventBridge of the DR region encrypt under the DR audit key it receives", () => {
    // A stand-in of the Dr stack's audit-dr key, and the topic in a stack of the same region (DrOperations).
    const app = projectApp({ context: TEMPLATE_ONLY });
    const env = { account: config.account, region: config.regions.dr };
    const drKeys = new Stack(app, 'Dr', { env });
    const auditDrKey = new kms.Key(drKeys, 'AuditDrKey');
    new SecurityNotifications(new Stack(app, 'DrOperations', { env }), 'SecurityTopic', {
      ...securityNotificationsSettings(config, 'dr'),
      encryptionKey: auditDrKey,
    });
    const statements = statementsOf(resourcesIn(drKeys)[logicalIdOfL2(auditDrKey)]);
    expect(statements.filter((s) => JSON.stringify(s).includes('aws:sns:topicArn'))).toEqual(
      publisherStatements(config, config.regions.dr),
    );
  });

  test('a key whose policy cannot be changed (an imported key) is refused: no alarm could reach the topic', () => {
    const app = projectApp({ context: TEMPLATE_ONLY });
    const stack = new Stack(app, 'Audit', { env: { account: config.account, region: config.regions.primary } });
    const imported = kms.Key.fromKeyArn(
      stack,
      'Imported',
      `arn:aws:kms:${config.regions.primary}:${config.account}:key/imported`,
    );
    expect(
      () =>
        new SecurityNotifications(stack, 'SecurityTopic', { ...securityNotificationsSettings(config), encryptionKey: imported }),
    ).toThrow(/^allowAlarmAndEventPublishers: the key Audit\/Imported has no key policy/);
  });

  test('a topic without recipients is refused: nobody would be paged', () => {
    expect(() => build(config, { emailAddresses: [] })).toThrow(/at least one recipient/);
  });
});
