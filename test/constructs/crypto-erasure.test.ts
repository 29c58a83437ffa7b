/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates and state machine definitions are untyped JSON */
import { Validations, type CfnElement, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { airGappedErasureKeys, ERASURE_ENV, ERASURE_EXTERNAL_KEYS_ENV } from '../../lambda/shared/key-lifecycle-contract';
import { acknowledgedFindings, failedPlugins, openFindings, readValidationReport } from '../../lib/compliance/report';
import { CryptoErasure, type CryptoErasureProps } from '../../lib/constructs/crypto-erasure';
import { STACK_IDS } from '../../lib/vocabulary';
import { SHIPPED_CONFIGS } from '../helpers/config';
import { cryptoErasureStandIns, erasureDefinition, DR_VAULT_ARN, VAULT_ARN } from '../helpers/crypto-erasure-stand-ins';
import { shippedAssembly } from '../helpers/shipped-assembly';

const build = cryptoErasureStandIns;

/** `build`, synthesized (template checks only). */
/** Tests only read what `setup()` builds: without overrides it is built once per file. */
let sharedSetup: ReturnType<typeof buildSetup> | undefined;
function setup(overrides: Partial<CryptoErasureProps> = {}): ReturnType<typeof buildSetup> {
  if (Object.keys(overrides).length > 0) return buildSetup(overrides);
  return (sharedSetup ??= buildSetup());
}

function buildSetup(overrides: Partial<CryptoErasureProps> = {}) {
  const built = build(overrides);
  const { ops } = built;
  const template = Template.fromStack(ops);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any; [k: string]: any }>;
  const id = (e: { node: { defaultChild?: unknown } }) => ops.resolve((e.node.defaultChild as CfnElement).logicalId) as string;
  /** A value as the Ops template renders it (cross-stack references included). */
  const rendered = (value: unknown) => JSON.parse(JSON.stringify(ops.resolve(value)));
  const statementsOf = (policy: { node: { defaultChild?: unknown } }): any[] =>
    resources[id(policy)].Properties.PolicyDocument.Statement;
  return { ...built, template, resources, id, rendered, statementsOf };
}

type Setup = ReturnType<typeof setup>;

/** The state machine definition as JSON, references written `<...>`. */
const definitionOf = ({ erasure, ops }: Setup) => erasureDefinition(ops, erasure);

/** The states from StartAt to the end, taking the first (success) branch of every Choice. */
function successPath(definition: { StartAt: string; States: Record<string, any> }): string[] {
  const names: string[] = [];
  let name: string | undefined = definition.StartAt;
  while (name) {
    names.push(name);
    const state: any = definition.States[name];
    name = state.Type === 'Choice' ? state.Choices[0].Next : state.Next;
    if (names.length > 50) throw new Error('loop in the definition');
  }
  return names;
}

