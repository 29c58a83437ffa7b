/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { buildDeployment, createApp, type Deployment } from '../../lib/app';
import { openFindings, readValidationReport } from '../../lib/compliance/report';
import { HIPAA_CONFIG_RULES } from '../../lib/constructs/config-rules';
import type { DeploymentConfig } from '../../lib/config/schema';
import { projectApp, projectContext } from '../helpers/app';
import { flat, isCrossStackRef, KEY_IDS, PRIVATE_BUCKET, TEMPLATE_ONLY } from '../helpers/cfn-values';
import { shippedConfig } from '../helpers/config';
import { resourcesOf, shippedDeployment } from '../helpers/deployment';
import { expectedSecurityAlarmPatterns } from '../helpers/security-alarm-patterns';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; [k: string]: unknown }>;

describe.each(['config/demo.json', 'config/production.example.json'])('Audit stack from %s', (file) => {
  let config: DeploymentConfig;
  let deployment: Deployment;
  let resources: Resources;

  beforeAll(() => {
    ({ config, deployment } = shippedDeployment(file));
    resources = resourcesOf(deployment.audit);
  });
  const evidence = () => resources.EvidenceBucket.Properties;

  test('is stateful: termination protection, pinned and retained evidence bucket', () => {
    expect(deployment.audit.terminationProtection).toBe(true);
    for (const id of ['EvidenceBucket', 'EvidenceAccessLogBucket']) {
      expect(resources[id]).toMatchObject({ Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    expect(resources.SecurityTopic.Type).toBe('AWS::SNS::Topic');
  });

  test('evidence is write-once: Object Lock COMPLIANCE for the log retention (at least 6 years), versioned', () => {
    expect(evidence().ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.logs.retentionDays } },
    });
    expect(config.logs.retentionDays).toBeGreaterThanOrEqual(2192);
    expect(evidence().VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  test('evidence is encrypted with the audit key (never the PHI key), private and logged', () => {
    const sse = evidence().BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(sse.BucketKeyEnabled).toBe(true);
    expect(isCrossStackRef(sse.ServerSideEncryptionByDefault.KMSMasterKeyID, KEY_IDS.audit, 'Arn')).toBe(true);
    expect(evidence()).toMatchObject(PRIVATE_BUCKET);
    expect(evidence().LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: 'EvidenceAccessLogBucket' } });
  });

  test('evidence is replicated to the DR evidence replica under the audit-dr key, delete markers excluded', () => {
    const rule = evidence().ReplicationConfiguration.Rules[0];
    expect(flat(rule.Destination.Bucket)).toBe(
      `arn:<AWS::Partition>:s3:::${config.name}-evidence-dr-<AWS::AccountId>-${config.regions.dr}`,
    );
    expect(flat(rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID)).toMatch(
      new RegExp(`^arn:<AWS::Partition>:kms:${config.regions.dr}:(<AWS::AccountId>|\\d{12}):alias/${config.name}/audit-dr$`),
    );
    expect(rule.DeleteMarkerReplication).toEqual({ Status: 'Disabled' });
    expect(deployment.audit.dependencies).toContain(deployment.dr);
  });

  test('the security topic is encrypted with the audit key, TLS-only, and reaches every configured recipient', () => {
    expect(isCrossStackRef(resources.SecurityTopic.Properties.KmsMasterKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy')!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const emails = Object.values(resources)
      .filter((r) => r.Type === 'AWS::SNS::Subscription')
      .map((r) => [r.Properties.Protocol, r.Properties.Endpoint]);
    expect(emails).toEqual([config.securityContactEmail, ...config.alerts.additionalEmails].map((e) => ['email', e]));
  });
});

type Detection = { guardDuty: boolean; securityHub: boolean; config: boolean };
const ALL_ON: Detection = { guardDuty: true, securityHub: true, config: true };

/** The Audit and Keys templates of a shipped config with the detection toggles set. */
function detectionDeployment(file: string, detection: Detection = ALL_ON) {
  const config = shippedConfig(file, { detection });
  const deployment = buildDeployment(projectApp({ context: TEMPLATE_ONLY }), config);
  return {
    config,
    deployment,
    audit: Template.fromStack(deployment.audit).toJSON().Resources as Resources,
    keys: Template.fromStack(deployment.keys).toJSON().Resources as Resources,
  };
}

const DETECTION_TYPES = {
  guardDuty: ['AWS::GuardDuty::Detector', 'AWS::GuardDuty::MalwareProtectionPlan'],
  securityHub: ['AWS::SecurityHub::Hub', 'AWS::SecurityHub::Standard'],
  config: ['AWS::Config::ConfigurationRecorder', 'AWS::Config::DeliveryChannel'],
} as const;

const typesIn = (resources: Resources) => new Set(Object.values(resources).map((r) => r.Type));
const configDeliveryStatements = (keys: Resources) =>
  (keys[KEY_IDS.audit].Properties.KeyPolicy.Statement as any[]).filter((s) => s.Sid === 'AllowConfigDeliveryOfThisAccount');

describe.each(['config/demo.json', 'config/production.example.json'])('Audit stack detective services from %s', (file) => {
  let on: ReturnType<typeof detectionDeployment>;
  beforeAll(() => {
    on = detectionDeployment(file);
  });

  test('on by default, exposed as AuditStack.detection, with pinned logical IDs (one of each per account and region)', () => {
    expect(shippedConfig(file).detection).toEqual(ALL_ON);
    expect(on.deployment.audit.detection.detector).toBeDefined();
    expect(on.audit.GuardDutyDetector.Type).toBe('AWS::GuardDuty::Detector');
    expect(on.audit.SecurityHub.Type).toBe('AWS::SecurityHub::Hub');
    expect(on.audit.ConfigRecorder.Type).toBe('AWS::Config::ConfigurationRecorder');
    expect(on.audit.ConfigDeliveryChannel.Type).toBe('AWS::Config::DeliveryChannel');
    for (const id of ['ConfigHistoryBucket', 'ConfigHistoryAccessLogBucket']) {
      expect(on.audit[id]).toMatchObject({ Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  test('GuardDuty scans the PHI documents bucket (Data stack) and may decrypt it with the PHI key through S3 only', () => {
    const plans = Object.values(on.audit).filter((r) => r.Type === 'AWS::GuardDuty::MalwareProtectionPlan');
    expect(plans).toHaveLength(1);
    expect(isCrossStackRef(plans[0].Properties.ProtectedResource.S3Bucket.BucketName, 'PhiDocumentsBucket', 'Ref')).toBe(true);
    const malwarePolicy = Object.values(on.audit).find(
      (r) =>
        r.Type === 'AWS::IAM::ManagedPolicy' &&
        (r.Properties.PolicyDocument.Statement as any[]).some((s) => s.Sid === 'ScanAndTagObjects'),
    )!;
    const decrypt = (malwarePolicy.Properties.PolicyDocument.Statement as any[]).find((s) => s.Sid === 'DecryptThroughS3');
    expect(isCrossStackRef(decrypt.Resource, KEY_IDS.phi, 'Arn')).toBe(true);
    expect(decrypt.Condition.StringEquals).toEqual({ 'kms:ViaService': `s3.${on.config.regions.primary}.amazonaws.com` });
  });

  test('Security Hub standards name the primary region', () => {
    const arns = Object.values(on.audit)
      .filter((r) => r.Type === 'AWS::SecurityHub::Standard')
      .map((r) => flat(r.Properties.StandardsArn))
      .sort();
    const region = on.config.regions.primary;
    expect(arns).toEqual([
      `arn:<AWS::Partition>:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
      `arn:<AWS::Partition>:securityhub:${region}::standards/cis-aws-foundations-benchmark/v/1.4.0`,
      `arn:<AWS::Partition>:securityhub:${region}::standards/nist-800-53/v/5.0.0`,
    ]);
  });

  test('Config delivers under config/ into its own bucket with the audit key, which lets Config of this account use it', () => {
    const channel = on.audit.ConfigDeliveryChannel.Properties;
    expect(channel.S3BucketName).toEqual({ Ref: 'ConfigHistoryBucket' });
    expect(channel.S3KeyPrefix).toBe('config');
    expect(isCrossStackRef(channel.S3KmsKeyArn, KEY_IDS.audit, 'Arn')).toBe(true);
    const sse = on.audit.ConfigHistoryBucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(isCrossStackRef(sse.ServerSideEncryptionByDefault.KMSMasterKeyID, KEY_IDS.audit, 'Arn')).toBe(true);
    expect(on.audit.ConfigHistoryBucket.Properties).toMatchObject(PRIVATE_BUCKET);
    expect(configDeliveryStatements(on.keys)).toEqual([
      {
        Sid: 'AllowConfigDeliveryOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'config.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': on.config.account ?? { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  test('the configuration history is replicated into the DR evidence replica under the audit-dr key', () => {
    const rule = on.audit.ConfigHistoryBucket.Properties.ReplicationConfiguration.Rules[0];
    const { config } = on;
    expect(flat(rule.Destination.Bucket)).toBe(
      `arn:<AWS::Partition>:s3:::${config.name}-evidence-dr-<AWS::AccountId>-${config.regions.dr}`,
    );
    expect(flat(rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID)).toMatch(
      new RegExp(`^arn:<AWS::Partition>:kms:${config.regions.dr}:(<AWS::AccountId>|\\d{12}):alias/${config.name}/audit-dr$`),
    );
  });

  test("the HIPAA managed rules are named after the deployment and wait for this stack's recorder", () => {
    const rules = Object.values(on.audit).filter((r) => r.Type === 'AWS::Config::ConfigRule');
    expect(rules).toHaveLength(HIPAA_CONFIG_RULES.length);
    expect(rules.map((r) => r.Properties.ConfigRuleName).sort()).toEqual(
      HIPAA_CONFIG_RULES.map((r) => `${on.config.name}-${r.name}`).sort(),
    );
    for (const r of rules) expect((r.DependsOn as string[]).sort()).toEqual(['ConfigDeliveryChannel', 'ConfigRecorder']);
  });

  test.each(Object.keys(DETECTION_TYPES) as (keyof Detection)[])('%s off removes exactly its resources', (service) => {
    const off = detectionDeployment(file, { ...ALL_ON, [service]: false });
    const before = typesIn(on.audit);
    const after = typesIn(off.audit);
    for (const [s, types] of Object.entries(DETECTION_TYPES)) {
      for (const t of types) {
        expect(before).toContain(t);
        if (s === service) expect(after).not.toContain(t);
        else expect(after).toContain(t);
      }
    }
    // guardDuty: detector, plan, role, policy; securityHub: hub, 3 standards; config: recorder, channel,
    // history and access-log buckets and their policies, replication role and policy.
    expect(Object.keys(on.audit).length - Object.keys(off.audit).length).toBe(
      { guardDuty: 4, securityHub: 4, config: 8 }[service],
    );
    // Key policy statements exist only for services this deployment runs.
    expect(configDeliveryStatements(off.keys)).toHaveLength(service === 'config' ? 0 : 1);
  });

  test("config off: no recorder, channel or history bucket, and the managed rules stay for the organisation's recorder", () => {
    const off = detectionDeployment(file, { ...ALL_ON, config: false });
    expect(off.deployment.audit.detection.recording).toBeUndefined();
    expect(off.audit.ConfigHistoryBucket).toBeUndefined();
    expect(off.audit.ConfigHistoryAccessLogBucket).toBeUndefined();
    const rules = Object.values(off.audit).filter((r) => r.Type === 'AWS::Config::ConfigRule');
    expect(rules).toHaveLength(HIPAA_CONFIG_RULES.length);
    for (const r of rules) expect(r.DependsOn).toBeUndefined();
  });
});

describe('compliance with every detective service off (the organisation runs them)', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'detection-off-'));
  const config = shippedConfig('config/production.example.json', {
    detection: { guardDuty: false, securityHub: false, config: false },
  });
  const { app, deployment } = createApp(config, { outdir, context: projectContext() });
  try {
    app.synth();
  } catch {
    // Synth throws when a plugin fails; the report is written first and the test shows its findings.
  }
  const report = readValidationReport(outdir);

  test('zero open findings, of any severity, from any plugin', () => {
    expect(openFindings(report)).toEqual([]);
  });

  test('only the managed rules remain of the detective services', () => {
    const audit = Template.fromStack(deployment.audit).toJSON().Resources as Resources;
    const types = typesIn(audit);
    for (const t of Object.values(DETECTION_TYPES).flat()) expect(types).not.toContain(t);
    expect(Object.values(audit).filter((r) => r.Type === 'AWS::Config::ConfigRule')).toHaveLength(HIPAA_CONFIG_RULES.length);
  });
});

/** What each `alerts.minimumFindingSeverity` must page on: GuardDuty's score, Security Hub's labels. */
const FINDING_THRESHOLDS = {
  MEDIUM: { score: 4, labels: ['MEDIUM', 'HIGH', 'CRITICAL'] },
  HIGH: { score: 7, labels: ['HIGH', 'CRITICAL'] },
  CRITICAL: { score: 9, labels: ['CRITICAL'] },
} as const;

function alertingDeployment(config: DeploymentConfig) {
  const deployment = buildDeployment(projectApp({ context: TEMPLATE_ONLY }), config);
  const resources = Template.fromStack(deployment.audit).toJSON().Resources as Resources;
  const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
  const findingRule = (source: string) => {
    const rules = ofType('AWS::Events::Rule').filter((r) => r.Properties.EventPattern?.source?.[0] === source);
    expect(rules).toHaveLength(1);
    return rules[0].Properties;
  };
  return { deployment, resources, ofType, findingRule };
}

describe.each([
  ['config/demo.json', 'HIGH'],
  ['config/production.example.json', 'MEDIUM'],
] as const)('Audit stack security alarms and finding notifications from %s', (file, minimum) => {
  let config: DeploymentConfig;
  let built: ReturnType<typeof alertingDeployment>;
  beforeAll(() => {
    config = shippedConfig(file);
    built = alertingDeployment(config);
  });
  const breakGlassRoleName = () => (built.deployment.identity.breakGlassRole.node.defaultChild as CfnRole).roleName!;

  test('every required alarm filters the trail log group with its exact pattern and notifies the security topic', () => {
    expect(Template.fromStack(built.deployment.audit).toJSON().Resources.TrailLogGroup.Type).toBe('AWS::Logs::LogGroup');
    const expected = expectedSecurityAlarmPatterns(breakGlassRoleName());
    const filters = built.ofType('AWS::Logs::MetricFilter');
    const alarms = built.ofType('AWS::CloudWatch::Alarm').filter((a) => a.Properties.Namespace === 'HipaaCrm/Security');
    expect(filters).toHaveLength(Object.keys(expected).length);
    expect(alarms).toHaveLength(Object.keys(expected).length);
    for (const [name, pattern] of Object.entries(expected)) {
      const filter = filters.filter((f) => f.Properties.MetricTransformations[0].MetricName === name);
      expect(filter).toHaveLength(1);
      expect(filter[0].Properties).toMatchObject({ LogGroupName: { Ref: 'TrailLogGroup' }, FilterPattern: pattern });
      const { MetricNamespace } = filter[0].Properties.MetricTransformations[0];
      const alarm = alarms.filter((a) => a.Properties.MetricName === name && a.Properties.Namespace === MetricNamespace);
      expect(alarm).toHaveLength(1);
      expect(alarm[0].Properties).toMatchObject({
        AlarmName: `${config.name}-security-${name}`,
        AlarmActions: [{ Ref: 'SecurityTopic' }],
        ActionsEnabled: true,
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    expect(built.deployment.audit.securityAlarms.definitions).toHaveLength(Object.keys(expected).length);
  });

  test('the break-glass alarm watches the role the Identity stack creates', () => {
    expect(breakGlassRoleName()).toBe(`${config.name}-break-glass`);
    const filter = built
      .ofType('AWS::Logs::MetricFilter')
      .find((f) => f.Properties.MetricTransformations[0].MetricName === 'BreakGlassRoleUse')!;
    expect(filter.Properties.FilterPattern).toContain(`($.requestParameters.roleArn = "*:role/${breakGlassRoleName()}")`);
  });

  test(`GuardDuty and Security Hub findings from ${minimum} up (the config) reach the security topic`, () => {
    expect(config.alerts.minimumFindingSeverity).toBe(minimum);
    const guardDuty = built.findingRule('aws.guardduty');
    expect(guardDuty.EventPattern.detail).toEqual({ severity: [{ numeric: ['>=', FINDING_THRESHOLDS[minimum].score] }] });
    const securityHub = built.findingRule('aws.securityhub');
    expect(securityHub.EventPattern.detail.findings.Severity).toEqual({ Label: FINDING_THRESHOLDS[minimum].labels });
    for (const rule of [guardDuty, securityHub]) {
      expect(rule.Targets).toHaveLength(1);
      expect(rule.Targets[0].Arn).toEqual({ Ref: 'SecurityTopic' });
      expect(Object.keys(rule.Targets[0].InputTransformer.InputPathsMap).sort()).toEqual([
        'account',
        'id',
        'region',
        'resourceType',
        'severity',
        'title',
      ]);
    }
  });

  test('the topic accepts the alarms and the rules, and the audit key lets both encrypt for it', () => {
    const statements = built.ofType('AWS::SNS::TopicPolicy').flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
    const publishers = statements
      .filter((s) => s.Effect === 'Allow' && s.Action === 'sns:Publish')
      .map((s) => s.Principal.Service);
    expect(publishers.sort()).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
    const keyStatements = Template.fromStack(built.deployment.keys).toJSON().Resources[KEY_IDS.audit].Properties.KeyPolicy
      .Statement as any[];
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      expect(keyStatements).toContainEqual(
        expect.objectContaining({
          Principal: { Service: service },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: expect.objectContaining({ ArnLike: { 'kms:EncryptionContext:aws:sns:topicArn': expect.anything() } }),
        }),
      );
    }
  });
});

test('a stricter minimum severity raises both finding thresholds', () => {
  const config = shippedConfig('config/demo.json', { alerts: { additionalEmails: [], minimumFindingSeverity: 'CRITICAL' } });
  const { findingRule } = alertingDeployment(config);
  expect(findingRule('aws.guardduty').EventPattern.detail.severity).toEqual([{ numeric: ['>=', 9] }]);
  expect(findingRule('aws.securityhub').EventPattern.detail.findings.Severity.Label).toEqual(['CRITICAL']);
});

describe.each(['config/demo.json', 'config/production.example.json'])('Audit stack CloudTrail trail from %s', (file) => {
  let config: DeploymentConfig;
  let deployment: Deployment;
  let resources: Resources;
  let account: string;

  beforeAll(() => {
    ({ config, deployment } = shippedDeployment(file));
    resources = resourcesOf(deployment.audit);
    account = config.account ?? '<AWS::AccountId>';
  });
  const trail = () => resources.Trail.Properties;
  const bucket = () => resources.TrailBucket.Properties;
  const trailArn = () => `arn:<AWS::Partition>:cloudtrail:${config.regions.primary}:${account}:trail/${config.name}-audit-trail`;

  test('stateful resources keep their pinned logical IDs and are retained; the trail is exposed with its log group', () => {
    expect(resources.Trail.Type).toBe('AWS::CloudTrail::Trail');
    for (const id of ['TrailBucket', 'TrailAccessLogBucket']) {
      expect(resources[id]).toMatchObject({ Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    expect(resources.TrailLogGroup).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(deployment.audit.resolve((deployment.audit.trail.logGroup as any).logGroupName)).toEqual({ Ref: 'TrailLogGroup' });
    expect(deployment.audit.resolve(deployment.audit.trail.bucket.bucketName)).toEqual({ Ref: 'TrailBucket' });
  });

  test('one trail, named after the deployment, logging all regions and global services, validated, not an organization trail', () => {
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::CloudTrail::Trail')).toHaveLength(1);
    expect(trail()).toMatchObject({
      TrailName: `${config.name}-audit-trail`,
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsOrganizationTrail: false,
      S3BucketName: { Ref: 'TrailBucket' },
    });
  });

  test('log files are encrypted with the audit key (Keys stack)', () => {
    expect(isCrossStackRef(trail().KMSKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
  });

  test('records every management event, read and write, KMS included, and S3 data events on exactly the PHI documents bucket', () => {
    expect(trail().AdvancedEventSelectors).toBeUndefined();
    expect(trail().EventSelectors).toHaveLength(1);
    const [selector] = trail().EventSelectors;
    expect(selector).toMatchObject({ IncludeManagementEvents: true, ReadWriteType: 'All' });
    expect(selector.ExcludeManagementEventSources).toBeUndefined();
    expect(selector.DataResources).toHaveLength(1);
    expect(selector.DataResources[0].Type).toBe('AWS::S3::Object');
    const values = selector.DataResources[0].Values as any[];
    expect(values).toHaveLength(1);
    const [arn, suffix] = values[0]['Fn::Join'][1];
    expect(isCrossStackRef(arn, 'PhiDocumentsBucket', 'Arn')).toBe(true);
    expect(suffix).toBe('/');
  });

  test('delivers to /<name>/cloudtrail (audit key, kept for the log retention) through a CloudTrail-only role', () => {
    expect(trail().CloudWatchLogsLogGroupArn).toEqual({ 'Fn::GetAtt': ['TrailLogGroup', 'Arn'] });
    const group = resources.TrailLogGroup.Properties;
    expect(group.LogGroupName).toBe(`/${config.name}/cloudtrail`);
    expect(group.RetentionInDays).toBe(config.logs.retentionDays);
    expect(group.RetentionInDays).toBeGreaterThanOrEqual(2192);
    expect(isCrossStackRef(group.KmsKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
    const roleId = trail().CloudWatchLogsRoleArn['Fn::GetAtt'][0];
    expect(resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' } },
    ]);
    const policies = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles.some((x: any) => x.Ref === roleId),
    );
    expect(policies).toHaveLength(1);
    const [statement] = policies[0].Properties.PolicyDocument.Statement;
    expect(policies[0].Properties.PolicyDocument.Statement).toHaveLength(1);
    expect(statement.Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(flat(statement.Resource)).toBe(
      `arn:<AWS::Partition>:logs:${config.regions.primary}:${account}:log-group:/${config.name}/cloudtrail:log-stream:${account}_CloudTrail_${config.regions.primary}*`,
    );
  });

  test('the trail bucket is write-once: Object Lock COMPLIANCE for the log retention (at least 6 years), versioned', () => {
    expect(bucket().ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.logs.retentionDays } },
    });
    expect(bucket().ObjectLockConfiguration.Rule.DefaultRetention.Days).toBeGreaterThanOrEqual(2192);
    expect(bucket().VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  test('the trail bucket is encrypted with the audit key, private and logged into its own access-log bucket', () => {
    const sse = bucket().BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(sse.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(isCrossStackRef(sse.ServerSideEncryptionByDefault.KMSMasterKeyID, KEY_IDS.audit, 'Arn')).toBe(true);
    expect(bucket()).toMatchObject(PRIVATE_BUCKET);
    expect(bucket().LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: 'TrailAccessLogBucket' } });
    expect(resources.TrailAccessLogBucket.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(
      config.logs.retentionDays,
    );
  });

  test('log files move to Glacier IR after 90 days and Deep Archive after a year, and expire only after the retention', () => {
    const rules = bucket().LifecycleConfiguration.Rules as any[];
    expect(rules.find((r) => r.Id === 'archive-and-expire-current-versions')).toEqual({
      Id: 'archive-and-expire-current-versions',
      Status: 'Enabled',
      ExpirationInDays: config.logs.retentionDays,
      Transitions: [
        { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
        { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 },
      ],
    });
    expect(rules.find((r) => r.Id === 'expire-noncurrent-versions').NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 30 });
    expect(rules.find((r) => r.Id === 'remove-expired-delete-markers')).toMatchObject({ ExpiredObjectDeleteMarker: true });
    // Nothing expires (or is hidden) while it is locked.
    const expiring = rules.filter((r) => r.ExpirationInDays !== undefined);
    for (const r of expiring) expect(r.ExpirationInDays).toBeGreaterThanOrEqual(config.logs.retentionDays);
  });

  test('only CloudTrail, for this trail only (aws:SourceArn), may check the bucket and write under AWSLogs/<account>/', () => {
    const policy = Object.values(resources).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === 'TrailBucket',
    )!;
    const allows = (policy.Properties.PolicyDocument.Statement as any[]).filter((s) => s.Effect === 'Allow');
    expect(allows.map((s) => [s.Sid, s.Principal, s.Action])).toEqual([
      ['AllowCloudTrailAclCheckForTheTrail', { Service: 'cloudtrail.amazonaws.com' }, 's3:GetBucketAcl'],
      ['AllowCloudTrailLogDeliveryForTheTrail', { Service: 'cloudtrail.amazonaws.com' }, 's3:PutObject'],
    ]);
    const [aclCheck, write] = allows;
    expect(aclCheck.Resource).toEqual({ 'Fn::GetAtt': ['TrailBucket', 'Arn'] });
    expect(flat(aclCheck.Condition.StringEquals['aws:SourceArn'])).toBe(trailArn());
    expect(flat(write.Resource)).toBe(`<TrailBucket.Arn>/AWSLogs/${account}/*`);
    expect(Object.keys(write.Condition)).toEqual(['StringEquals']);
    expect(flat(write.Condition.StringEquals['aws:SourceArn'])).toBe(trailArn());
    expect(write.Condition.StringEquals['s3:x-amz-acl']).toBe('bucket-owner-full-control');
    expect(resources.Trail.DependsOn).toContain(Object.entries(resources).find(([, r]) => r === policy)![0]);
  });

  test('the trail bucket is replicated to the DR trail replica under the audit-dr key, delete markers excluded', () => {
    const rule = bucket().ReplicationConfiguration.Rules[0];
    expect(flat(rule.Destination.Bucket)).toBe(
      `arn:<AWS::Partition>:s3:::${config.name}-trail-dr-<AWS::AccountId>-${config.regions.dr}`,
    );
    expect(flat(rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID)).toMatch(
      new RegExp(`^arn:<AWS::Partition>:kms:${config.regions.dr}:(<AWS::AccountId>|\\d{12}):alias/${config.name}/audit-dr$`),
    );
    expect(rule.DeleteMarkerReplication).toEqual({ Status: 'Disabled' });
  });
});

describe.each(['config/demo.json', 'config/production.example.json'])('audit-review queries of %s', (file) => {
  const { config, deployment } = shippedDeployment(file);
  const template = Template.fromStack(deployment.audit);
  const queries = Object.values(template.findResources('AWS::Logs::QueryDefinition')).map(
    (r) => r.Properties as { Name: string; LogGroupNames: unknown[] },
  );
  const named = Object.values(template.findResources('AWS::Athena::NamedQuery')).map((r) => r.Properties);

  test('every Logs Insights review query is saved under the deployment and reads the trail log group', () => {
    expect(queries.map((q) => q.Name).sort()).toEqual(
      [
        'changes-to-roles-and-permissions',
        'exports-and-bulk-reads-by-user',
        'kms-key-use-by-principal',
        'who-read-or-changed-a-phi-object',
      ].map((n) => `${config.name}/${n}`),
    );
    for (const q of queries) expect(q.LogGroupNames).toEqual([{ Ref: 'TrailLogGroup' }]);
  });

  test('the sign-in reviews are Athena named queries in the review workgroup over the sign-in log table', () => {
    expect(named.map((q) => q.Name).sort()).toEqual(['failed-sign-ins', 'mfa-sign-ins']);
    for (const q of named) {
      expect(q.WorkGroup).toEqual({ Ref: 'AuditReviewWorkGroup' });
      expect(q.Database).toBe(`${config.name.replace(/-/g, '_')}_audit_review`);
      expect(q.QueryString).toContain(`FROM "${config.name.replace(/-/g, '_')}_audit_review"."user_activity"`);
    }
  });
});

describe.each(['config/demo.json', 'config/production.example.json'])('Audit stack sign-in log from %s', (file) => {
  let config: DeploymentConfig;
  let deployment: Deployment;
  let resources: Resources;
  let account: string;

  beforeAll(() => {
    ({ config, deployment } = shippedDeployment(file));
    resources = resourcesOf(deployment.audit);
    account = config.account ?? '<AWS::AccountId>';
  });
  const bucket = () => resources.SignInLogBucket.Properties;
  const database = () => `${config.name.replace(/-/g, '_')}_audit_review`;
  const deliveriesOfThisAccount = () => ({
    aws: { StringEquals: { 'aws:SourceAccount': config.account ?? { Ref: 'AWS::AccountId' } } },
    sourceArn: `arn:<AWS::Partition>:logs:${config.regions.primary}:${account}:*`,
  });

  test('stateful resources keep their pinned logical IDs; the buckets are retained', () => {
    for (const id of ['SignInLogBucket', 'SignInLogAccessLogBucket']) {
      expect(resources[id]).toMatchObject({ Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    expect(resources.SignInLogDelivery.Type).toBe('AWS::Cognito::LogDeliveryConfiguration');
    expect(resources.AuditReviewWorkGroup.Type).toBe('AWS::Athena::WorkGroup');
    expect(resources.AuditReviewDatabase.Type).toBe('AWS::Glue::Database');
    expect(resources.SignInLogTable.Type).toBe('AWS::Glue::Table');
    expect(deployment.audit.resolve(deployment.audit.signInLog.bucket.bucketName)).toEqual({ Ref: 'SignInLogBucket' });
  });

  test("exports the Identity stack's user pool activity (userAuthEvents, INFO) to the bucket, with no CloudWatch destination", () => {
    const delivery = resources.SignInLogDelivery.Properties;
    expect(isCrossStackRef(delivery.UserPoolId, 'UserPool', 'Ref')).toBe(true);
    expect(delivery.LogConfigurations).toEqual([
      {
        EventSource: 'userAuthEvents',
        LogLevel: 'INFO',
        S3Configuration: { BucketArn: { 'Fn::GetAtt': ['SignInLogBucket', 'Arn'] } },
      },
    ]);
    expect(JSON.stringify(delivery)).not.toMatch(/CloudWatchLogsConfiguration|userNotification/);
    expect(deployment.audit.dependencies).toContain(deployment.identity);
  });

  test('the bucket is encrypted with the audit key, versioned, private, logged and kept for the log retention', () => {
    const sse = bucket().BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(sse.BucketKeyEnabled).toBe(true);
    expect(isCrossStackRef(sse.ServerSideEncryptionByDefault.KMSMasterKeyID, KEY_IDS.audit, 'Arn')).toBe(true);
    expect(bucket().VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket()).toMatchObject(PRIVATE_BUCKET);
    expect(bucket().LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: 'SignInLogAccessLogBucket' } });
    const expiry = (bucket().LifecycleConfiguration.Rules as any[]).find((r) => r.Id === 'expire-sign-in-logs');
    expect(expiry).toMatchObject({
      ExpirationInDays: config.logs.retentionDays,
      NoncurrentVersionExpiration: { NoncurrentDays: config.logs.retentionDays },
    });
    expect(config.logs.retentionDays).toBeGreaterThanOrEqual(2192);
  });

  test('every version is replicated into the write-once DR evidence replica under the audit-dr key', () => {
    const rule = bucket().ReplicationConfiguration.Rules[0];
    expect(flat(rule.Destination.Bucket)).toBe(
      `arn:<AWS::Partition>:s3:::${config.name}-evidence-dr-<AWS::AccountId>-${config.regions.dr}`,
    );
    expect(flat(rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID)).toMatch(
      new RegExp(`^arn:<AWS::Partition>:kms:${config.regions.dr}:(<AWS::AccountId>|\\d{12}):alias/${config.name}/audit-dr$`),
    );
    expect(rule.DeleteMarkerReplication).toEqual({ Status: 'Disabled' });
  });

  test('only the log delivery service, for deliveries of this account and region, may check the bucket and write under AWSLogs/<account>/; nobody may delete', () => {
    const policy = Object.values(resources).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === 'SignInLogBucket',
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.map((s) => [s.Sid, s.Principal, s.Action])).toEqual([
      ['AWSLogDeliveryAclCheck', { Service: 'delivery.logs.amazonaws.com' }, ['s3:GetBucketAcl', 's3:ListBucket']],
      ['AWSLogDeliveryWrite', { Service: 'delivery.logs.amazonaws.com' }, 's3:PutObject'],
    ]);
    const { aws, sourceArn } = deliveriesOfThisAccount();
    for (const s of allows) {
      expect(s.Condition.StringEquals).toMatchObject(aws.StringEquals);
      expect(flat(s.Condition.ArnLike['aws:SourceArn'])).toBe(sourceArn);
    }
    const write = allows[1];
    expect(flat(write.Resource)).toBe(`<SignInLogBucket.Arn>/AWSLogs/${account}/*`);
    expect(write.Condition.StringEquals['s3:x-amz-acl']).toBe('bucket-owner-full-control');
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'DenyDeletingSignInLogs',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      }),
    );
    expect(resources.SignInLogDelivery.DependsOn).toContain(Object.entries(resources).find(([, r]) => r === policy)![0]);
  });

  test('the audit key (Keys stack) lets the log delivery service generate data keys for this account and region only', () => {
    const keyStatements = Template.fromStack(deployment.keys).toJSON().Resources[KEY_IDS.audit].Properties.KeyPolicy
      .Statement as any[];
    const delivery = keyStatements.filter((s) => s.Principal?.Service === 'delivery.logs.amazonaws.com');
    expect(delivery).toHaveLength(1);
    expect(delivery[0].Action).toBe('kms:GenerateDataKey*');
    const { aws, sourceArn } = deliveriesOfThisAccount();
    expect(delivery[0].Condition.StringEquals).toEqual(aws.StringEquals);
    expect(flat(delivery[0].Condition.ArnLike['aws:SourceArn'])).toBe(sourceArn);
  });

  test('the Athena workgroup enforces query results encrypted with the audit key, under athena-results/ of the bucket', () => {
    const workGroup = resources.AuditReviewWorkGroup.Properties;
    expect(workGroup.Name).toBe(`${config.name}-audit-review`);
    const wg = workGroup.WorkGroupConfiguration;
    expect(wg.EnforceWorkGroupConfiguration).toBe(true);
    expect(wg.ResultConfiguration.EncryptionConfiguration.EncryptionOption).toBe('SSE_KMS');
    expect(isCrossStackRef(wg.ResultConfiguration.EncryptionConfiguration.KmsKey, KEY_IDS.audit, 'Arn')).toBe(true);
    expect(flat(wg.ResultConfiguration.OutputLocation)).toBe('s3://<SignInLogBucket>/athena-results/');
    expect(flat(wg.ResultConfiguration.ExpectedBucketOwner)).toBe(config.account ?? '<AWS::AccountId>');
  });

  test('the Glue table reads the log files under AWSLogs/<account>/ of the sign-in log bucket', () => {
    expect(resources.AuditReviewDatabase.Properties.DatabaseInput.Name).toBe(database());
    const table = resources.SignInLogTable.Properties;
    expect(table.DatabaseName).toEqual({ Ref: 'AuditReviewDatabase' });
    expect(table.TableInput.Name).toBe('user_activity');
    expect(flat(table.TableInput.StorageDescriptor.Location)).toBe(`s3://<SignInLogBucket>/AWSLogs/${account}/`);
  });
});
