import { Stack } from 'aws-cdk-lib';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { HIPAA_CONFIG_RULES } from '../../lib/constructs/config-rules';
import { FindingNotifications } from '../../lib/constructs/finding-notifications';
import { SecurityAlarms } from '../../lib/constructs/security-alarms';
import { acknowledgedFindings, openFindings, readValidationReport } from '../../lib/compliance/report';
import type { DeploymentConfig } from '../../lib/config/schema';
import { AuditStack } from '../../lib/stacks/audit-stack';
import { deploymentStackProps } from '../../lib/stacks/deployment-stack-props';
import { IdentityStack } from '../../lib/stacks/identity-stack';
import { deploymentNames, LOGICAL_IDS } from '../../lib/vocabulary';
import { projectApp } from '../helpers/app';
import { auditStandIns } from '../helpers/audit-stand-ins';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';
import {
  flatly,
  ofType,
  policyOf,
  resourcesIn,
  retained,
  statementsOf,
  type CfnResources,
  type CfnStatement,
} from '../helpers/cfn-matchers';
import { ORGANIZATION_CONFIG, SHIPPED_CONFIGS, shippedConfig } from '../helpers/config';
import { shippedAssembly, shippedStacks } from '../helpers/shipped-assembly';

const IDS = LOGICAL_IDS.audit;

/** Every pinned logical ID of the Audit stack and the resource type it must name. */
const PINNED: Record<keyof typeof IDS, string> = {
  evidenceBucket: 'AWS::S3::Bucket',
  evidenceAccessLogBucket: 'AWS::S3::Bucket',
  securityTopic: 'AWS::SNS::Topic',
  trail: 'AWS::CloudTrail::Trail',
  trailBucket: 'AWS::S3::Bucket',
  trailAccessLogBucket: 'AWS::S3::Bucket',
  trailLogGroup: 'AWS::Logs::LogGroup',
  signInLogBucket: 'AWS::S3::Bucket',
  signInLogAccessLogBucket: 'AWS::S3::Bucket',
  signInLogDelivery: 'AWS::Cognito::LogDeliveryConfiguration',
  signInLogTable: 'AWS::Glue::Table',
  auditReviewWorkGroup: 'AWS::Athena::WorkGroup',
  auditReviewDatabase: 'AWS::Glue::Database',
  guardDutyDetector: 'AWS::GuardDuty::Detector',
  securityHub: 'AWS::SecurityHub::Hub',
  configRecorder: 'AWS::Config::ConfigurationRecorder',
  configDeliveryChannel: 'AWS::Config::DeliveryChannel',
  configHistoryBucket: 'AWS::S3::Bucket',
  configHistoryAccessLogBucket: 'AWS::S3::Bucket',
  macieSession: 'AWS::Macie::Session',
};
/** Stateful resources whose replacement would lose records: retained on deletion and replacement. */
const RETAINED: (keyof typeof IDS)[] = [
  'evidenceBucket',
  'evidenceAccessLogBucket',
  'trailBucket',
  'trailAccessLogBucket',
  'trailLogGroup',
  'signInLogBucket',
  'signInLogAccessLogBucket',
  'configHistoryBucket',
  'configHistoryAccessLogBucket',
  // Disabling Macie deletes its findings.
  'macieSession',
];

const stackProps = (config: DeploymentConfig, part: 'audit' | 'keys' | 'identity') =>
  deploymentStackProps(config, { part, purpose: `${part} (test)`, stateful: true });

/** The Audit stack alone, with stand-ins for the Keys, Data and Identity stacks' resources. */
function buildAudit(config: DeploymentConfig) {
  const { app, auditKey, phiBucket, userPool, stack: standIns } = auditStandIns(config);
  const audit = new AuditStack(app, 'Audit', {
    ...stackProps(config, 'audit'),
    config,
    auditKey,
    phiBuckets: [phiBucket],
    userPool,
  });
  return { app, audit, resources: resourcesIn(audit), standIns };
}

