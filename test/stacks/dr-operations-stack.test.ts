/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
import { type Deployment } from '../../lib/app';
import type { DeploymentConfig } from '../../lib/config/schema';
import { resourcesOf, shippedDeployment } from '../helpers/deployment';

type Resource = { Type: string; Properties: Record<string, any>; [k: string]: unknown };
type Resources = Record<string, Resource>;

describe.each(['config/demo.json', 'config/production.example.json'])('DrOperations stack from %s', (file) => {
  let config: DeploymentConfig;
  let deployment: Deployment;
  let resources: Resources;
  let drResources: Resources;

  beforeAll(() => {
    ({ config, deployment } = shippedDeployment(file));
    resources = resourcesOf(deployment.drOperations);
    drResources = resourcesOf(deployment.dr);
  });

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const refersTo = (value: unknown, logicalId: string) => JSON.stringify(value).includes(logicalId);

  test('runs in the DR region, stateless, after the Dr stack whose keys it checks', () => {
    expect(deployment.drOperations.region).toBe(config.regions.dr);
    expect(deployment.drOperations.terminationProtection).toBe(false);
    expect(deployment.drOperations.dependencies).toContain(deployment.dr);
  });

  test('one function: the DR rotation enforcer, outside any VPC (the DR region has none)', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([, f]) => f.Properties.FunctionName)).toEqual([`${config.name}-key-rotation-dr`]);
    expect(functions[0][1].Properties.VpcConfig).toBeUndefined();
    expect(resources.KeyRotationLogGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(refersTo(resources.KeyRotationLogGroup.Properties.KmsKeyId, 'AuditDrKey')).toBe(true);
  });

  test('checks exactly the three DR keys and writes its evidence into the DR evidence replica', () => {
    const statements = ofType('AWS::IAM::ManagedPolicy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const keyUse = statements.filter((s) => [s.Action].flat().includes('kms:GetKeyRotationStatus'));
    expect(keyUse).toHaveLength(1);
    for (const id of ['PhiDrKey', 'AuditDrKey', 'BackupDrKey']) expect(refersTo(keyUse[0].Resource, id)).toBe(true);
    expect(refersTo(keyUse[0].Resource, 'PhiKey"')).toBe(false);
    const put = statements.filter((s) => [s.Action].flat().includes('s3:PutObject'));
    expect(put).toHaveLength(1);
    expect(refersTo(put[0].Resource, 'EvidenceReplicaBucket')).toBe(true);
    expect(JSON.stringify(put[0].Resource)).toContain('/key-rotation/*');
    expect(JSON.stringify(statements)).not.toMatch(/kms:(DisableKey|ScheduleKeyDeletion)/);
  });

  test('its alarms go to a DR-region topic under the audit-dr key, subscribed by the security contacts', () => {
    const [[topicId, topic]] = ofType('AWS::SNS::Topic');
    expect(refersTo(topic.Properties.KmsMasterKeyId, 'AuditDrKey')).toBe(true);
    const emails = ofType('AWS::SNS::Subscription').map(([, s]) => s.Properties.Endpoint);
    expect(emails.sort()).toEqual([config.securityContactEmail, ...config.alerts.additionalEmails].sort());
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  test('the topic accepts alarms of this account and region only, over TLS only', () => {
    const statements = ofType('AWS::SNS::TopicPolicy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const publish = statements.filter((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(publish).toHaveLength(1);
    expect(publish[0].Condition.StringEquals['aws:SourceAccount']).toBeDefined();
    expect(JSON.stringify(publish[0].Condition.ArnLike['aws:SourceArn'])).toContain(`:cloudwatch:${config.regions.dr}:`);
    expect(statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
  });

  test('the audit-dr key lets the enforcer log, dead-letter and alert under it', () => {
    const sids = (drResources.AuditDrKey.Properties.KeyPolicy.Statement as any[]).map((s) => s.Sid);
    expect(sids).toEqual(
      expect.arrayContaining([
        'AllowCloudWatchAlarmsToPublishToTopicsOfThisAccount',
        'AllowEventBridgeToPublishToTopicsOfThisAccount',
      ]),
    );
    const services = (drResources.AuditDrKey.Properties.KeyPolicy.Statement as any[]).map((s) => JSON.stringify(s.Principal));
    expect(services.some((p) => p.includes('logs.'))).toBe(true);
  });
});
