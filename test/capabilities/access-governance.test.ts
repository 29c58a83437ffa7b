import * as fs from 'node:fs';
import * as path from 'node:path';
import { Validations, type Stack } from 'aws-cdk-lib';
import { AccessGovernance, accessGovernanceSettings } from '../../lib/capabilities/access-governance';
import type { DeploymentConfig } from '../../lib/config/schema';
import type { SecureFunction } from '../../lib/constructs/secure-function';
import { FUNCTION_RUNTIME, OUTSIDE_VPC_REASON, OUTSIDE_VPC_RULES } from '../../lib/constructs/secure-function';
import { LOGICAL_IDS } from '../../lib/vocabulary';
import { flat, isCrossStackRef, KEY_IDS } from '../helpers/cfn-values';
import { REPO_ROOT, SHIPPED_CONFIGS } from '../helpers/config';
import { standIns, StackTemplate, type CfnResource, type Statement } from '../helpers/operations-stand-ins';

/** What each function is. */
const FUNCTIONS = {
  SessionRevocation: {
    name: 'session-revocation',
    logGroup: LOGICAL_IDS.operations.sessionRevocationLogGroup,
    memory: 256,
    timeout: 30,
    concurrency: 2,
  },
  AccessReview: {
    name: 'access-review',
    logGroup: LOGICAL_IDS.operations.accessReviewLogGroup,
    memory: 512,
    timeout: 600,
    concurrency: 1,
  },
} as const;
type FunctionKey = keyof typeof FUNCTIONS;
const FUNCTION_KEYS = Object.keys(FUNCTIONS) as FunctionKey[];

/** The capability in an Operations stack, its user pool, evidence bucket, topic and keys in stand-ins of their stacks. */
function build(file: string) {
  const { config, stack, primary: p } = standIns(file);
  const ops = stack('Operations', 'operations');
  const governance = new AccessGovernance(ops, 'AccessGovernance', {
    ...accessGovernanceSettings(config),
    userPool: p.userPool,
    evidenceBucket: p.evidenceBucket,
    securityTopic: p.securityTopic,
    encryptionKey: p.auditKey,
  });
  return { config, ops, governance, t: new StackTemplate(ops) };
}

/** A resource as a flat string; references to other stacks read `<other stack>`. */
function flatResource(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v['Fn::GetStackOutput'] || v['Fn::ImportValue']) return '<other stack>';
  if (Array.isArray(v['Fn::Join'])) {
    const [delimiter, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flatResource).join(delimiter);
  }
  return flat(value);
}