const configDelivery = (s: CfnStatement) => s.Sid === 'AllowConfigDeliveryOfThisAccount';

describe.each(SHIPPED_CONFIGS)('Audit stack from %s', (file) => {
  const config = shippedConfig(file);
  const { audit, resources, standIns } = buildAudit(config);
  let keyStatements: CfnStatement[] | undefined;
  const auditKeyOfConfig = () => (keyStatements ??= statementsOf(resourcesIn(standIns)[LOGICAL_IDS.keys.audit]));

  test('is stateful: termination protection', () => {
    expect(audit.terminationProtection).toBe(true);
  });

  test('every pinned logical ID names its resource; the record-keeping ones are retained', () => {
    for (const [key, type] of Object.entries(PINNED)) expect(resources[IDS[key as keyof typeof IDS]]?.Type).toBe(type);
    for (const key of RETAINED) expect(resources[IDS[key]]).toMatchObject(retained(PINNED[key]));
  });

  test('exposes the evidence bucket, the security topic and the trail that other stacks and tests use', () => {
    expect(audit.resolve(audit.evidenceBucket.bucketName)).toEqual({ Ref: IDS.evidenceBucket });
    expect(audit.resolve(audit.securityTopic.topicArn)).toEqual({ Ref: IDS.securityTopic });
    expect(audit.trail.trail.trailName).toBe(deploymentNames(config.name).trail);
  });

  test('the security topic is TLS-only and accepts the alarms and the finding rules, one statement each', () => {
    const [, policy] = policyOf(resources, 'AWS::SNS::TopicPolicy', IDS.securityTopic);
    const statements = statementsOf(policy);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const publishers = statements
      .filter((s) => s.Effect === 'Allow' && s.Action === 'sns:Publish')
      .map((s) => s.Principal?.Service);
    expect(publishers.sort()).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
  });

  test('the sign-in reviews are Athena named queries in the review workgroup over the sign-in log table', () => {
    const named = ofType(resources, 'AWS::Athena::NamedQuery').map(([, r]) => r);
    const database = `${config.name.replace(/-/g, '_')}_audit_review`;
    expect(named.map((q) => q.Properties.Name).sort()).toEqual(['failed-sign-ins', 'mfa-sign-ins']);
    for (const q of named) {
      expect(q.Properties).toMatchObject({ WorkGroup: { Ref: IDS.auditReviewWorkGroup }, Database: database });
      expect(q.Properties.QueryString).toContain(`FROM "${database}"."user_activity"`);
    }
  });

  test("alarms with fixed names keep the logical IDs they had as the stack's own (a replacement would fail on the name)", () => {
    // The same constructs as direct children of a stack, as before the capabilities: same path, same IDs.
    const before = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'Before');
    const topic = new sns.Topic(before, 'Topic');
    new SecurityAlarms(before, 'SecurityAlarms', {
      trailLogGroup: new logs.LogGroup(before, 'TrailLogGroup'),
      topic,
      breakGlassRoleName: deploymentNames(config.name).breakGlassRole,
    });
    new FindingNotifications(before, 'FindingNotifications', {
      topic,
      minimumSeverity: 'HIGH',
      deadLetterKey: new kms.Key(before, 'Key'),
    });
    const alarmIds = (r: CfnResources) =>
      ofType(r, 'AWS::CloudWatch::Alarm')
        .map(([id]) => id)
        .sort();
    // The PHI-in-logs alarm came after the capabilities (0.4): its own ID is the one to keep.
    const phiInLogs = 'PhiInLogsAlarm25971805';
    const older = alarmIds(resources).filter((id) => id !== phiInLogs);
    expect(alarmIds(resources)).toContain(phiInLogs);
    expect(older).toHaveLength(audit.activity.securityAlarms.definitions.length + 1);
    expect(older).toEqual(alarmIds(resourcesIn(before)));
  });

  test("the audit key it receives lets Config deliver the history of this deployment's recorder", () => {
    expect(auditKeyOfConfig().filter((s) => s.Sid === 'AllowConfigDeliveryOfThisAccount')).toEqual([
      {
        Sid: 'AllowConfigDeliveryOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'config.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': config.account ?? { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  // Every combination of the toggles is tested on the capability (threat-detection.test.ts); here, that
  // the stack hands it the config's toggle.
  test('the audit key grants Config delivery while this deployment records (detection.config; off: below)', () => {
    expect(auditKeyOfConfig().filter(configDelivery)).toHaveLength(1);
  });

  test('the audit key lets the log delivery service generate data keys for this account and region only', () => {
    const account = config.account ?? '<AWS::AccountId>';
    const delivery = auditKeyOfConfig().filter((s) => s.Principal?.Service === 'delivery.logs.amazonaws.com');
    expect(delivery).toHaveLength(1);
    expect(delivery[0].Action).toBe('kms:GenerateDataKey*');
    expect(delivery[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': config.account ?? { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': flatly(`arn:<AWS::Partition>:logs:${config.regions.primary}:${account}:*`) },
    });
  });

  test('the audit key lets the alarms and the finding rules encrypt for the security topic', () => {
    const statements = auditKeyOfConfig();
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      expect(statements).toContainEqual(
        expect.objectContaining({
          Principal: { Service: service },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: expect.objectContaining({ ArnLike: { 'kms:EncryptionContext:aws:sns:topicArn': expect.anything() } }),
        }),
      );
    }
  });

  test('the break-glass alarm watches the role the Identity stack creates', () => {
    const identity = new IdentityStack(projectApp({ context: TEMPLATE_ONLY }), 'Identity', {
      ...stackProps(config, 'identity'),
      config,
    });
    const roleName = (identity.breakGlassRole.node.defaultChild as CfnRole).roleName;
    expect(roleName).toBe(`${config.name}-break-glass`);
    const filter = ofType(resources, 'AWS::Logs::MetricFilter').find(([, f]) =>
      JSON.stringify(f.Properties.MetricTransformations).includes('"MetricName":"BreakGlassRoleUse"'),
    );
    expect(filter?.[1].Properties.FilterPattern).toContain(`($.requestParameters.roleArn = "*:role/${roleName}")`);
  });
});

// The organization example defers every detective service to the organisation's security-tooling
// account: its shared assembly (synthesized with every compliance plugin) is the Audit stack without them.
describe('with every detective service off (config/organization.example.json: the organisation runs them)', () => {
  const assembly = shippedAssembly(ORGANIZATION_CONFIG);
  const template = (id: string) => shippedStacks(assembly).find((st) => st.id === id)!.template.Resources as CfnResources;
  const report = readValidationReport(assembly.dir);

  test('zero open findings, of any severity, from any plugin', () => {
    expect(Object.values(shippedConfig(ORGANIZATION_CONFIG).detection).filter((v) => v === true)).toEqual([]);
    expect(openFindings(report)).toEqual([]);
    // The plugins did check the Audit stack: its acknowledged findings are in the report.
    expect(acknowledgedFindings(report).some((f) => f.constructPath.startsWith('Audit/'))).toBe(true);
  });

  test('only the managed rules remain of the detective services', () => {
    const resources = template('Audit');
    const detective = [
      'AWS::GuardDuty::',
      'AWS::SecurityHub::',
      'AWS::Config::ConfigurationRecorder',
      'AWS::Config::DeliveryChannel',
      'AWS::Macie::',
      'Custom::InspectorScanning',
      'Custom::MaciePhiDiscoveryJob',
    ];
    expect(Object.values(resources).filter((r) => detective.some((t) => r.Type.startsWith(t)))).toEqual([]);
    expect(ofType(resources, 'AWS::Config::ConfigRule')).toHaveLength(HIPAA_CONFIG_RULES.length);
  });

  test('the audit key grants no Config delivery: this deployment does not record', () => {
    expect(statementsOf(template('Keys')[LOGICAL_IDS.keys.audit]).filter(configDelivery)).toHaveLength(0);
  });
});
