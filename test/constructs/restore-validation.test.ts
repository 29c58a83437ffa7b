/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import * as path from 'node:path';
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { RestoreValidation, restoreTestCadence, type RestoreValidationProps } from '../../lib/constructs/restore-validation';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

/** Any existing handler: bundling is skipped, and the validator's own code is tested under test/lambda. */
const ENTRY = path.join(__dirname, '..', '..', 'lambda', 'session-revocation', 'index.ts');
const PLAN_ARN = 'arn:aws:backup:us-east-1:111122223333:restore-testing-plan:crm_demo_restore_tests-0a1b';
const LIVE_DB_RESOURCE_ID = 'db-LIVEINSTANCE';
/** A resolved token as plain JSON, comparable with template values. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

/** Tests only read what `setup()` builds: without overrides it is built once per file. */
let sharedSetup: ReturnType<typeof buildSetup> | undefined;
function setup(overrides: Partial<RestoreValidationProps> = {}): ReturnType<typeof buildSetup> {
  if (Object.keys(overrides).length > 0) return buildSetup(overrides);
  return (sharedSetup ??= buildSetup());
}

function buildSetup(overrides: Partial<RestoreValidationProps> = {}) {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const stack = new Stack(app, 'Ops', { env: { account: '111122223333', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    natGateways: 0,
    subnetConfiguration: [{ name: 'Workload', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const phiKey = new kms.Key(stack, 'PhiKey', { enableKeyRotation: true });
  const auditKey = new kms.Key(stack, 'AuditKey', { enableKeyRotation: true });
  const evidence = new s3.Bucket(stack, 'Evidence', { encryption: s3.BucketEncryption.KMS, encryptionKey: auditKey });
  const topic = new sns.Topic(stack, 'Topic', { masterKey: auditKey });
  const restoredSg = new ec2.SecurityGroup(stack, 'RestoredSg', { vpc, allowAllOutbound: false });
  const validation = new RestoreValidation(stack, 'RestoreValidation', {
    deployment: 'crm-demo',
    functionName: 'crm-demo-restore-validator',
    restoreTestingPlanArn: PLAN_ARN,
    restoreSchedule: 'cron(0 5 ? * SUN *)',
    validationWindowHours: 6,
    restoredDatabaseSecurityGroup: restoredSg,
    databasePort: 5433,
    databaseName: 'crm',
    liveDatabase: rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'LiveDb', {
      instanceIdentifier: 'crm-demo-crm',
      instanceEndpointAddress: 'crm-demo-crm.abc.us-east-1.rds.amazonaws.com',
      port: 5433,
      securityGroups: [],
      instanceResourceId: LIVE_DB_RESOURCE_ID,
    }),
    expectedTables: ['public.patients', 'public.visits'],
    sampleObjectCount: 20,
    rpoMinutes: 60,
    rtoMinutes: 240,
    documentsKey: phiKey,
    evidenceBucket: evidence,
    alarmTopic: topic,
    network: { vpc, vpcCidr: '10.1.0.0/16', subnets: { subnetGroupName: 'Workload' } },
    s3PrefixListId: 'pl-63a5400a',
    encryptionKey: auditKey,
    logRetentionDays: 2192,
    entry: ENTRY,
    ...overrides,
  });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const id = (e: { node: { defaultChild?: unknown } }) => stack.resolve((e.node.defaultChild as CfnElement).logicalId) as string;
  const ref = (e: { node: { defaultChild?: unknown } }) => ({ Ref: id(e) });
  const statements = (): any[] => resources[id(validation.handler.policy)].Properties.PolicyDocument.Statement;
  const bySid = (sid: string) => {
    const found = statements().filter((s) => s.Sid === sid);
    expect(found).toHaveLength(1);
    return found[0];
  };
  return {
    app,
    stack,
    validation,
    template,
    resources,
    id,
    ref,
    bySid,
    statements,
    phiKey,
    auditKey,
    evidence,
    topic,
    restoredSg,
  };
}

describe('RestoreValidation function', () => {
  test('runs in the VPC as crm-demo-restore-validator: 10 minutes, 512 MB, reserved concurrency 2', () => {
    const { validation, resources, id } = setup();
    const fn = resources[id(validation.handler.function)].Properties;
    expect(fn).toMatchObject({ FunctionName: 'crm-demo-restore-validator', Timeout: 600, MemorySize: 512 });
    expect(fn.ReservedConcurrentExecutions).toBe(2);
    expect(fn.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [id(validation.handler.securityGroup!), 'GroupId'] }]);
  });

  test('environment: the contract variables, and the RDS CA bundle for pg', () => {
    const { stack, validation, resources, id, evidence, auditKey } = setup();
    expect(resources[id(validation.handler.function)].Properties.Environment.Variables).toEqual({
      DEPLOYMENT_NAME: 'crm-demo',
      EVIDENCE_BUCKET: stack.resolve(evidence.bucketName),
      EVIDENCE_KMS_KEY_ARN: stack.resolve(auditKey.keyArn),
      DATABASE_NAME: 'crm',
      EXPECTED_TABLES: 'public.patients,public.visits',
      SAMPLE_OBJECT_COUNT: '20',
      RPO_MINUTES: '60',
      RTO_MINUTES: '240',
      RESTORE_TESTING_PLAN_ARN: PLAN_ARN,
      NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
    });
  });
});

describe('RestoreValidation permissions', () => {
  test('exactly the statements of SecureFunction and of the validator, nothing else', () => {
    const { statements } = setup();
    expect(statements().map((s) => s.Sid)).toEqual([
      'WriteOwnLogs',
      'ActiveTracing',
      'VpcNetworkInterfaces',
      'DeadLetterQueue',
      'DeadLetterQueueKey',
      'ReadAndReportRestoreJobs',
      'DescribeRestoredDatabases',
      'ConnectToRestoredDatabases',
      'NeverTheLiveDatabase',
      'ListRestoredBuckets',
      'ReadRestoredObjects',
      'DecryptRestoredObjects',
      'WriteRestoreEvidence',
      'EncryptRestoreEvidence',
    ]);
  });

  test('restore jobs: describe and report only (no resource-level permission exists for them)', () => {
    const { bySid } = setup();
    expect(bySid('ReadAndReportRestoreJobs')).toEqual({
      Sid: 'ReadAndReportRestoreJobs',
      Effect: 'Allow',
      Action: ['backup:DescribeRestoreJob', 'backup:PutRestoreValidationResult'],
      Resource: '*',
    });
  });

  test('databases: describe restore-test and drill copies only; connect as restore_validator; never the live one', () => {
    const { bySid } = setup();
    expect(bySid('DescribeRestoredDatabases')).toMatchObject({
      Effect: 'Allow',
      Action: 'rds:DescribeDBInstances',
      Resource: [
        'arn:aws:rds:us-east-1:111122223333:db:awsbackup-restore-test-*',
        'arn:aws:rds:us-east-1:111122223333:db:crm-demo-drill-*',
      ],
    });
    expect(bySid('ConnectToRestoredDatabases')).toMatchObject({
      Effect: 'Allow',
      Action: 'rds-db:connect',
      Resource: 'arn:aws:rds-db:us-east-1:111122223333:dbuser:*/restore_validator',
    });
    expect(bySid('NeverTheLiveDatabase')).toEqual({
      Sid: 'NeverTheLiveDatabase',
      Effect: 'Deny',
      Action: 'rds-db:connect',
      Resource: `arn:aws:rds-db:us-east-1:111122223333:dbuser:${LIVE_DB_RESOURCE_ID}/*`,
    });
  });

  test('buckets: list and read restored buckets of this account only, decrypt with the PHI key through S3 only', () => {
    const { stack, bySid, phiKey } = setup();
    const thisAccount = { StringEquals: { 's3:ResourceAccount': '111122223333' } };
    expect(bySid('ListRestoredBuckets')).toMatchObject({
      Action: 's3:ListBucket',
      Resource: ['arn:aws:s3:::awsbackup-restore-test-*', 'arn:aws:s3:::crm-demo-drill-*'],
      Condition: thisAccount,
    });
    expect(bySid('ReadRestoredObjects')).toMatchObject({
      Action: ['s3:GetObject', 's3:GetObjectAttributes', 's3:GetObjectVersion', 's3:GetObjectVersionAttributes'],
      Resource: ['arn:aws:s3:::awsbackup-restore-test-*/*', 'arn:aws:s3:::crm-demo-drill-*/*'],
      Condition: thisAccount,
    });
    expect(bySid('DecryptRestoredObjects')).toMatchObject({
      Action: 'kms:Decrypt',
      Resource: plain(stack.resolve(phiKey.keyArn)),
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
  });

  test('evidence: put under restore-tests/ and restore-drills/ only, encrypted with the bucket key through S3', () => {
    const { stack, bySid, evidence, auditKey } = setup();
    const bucketArn = plain(stack.resolve(evidence.bucketArn));
    const write = bySid('WriteRestoreEvidence');
    expect(write.Action).toBe('s3:PutObject');
    expect(write.Resource).toHaveLength(2);
    expect(write.Resource).toEqual(
      expect.arrayContaining([
        { 'Fn::Join': ['', [bucketArn, '/restore-tests/*']] },
        { 'Fn::Join': ['', [bucketArn, '/restore-drills/*']] },
      ]),
    );
    expect(bySid('EncryptRestoreEvidence')).toMatchObject({
      Action: 'kms:GenerateDataKey',
      Resource: plain(stack.resolve(auditKey.keyArn)),
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
  });

  test('no PutMetricData, no wildcard action: metrics are embedded-metric-format log lines', () => {
    const { statements } = setup();
    const actions = statements().flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('cloudwatch:PutMetricData');
    for (const action of actions) expect(action).not.toMatch(/\*/);
  });

  test('acknowledges exactly its wildcard resources on its policy', () => {
    const { app, validation, id, evidence } = setup();
    const evidenceId = id(evidence);
    app.synth();
    const policy = validation.handler.policy.node.defaultChild!;
    const ids = policy.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as Record<string, string>))
      .filter((i) => i.includes('AwsSolutions-IAM5[Resource::') && !i.endsWith('[Resource::*]'));
    expect(ids.sort()).toEqual(
      [
        'arn:aws:rds:us-east-1:111122223333:db:awsbackup-restore-test-*',
        'arn:aws:rds:us-east-1:111122223333:db:crm-demo-drill-*',
        'arn:aws:rds-db:us-east-1:111122223333:dbuser:*/restore_validator',
        'arn:aws:s3:::awsbackup-restore-test-*',
        'arn:aws:s3:::awsbackup-restore-test-*/*',
        'arn:aws:s3:::crm-demo-drill-*',
        'arn:aws:s3:::crm-demo-drill-*/*',
        `<${evidenceId}.Arn>/restore-drills/*`,
        `<${evidenceId}.Arn>/restore-tests/*`,
      ]
        .map((r) => `AwsSolutions::AwsSolutions-IAM5[Resource::${r}]`)
        .sort(),
    );
  });

  test('refuses a live database without a resource ID (the deny could not name it)', () => {
    const stack = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'Y', {
      env: { account: '111122223333', region: 'us-east-1' },
    });
    const noId = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'NoId', {
      instanceIdentifier: 'x',
      instanceEndpointAddress: 'x',
      port: 5433,
      securityGroups: [],
    });
    expect(() => setup({ liveDatabase: noId })).toThrow('instanceResourceId');
  });

  test('refuses an evidence bucket without a KMS key', () => {
    const stack = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'X', {
      env: { account: '111122223333', region: 'us-east-1' },
    });
    const plain = s3.Bucket.fromBucketName(stack, 'Plain', 'plain-bucket');
    expect(() => setup({ evidenceBucket: plain })).toThrow('no KMS key');
  });
});

describe('RestoreValidation trigger', () => {
  test("every finished restore job (the function keeps this plan's), with retries for the validation window and a dead-letter queue", () => {
    const { validation, resources, id, stack } = setup();
    const rule = resources[id(validation.rule)].Properties;
    expect(rule.EventPattern).toEqual({
      source: ['aws.backup'],
      'detail-type': ['Restore Job State Change'],
      // No filter on detail.restoreTestingPlanArn: AWS Backup does not document it in every such event.
      detail: { status: ['COMPLETED', 'FAILED', 'ABORTED'] },
    });
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: stack.resolve(validation.handler.function.functionArn),
        DeadLetterConfig: { Arn: stack.resolve(validation.handler.deadLetterQueue.queueArn) },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 6 * 3600 },
      }),
    ]);
  });
});