const LAMBDA_SERVICE_RETRY = {
  ErrorEquals: [
    'Lambda.ClientExecutionTimeoutException',
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
};

describe('CryptoErasure function', () => {
  test('is crm-demo-crypto-erasure, one phase at a time, never retried asynchronously by Lambda', () => {
    const s = setup();
    const fn = s.resources[s.id(s.erasure.handler.function)];
    expect(fn.Properties).toMatchObject({
      FunctionName: 'crm-demo-crypto-erasure',
      ReservedConcurrentExecutions: 1,
      Timeout: 900,
    });
    const invokeConfigs = Object.values(s.resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
    expect(invokeConfigs.map((r) => r.Properties.MaximumRetryAttempts)).toEqual([0]);
  });

  test('runs outside the VPC, with the DR-region reason recorded in its LambdaInsideVPC acknowledgements', () => {
    const s = setup();
    const fn = s.erasure.handler.function.node.defaultChild as CfnResource;
    expect(s.resources[s.id(s.erasure.handler.function)].Properties.VpcConfig).toBeUndefined();
    const acks = fn.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .reduce((all, m) => ({ ...all, ...m.data }), {} as Record<string, string>);
    for (const rule of ['HIPAA.Security::HIPAA.Security-LambdaInsideVPC', 'cdk-validator-cfnguard::lambda_inside_vpc_check']) {
      expect(acks[rule]).toContain('in the primary AND the DR region');
      expect(acks[rule]).toContain('holds and logs no PHI');
    }
  });

  test('its role has the fixed name the erasable keys policies name', () => {
    const s = setup();
    expect(s.resources[s.id(s.erasure.handler.role)].Properties.RoleName).toBe('crm-demo-crypto-erasure');
    expect(CryptoErasure.roleName('crm-demo')).toBe('crm-demo-crypto-erasure');
    expect(s.ops.resolve(CryptoErasure.roleArn(s.ops, 'crm-demo'))).toBe(
      'arn:aws:iam::111122223333:role/crm-demo-crypto-erasure',
    );
  });

  test('environment: exactly the ERASURE_ENV contract', () => {
    const s = setup();
    expect(s.resources[s.id(s.erasure.handler.function)].Properties.Environment.Variables).toEqual({
      [ERASURE_ENV.deployment]: 'crm-demo',
      [ERASURE_ENV.primaryRegion]: 'us-east-1',
      [ERASURE_ENV.drRegion]: 'us-west-2',
      [ERASURE_ENV.account]: '111122223333',
      [ERASURE_ENV.pendingWindowDays]: '30',
      [ERASURE_ENV.evidenceBucket]: s.rendered(s.evidence.bucketName),
      [ERASURE_ENV.evidenceKmsKeyArn]: s.rendered(s.auditKey.keyArn),
      [ERASURE_ENV.signingKeyArn]: s.rendered(s.signing.key.keyArn),
      [ERASURE_ENV.backupVaultName]: 'crm-demo-backup-vault',
      [ERASURE_ENV.drBackupVaultName]: 'crm-demo-backup-vault-dr',
    });
  });
});

describe('CryptoErasure function permissions', () => {
  const s = setup();
  const statements = s.statementsOf(s.erasure.handler.policy);
  const bySid = (sid: string) => {
    const found = statements.filter((st) => st.Sid === sid);
    expect(found).toHaveLength(1);
    return found[0];
  };

  test('exactly the statements of SecureFunction and of the erasure, nothing else', () => {
    expect(statements.map((st) => st.Sid)).toEqual([
      'WriteOwnLogs',
      'ActiveTracing',
      'DeadLetterQueue',
      'DeadLetterQueueKey',
      'InventoryDatabases',
      'InventorySecrets',
      'FindKeyEventsInCloudTrail',
      'ListBuckets',
      'InventoryBucketEncryption',
      'IdentifyProtectedKeys',
      'InventoryRecoveryPoints',
      'SignCertificates',
      'WriteCertificates',
      'EncryptCertificates',
    ]);
    expect(statements.every((st) => st.Effect === 'Allow')).toBe(true);
  });

  test('no IAM statement in the stack can disable a key or schedule its deletion: the key policies grant that', () => {
    const text = JSON.stringify(s.resources);
    expect(text).not.toMatch(/kms:DisableKey|kms:ScheduleKeyDeletion|kms:\*|"kms:Disable\*|"kms:Schedule\*/);
  });

  test('no KMS action on "*": every KMS statement names its keys', () => {
    const onStar = statements.filter((st) => [st.Resource].flat().includes('*'));
    expect(onStar.flatMap((st) => [st.Action].flat()).filter((a: string) => a.startsWith('kms:'))).toEqual([]);
    const kmsActions = statements.flatMap((st) => [st.Action].flat()).filter((a: string) => a.startsWith('kms:'));
    // The dead-letter queue's key (SecureFunction), the audit aliases' metadata, signing, evidence encryption.
    expect([...new Set(kmsActions)].sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey', 'kms:Sign']);
  });

  test('may describe only the keys that carry an audit alias of the deployment, in its two regions', () => {
    expect(bySid('IdentifyProtectedKeys')).toEqual({
      Sid: 'IdentifyProtectedKeys',
      Effect: 'Allow',
      Action: 'kms:DescribeKey',
      Resource: ['arn:aws:kms:us-east-1:111122223333:key/*', 'arn:aws:kms:us-west-2:111122223333:key/*'],
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/crm-demo/audit', 'alias/crm-demo/audit-dr'] } },
    });
  });

  test('inventory on "*" is read-only and limited to the two regions of the deployment (S3: to this account)', () => {
    const onStar = statements.filter((st) => [st.Resource].flat().includes('*'));
    const actions = onStar.flatMap((st) => [st.Action].flat()).sort();
    expect(actions).toEqual([
      'cloudtrail:LookupEvents',
      'rds:DescribeDBClusterAutomatedBackups',
      'rds:DescribeDBClusterSnapshots',
      'rds:DescribeDBClusters',
      'rds:DescribeDBInstanceAutomatedBackups',
      'rds:DescribeDBInstances',
      'rds:DescribeDBSnapshots',
      's3:GetBucketObjectLockConfiguration',
      's3:GetEncryptionConfiguration',
      's3:ListAllMyBuckets',
      'secretsmanager:ListSecrets',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    for (const sid of ['InventoryDatabases', 'InventorySecrets', 'FindKeyEventsInCloudTrail']) {
      expect(bySid(sid).Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } });
    }
    expect(bySid('InventoryBucketEncryption').Condition).toEqual({ StringEquals: { 's3:ResourceAccount': '111122223333' } });
  });

  test('recovery points only of the two vaults, by ARN', () => {
    expect(bySid('InventoryRecoveryPoints')).toMatchObject({
      Action: ['backup:DescribeBackupVault', 'backup:ListRecoveryPointsByBackupVault'],
      Resource: [VAULT_ARN, DR_VAULT_ARN],
    });
  });

  test('signs only with the signing key, and only ECDSA_SHA_256', () => {
    const signing = statements.filter((st) => [st.Action].flat().includes('kms:Sign'));
    expect(signing).toEqual([
      {
        Sid: 'SignCertificates',
        Effect: 'Allow',
        Action: 'kms:Sign',
        Resource: s.rendered(s.signing.key.keyArn),
        Condition: { StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256' } },
      },
    ]);
  });

  test('writes only certificates, under certificates-of-destruction/ of the evidence bucket, with the evidence key through S3', () => {
    const writes = statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('s3:Put')));
    expect(writes).toEqual([
      {
        Sid: 'WriteCertificates',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: s.rendered(s.evidence.arnForObjects('certificates-of-destruction/*')),
      },
    ]);
    expect(bySid('EncryptCertificates')).toEqual({
      Sid: 'EncryptCertificates',
      Effect: 'Allow',
      Action: 'kms:GenerateDataKey',
      Resource: s.rendered(s.auditKey.keyArn),
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
  });
});

describe('CryptoErasure state machine', () => {
  const s = setup();
  const definition = definitionOf(s);
  const state = (name: string) => {
    expect(definition.States[name]).toBeDefined();
    return definition.States[name];
  };
  const phaseOf = (name: string) => state(name).Parameters.Payload.phase;

  test('runs the phases in order: execute, verify, certify, wait for the window, finalize, certify', () => {
    expect(successPath(definition)).toEqual([
      'Check input',
      'Execute',
      'Execute completed?',
      'Verify',
      'Verify completed?',
      'Certify',
      'Certify completed?',
      'Wait for the pending window',
      'Finalize',
      'Finalize completed?',
      'Certify final',
      'Certify final completed?',
      'Erased',
    ]);
    expect(['Execute', 'Verify', 'Certify', 'Finalize', 'Certify final'].map(phaseOf)).toEqual([
      'execute',
      'verify',
      'certify',
      'finalize',
      'certify',
    ]);
    expect(state('Erased').Type).toBe('Succeed');
  });

  test('waits the pending window plus one day before finalize', () => {
    expect(state('Wait for the pending window')).toEqual({ Type: 'Wait', Seconds: 31 * 86400, Next: 'Finalize' });
    const short = definitionOf(setup({ pendingWindowDays: 7 }));
    expect(short.States['Wait for the pending window'].Seconds).toBe(8 * 86400);
  });

  test('every phase invokes the erasure function with the confirmed digest, the requester, the run ID and the previous result', () => {
    const tasks = [
      'Execute',
      'Verify',
      'Verify (last attempt)',
      'Certify',
      'Finalize',
      'Finalize (last attempt)',
      'Certify final',
    ];
    expect(Object.values(definition.States).filter((st) => st.Resource?.endsWith(':lambda:invoke'))).toHaveLength(tasks.length);
    for (const name of tasks) {
      const task = state(name);
      expect(task.Resource).toBe('arn:<AWS::Partition>:states:::lambda:invoke');
      expect(task.Parameters.FunctionName).toBe(`<${s.id(s.erasure.handler.function)}.Arn>`);
      expect(task.Parameters.Payload).toMatchObject({
        'confirmDigest.$': '$.confirmDigest',
        'requestedBy.$': '$.requestedBy',
        'runId.$': '$.runId',
      });
      // The state keeps only the latest result: the one before this phase is `previous`.
      expect(task.Parameters.Payload['previous.$']).toBe(name === 'Execute' ? undefined : '$.result.Payload');
      expect(task).toMatchObject({ ResultSelector: { 'Payload.$': '$.Payload' }, ResultPath: '$.result' });
      expect(task.Retry).toContainEqual(LAMBDA_SERVICE_RETRY);
    }
  });

  test('continues only when a phase reports completed: true', () => {
    for (const choice of [
      'Execute completed?',
      'Verify completed?',
      'Certify completed?',
      'Finalize completed?',
      'Certify final completed?',
    ]) {
      const c = state(choice);
      expect(c.Choices).toHaveLength(1);
      expect(c.Choices[0].And).toContainEqual({ Variable: '$.result.Payload.completed', BooleanEquals: true });
      expect(c.Default).toMatch(/incomplete$/);
    }
    expect(state('Verify (last attempt)').Next).toBe('Verify completed?');
    expect(state('Finalize (last attempt)').Next).toBe('Finalize completed?');
  });

  test.each([
    ['Verify', 'verify'],
    ['Finalize', 'finalize'],
  ])(
    '%s retries every 2 minutes for 30 minutes while CloudTrail has not shown the events, then tries once more with lastAttempt: true',
    (name, phase) => {
      const task = state(name);
      expect(task.Retry).toContainEqual({
        ErrorEquals: ['CloudTrailEventsNotYetVisible'],
        IntervalSeconds: 120,
        MaxAttempts: 15,
        BackoffRate: 1,
      });
      expect(task.Catch[0]).toEqual({
        ErrorEquals: ['CloudTrailEventsNotYetVisible'],
        ResultPath: '$.error',
        Next: `${name} (last attempt)`,
      });
      const last = state(`${name} (last attempt)`);
      expect(last.Parameters.Payload).toMatchObject({ phase, lastAttempt: true });
      expect(task.Parameters.Payload.lastAttempt).toBeUndefined();
      expect(last.Retry).toEqual([LAMBDA_SERVICE_RETRY]);
      expect(last.Next).toBe(`${name} completed?`);
    },
  );

  test('finalize retries hourly for 2 days while the keys are not deleted yet', () => {
    expect(state('Finalize').Retry).toContainEqual({
      ErrorEquals: ['KeysNotYetDeleted'],
      IntervalSeconds: 3600,
      MaxAttempts: 48,
      BackoffRate: 1,
    });
  });

  test('only the last certify writes the final certificate (final: true)', () => {
    expect(state('Certify final').Parameters.Payload).toMatchObject({ phase: 'certify', final: true });
    expect(state('Certify').Parameters.Payload.final).toBeUndefined();
  });

  test('any failure, incomplete phase or invalid input notifies the security topic and ends in a Fail state with the state as cause', () => {
    const notify = 'Notify the security contact';
    const stops = Object.entries(definition.States).filter(([n]) => / (failed|incomplete)$|^Input invalid$/.test(n));
    // Five phases can fail or be incomplete (and the last attempts of verify and finalize fail), and the input can be invalid.
    expect(stops.map(([n]) => n).sort()).toEqual(
      [
        'Certify failed',
        'Certify final failed',
        'Certify final incomplete',
        'Certify incomplete',
        'Execute failed',
        'Execute incomplete',
        'Finalize (last attempt) failed',
        'Finalize failed',
        'Finalize incomplete',
        'Input invalid',
        'Verify (last attempt) failed',
        'Verify failed',
        'Verify incomplete',
      ].sort(),
    );
    for (const [, st] of stops) expect(st).toMatchObject({ Type: 'Pass', ResultPath: '$.failure', Next: notify });
    const tasks = [
      'Execute',
      'Verify',
      'Verify (last attempt)',
      'Certify',
      'Finalize',
      'Finalize (last attempt)',
      'Certify final',
    ];
    expect(Object.values(definition.States).filter((st) => st.Resource?.endsWith(':lambda:invoke'))).toHaveLength(tasks.length);
    for (const name of tasks) {
      expect(state(name).Catch.at(-1)).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: `${name} failed` });
    }
    expect(state(notify)).toMatchObject({
      Type: 'Task',
      Resource: 'arn:<AWS::Partition>:states:::sns:publish',
      Parameters: { TopicArn: expect.stringMatching(/^<export:.*Topic/) },
      Next: 'Erasure stopped',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Erasure stopped' }],
    });
    expect(state(notify).Parameters['Message.$']).toContain('States.JsonToString($)');
    expect(state('Erasure stopped')).toEqual({
      Type: 'Fail',
      Error: 'CryptoErasureFailed',
      CausePath: 'States.JsonToString($.failure)',
    });
    // An error keeps its name and cause; an incomplete phase its key-by-key result (not the carried plan).
    expect(state('Verify failed').Parameters).toEqual({ phase: 'Verify', 'error.$': '$.error' });
    expect(state('Certify incomplete').Parameters).toEqual({
      phase: 'Certify',
      result: {
        'phase.$': '$.result.Payload.phase',
        'runId.$': '$.result.Payload.runId',
        'digest.$': '$.result.Payload.digest',
        'completed.$': '$.result.Payload.completed',
        'keys.$': '$.result.Payload.keys',
      },
    });
  });

  test('refuses input without the digest, the requester or the run ID', () => {
    const check = state('Check input');
    const text = JSON.stringify(check.Choices[0]);
    for (const field of ['$.confirmDigest', '$.requestedBy', '$.runId']) {
      expect(text).toContain(`{"Variable":"${field}","IsPresent":true}`);
      expect(text).toContain(`{"Variable":"${field}","IsString":true}`);
    }
    expect(check.Default).toBe('Input invalid');
  });

  test('is a standard workflow named crm-demo-crypto-erasure, traced, with a timeout past the window', () => {
    const sm = s.resources[s.id(s.erasure.stateMachine)];
    expect(sm.Properties).toMatchObject({
      StateMachineName: 'crm-demo-crypto-erasure',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
    });
    expect(JSON.parse(JSON.stringify(definition)).TimeoutSeconds).toBe(35 * 86400);
    // Its policy first; the role is ordered by the RoleArn GetAtt alone (no redundant DependsOn, cfn-lint W3005).
    expect(sm.DependsOn).toEqual([s.id(s.erasure.stateMachinePolicy)]);
    expect(sm.Properties.RoleArn).toEqual({ 'Fn::GetAtt': [s.id(s.erasure.stateMachineRole), 'Arn'] });
  });

  test('logs ALL events without execution data into a 6-year, audit-key log group that is retained', () => {
    const sm = s.resources[s.id(s.erasure.stateMachine)];
    expect(sm.Properties.LoggingConfiguration).toEqual({
      Level: 'ALL',
      IncludeExecutionData: false,
      Destinations: [
        { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [s.id(s.erasure.stateMachineLogGroup), 'Arn'] } } },
      ],
    });
    expect(s.resources[s.id(s.erasure.stateMachineLogGroup)]).toMatchObject({
      DeletionPolicy: 'RetainExceptOnCreate',
      Properties: {
        LogGroupName: '/aws/vendedlogs/states/crm-demo-crypto-erasure',
        RetentionInDays: 2192,
        KmsKeyId: s.rendered(s.auditKey.keyArn),
      },
    });
  });

  test('its role is assumable by Step Functions for this state machine only', () => {
    expect(s.resources[s.id(s.erasure.stateMachineRole)].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'states.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111122223333' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:states:us-east-1:111122223333:stateMachine:crm-demo-crypto-erasure' },
        },
      },
    ]);
  });

  test('its role may invoke only the erasure function and publish only to the security topic', () => {
    const statements = s.statementsOf(s.erasure.stateMachinePolicy);
    expect(statements.map((st) => st.Sid)).toEqual([
      'InvokeErasureFunction',
      'NotifySecurityContact',
      'EncryptNotification',
      'DeliverLogs',
      'ActiveTracing',
    ]);
    const named = statements.filter((st) => st.Resource !== '*');
    expect(named).toEqual([
      {
        Sid: 'InvokeErasureFunction',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [s.id(s.erasure.handler.function), 'Arn'] },
      },
      { Sid: 'NotifySecurityContact', Effect: 'Allow', Action: 'sns:Publish', Resource: s.rendered(s.topic.topicArn) },
      {
        Sid: 'EncryptNotification',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: s.rendered(s.auditKey.keyArn),
        Condition: { StringEquals: { 'kms:ViaService': 'sns.us-east-1.amazonaws.com' } },
      },
    ]);
    const onStar = statements.filter((st) => st.Resource === '*').flatMap((st) => [st.Action].flat());
    expect(onStar.every((a: string) => a.startsWith('logs:') || a.startsWith('xray:'))).toBe(true);
    // Immutable role: nothing but the managed policy (CDK's automatic grants would land in an inline policy).
    expect(Object.values(s.resources).filter((r) => r.Type === 'AWS::IAM::Policy')).toEqual([]);
  });
});

