/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildDeployment, type Deployment } from '../../lib/app';
import type { DeploymentConfig } from '../../lib/config/schema';
import { FUNCTION_RUNTIME, OUTSIDE_VPC_REASON, OUTSIDE_VPC_RULES } from '../../lib/constructs/secure-function';
import { projectApp } from '../helpers/app';
import { flat, isCrossStackRef, KEY_IDS, TEMPLATE_ONLY } from '../helpers/cfn-values';
import { REPO_ROOT, shippedConfig } from '../helpers/config';
import { resourcesOf, shippedDeployment } from '../helpers/deployment';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[]; [k: string]: unknown };
type Resources = Record<string, Resource>;

/** What each function is, by the prefix of its logical IDs. */
const FUNCTIONS = {
  SessionRevocation: {
    name: 'session-revocation',
    logGroup: 'SessionRevocationLogGroup',
    memory: 256,
    timeout: 30,
    concurrency: 2,
  },
  AccessReview: { name: 'access-review', logGroup: 'AccessReviewLogGroup', memory: 512, timeout: 600, concurrency: 1 },
} as const;
type FunctionKey = keyof typeof FUNCTIONS;

function flatResource(value: any): string {
  if (typeof value === 'string') return value;
  if (value['Fn::GetStackOutput'] || value['Fn::ImportValue']) return '<other stack>';
  if (value['Fn::Join']) return (value['Fn::Join'][1] as unknown[]).map(flatResource).join(value['Fn::Join'][0]);
  return flat(value);
}

