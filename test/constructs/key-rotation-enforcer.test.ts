/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import * as path from 'node:path';
import { Duration, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  expectedRunFor,
  KeyRotationEnforcer,
  scheduleInterval,
  type KeyRotationEnforcerProps,
} from '../../lib/constructs/key-rotation-enforcer';
import { deploymentNames } from '../../lib/vocabulary';
import { projectApp } from '../helpers/app';
import { isCrossStackRef, TEMPLATE_ONLY } from '../helpers/cfn-values';

/** Any existing handler: bundling is skipped, and the function's own code is tested under test/lambda. */
const ENTRY = path.join(__dirname, '..', '..', 'lambda', 'session-revocation', 'index.ts');
const ENV = { account: '111122223333', region: 'us-east-1' };
const BASE_SIDS = ['WriteOwnLogs', 'ActiveTracing', 'VpcNetworkInterfaces', 'DeadLetterQueue', 'DeadLetterQueueKey'];
const S3_PREFIX_LIST = 'pl-63a5400a';

/** Tests only read what `setup` returns: without overrides it is built once per file (and per placement). */
const shared = new Map<boolean, ReturnType<typeof build>>();
function setup(overrides: Partial<KeyRotationEnforcerProps> = {}, opts: { outsideVpc?: boolean } = {}) {
  if (Object.keys(overrides).length > 0) return build(overrides, opts);
  const outsideVpc = opts.outsideVpc ?? false;
  if (!shared.has(outsideVpc)) shared.set(outsideVpc, build({}, { outsideVpc }));
  return shared.get(outsideVpc)!;
}