describe.each(SHIPPED_CONFIGS)('AccessGovernance from %s', (file) => {
  let config: DeploymentConfig;
  let governance: AccessGovernance;
  let t: StackTemplate;

  beforeAll(() => {
    ({ config, governance, t } = build(file));
  });

  const handler = (fn: FunctionKey): SecureFunction =>
    fn === 'SessionRevocation' ? governance.sessionRevocation.handler : governance.accessReview.handler;
  const ruleOf = (fn: FunctionKey) =>
    fn === 'SessionRevocation' ? governance.sessionRevocation.rule : governance.accessReview.rule;
  const lambda = (fn: FunctionKey) => t.of(handler(fn).function);
  const functionId = (fn: FunctionKey) => t.id(handler(fn).function);
  const queueId = (fn: FunctionKey) => t.id(handler(fn).deadLetterQueue);
  const rule = (fn: FunctionKey) => t.of(ruleOf(fn)).Properties;
  const eventPattern = (fn: FunctionKey) =>
    rule(fn).EventPattern as { detail: { eventName: string[]; requestParameters: { userPoolId: unknown[] } } };
  const environment = (fn: FunctionKey) =>
    (lambda(fn).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  /** The policy statements with every resource flattened; references to other stacks read `<other stack>`. */
  const statementsOf = (fn: FunctionKey) =>
    t.statements(t.of(handler(fn).policy)).map((s) => ({ ...s, Resource: flatResource(s.Resource) }));
  const rawStatements = (fn: FunctionKey) => t.statements(t.of(handler(fn).policy));
  const statementResource = (statements: Statement[], sid: string) => statements.find((s) => s.Sid === sid)!.Resource;

  describe.each(FUNCTION_KEYS)('%s function', (fn) => {
    const spec = FUNCTIONS[fn];

    test('Node.js on ARM64, bundled code, explicit memory, timeout and small reserved concurrency, active tracing', () => {
      expect(FUNCTION_RUNTIME.name).toBe('nodejs24.x');
      expect(lambda(fn).Properties).toMatchObject({
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
      expect(lambda(fn).Properties.VpcConfig).toBeUndefined();
      expect(handler(fn).securityGroup).toBeUndefined();
      for (const type of ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::SecurityGroupIngress']) {
        expect(t.ofType(type)).toEqual([]);
      }
    });

    test('its policy grants no EC2 action (no network interfaces)', () => {
      const statements = statementsOf(fn);
      expect(statements.map((st) => st.Sid)).not.toContain('VpcNetworkInterfaces');
      expect(JSON.stringify(statements)).not.toMatch(/"ec2:/);
    });

    test('logs JSON into its pinned log group: audit key, configured retention, retained', () => {
      expect(t.id(handler(fn).logGroup)).toBe(spec.logGroup);
      const group = t.resources[spec.logGroup];
      expect(group).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
      });
      expect(group.Properties.LogGroupName).toBe(`/aws/lambda/${config.name}-${spec.name}`);
      expect(group.Properties.RetentionInDays).toBe(config.logs.retentionDays);
      expect(isCrossStackRef(group.Properties.KmsKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
      expect(lambda(fn).Properties.LoggingConfig).toEqual({
        LogGroup: { Ref: spec.logGroup },
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'INFO',
      });
    });

    test('failed asynchronous invocations go, after 2 retries, to a dead-letter queue encrypted with the audit key, TLS only', () => {
      expect(lambda(fn).Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId(fn), 'Arn'] } });
      const [, invokeConfig] = t.only('AWS::Lambda::EventInvokeConfig', (r) =>
        JSON.stringify(r.Properties.FunctionName).includes(functionId(fn)),
      );
      expect(invokeConfig.Properties).toMatchObject({ FunctionName: { Ref: functionId(fn) }, MaximumRetryAttempts: 2 });
      const queue = t.resources[queueId(fn)].Properties;
      expect(isCrossStackRef(queue.KmsMasterKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
      expect(queue).toMatchObject({
        MessageRetentionPeriod: 14 * 24 * 3600,
        RedriveAllowPolicy: { redrivePermission: 'allowAll' },
      });
      const [, queuePolicy] = t.only('AWS::SQS::QueuePolicy', (r) => JSON.stringify(r.Properties.Queues).includes(queueId(fn)));
      expect(t.statements(queuePolicy)).toEqual([
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [t.id(ruleOf(fn)), 'Arn'] } } },
        }),
      ]);
    });

    test('EventBridge invokes it with retries for 24 hours, then the dead-letter queue; only its rule may invoke it', () => {
      expect(rule(fn).State).toBe('ENABLED');
      expect(rule(fn).Targets).toEqual([
        {
          Id: 'Target0',
          Arn: { 'Fn::GetAtt': [functionId(fn), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId(fn), 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        },
      ]);
      const [, permission] = t.only('AWS::Lambda::Permission', (r) =>
        JSON.stringify(r.Properties.FunctionName).includes(functionId(fn)),
      );
      expect(permission.Properties).toEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [functionId(fn), 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [t.id(ruleOf(fn)), 'Arn'] },
      });
    });

    test('its role only Lambda can assume, with one customer-managed policy and nothing inline', () => {
      const roleId = t.id(handler(fn).role);
      const role = t.resources[roleId];
      expect(t.statements(role, 'AssumeRolePolicyDocument')).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
      expect(t.ofType('AWS::IAM::Policy')).toEqual([]);
      const policyId = t.id(handler(fn).policy);
      expect(t.resources[policyId].Properties.Roles).toEqual([{ Ref: roleId }]);
      expect(lambda(fn).Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      // The function never exists without its permissions.
      expect(lambda(fn).DependsOn).toContain(policyId);
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

  describe('session revocation', () => {
    test('the rule matches successful Cognito admin calls that end or change access, on this user pool only', () => {
      const pattern = eventPattern('SessionRevocation');
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
      const vars = environment('SessionRevocation');
      expect(Object.keys(vars)).toEqual(['USER_POOL_ID']);
      expect(isCrossStackRef(vars.USER_POOL_ID, 'UserPool', 'Ref')).toBe(true);
    });

    test('may sign users out (and read their sub) in this user pool only', () => {
      expect(statementsOf('SessionRevocation')).toEqual([
        ...baseStatements('SessionRevocation'),
        {
          Sid: 'RevokeSessionsInThisPool',
          Effect: 'Allow',
          Action: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminUserGlobalSignOut'],
          Resource: '<other stack>',
        },
      ]);
      const raw = rawStatements('SessionRevocation');
      expect(isCrossStackRef(statementResource(raw, 'RevokeSessionsInThisPool'), 'UserPool', 'Arn')).toBe(true);
      expect(isCrossStackRef(statementResource(raw, 'DeadLetterQueueKey'), KEY_IDS.audit, 'Arn')).toBe(true);
    });
  });

  describe('access review', () => {
    test('runs on the configured schedule', () => {
      expect(rule('AccessReview').ScheduleExpression).toBe(config.accessReview.schedule);
      expect(rule('AccessReview').EventPattern).toBeUndefined();
    });

    test('gets its parameters from the config: inactivity, admin-scope groups, where to write and notify', () => {
      const vars = environment('AccessReview');
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
      expect(statementsOf('AccessReview')).toEqual([
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
      const raw = rawStatements('AccessReview');
      expect(isCrossStackRef(statementResource(raw, 'ReadUsersOfThisPool'), 'UserPool', 'Arn')).toBe(true);
      const put = (statementResource(raw, 'WriteAccessReviews') as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
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
    const alarms = () => t.ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    const alarmNamed = (name: string) => {
      const found = alarms().filter((a) => a.AlarmName === name);
      expect(found).toHaveLength(1);
      return found[0];
    };
    /** Any count above zero within 5 minutes, once; no data is no failure; ALARM (only) notifies the security topic. */
    const expectFailureAlarm = (alarm: CfnResource['Properties']) => {
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
      expect(isCrossStackRef((alarm.AlarmActions as unknown[])[0], 'SecurityTopic', 'Ref')).toBe(true);
      expect(alarm.OKActions).toBeUndefined();
      expect(alarm.InsufficientDataActions).toBeUndefined();
    };

    test('exactly these alarms, named after the deployment and the function', () => {
      const expected = FUNCTION_KEYS.flatMap((fn) =>
        ['Errors', 'DeadLetters', ...ALARMED[fn].failures].map((a) => `${config.name}-${FUNCTIONS[fn].name}-${a}`),
      );
      expect(
        alarms()
          .map((a) => a.AlarmName)
          .sort(),
      ).toEqual(expected.sort());
    });

    test.each(FUNCTION_KEYS)('%s: Lambda Errors above zero', (fn) => {
      const alarm = alarmNamed(`${config.name}-${FUNCTIONS[fn].name}-Errors`);
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(fn) } }],
      });
      expectFailureAlarm(alarm);
    });

    test.each(FUNCTION_KEYS)('%s: a message in its dead-letter queue', (fn) => {
      const alarm = alarmNamed(`${config.name}-${FUNCTIONS[fn].name}-DeadLetters`);
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId(fn), 'QueueName'] } }],
      });
      expectFailureAlarm(alarm);
    });

    test.each(FUNCTION_KEYS.flatMap((fn) => ALARMED[fn].failures.map((metric) => [fn, metric] as const)))(
      '%s: %s above zero, as the handler writes it (HipaaCrm, service dimension)',
      (fn, metric) => {
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
      },
    );

    test('the access review has no "did not run" alarm: CloudWatch cannot look back a quarter', () => {
      expect(alarms().filter((a) => a.TreatMissingData === 'breaching')).toEqual([]);
      expect(governance.accessReviewAlarms.didNotRun).toBeUndefined();
    });
  });
});