describe.each(['config/demo.json', 'config/production.example.json'])('Operations stack from %s', (file) => {
  let config: DeploymentConfig;
  let deployment: Deployment;
  let resources: Resources;

  beforeAll(() => {
    ({ config, deployment } = shippedDeployment(file));
    resources = resourcesOf(deployment.operations);
  });

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  /** The one resource of `type` whose logical ID starts with the function's prefix. */
  const own = (fn: FunctionKey, type: string): [string, Resource] => {
    const found = ofType(type).filter(([id]) => id.startsWith(fn));
    expect(found).toHaveLength(1);
    return found[0];
  };
  const lambda = (fn: FunctionKey) => own(fn, 'AWS::Lambda::Function');
  const queueId = (fn: FunctionKey) => own(fn, 'AWS::SQS::Queue')[0];
  const ruleOf = (fn: FunctionKey) => own(fn, 'AWS::Events::Rule')[1].Properties;
  /** The policy statements with every resource flattened; references to other stacks read `<other stack>`. */
  const statementsOf = (fn: FunctionKey) =>
    (own(fn, 'AWS::IAM::ManagedPolicy')[1].Properties.PolicyDocument.Statement as any[]).map((s) => ({
      ...s,
      Resource: flatResource(s.Resource),
    }));

  test('holds six functions: in the VPC unless they must call Cognito or another region', () => {
    const functions = ofType('AWS::Lambda::Function').map(([, r]) => r.Properties);
    const names = functions.map((f) => f.FunctionName).sort();
    expect(names).toEqual(
      ['access-review', 'crypto-erasure', 'integrity-canary', 'key-rotation', 'restore-validator', 'session-revocation'].map(
        (n) => `${config.name}-${n}`,
      ),
    );
    const inVpc = functions
      .filter((f) => f.VpcConfig)
      .map((f) => f.FunctionName)
      .sort();
    expect(inVpc).toEqual(['integrity-canary', 'key-rotation', 'restore-validator'].map((n) => `${config.name}-${n}`));
  });

  test('the backup checks run in the workload subnets of the Network stack, each with its own security group', () => {
    for (const name of ['integrity-canary', 'key-rotation', 'restore-validator']) {
      const [, fn] = ofType('AWS::Lambda::Function').find(([, r]) => r.Properties.FunctionName === `${config.name}-${name}`)!;
      const vpc = fn.Properties.VpcConfig;
      expect(vpc.SubnetIds.length).toBe(config.network.availabilityZones.length);
      for (const subnet of vpc.SubnetIds) expect(JSON.stringify(subnet)).toContain(deployment.network.stackName);
      expect(vpc.SecurityGroupIds).toHaveLength(1);
      expect(vpc.SecurityGroupIds[0]['Fn::GetAtt'][1]).toBe('GroupId');
    }
    expect(deployment.operations.dependencies).toContain(deployment.network);
  });

  describe.each(Object.keys(FUNCTIONS) as FunctionKey[])('%s function', (fn) => {
    const spec = FUNCTIONS[fn];

    test('Node.js on ARM64, bundled code, explicit memory, timeout and small reserved concurrency, active tracing', () => {
      expect(FUNCTION_RUNTIME.name).toBe('nodejs24.x');
      expect(lambda(fn)[1].Properties).toMatchObject({
        FunctionName: `${config.name}-${spec.name}`,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: spec.memory,
        Timeout: spec.timeout,
        ReservedConcurrentExecutions: spec.concurrency,
        TracingConfig: { Mode: 'Active' },
        Code: { S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) },
      });
    });

    test('runs outside the VPC: no VpcConfig, no security group', () => {
      expect(lambda(fn)[1].Properties.VpcConfig).toBeUndefined();
      expect(ofType('AWS::EC2::SecurityGroup').filter(([id]) => id.startsWith(fn))).toEqual([]);
      expect(ofType('AWS::EC2::SecurityGroupEgress').filter(([id]) => id.startsWith(fn))).toEqual([]);
      expect(ofType('AWS::EC2::SecurityGroupIngress').filter(([id]) => id.startsWith(fn))).toEqual([]);
    });

    test('its policy grants no EC2 action (no network interfaces)', () => {
      const statements = statementsOf(fn);
      expect(statements.map((st) => st.Sid)).not.toContain('VpcNetworkInterfaces');
      expect(JSON.stringify(statements)).not.toMatch(/"ec2:/);
    });

    test('logs JSON into its pinned log group: audit key, configured retention, retained', () => {
      const group = resources[spec.logGroup];
      expect(group).toMatchObject({ Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      expect(group.Properties.LogGroupName).toBe(`/aws/lambda/${config.name}-${spec.name}`);
      expect(group.Properties.RetentionInDays).toBe(config.logs.retentionDays);
      expect(isCrossStackRef(group.Properties.KmsKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
      expect(lambda(fn)[1].Properties.LoggingConfig).toEqual({
        LogGroup: { Ref: spec.logGroup },
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'INFO',
      });
    });

    test('failed asynchronous invocations go, after 2 retries, to a dead-letter queue encrypted with the audit key, TLS only', () => {
      expect(lambda(fn)[1].Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId(fn), 'Arn'] } });
      expect(own(fn, 'AWS::Lambda::EventInvokeConfig')[1].Properties).toMatchObject({
        FunctionName: { Ref: lambda(fn)[0] },
        MaximumRetryAttempts: 2,
      });
      const queue = resources[queueId(fn)].Properties;
      expect(isCrossStackRef(queue.KmsMasterKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
      expect(queue).toMatchObject({
        MessageRetentionPeriod: 14 * 24 * 3600,
        RedriveAllowPolicy: { redrivePermission: 'allowAll' },
      });
      const statements = own(fn, 'AWS::SQS::QueuePolicy')[1].Properties.PolicyDocument.Statement;
      expect(statements).toEqual([
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [own(fn, 'AWS::Events::Rule')[0], 'Arn'] } } },
        }),
      ]);
    });

    test('EventBridge invokes it with retries for 24 hours, then the dead-letter queue; only its rule may invoke it', () => {
      expect(ruleOf(fn).State).toBe('ENABLED');
      expect(ruleOf(fn).Targets).toEqual([
        {
          Id: 'Target0',
          Arn: { 'Fn::GetAtt': [lambda(fn)[0], 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId(fn), 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        },
      ]);
      expect(own(fn, 'AWS::Lambda::Permission')[1].Properties).toEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [lambda(fn)[0], 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [own(fn, 'AWS::Events::Rule')[0], 'Arn'] },
      });
    });

    test('its role only Lambda can assume, with one customer-managed policy and nothing inline', () => {
      const [roleId, role] = own(fn, 'AWS::IAM::Role');
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
      expect(ofType('AWS::IAM::Policy')).toEqual([]);
      const [policyId, policy] = own(fn, 'AWS::IAM::ManagedPolicy');
      expect(policy.Properties.Roles).toEqual([{ Ref: roleId }]);
      expect(lambda(fn)[1].Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      // The function never exists without its permissions.
      expect(lambda(fn)[1].DependsOn).toContain(policyId);
    });
  });

  /** Statements every function has: its logs, tracing, its dead-letter queue and the audit key (no ENIs: outside the VPC). */
  const baseStatements = (fn: FunctionKey) => [
    {
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `<${FUNCTIONS[fn].logGroup}.Arn>`,
    },
    { Sid: 'ActiveTracing', Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
    { Sid: 'DeadLetterQueue', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `<${queueId(fn)}.Arn>` },
    { Sid: 'DeadLetterQueueKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '<other stack>' },
  ];
  const statementResource = (statements: any[], sid: string) => statements.find((s) => s.Sid === sid).Resource;

  describe('session revocation', () => {
    test('the rule matches successful Cognito admin calls that end or change access, on this user pool only', () => {
      const pattern = ruleOf('SessionRevocation').EventPattern;
      expect(pattern).toEqual({
        source: ['aws.cognito-idp'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['cognito-idp.amazonaws.com'],
          eventName: ['AdminDisableUser', 'AdminDeleteUser', 'AdminRemoveUserFromGroup', 'AdminAddUserToGroup'],
          requestParameters: { userPoolId: [expect.anything()] },
          errorCode: [{ exists: false }],
        },
      });
      expect(isCrossStackRef(pattern.detail.requestParameters.userPoolId[0], 'UserPool', 'Ref')).toBe(true);
      expect(pattern.detail.eventName).not.toContain('AdminUserGlobalSignOut');
    });

    test('knows its user pool from the environment and nothing else', () => {
      const vars = lambda('SessionRevocation')[1].Properties.Environment.Variables;
      expect(Object.keys(vars)).toEqual(['USER_POOL_ID']);
      expect(isCrossStackRef(vars.USER_POOL_ID, 'UserPool', 'Ref')).toBe(true);
    });

    test('may sign users out (and read their sub) in this user pool only', () => {
      const statements = statementsOf('SessionRevocation');
      expect(statements).toEqual([
        ...baseStatements('SessionRevocation'),
        {
          Sid: 'RevokeSessionsInThisPool',
          Effect: 'Allow',
          Action: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminUserGlobalSignOut'],
          Resource: '<other stack>',
        },
      ]);
      const raw = own('SessionRevocation', 'AWS::IAM::ManagedPolicy')[1].Properties.PolicyDocument.Statement;
      expect(isCrossStackRef(statementResource(raw, 'RevokeSessionsInThisPool'), 'UserPool', 'Arn')).toBe(true);
      expect(isCrossStackRef(statementResource(raw, 'DeadLetterQueueKey'), KEY_IDS.audit, 'Arn')).toBe(true);
    });
  });

  describe('access review', () => {
    test('runs on the configured schedule', () => {
      expect(ruleOf('AccessReview').ScheduleExpression).toBe(config.accessReview.schedule);
      expect(ruleOf('AccessReview').EventPattern).toBeUndefined();
    });

    test('gets its parameters from the config: inactivity, admin-scope groups, where to write and notify', () => {
      const vars = lambda('AccessReview')[1].Properties.Environment.Variables;
      expect(Object.keys(vars).sort()).toEqual(
        [
          'DEPLOYMENT_NAME',
          'EVIDENCE_BUCKET',
          'EVIDENCE_KMS_KEY_ARN',
          'INACTIVE_DAYS',
          'PRIVILEGED_GROUPS',
          'SECURITY_TOPIC_ARN',
          'USER_POOL_ID',
        ].sort(),
      );
      expect(vars).toMatchObject({
        DEPLOYMENT_NAME: config.name,
        INACTIVE_DAYS: String(config.accessReview.inactiveDays),
        PRIVILEGED_GROUPS: config.identity.roles
          .filter((r) => r.scopes.includes('admin'))
          .map((r) => r.name)
          .join(','),
      });
      expect(vars.PRIVILEGED_GROUPS).not.toBe('');
      expect(isCrossStackRef(vars.USER_POOL_ID, 'UserPool', 'Ref')).toBe(true);
      expect(isCrossStackRef(vars.EVIDENCE_BUCKET, 'EvidenceBucket', 'Ref')).toBe(true);
      expect(isCrossStackRef(vars.EVIDENCE_KMS_KEY_ARN, KEY_IDS.audit, 'Arn')).toBe(true);
      expect(isCrossStackRef(vars.SECURITY_TOPIC_ARN, 'SecurityTopic', 'Ref')).toBe(true);
    });

    test('may read this pool, put objects under access-reviews/ only, and publish to the security topic', () => {
      const statements = statementsOf('AccessReview');
      expect(statements).toEqual([
        ...baseStatements('AccessReview'),
        {
          Sid: 'ReadUsersOfThisPool',
          Effect: 'Allow',
          Action: [
            'cognito-idp:AdminGetUser',
            'cognito-idp:AdminListGroupsForUser',
            'cognito-idp:AdminListUserAuthEvents',
            'cognito-idp:ListUsers',
          ],
          Resource: '<other stack>',
        },
        { Sid: 'WriteAccessReviews', Effect: 'Allow', Action: 's3:PutObject', Resource: '<other stack>/access-reviews/*' },
        { Sid: 'EncryptAccessReviews', Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: '<other stack>' },
        { Sid: 'NotifySecurityContact', Effect: 'Allow', Action: 'sns:Publish', Resource: '<other stack>' },
        {
          Sid: 'EncryptNotification',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: '<other stack>',
        },
      ]);
      const raw = own('AccessReview', 'AWS::IAM::ManagedPolicy')[1].Properties.PolicyDocument.Statement;
      expect(isCrossStackRef(statementResource(raw, 'ReadUsersOfThisPool'), 'UserPool', 'Arn')).toBe(true);
      const put = statementResource(raw, 'WriteAccessReviews')['Fn::Join'][1];
      expect(isCrossStackRef(put[0], 'EvidenceBucket', 'Arn')).toBe(true);
      expect(put[1]).toBe('/access-reviews/*');
      for (const sid of ['EncryptAccessReviews', 'EncryptNotification', 'DeadLetterQueueKey']) {
        expect(isCrossStackRef(statementResource(raw, sid), KEY_IDS.audit, 'Arn')).toBe(true);
      }
      expect(isCrossStackRef(statementResource(raw, 'NotifySecurityContact'), 'SecurityTopic', 'Ref')).toBe(true);
      expect(JSON.stringify(raw)).not.toMatch(
        /s3:GetObject|s3:Delete|s3:\*|sns:\*|cognito-idp:\*|cognito-idp:Admin(Disable|Delete|Update|Set|Create)/,
      );
    });
  });

  describe('alarms to the security topic', () => {
    /** Per function: its Powertools service name and the failure metrics that alarm. */
    const ALARMED = {
      SessionRevocation: { service: 'session-revocation', failures: ['RevocationFailures', 'RevocationEventsIgnored'] },
      AccessReview: { service: 'access-review', failures: ['AccessReviewFailures'] },
    } as const;
    const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    const alarmNamed = (name: string) => {
      const found = alarms().filter((a) => a.AlarmName === name);
      expect(found).toHaveLength(1);
      return found[0];
    };
    /** Any count above zero within 5 minutes, once; no data is no failure; ALARM (only) notifies the security topic. */
    const expectFailureAlarm = (alarm: any) => {
      expect(alarm).toMatchObject({
        Period: 300,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
        ActionsEnabled: true,
      });
      expect(alarm.AlarmActions).toHaveLength(1);
      expect(isCrossStackRef(alarm.AlarmActions[0], 'SecurityTopic', 'Ref')).toBe(true);
      expect(alarm.OKActions).toBeUndefined();
      expect(alarm.InsufficientDataActions).toBeUndefined();
    };

    /** The alarms of the two Cognito functions (the backup checks have their own, tested with their constructs). */
    const cognitoFunctionAlarms = () =>
      alarms().filter((a) => Object.values(FUNCTIONS).some((f) => String(a.AlarmName).startsWith(`${config.name}-${f.name}-`)));

    test('exactly these alarms, named after the deployment and the function', () => {
      const expected = (Object.keys(ALARMED) as FunctionKey[]).flatMap((fn) =>
        ['Errors', 'DeadLetters', ...ALARMED[fn].failures].map((a) => `${config.name}-${FUNCTIONS[fn].name}-${a}`),
      );
      expect(
        cognitoFunctionAlarms()
          .map((a) => a.AlarmName)
          .sort(),
      ).toEqual(expected.sort());
    });

    test.each(Object.keys(ALARMED) as FunctionKey[])('%s: Lambda Errors above zero', (fn) => {
      const alarm = alarmNamed(`${config.name}-${FUNCTIONS[fn].name}-Errors`);
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: lambda(fn)[0] } }],
      });
      expectFailureAlarm(alarm);
    });

    test.each(Object.keys(ALARMED) as FunctionKey[])('%s: a message in its dead-letter queue', (fn) => {
      const alarm = alarmNamed(`${config.name}-${FUNCTIONS[fn].name}-DeadLetters`);
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId(fn), 'QueueName'] } }],
      });
      expectFailureAlarm(alarm);
    });

    test.each(
      (Object.keys(ALARMED) as FunctionKey[]).flatMap((fn) => ALARMED[fn].failures.map((metric) => [fn, metric] as const)),
    )('%s: %s above zero, as the handler writes it (HipaaCrm, service dimension)', (fn, metric) => {
      const alarm = alarmNamed(`${config.name}-${FUNCTIONS[fn].name}-${metric}`);
      expect(alarm).toMatchObject({
        Namespace: 'HipaaCrm',
        MetricName: metric,
        Statistic: 'Sum',
        Dimensions: [{ Name: 'service', Value: ALARMED[fn].service }],
      });
      expectFailureAlarm(alarm);
      // The handler writes this metric under this service name (a rename there must fail here).
      const source = fs.readFileSync(path.join(REPO_ROOT, 'lambda', FUNCTIONS[fn].name, 'index.ts'), 'utf8');
      expect(source).toContain(`createMetrics('${ALARMED[fn].service}')`);
      expect(source).toContain(`addMetric('${metric}', MetricUnit.Count, 1)`);
    });

    test('the access review has no "did not run" alarm: CloudWatch cannot look back a quarter', () => {
      expect(cognitoFunctionAlarms().filter((a) => a.TreatMissingData === 'breaching')).toEqual([]);
      expect(deployment.operations.accessReviewAlarms.didNotRun).toBeUndefined();
    });

    test('the security topic accepts alarms of this account, and the audit key lets CloudWatch encrypt for it', () => {
      const audit = resourcesOf(deployment.audit);
      const topicStatements = Object.values(audit)
        .filter((r) => r.Type === 'AWS::SNS::TopicPolicy')
        .flatMap((r) => r.Properties.PolicyDocument.Statement as any[]);
      const alarmPublish = topicStatements.filter((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
      expect(alarmPublish).toHaveLength(1);
      expect(alarmPublish[0]).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'SecurityTopic' } });
      expect(flat(alarmPublish[0].Condition.ArnLike['aws:SourceArn'])).toMatch(
        new RegExp(`^arn:<AWS::Partition>:cloudwatch:${config.regions.primary}:(<AWS::AccountId>|\\d{12}):alarm:\\*$`),
      );
      const keys = resourcesOf(deployment.keys);
      const keyStatements = keys[KEY_IDS.audit].Properties.KeyPolicy.Statement as any[];
      expect(keyStatements).toContainEqual(
        expect.objectContaining({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        }),
      );
    });
  });

  describe('restore tests and their checks (wiring)', () => {
    const only = (type: string) => {
      const found = ofType(type);
      expect(found).toHaveLength(1);
      return found[0][1].Properties;
    };
    const selection = (type: 'RDS' | 'S3') => {
      const found = ofType('AWS::Backup::RestoreTestingSelection').filter(([, r]) => r.Properties.ProtectedResourceType === type);
      expect(found).toHaveLength(1);
      return found[0][1].Properties;
    };
    const fromStack = (value: unknown, stack: Stack) => JSON.stringify(value).includes(stack.stackName);

    test('the plan draws from the primary vault of the Backup stack on the configured schedule', () => {
      const plan = only('AWS::Backup::RestoreTestingPlan');
      expect(plan.ScheduleExpression).toBe(config.backup.restoreTesting.schedule);
      expect(plan.StartWindowHours).toBe(config.backup.restoreTesting.startWindowHours);
      expect(plan.RecoveryPointSelection.IncludeVaults).toHaveLength(1);
      expect(fromStack(plan.RecoveryPointSelection.IncludeVaults[0], deployment.backup)).toBe(true);
    });

    test('the selections name the live database and documents bucket of the Data stack, restored by the backup role', () => {
      const database = selection('RDS');
      const documents = selection('S3');
      for (const sel of [database, documents]) {
        expect(sel.ProtectedResourceArns).toHaveLength(1);
        expect(fromStack(sel.ProtectedResourceArns[0], deployment.data)).toBe(true);
        expect(fromStack(sel.IamRoleArn, deployment.backup)).toBe(true);
        expect(sel.ValidationWindowHours).toBe(config.backup.restoreTesting.validationWindowHours);
      }
      expect(JSON.stringify(database.ProtectedResourceArns[0])).toMatch(/PhiDatabase/);
      expect(JSON.stringify(documents.ProtectedResourceArns[0])).toMatch(/PhiDocumentsBucket/);
    });

    test('a restored database lands in the data subnet group of the Data stack, behind the restore security group', () => {
      const overrides = selection('RDS').RestoreMetadataOverrides;
      const [subnetGroupKey] = Object.keys(overrides).filter((k) => /subnetgroupname/i.test(k));
      expect(fromStack(overrides[subnetGroupKey], deployment.data)).toBe(true);
      expect(JSON.stringify(overrides[subnetGroupKey])).toMatch(/PhiDatabaseSubnetGroup/);
      const [sgKey] = Object.keys(overrides).filter((k) => /securitygroupids/i.test(k));
      const restoreSg = ofType('AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('RestoreTesting'));
      expect(restoreSg).toBeDefined();
      expect(JSON.stringify(overrides[sgKey])).toContain(restoreSg![0]);
    });

    test('completed restore jobs of this plan trigger the validator', () => {
      const [, validator] = ofType('AWS::Lambda::Function').find(
        ([, r]) => r.Properties.FunctionName === `${config.name}-restore-validator`,
      )!;
      const rules = ofType('AWS::Events::Rule').filter(([, r]) =>
        r.Properties.EventPattern?.['detail-type']?.includes('Restore Job State Change'),
      );
      const toValidator = rules.filter(([, r]) =>
        (r.Properties.Targets as any[]).some((t) =>
          JSON.stringify(t.Arn).includes(ofType('AWS::Lambda::Function').find(([, f]) => f === validator)![0]),
        ),
      );
      expect(toValidator).toHaveLength(1);
      const pattern = toValidator[0][1].Properties.EventPattern;
      expect(pattern.source).toEqual(['aws.backup']);
      expect(pattern.detail.status).toContain('COMPLETED');
      expect(JSON.stringify(pattern.detail.restoreTestingPlanArn)).toContain('RestoreTesting');
    });

    test('the canary writes into the live database: ingress on its security group, IAM auth as hipaa_canary only', () => {
      const ingress = ofType('AWS::EC2::SecurityGroupIngress').filter(([id]) => id.startsWith('IntegrityCanary'));
      expect(ingress).toHaveLength(1);
      expect(fromStack(ingress[0][1].Properties.GroupId, deployment.data)).toBe(true);
      expect(ingress[0][1].Properties.FromPort).toBe(deployment.data.database.port);
      const policy = ofType('AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('IntegrityCanary'))![1];
      const connect = (policy.Properties.PolicyDocument.Statement as any[]).filter((st) => st.Action === 'rds-db:connect');
      expect(connect).toHaveLength(1);
      expect(JSON.stringify(connect[0].Resource)).toMatch(/dbuser:.*hipaa_canary/);
      expect(fromStack(connect[0].Resource, deployment.data)).toBe(true);
    });

    test('failed backup, copy and restore jobs notify the security topic', () => {
      const rules = ofType('AWS::Events::Rule').filter(([id]) => id.startsWith('BackupJobNotifications'));
      const detailTypes = rules.flatMap(([, r]) => r.Properties.EventPattern['detail-type'] as string[]).sort();
      expect(detailTypes).toEqual(['Backup Job State Change', 'Copy Job State Change', 'Restore Job State Change']);
      for (const [, r] of rules) {
        expect(r.Properties.Targets).toHaveLength(1);
        expect(isCrossStackRef(r.Properties.Targets[0].Arn, 'SecurityTopic', 'Ref')).toBe(true);
        expect(r.Properties.Targets[0].DeadLetterConfig).toBeDefined();
      }
    });

    test('Backup Audit Manager reports go to the evidence bucket of the Audit stack', () => {
      const plans = ofType('AWS::Backup::ReportPlan').map(([, r]) => r.Properties);
      expect(plans.map((p) => p.ReportSetting.ReportTemplate).sort()).toEqual([
        'BACKUP_JOB_REPORT',
        'CONTROL_COMPLIANCE_REPORT',
        'COPY_JOB_REPORT',
        'RESTORE_JOB_REPORT',
      ]);
      for (const p of plans) {
        expect(fromStack(p.ReportDeliveryChannel.S3BucketName, deployment.audit)).toBe(true);
        expect(p.ReportDeliveryChannel.S3KeyPrefix).toMatch(/^backup-reports/);
      }
      const framework = only('AWS::Backup::Framework');
      const rto = (framework.FrameworkControls as any[]).find((c) => c.ControlName === 'RESTORE_TIME_FOR_RESOURCES_MEET_TARGET');
      expect(JSON.stringify(rto.ControlInputParameters)).toContain(String(config.backup.targets.rtoMinutes));
    });

    test('the validator and canary log groups keep their pinned logical IDs', () => {
      for (const id of ['RestoreValidatorLogGroup', 'IntegrityCanaryLogGroup']) {
        expect(resources[id]?.Type).toBe('AWS::Logs::LogGroup');
        expect(resources[id].DeletionPolicy).toBe('Retain');
      }
    });
  });

  describe('key lifecycle (wiring)', () => {
    test('the rotation enforcer checks every key of this region: phi, audit, backup and the signing key', () => {
      const policy = ofType('AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('KeyRotation'))![1];
      const keyStatements = (policy.Properties.PolicyDocument.Statement as any[]).filter((st) =>
        [st.Action].flat().includes('kms:GetKeyRotationStatus'),
      );
      expect(keyStatements).toHaveLength(1);
      const resources = JSON.stringify(keyStatements[0].Resource);
      for (const id of ['PhiKey', 'AuditKey', 'BackupKey', 'CertificateSigningKey']) expect(resources).toContain(id);
      expect(resources).toContain(deployment.keys.stackName);
      const rule = ofType('AWS::Events::Rule').find(([id]) => id.startsWith('KeyRotation'))![1];
      expect(rule.Properties.ScheduleExpression).toBe(config.keys.rotationCheckSchedule);
    });

    test('crypto-erasure: a state machine over one function whose role has the name the key policies trust', () => {
      const machines = ofType('AWS::StepFunctions::StateMachine');
      expect(machines).toHaveLength(1);
      expect(machines[0][1].Properties.StateMachineName).toBe(`${config.name}-crypto-erasure`);
      const [, fn] = ofType('AWS::Lambda::Function').find(
        ([, r]) => r.Properties.FunctionName === `${config.name}-crypto-erasure`,
      )!;
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      expect(resources[roleId].Properties.RoleName).toBe(`${config.name}-crypto-erasure`);
      expect(resources.CryptoErasureLogGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(resources.CryptoErasureStateMachineLogGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(resources.KeyRotationLogGroup.Type).toBe('AWS::Logs::LogGroup');
    });

    test("no IAM policy in any stack allows disabling or deleting a key: only the erasable keys' policies do", () => {
      const stacks = Object.values(deployment) as Stack[];
      for (const stack of stacks) {
        const all = Template.fromStack(stack).toJSON().Resources as Resources;
        for (const [id, r] of Object.entries(all)) {
          if (!r.Type.startsWith('AWS::IAM::')) continue;
          const text = JSON.stringify(r.Properties);
          expect({ id, disables: /kms:(DisableKey|ScheduleKeyDeletion|\*)"/.test(text) }).toEqual({ id, disables: false });
        }
      }
    });
  });

  test('no secret in any environment variable', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const text = JSON.stringify(fn.Properties.Environment ?? {});
      expect(text).not.toMatch(/secret|password|token|SecretsManager/i);
    }
  });
});

describe('Operations stack acknowledgements', () => {
  /** Every acknowledgement recorded in the stack, as `<construct path> <rule id>` → reason. */
  function acknowledgements(stack: Stack): Record<string, string> {
    return Object.fromEntries(
      stack.node
        .findAll()
        .flatMap((c) =>
          c.node.metadata
            .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
            .flatMap((m) =>
              Object.entries(m.data as Record<string, string>).map(([id, reason]) => [`${c.node.path} ${id}`, reason]),
            ),
        )
        .filter(([key]) => !key.includes(' CloudFormation-Validate::')),
    );
  }

  let acks: Record<string, string>;
  beforeAll(() => {
    const config = shippedConfig('config/demo.json');
    const app = projectApp({ context: TEMPLATE_ONLY });
    const { operations } = buildDeployment(app, config);
    app.synth();
    acks = acknowledgements(operations);
  });

  const outsideVpc = (fn: string) => OUTSIDE_VPC_RULES.map((id) => `Operations/${fn}/Handler/Function/Resource ${id}`);

  test('the Cognito functions: only on exact resources (wildcards, the report prefix, cross-stack false positives, outside-VPC placement)', () => {
    const perFunction = (fn: string) => [
      `Operations/${fn}/Handler/DeadLetterQueue/Resource cdk-validator-cfnguard::sqs_queue_encrypted_check`,
      `Operations/${fn}/Handler/LogGroup/Resource cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check`,
      `Operations/${fn}/Handler/Policy/Resource AwsSolutions::AwsSolutions-IAM5[Resource::*]`,
      ...outsideVpc(fn),
    ];
    const ids = Object.keys(acks)
      .filter((a) => /^Operations\/(AccessReview|SessionRevocation)\//.test(a))
      .sort();
    const prefix = ids.filter((a) => a.includes('/access-reviews/*]'));
    expect(prefix).toEqual([
      expect.stringMatching(
        /^Operations\/AccessReview\/Handler\/Policy\/Resource AwsSolutions::AwsSolutions-IAM5\[Resource::\{"Fn::GetStackOutput":\{"StackName":"crm-demo-audit",.*"OutputName":"[^"]*EvidenceBucketArn[^"]*"\}\}\/access-reviews\/\*\]$/,
      ),
    ]);
    expect(ids.filter((a) => !prefix.includes(a))).toEqual(
      [...perFunction('AccessReview'), ...perFunction('SessionRevocation')].sort(),
    );
  });

  test.each([
    ['SessionRevocation', 'session-revocation', /It calls Cognito only, /],
    ['AccessReview', 'access-review', /It calls Cognito, S3 \(the evidence bucket\) and SNS \(the security topic\), /],
  ])(
    '%s is outside the VPC because a user pool with a domain cannot use the cognito-idp PrivateLink endpoint',
    (fn, name, calls) => {
      const ids = outsideVpc(fn);
      expect(ids).toHaveLength(3);
      for (const id of ids) {
        const reason = acks[id];
        expect(reason).toMatch(/PrivateLink/);
        expect(reason.startsWith(`[HIPAA 164.312(e)(1)] ${OUTSIDE_VPC_REASON} crm-demo-${name}: `)).toBe(true);
        expect(reason).toMatch(
          /cognito-idp PrivateLink endpoint, which AWS documents as incompatible with a user pool that has a domain/,
        );
        expect(reason).toMatch(/no NAT/);
        expect(reason).toMatch(calls);
        expect(reason).toMatch(/holds and logs no PHI/);
      }
      const iam5 = acks[`Operations/${fn}/Handler/Policy/Resource AwsSolutions::AwsSolutions-IAM5[Resource::*]`];
      expect(iam5).toMatch(/xray:PutTraceSegments and xray:PutTelemetryRecords/);
      expect(iam5).not.toMatch(/EC2/);
    },
  );
});
