/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import * as path from 'node:path';
import { Duration, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IntegrityCanary, type IntegrityCanaryProps } from '../../lib/constructs/integrity-canary';
import { projectApp } from '../helpers/app';
import { isCrossStackRef, TEMPLATE_ONLY } from '../helpers/cfn-values';

/** Any existing handler: bundling is skipped, and the canary's own code is tested under test/lambda. */
const ENTRY = path.join(__dirname, '..', '..', 'lambda', 'session-revocation', 'index.ts');
const ENV = { account: '111122223333', region: 'us-east-1' };

/** The database in a Data stack, the canary in an Operations stack, as the deployment wires them. */
/** Tests only read what `setup` returns: without overrides it is built once per file. */
let shared: ReturnType<typeof build> | undefined;
function setup(overrides: Partial<IntegrityCanaryProps> = {}) {
  if (Object.keys(overrides).length > 0) return build(overrides);
  return (shared ??= build());
}

function build(overrides: Partial<IntegrityCanaryProps> = {}) {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const data = new Stack(app, 'Data', { env: ENV });
  const ops = new Stack(app, 'Ops', { env: ENV });
  const vpc = new ec2.Vpc(data, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    natGateways: 0,
    subnetConfiguration: [{ name: 'Workload', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const dbSg = new ec2.SecurityGroup(data, 'DbSg', { vpc, allowAllOutbound: false });
  const database = new rds.DatabaseInstance(data, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc,
    vpcSubnets: { subnetGroupName: 'Workload' },
    securityGroups: [dbSg],
    port: 5433,
    iamAuthentication: true,
  });
  const auditKey = new kms.Key(ops, 'AuditKey', { enableKeyRotation: true });
  const topic = new sns.Topic(ops, 'Topic', { masterKey: auditKey });
  const canary = new IntegrityCanary(ops, 'IntegrityCanary', {
    functionName: 'crm-demo-integrity-canary',
    interval: Duration.minutes(15),
    database,
    databaseSecurityGroup: dbSg,
    databasePort: 5433,
    databaseName: 'crm',
    network: { vpc, vpcCidr: '10.1.0.0/16', subnets: { subnetGroupName: 'Workload' } },
    encryptionKey: auditKey,
    logRetentionDays: 2192,
    alarmTopic: topic,
    entry: ENTRY,
    ...overrides,
  });
  const template = Template.fromStack(ops);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const id = (e: { node: { defaultChild?: unknown } }) => ops.resolve((e.node.defaultChild as CfnElement).logicalId) as string;
  const dataId = (e: { node: { defaultChild?: unknown } }) =>
    data.resolve((e.node.defaultChild as CfnElement).logicalId) as string;
  return { app, data, ops, canary, template, resources, id, dataId, database, dbSg, topic };
}

describe('IntegrityCanary', () => {
  test('runs every configured interval (rate from the config)', () => {
    const { canary, resources, id } = setup({ interval: Duration.minutes(10) });
    expect(resources[id(canary.schedule)].Properties.ScheduleExpression).toBe('rate(10 minutes)');
    expect(resources[id(canary.schedule)].Properties.State).toBe('ENABLED');
  });

  test('the schedule delivers with a dead-letter queue; a run older than one interval is dropped', () => {
    const { ops, canary, resources, id } = setup();
    expect(resources[id(canary.schedule)].Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: ops.resolve(canary.handler.function.functionArn),
        DeadLetterConfig: { Arn: ops.resolve(canary.handler.deadLetterQueue.queueArn) },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
      }),
    ]);
  });

  test('function: crm-demo-integrity-canary in the VPC, environment per the contract with the RDS CA bundle', () => {
    const { canary, resources, id, dataId, database } = setup();
    const fn = resources[id(canary.handler.function)].Properties;
    expect(fn.FunctionName).toBe('crm-demo-integrity-canary');
    expect(fn.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [id(canary.handler.securityGroup!), 'GroupId'] }]);
    const env = fn.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(['DATABASE_NAME', 'DB_HOST', 'DB_PORT', 'NODE_EXTRA_CA_CERTS']);
    expect(env).toMatchObject({ DB_PORT: '5433', DATABASE_NAME: 'crm', NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' });
    expect(isCrossStackRef(env.DB_HOST, dataId(database), 'EndpointAddress')).toBe(true);
    // Lambda does not retry a failed write: the next scheduled run is the retry.
    const invokeConfig = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig?.Properties.MaximumRetryAttempts).toBe(0);
  });

  test('rds-db:connect as hipaa_canary on exactly the live instance (its DbiResourceId), nothing else', () => {
    const { canary, resources, id, dataId, database } = setup();
    const statements = resources[id(canary.handler.policy)].Properties.PolicyDocument.Statement as any[];
    const extra = statements.filter(
      (s) => !['WriteOwnLogs', 'ActiveTracing', 'VpcNetworkInterfaces', 'DeadLetterQueue', 'DeadLetterQueueKey'].includes(s.Sid),
    );
    expect(extra).toHaveLength(1);
    const [connect] = extra;
    expect(connect).toMatchObject({ Sid: 'ConnectAsCanaryToTheLiveDatabase', Effect: 'Allow', Action: 'rds-db:connect' });
    const [, parts] = connect.Resource['Fn::Join'];
    expect(parts[0]).toBe('arn:aws:rds-db:us-east-1:111122223333:dbuser:');
    expect(isCrossStackRef(parts[1], dataId(database), 'DbiResourceId')).toBe(true);
    expect(parts[2]).toBe('/hipaa_canary');
    expect(parts).toHaveLength(3);
  });

  test("opens the database's security group for the canary on the database port, from the Operations stack", () => {
    const { ops, canary, resources, id, dataId, dbSg } = setup();
    const all = Object.values(resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress');
    expect(all).toHaveLength(1);
    const props = resources[ops.resolve(canary.databaseIngress.logicalId) as string].Properties;
    expect(props).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: 5433,
      ToPort: 5433,
      SourceSecurityGroupId: { 'Fn::GetAtt': [id(canary.handler.securityGroup!), 'GroupId'] },
    });
    expect(isCrossStackRef(props.GroupId, dataId(dbSg), 'GroupId')).toBe(true);
  });

  test('egress: HTTPS to the endpoints and the database port of the database security group, nothing else', () => {
    const { canary, resources, id, dataId, dbSg } = setup();
    const egress = resources[id(canary.handler.securityGroup!)].Properties.SecurityGroupEgress as any[];
    expect(egress).toHaveLength(2);
    expect(egress[0]).toMatchObject({ CidrIp: '10.1.0.0/16', FromPort: 443, ToPort: 443 });
    expect(egress[1]).toMatchObject({ IpProtocol: 'tcp', FromPort: 5433, ToPort: 5433 });
    expect(isCrossStackRef(egress[1].DestinationSecurityGroupId, dataId(dbSg), 'GroupId')).toBe(true);
  });

  test('no dependency cycle: the Data stack holds no rule and no reference to the Operations stack', () => {
    const { app, data, ops } = setup();
    expect(() => app.synth()).not.toThrow();
    const dataTemplate = Template.fromStack(data);
    dataTemplate.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    const text = JSON.stringify(dataTemplate.toJSON());
    expect(text).not.toContain('Fn::ImportValue');
    expect(text).not.toContain('Fn::GetStackOutput');
    expect(ops.dependencies.map((s) => s.node.id)).toEqual(['Data']);
    expect(data.dependencies).toEqual([]);
  });

  test('alarms when no row was written for 3 intervals (missing data breaches), on errors and dead letters', () => {
    const { canary, resources, id, topic } = setup();
    const stopped = resources[id(canary.alarms.didNotRun!)].Properties;
    expect(stopped).toMatchObject({
      AlarmName: 'crm-demo-integrity-canary-DidNotRun',
      Namespace: 'HipaaCrm',
      MetricName: 'IntegrityCanaryWritten',
      Dimensions: [{ Name: 'service', Value: 'integrity-canary' }],
      Period: 900,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: id(topic) }],
    });
    expect(resources[id(canary.alarms.errors)].Properties).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      AlarmActions: [{ Ref: id(topic) }],
    });
    expect(resources[id(canary.alarms.deadLetters)].Properties.AlarmActions).toEqual([{ Ref: id(topic) }]);
  });

  test.each([Duration.minutes(4), Duration.minutes(61), Duration.seconds(450)])('refuses an interval of %s', (interval) => {
    expect(() => setup({ interval })).toThrow('interval');
  });

  test('refuses a look-back CloudWatch would refuse (over a day for periods under an hour)', () => {
    expect(() => setup({ interval: Duration.minutes(30), missedIntervalsToAlarm: 49 })).toThrow('one day');
  });
});