describe('RestoreValidation network', () => {
  test('the validator reaches the restored copies on the database port, and they admit it', () => {
    const { validation, template, id, restoredSg } = setup();
    const validatorSg = { 'Fn::GetAtt': [id(validation.handler.securityGroup!), 'GroupId'] };
    const restored = { 'Fn::GetAtt': [id(restoredSg), 'GroupId'] };
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: validatorSg,
      DestinationSecurityGroupId: restored,
      IpProtocol: 'tcp',
      FromPort: 5433,
      ToPort: 5433,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: restored,
      SourceSecurityGroupId: validatorSg,
      IpProtocol: 'tcp',
      FromPort: 5433,
      ToPort: 5433,
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
  });

  test('otherwise only HTTPS: to the interface endpoints (VPC CIDR) and to S3 through the gateway endpoint', () => {
    const { validation, resources, id, restoredSg } = setup();
    const validatorSg = id(validation.handler.securityGroup!);
    expect(resources[validatorSg].Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '10.1.0.0/16', Description: expect.any(String), FromPort: 443, ToPort: 443, IpProtocol: 'tcp' },
    ]);
    const separate = Object.values(resources)
      .filter((r) => r.Type === 'AWS::EC2::SecurityGroupEgress')
      .map((r) => r.Properties);
    expect(separate).toEqual([
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [validatorSg, 'GroupId'] },
        DestinationPrefixListId: 'pl-63a5400a',
        FromPort: 443,
        ToPort: 443,
        IpProtocol: 'tcp',
      }),
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [validatorSg, 'GroupId'] },
        DestinationSecurityGroupId: { 'Fn::GetAtt': [id(restoredSg), 'GroupId'] },
        FromPort: 5433,
      }),
    ]);
  });
});

