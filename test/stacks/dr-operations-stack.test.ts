import type { DeploymentConfig } from '../../lib/config/schema';
import { DrOperationsStack } from '../../lib/stacks/dr-operations-stack';
import { deploymentNames, LOGICAL_IDS, STACK_IDS } from '../../lib/vocabulary';
import { SHIPPED_CONFIGS } from '../helpers/config';
import {
  ACCOUNT,
  shippedResources,
  standIns,
  StackTemplate,
  type DrStandIns,
  type Statement,
} from '../helpers/operations-stand-ins';

/** The stack as the app wires it, receiving stand-ins of the Dr stack's keys and evidence replica. */
function build(file: string) {
  const { app, config, dr } = standIns(file);
  const drOperations = new DrOperationsStack(app, STACK_IDS.drOperations, {
    stackName: deploymentNames(config.name).stack('dr-operations'),
    env: { account: ACCOUNT, region: config.regions.dr },
    config,
    phiDrKey: dr.phiDrKey,
    auditDrKey: dr.auditDrKey,
    backupDrKey: dr.backupDrKey,
    evidenceBucket: dr.evidenceReplica,
  });
  return { config, dr, drOperations, t: new StackTemplate(drOperations) };
}

const refersTo = (value: unknown, logicalId: string) => JSON.stringify(value).includes(logicalId);

describe.each(SHIPPED_CONFIGS)('DrOperations stack from %s', (file) => {
  let config: DeploymentConfig;
  let dr: DrStandIns;
  let drOperations: DrOperationsStack;
  let t: StackTemplate;

  beforeAll(() => {
    ({ config, dr, drOperations, t } = build(file));
  });

  const topicPolicyStatements = () => t.ofType('AWS::SNS::TopicPolicy').flatMap(([, policy]) => t.statements(policy));

  test('runs in the DR region, after the Dr stack whose keys it checks', () => {
    expect(drOperations.region).toBe(config.regions.dr);
    expect(drOperations.dependencies).toEqual([dr.dr]);
  });

  test('the DR key lifecycle builds its parts in the stack itself: the enforcer keeps its path and pinned log group', () => {
    expect(drOperations.keyLifecycle.node.children).toEqual([]);
    const handler = drOperations.keyLifecycle.keyRotation.handler;
    expect(handler.function.node.path).toBe(`${STACK_IDS.drOperations}/KeyRotation/Handler/Function`);
    expect(t.id(handler.logGroup)).toBe(LOGICAL_IDS.drOperations.keyRotationLogGroup);
    expect(t.resources[LOGICAL_IDS.drOperations.keyRotationLogGroup]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      DeletionPolicy: 'RetainExceptOnCreate',
    });
    expect(t.of(handler.function).Properties.FunctionName).toBe(`${config.name}-key-rotation-dr`);
  });

  test('its alarms go to a DR-region topic under the audit-dr key, subscribed by the security contacts', () => {
    const [[topicId, topic]] = t.ofType('AWS::SNS::Topic');
    expect(topic.Properties.DisplayName).toBe(`${config.name} security alerts (DR region)`);
    expect(refersTo(topic.Properties.KmsMasterKeyId, 'AuditDrKey')).toBe(true);
    const emails = t.ofType('AWS::SNS::Subscription').map(([, s]) => s.Properties.Endpoint);
    expect(emails.sort()).toEqual([config.securityContactEmail, ...config.alerts.additionalEmails].sort());
    const alarms = t.ofType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  test('the topic accepts alarms of this account and region only, over TLS only', () => {
    const statements = topicPolicyStatements();
    const publish = statements.filter((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(publish).toHaveLength(1);
    expect(publish[0].Condition!.StringEquals['aws:SourceAccount']).toBeDefined();
    expect(JSON.stringify(publish[0].Condition!.ArnLike['aws:SourceArn'])).toContain(`:cloudwatch:${config.regions.dr}:`);
    expect(statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
  });
});

/** The Dr stack's side of the contract, in the shared whole-app assembly of the demo config. */
describe('what the DrOperations stack relies on in the Dr stack (shipped assembly of config/demo.json)', () => {
  test('the audit-dr key lets the enforcer log, dead-letter and alert under it', () => {
    const keyPolicy = shippedResources('config/demo.json', STACK_IDS.dr)[LOGICAL_IDS.dr.auditKey].Properties.KeyPolicy as {
      Statement: Statement[];
    };
    expect(keyPolicy.Statement.map((s) => s.Sid)).toEqual(
      expect.arrayContaining([
        'AllowCloudWatchAlarmsToPublishToTopicsOfThisAccount',
        'AllowEventBridgeToPublishToTopicsOfThisAccount',
      ]),
    );
    const services = keyPolicy.Statement.map((s) => JSON.stringify(s.Principal));
    expect(services.some((principal) => principal.includes('logs.'))).toBe(true);
  });
});