describe('AccessGovernance acknowledgements', () => {
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
    const { ops } = build('config/demo.json');
    acks = acknowledgements(ops);
  });

  const at = (fn: string) => `Operations/AccessGovernance/${fn}`;
  const outsideVpc = (fn: string) => OUTSIDE_VPC_RULES.map((id) => `${at(fn)}/Handler/Function/Resource ${id}`);

  test('the Cognito functions: only on exact resources (wildcards, the report prefix, outside-VPC placement)', () => {
    const perFunction = (fn: string) => [
      `${at(fn)}/Handler/Policy/Resource AwsSolutions::AwsSolutions-IAM5[Resource::*]`,
      ...outsideVpc(fn),
    ];
    const ids = Object.keys(acks).sort();
    const prefix = ids.filter((a) => a.includes('/access-reviews/*]'));
    expect(prefix).toEqual([
      expect.stringMatching(
        /^Operations\/AccessGovernance\/AccessReview\/Handler\/Policy\/Resource AwsSolutions::AwsSolutions-IAM5\[Resource::crm-demo-audit:ExportsOutput[^/\]]*EvidenceBucketArn[^/\]]*\/access-reviews\/\*\]$/,
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
      const iam5 = acks[`${at(fn)}/Handler/Policy/Resource AwsSolutions::AwsSolutions-IAM5[Resource::*]`];
      expect(iam5).toMatch(/xray:PutTraceSegments and xray:PutTelemetryRecords/);
      expect(iam5).not.toMatch(/EC2/);
    },
  );
});