describe('RestoreValidation alarms', () => {
  const dims = (type: string) => [
    { Name: 'ResourceType', Value: type },
    { Name: 'service', Value: 'restore-validator' },
  ];
  const sortDims = (d: { Name: string }[]) => [...d].sort((a, b) => a.Name.localeCompare(b.Name));

  test.each([
    ['ValidationFailed-RDS', 'RestoreValidationFailed', 'RDS', 'Sum', 'GreaterThanOrEqualToThreshold', 1],
    ['ValidationFailed-S3', 'RestoreValidationFailed', 'S3', 'Sum', 'GreaterThanOrEqualToThreshold', 1],
    ['ValidationFailed-UNKNOWN', 'RestoreValidationFailed', 'UNKNOWN', 'Sum', 'GreaterThanOrEqualToThreshold', 1],
    ['RtoExceeded-RDS', 'RestoreDurationMinutes', 'RDS', 'Maximum', 'GreaterThanThreshold', 240],
    ['RtoExceeded-S3', 'RestoreDurationMinutes', 'S3', 'Maximum', 'GreaterThanThreshold', 240],
    ['RpoExceeded-RDS', 'RecoveryPointAgeMinutes', 'RDS', 'Maximum', 'GreaterThanThreshold', 60],
    ['RpoExceeded-S3', 'RecoveryPointAgeMinutes', 'S3', 'Maximum', 'GreaterThanThreshold', 60],
  ])('%s: %s (%s) %s %s %d, once per job, no data is fine, to the topic', (name, metric, type, stat, op, threshold) => {
    const { validation, resources, id, ref, topic } = setup();
    const alarm = resources[id(validation.alarms[name])].Properties;
    expect({ ...alarm, Dimensions: sortDims(alarm.Dimensions) }).toMatchObject({
      AlarmName: `crm-demo-restore-${name}`,
      Namespace: 'HipaaCrm',
      MetricName: metric,
      Dimensions: dims(type),
      Statistic: stat,
      Period: 3600,
      ComparisonOperator: op,
      Threshold: threshold,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [ref(topic)],
    });
  });

  test.each(['RDS', 'S3'])(
    'NoPassedRestoreTest-%s: no passed validation on 7 days in a row, days starting at the scheduled 05:00 UTC, missing data breaches',
    (type) => {
      const { validation, resources, id, ref, topic } = setup();
      const alarm = resources[id(validation.alarms[`NoPassedRestoreTest-${type}`])].Properties;
      expect({ ...alarm, Dimensions: sortDims(alarm.Dimensions) }).toMatchObject({
        AlarmName: `crm-demo-restore-NoPassedRestoreTest-${type}`,
        Namespace: 'HipaaCrm',
        MetricName: 'RestoreValidationPassed',
        Dimensions: dims(type),
        Statistic: 'Sum',
        Period: 86400,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        EvaluationPeriods: 7,
        DatapointsToAlarm: 7,
        TreatMissingData: 'breaching',
        EvaluationWindow: { WallClockWindow: { Timezone: '-05:00' } },
        AlarmActions: [ref(topic)],
      });
      // CloudWatch refuses a look-back over 7 days.
      expect(alarm.Period * alarm.EvaluationPeriods).toBeLessThanOrEqual(7 * 86400);
    },
  );

  test('Lambda errors and the dead-letter queue alarm too (FunctionAlarms)', () => {
    const { validation, resources, id } = setup();
    expect(resources[id(validation.functionAlarms.errors)].Properties.AlarmName).toBe('crm-demo-restore-validator-Errors');
    expect(resources[id(validation.functionAlarms.deadLetters)].Properties.AlarmName).toBe(
      'crm-demo-restore-validator-DeadLetters',
    );
  });

  test('every alarm name is unique', () => {
    const { template } = setup();
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName);
    expect(new Set(names).size).toBe(names.length);
    // 7 per-job alarms, 2 missing-test alarms, and FunctionAlarms' Errors and DeadLetters.
    expect(names).toHaveLength(11);
  });
});