/** Keys in a Keys stack, the VPC in a Network stack, evidence and topic in an Audit stack, the enforcer in Ops. */
function build(overrides: Partial<KeyRotationEnforcerProps> = {}, opts: { outsideVpc?: boolean } = {}) {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const keysStack = new Stack(app, 'Keys', { env: ENV });
  const network = new Stack(app, 'Network', { env: ENV });
  const audit = new Stack(app, 'Audit', { env: ENV });
  const ops = new Stack(app, 'Ops', { env: ENV });
  const key = (id: string, spec?: kms.KeySpec) =>
    new kms.Key(keysStack, id, spec ? { keySpec: spec, keyUsage: kms.KeyUsage.SIGN_VERIFY } : { enableKeyRotation: true });
  const keys = {
    phi: key('PhiKey'),
    audit: key('AuditKey'),
    backup: key('BackupKey'),
    signing: key('SigningKey', kms.KeySpec.ECC_NIST_P256),
  };
  const vpc = new ec2.Vpc(network, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    natGateways: 0,
    subnetConfiguration: [{ name: 'Workload', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const evidenceBucket = new s3.Bucket(audit, 'Evidence', { encryption: s3.BucketEncryption.KMS, encryptionKey: keys.audit });
  const topic = new sns.Topic(audit, 'Topic', { masterKey: keys.audit });
  const functionName = deploymentNames('crm-demo').keyRotationFunction;
  const enforcer = new KeyRotationEnforcer(ops, 'KeyRotation', {
    deployment: 'crm-demo',
    functionName,
    schedule: 'cron(0 6 * * ? *)',
    rotationPeriodDays: 365,
    keyArns: Object.values(keys).map((k) => k.keyArn),
    evidenceBucket,
    evidenceKey: keys.audit,
    placement: opts.outsideVpc
      ? { outsideVpc: { reason: 'the DR region has no VPC' } }
      : { network: { vpc, vpcCidr: '10.1.0.0/16', subnets: { subnetGroupName: 'Workload' } } },
    s3PrefixListId: opts.outsideVpc ? undefined : S3_PREFIX_LIST,
    encryptionKey: keys.audit,
    logRetentionDays: 2192,
    alarmTopic: topic,
    entry: ENTRY,
    ...overrides,
  });
  const template = Template.fromStack(ops);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const logicalId = (stack: Stack, e: { node: { defaultChild?: unknown } }) =>
    stack.resolve((e.node.defaultChild as CfnElement).logicalId) as string;
  const id = (e: { node: { defaultChild?: unknown } }) => logicalId(ops, e);
  const keyId = (k: kms.Key) =>
    keysStack.resolve(k.node.defaultChild ? (k.node.defaultChild as CfnElement).logicalId : '') as string;
  const statements = () => resources[id(enforcer.handler.policy)].Properties.PolicyDocument.Statement as any[];
  const own = () => statements().filter((s) => !BASE_SIDS.includes(s.Sid));
  return {
    app,
    ops,
    audit,
    enforcer,
    template,
    resources,
    id,
    keys,
    keyId,
    statements,
    own,
    topic,
    evidenceBucket,
    functionName,
  };
}

const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

describe('KeyRotationEnforcer: schedule and function', () => {
  test('runs on the configured schedule, with the dead-letter queue and bounded retries', () => {
    const { ops, enforcer, resources, id } = setup({ schedule: 'cron(30 4 * * ? *)' });
    const rule = resources[id(enforcer.rule)].Properties;
    expect(rule.ScheduleExpression).toBe('cron(30 4 * * ? *)');
    expect(rule.State).toBe('ENABLED');
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: ops.resolve(enforcer.handler.function.functionArn),
        DeadLetterConfig: { Arn: ops.resolve(enforcer.handler.deadLetterQueue.queueArn) },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 },
      }),
    ]);
    // The schedule sends EventBridge's own Scheduled Event: the function recognises nothing else as a check.
    expect(rule.Targets[0].Input).toBeUndefined();
  });

  test('environment per ROTATION_ENV; AWS_REGION is left to Lambda (it is reserved)', () => {
    const { enforcer, resources, id, evidenceBucket, keys, audit, keyId } = setup({ rotationPeriodDays: 180 });
    const fn = resources[id(enforcer.handler.function)].Properties;
    expect(fn.FunctionName).toBe('crm-demo-key-rotation');
    const env = fn.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual([
      'DEPLOYMENT_NAME',
      'EVIDENCE_BUCKET',
      'EVIDENCE_KMS_KEY_ARN',
      'ROTATION_PERIOD_DAYS',
    ]);
    expect(env).toMatchObject({ DEPLOYMENT_NAME: 'crm-demo', ROTATION_PERIOD_DAYS: '180' });
    expect(
      isCrossStackRef(env.EVIDENCE_BUCKET, audit.resolve((evidenceBucket.node.defaultChild as CfnElement).logicalId), 'Ref'),
    ).toBe(true);
    expect(isCrossStackRef(env.EVIDENCE_KMS_KEY_ARN, keyId(keys.audit), 'Arn')).toBe(true);
  });

  test('in the VPC: its subnets, its own security group with HTTPS to the endpoints and to S3 only', () => {
    const { enforcer, resources, id } = setup();
    const fn = resources[id(enforcer.handler.function)].Properties;
    expect(fn.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [id(enforcer.handler.securityGroup!), 'GroupId'] }]);
    expect(fn.VpcConfig.SubnetIds).toHaveLength(2);
    const sg = id(enforcer.handler.securityGroup!);
    expect(resources[sg].Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '10.1.0.0/16', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    // CDK writes a prefix-list rule as its own resource.
    const separate = Object.values(resources)
      .filter((r) => r.Type === 'AWS::EC2::SecurityGroupEgress')
      .map((r) => r.Properties);
    expect(separate).toEqual([
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] },
        DestinationPrefixListId: S3_PREFIX_LIST,
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
      }),
    ]);
  });

  test('one run at a time (reserved concurrency 1), a 2-minute timeout, and a dead-letter queue', () => {
    const { enforcer, resources, id } = setup();
    const fn = resources[id(enforcer.handler.function)].Properties;
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Timeout).toBe(120);
    expect(fn.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [id(enforcer.handler.deadLetterQueue), 'Arn'] } });
  });

  test('outside the VPC (the DR shape): no VPC config, no security group, no S3 prefix list needed', () => {
    const { enforcer, resources, id } = setup({}, { outsideVpc: true });
    expect(resources[id(enforcer.handler.function)].Properties.VpcConfig).toBeUndefined();
    expect(enforcer.handler.securityGroup).toBeUndefined();
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroup')).toHaveLength(0);
  });
});