describe('CryptoErasure alarms', () => {
  test('a failed, timed-out or aborted execution notifies the security topic', () => {
    const s = setup();
    const alarms = Object.values(s.resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.map((a) => a.Properties.MetricName).sort()).toEqual([
      'ExecutionsAborted',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
    ]);
    for (const a of alarms) {
      expect(a.Properties).toMatchObject({
        Namespace: 'AWS/States',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: s.id(s.erasure.stateMachine) } }],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        TreatMissingData: 'notBreaching',
        AlarmActions: [s.rendered(s.topic.topicArn)],
      });
    }
  });
});

describe('CryptoErasure with external keys (accounts apart)', () => {
  const BACKUP = '777788889999';
  const externalKeys = airGappedErasureKeys('crm-demo', { account: BACKUP, regions: ['us-east-2', 'us-west-2'] }, 'aws');
  const ROLE = `arn:aws:iam::${BACKUP}:role/crm-demo-lag-key-erasure`;
  const s = setup({ externalKeys });
  const statements = s.statementsOf(s.erasure.handler.policy);

  test('may assume exactly the backup account erasure role, nothing else of STS', () => {
    expect(statements.filter((st) => JSON.stringify(st.Action).includes('sts:'))).toEqual([
      { Sid: 'AssumeExternalKeyErasureRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE },
    ]);
    expect(statements.map((st) => st.Sid)).toEqual(
      [
        ...setup()
          .statementsOf(setup().erasure.handler.policy)
          .map((st) => st.Sid),
      ].flatMap((sid) => (sid === 'EncryptCertificates' ? [sid, 'AssumeExternalKeyErasureRoles'] : [sid])),
    );
  });

  test('tells the function the external keys, one per backup region', () => {
    const variables = s.resources[s.id(s.erasure.handler.function)].Properties.Environment.Variables;
    expect(JSON.parse(variables[ERASURE_EXTERNAL_KEYS_ENV])).toEqual([
      { account: BACKUP, region: 'us-east-2', alias: 'alias/crm-demo/backup-lag', dataClass: 'backup-lag', roleArn: ROLE },
      { account: BACKUP, region: 'us-west-2', alias: 'alias/crm-demo/backup-lag', dataClass: 'backup-lag', roleArn: ROLE },
    ]);
  });

  test('without external keys: no STS permission and no EXTERNAL_KEYS variable', () => {
    const plain = setup();
    expect(JSON.stringify(plain.statementsOf(plain.erasure.handler.policy))).not.toMatch(/sts:/);
    expect(plain.resources[plain.id(plain.erasure.handler.function)].Properties.Environment.Variables).not.toHaveProperty(
      ERASURE_EXTERNAL_KEYS_ENV,
    );
  });

  test('refuses an "external" key of its own account', () => {
    expect(() =>
      setup({ externalKeys: airGappedErasureKeys('crm-demo', { account: '111122223333', regions: ['us-east-2'] }, 'aws') }),
    ).toThrow(/is in this account \(111122223333\): not an external key/);
  });
});

describe('CryptoErasure props', () => {
  test('refuses a pending window KMS would refuse', () => {
    expect(() => setup({ pendingWindowDays: 6 })).toThrow(/pendingWindowDays must be a whole number of days from 7 to 30/);
    expect(() => setup({ pendingWindowDays: 31 })).toThrow(/pendingWindowDays/);
  });

  test('refuses logs kept under six years', () => {
    expect(() => setup({ logRetentionDays: 365 })).toThrow(/below 6 years/);
  });
});

/**
 * Checked where the construct ships: in the Operations stack of each shipped config's whole app, which
 * the test run synthesizes once with every rule pack (test/helpers/shipped-assembly.ts).
 */
describe.each(SHIPPED_CONFIGS)('CryptoErasure compliance in %s', (file) => {
  const { dir, config } = shippedAssembly(file);
  const report = readValidationReport(dir);
  const account = config.account ?? '<AWS::AccountId>';
  const ours = (f: { constructPath: string }) => f.constructPath.startsWith(`${STACK_IDS.operations}/CryptoErasure/`);

  test('zero open findings on the construct, from every rule pack', () => {
    expect(failedPlugins(report)).toEqual([]);
    expect(openFindings(report).filter(ours)).toEqual([]);
  });

  test('acknowledged: only the outside-VPC placement, the documented "*" actions and the certificate prefix', () => {
    const acked = acknowledgedFindings(report)
      .filter(ours)
      .map((f) => `${f.rule} @ ${f.constructPath.slice(`${STACK_IDS.operations}/CryptoErasure/`.length)}`)
      .map((f) =>
        f.replace(
          /\[Resource::[^\]]*ExportsOutput[^\]]*Evidence[^\]]*\/certificates-of-destruction\/\*\]/,
          '[Resource::<evidence>/certificates-of-destruction/*]',
        ),
      )
      .sort();
    expect(acked).toEqual(
      [
        'AwsSolutions-IAM5[Resource::*] @ Handler/Policy/Resource',
        'AwsSolutions-IAM5[Resource::*] @ StateMachinePolicy/Resource',
        'AwsSolutions-IAM5[Resource::<evidence>/certificates-of-destruction/*] @ Handler/Policy/Resource',
        `AwsSolutions-IAM5[Resource::arn:aws:kms:${config.regions.primary}:${account}:key/*] @ Handler/Policy/Resource`,
        `AwsSolutions-IAM5[Resource::arn:aws:kms:${config.regions.dr}:${account}:key/*] @ Handler/Policy/Resource`,
        'HIPAA.Security-LambdaInsideVPC @ Handler/Function/Resource',
        'NIST.800.53.R5-LambdaInsideVPC @ Handler/Function/Resource',
        'lambda_inside_vpc_check @ Handler/Function/Resource',
      ].sort(),
    );
  });
});