describe('restoreTestCadence', () => {
  test.each([
    ['cron(0 5 ? * SUN *)', 7, '-05:00'],
    ['cron(7 5 ? * SUN *)', 7, '-05:05'],
    ['cron(0 12 ? * MON,THU *)', 7, '-12:00'],
    ['cron(30 22 * * ? *)', 2, '+01:30'],
    ['cron(0 0 ? * * *)', 2, '+00:00'],
    ['cron(0 */6 ? * SUN *)', 7, '+00:00'],
  ])('%s: alarm after %d days, days start at offset %s', (schedule, days, timezone) => {
    expect(restoreTestCadence(schedule)).toEqual({ daysWithoutPass: days, timezone });
  });

  test.each(['cron(0 5 1 * ? *)', 'cron(0 5 ? 1 SUN *)', 'cron(0 5 ? * SUN 2030)'])(
    'refuses %s: less often than weekly cannot be alarmed on',
    (schedule) => {
      expect(() => restoreTestCadence(schedule)).toThrow('less often than weekly');
    },
  );

  test('refuses what is not a six-field cron expression', () => {
    expect(() => restoreTestCadence('rate(7 days)')).toThrow('6 fields');
    expect(() => restoreTestCadence('cron(0 5 ? * SUN)')).toThrow('6 fields');
  });

  test('a monthly schedule fails synth instead of creating an alarm that could never be right', () => {
    expect(() => setup({ restoreSchedule: 'cron(0 5 1 * ? *)' })).toThrow('less often than weekly');
  });
});