describe('KeyRotationEnforcer: least privilege', () => {
  test('kms:ListAliases is the only KMS action on "*"', () => {
    const { own } = setup();
    const onStar = own().filter((s) => asArray(s.Resource).includes('*'));
    expect(onStar).toEqual([
      { Sid: 'ListAliasesOfThisAccountAndRegion', Effect: 'Allow', Action: 'kms:ListAliases', Resource: '*' },
    ]);
  });

  test('read and rotate on exactly the given key ARNs, each a reference to its key', () => {
    const { own, keys, keyId } = setup();
    const expected = Object.values(keys).map((k) => keyId(k));
    const onKeys = own().filter((s) =>
      ['ReadDeploymentKeys', 'EnableRotationWithTheConfiguredPeriod', 'RotateDeploymentKeysOnDemand'].includes(s.Sid),
    );
    expect(onKeys.map((s) => asArray(s.Action).sort())).toEqual([
      ['kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListKeyRotations', 'kms:ListResourceTags'],
      ['kms:EnableKeyRotation'],
      ['kms:RotateKeyOnDemand'],
    ]);
    for (const s of onKeys) {
      const resources = asArray(s.Resource);
      expect(resources).toHaveLength(expected.length);
      // Every resource is one of the keys, and every key is there (CDK may reorder them).
      for (const logicalId of expected) expect(resources.filter((r) => isCrossStackRef(r, logicalId, 'Arn'))).toHaveLength(1);
    }
  });

  test('EnableKeyRotation only with the configured rotation period', () => {
    const { own } = setup({ rotationPeriodDays: 180 });
    expect(own().find((s) => s.Sid === 'EnableRotationWithTheConfiguredPeriod').Condition).toEqual({
      NumericEquals: { 'kms:RotationPeriodInDays': 180 },
    });
  });

  test('nothing that disables, deletes or re-points a key, and no kms wildcard action, anywhere in the stack', () => {
    const { template } = setup();
    const actions = Object.values(template.toJSON().Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as any[])
      .flatMap((s) => asArray(s.Action) as string[]);
    expect(actions).toContain('kms:RotateKeyOnDemand');
    const forbidden = [
      'kms:DisableKey',
      'kms:DisableKeyRotation',
      'kms:ScheduleKeyDeletion',
      'kms:CancelKeyDeletion',
      'kms:PutKeyPolicy',
      'kms:CreateGrant',
      'kms:CreateAlias',
      'kms:UpdateAlias',
      'kms:DeleteAlias',
      'kms:ImportKeyMaterial',
      'kms:DeleteImportedKeyMaterial',
    ];
    expect(actions.filter((a) => forbidden.includes(a))).toEqual([]);
    expect(actions.filter((a) => a === '*' || (a.startsWith('kms:') && a.includes('*')))).toEqual([]);
  });

  test('evidence: s3:PutObject under key-rotation/ only, data keys of the evidence key through S3 only', () => {
    const { own, audit, evidenceBucket, keys, keyId } = setup();
    const write = own().find((s) => s.Sid === 'WriteRotationEvidence');
    expect(write.Action).toBe('s3:PutObject');
    const [, parts] = write.Resource['Fn::Join'];
    expect(isCrossStackRef(parts[0], audit.resolve((evidenceBucket.node.defaultChild as CfnElement).logicalId), 'Arn')).toBe(
      true,
    );
    expect(parts[1]).toBe('/key-rotation/*');
    const encrypt = own().find((s) => s.Sid === 'EncryptRotationEvidence');
    expect(encrypt).toMatchObject({
      Action: 'kms:GenerateDataKey',
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
    expect(isCrossStackRef(encrypt.Resource, keyId(keys.audit), 'Arn')).toBe(true);
    // And nothing else of S3.
    expect(
      own()
        .flatMap((s) => asArray(s.Action))
        .filter((a: string) => a.startsWith('s3:')),
    ).toEqual(['s3:PutObject']);
  });

  test('the policy grants these statements and no others', () => {
    const { own } = setup();
    expect(own().map((s) => s.Sid)).toEqual([
      'ListAliasesOfThisAccountAndRegion',
      'ReadDeploymentKeys',
      'EnableRotationWithTheConfiguredPeriod',
      'RotateDeploymentKeysOnDemand',
      'WriteRotationEvidence',
      'EncryptRotationEvidence',
    ]);
    expect(own().every((s) => s.Effect === 'Allow')).toBe(true);
  });
});

describe('KeyRotationEnforcer: alarms', () => {
  test('errors, dead letters, failures, keys out of policy and fixed drift, each to the topic', () => {
    const { enforcer, resources, id, topic, audit } = setup();
    const props = (a: { node: { defaultChild?: unknown } }) => resources[id(a)].Properties;
    expect(props(enforcer.alarms.errors)).toMatchObject({ AlarmName: 'crm-demo-key-rotation-Errors', MetricName: 'Errors' });
    expect(props(enforcer.alarms.deadLetters).AlarmName).toBe('crm-demo-key-rotation-DeadLetters');
    for (const metric of ['KeyRotationFailures', 'KeysOutOfPolicy', 'KeyRotationDriftFixed']) {
      expect(props(enforcer.alarms.failureMetrics[metric])).toMatchObject({
        AlarmName: `crm-demo-key-rotation-${metric}`,
        Namespace: 'HipaaCrm',
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'key-rotation' }],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      });
    }
    const topicId = audit.resolve((topic.node.defaultChild as CfnElement).logicalId) as string;
    const alarms = [
      enforcer.alarms.errors,
      enforcer.alarms.deadLetters,
      enforcer.alarms.didNotRun!,
      ...Object.values(enforcer.alarms.failureMetrics),
    ];
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) {
      const actions = props(alarm).AlarmActions as unknown[];
      expect(actions).toHaveLength(1);
      expect(isCrossStackRef(actions[0], topicId, 'Ref')).toBe(true);
    }
  });

  test('daily schedule: "did not run" when KeysChecked is missing for two days (missing data breaches)', () => {
    const { enforcer, resources, id } = setup();
    expect(resources[id(enforcer.alarms.didNotRun!)].Properties).toMatchObject({
      AlarmName: 'crm-demo-key-rotation-DidNotRun',
      MetricName: 'KeysChecked',
      Dimensions: [{ Name: 'service', Value: 'key-rotation' }],
      Statistic: 'SampleCount',
      Period: 86400,
      EvaluationPeriods: 2,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  test('a weekly schedule cannot be watched by CloudWatch (7-day look-back): no "did not run" alarm, the others stay', () => {
    const { enforcer } = setup({ schedule: 'cron(0 6 ? * MON *)' });
    expect(enforcer.alarms.didNotRun).toBeUndefined();
    expect(enforcer.alarms.failureMetrics.KeysOutOfPolicy).toBeDefined();
  });
});

describe('schedule intervals', () => {
  test.each([
    ['cron(0 6 * * ? *)', 86400],
    ['cron(15 23 ? * * *)', 86400],
    ['cron(5 * * * ? *)', 3600],
    ['rate(12 hours)', 43200],
    ['rate(1 day)', 86400],
    ['rate(3 days)', 259200],
    ['rate(30 minutes)', 1800],
  ])('%s runs every %i seconds', (schedule, seconds) => {
    expect(scheduleInterval(schedule)?.toSeconds()).toBe(seconds);
  });

  test.each(['cron(0 6 ? * MON *)', 'cron(0 6 1 * ? *)', 'cron(0 6,18 * * ? *)', 'cron(0/15 * * * ? *)', 'cron(0 6 * * ? 2027)'])(
    '%s: not read (no "did not run" alarm)',
    (schedule) => {
      expect(scheduleInterval(schedule)).toBeUndefined();
    },
  );

  test('did-not-run windows stay within what CloudWatch evaluates', () => {
    expect(expectedRunFor('rate(1 hour)')).toEqual({ metricName: 'KeysChecked', period: Duration.hours(1), periods: 2 });
    expect(expectedRunFor('rate(3 days)')).toEqual({ metricName: 'KeysChecked', period: Duration.days(1), periods: 4 });
    expect(expectedRunFor('rate(6 days)')?.periods).toBe(7);
    expect(expectedRunFor('rate(7 days)')).toBeUndefined();
    expect(expectedRunFor('rate(36 hours)')).toBeUndefined();
  });
});

describe('KeyRotationEnforcer: refuses props that would deploy something unsafe or broken', () => {
  test('every problem at once', () => {
    expect(() =>
      setup({
        rotationPeriodDays: 30,
        keyArns: ['arn:aws:kms:us-east-1:111122223333:key/*', 'arn:aws:kms:us-east-1:111122223333:alias/crm-demo/phi'],
        s3PrefixListId: undefined,
        schedule: 'daily',
      }),
    ).toThrow(
      'KeyRotation: rotationPeriodDays must be a whole number from 90 to 2560; schedule must be an EventBridge cron() or rate() ' +
        'expression; keyArns: "arn:aws:kms:us-east-1:111122223333:key/*" is not a KMS key ARN; keyArns: ' +
        '"arn:aws:kms:us-east-1:111122223333:alias/crm-demo/phi" is not a KMS key ARN; s3PrefixListId is required in the VPC',
    );
  });

  test('no keys, or a key twice', () => {
    expect(() => setup({ keyArns: [] })).toThrow('keyArns must name at least one key');
    const arn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(() => setup({ keyArns: [arn, arn] })).toThrow('keyArns lists a key twice');
  });
});
