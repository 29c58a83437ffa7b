/**
 * A deployed demo deployment as AWS would answer teardown: the erasure function's plan, the state
 * machine's executions and history, the App stack. Clients are mocked with aws-sdk-client-mock; tests
 * change single answers on top.
 */
import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { GetFunctionUrlConfigCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { ERASURE_FORMAT_VERSION, type ErasurePhaseResult, type ErasurePlan } from '../../../lambda/shared/key-lifecycle-contract';
import type { TeardownClients, TeardownDeps } from '../../../scripts/teardown/run';
import type { LoadBalancerProtection } from '../../../scripts/teardown/stacks';
import { demoConfig, fakeClock, lambdaPayload } from '../drill/fixtures';

export { demoConfig, fakeClock, lambdaPayload };

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const DR_REGION = 'us-west-2';
export const CALLER_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/TeardownOperator/carol`;
export const NOW = new Date('2026-03-01T12:00:00Z');
export const RUN_ID = 'teardown-20260301120000';
export const DIGEST = createHash('sha256').update('crm-demo erasure plan').digest('hex');
export const OTHER_DIGEST = createHash('sha256').update('another plan').digest('hex');

export const PHI_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
export const BACKUP_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/22222222-2222-2222-2222-222222222222`;
export const PHI_DR_KEY = `arn:aws:kms:${DR_REGION}:${ACCOUNT}:key/33333333-3333-3333-3333-333333333333`;
export const BACKUP_DR_KEY = `arn:aws:kms:${DR_REGION}:${ACCOUNT}:key/44444444-4444-4444-4444-444444444444`;
export const ALL_KEYS = [PHI_KEY, BACKUP_KEY, PHI_DR_KEY, BACKUP_DR_KEY];

export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:crm-demo-crypto-erasure`;
export const EXECUTION_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:execution:crm-demo-crypto-erasure:${RUN_ID}`;
export const APP_STACK = 'crm-demo-app';
export const APP_STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/crm-demo-app/0a1b2c3d-0000-1111-2222-333344445555`;
export const LOAD_BALANCER_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/crm-de-LoadB-ABC123/0123456789abcdef`;
export const PHI_BUCKET = `crm-demo-data-phidocumentsbucket-${ACCOUNT}-abc123`;
export const EVIDENCE_BUCKET = `crm-demo-audit-evidence-${ACCOUNT}`;
export const SIGNING_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/55555555-5555-5555-5555-555555555555`;

export function erasurePlan(overrides: Partial<ErasurePlan> = {}): ErasurePlan {
  return {
    formatVersion: ERASURE_FORMAT_VERSION,
    deployment: 'crm-demo',
    account: ACCOUNT,
    createdAt: NOW.toISOString(),
    keys: [
      {
        keyArn: PHI_KEY,
        alias: 'alias/crm-demo/phi',
        account: ACCOUNT,
        region: REGION,
        dataClass: 'phi',
        protects: [
          { kind: 'rds-db-instance', arn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:crm-demo-crm` },
          { kind: 'rds-snapshot', count: 12 },
          { kind: 's3-bucket', arn: `arn:aws:s3:::${PHI_BUCKET}` },
        ],
        canaryCiphertext: 'AQICAHh...',
      },
      {
        keyArn: BACKUP_KEY,
        alias: 'alias/crm-demo/backup',
        account: ACCOUNT,
        region: REGION,
        dataClass: 'backup',
        protects: [{ kind: 'recovery-point', count: 40 }],
      },
      {
        keyArn: PHI_DR_KEY,
        alias: 'alias/crm-demo/phi-dr',
        account: ACCOUNT,
        region: DR_REGION,
        dataClass: 'phi-dr',
        protects: [],
      },
      {
        keyArn: BACKUP_DR_KEY,
        alias: 'alias/crm-demo/backup-dr',
        account: ACCOUNT,
        region: DR_REGION,
        dataClass: 'backup-dr',
        protects: [{ kind: 'recovery-point', count: 38 }],
      },
    ],
    remains: [
      { what: 'audit trail, evidence and certificates (audit key, Object Lock COMPLIANCE)', until: '2032-03-01' },
      { what: `PHI bucket ${PHI_BUCKET}: unreadable ciphertext under Object Lock`, until: '2026-03-31' },
    ],
    digest: DIGEST,
    ...overrides,
  };
}

export function phaseResult(
  phase: ErasurePhaseResult['phase'],
  overrides: Partial<ErasurePhaseResult> = {},
  done: readonly string[] = ALL_KEYS,
): ErasurePhaseResult {
  return {
    phase,
    runId: RUN_ID,
    digest: DIGEST,
    completed: ALL_KEYS.every((k) => done.includes(k)),
    keys: ALL_KEYS.map((keyArn) => ({
      keyArn,
      done: done.includes(keyArn),
      state: done.includes(keyArn) ? 'PendingDeletion' : 'Enabled',
      detail: done.includes(keyArn) ? `${phase} done` : `${phase}: AccessDeniedException on ScheduleKeyDeletion`,
    })),
    ...overrides,
  };
}

export const CERTIFICATE = {
  bucket: EVIDENCE_BUCKET,
  key: `certificates/crm-demo/${RUN_ID}.json`,
  sha256: createHash('sha256').update('certificate').digest('hex'),
  signatureKey: `certificates/crm-demo/${RUN_ID}.json.sig`,
  signingKeyArn: SIGNING_KEY,
};

const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

export function entered(id: number, name: string, minutes: number, type = 'TaskStateEntered'): HistoryEvent {
  return { id, type: type as HistoryEvent['type'], timestamp: at(minutes), stateEnteredEventDetails: { name } };
}

/** The optimized Lambda integration's output: the function's answer under `Payload`. */
export function succeeded(id: number, result: ErasurePhaseResult, minutes: number): HistoryEvent {
  return {
    id,
    type: 'TaskSucceeded',
    timestamp: at(minutes),
    taskSucceededEventDetails: {
      resourceType: 'lambda',
      resource: 'invoke',
      output: JSON.stringify({ ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 }),
    },
  };
}

/** execute, verify (first incomplete while CloudTrail lags, then complete), certify. */
export function historyToCertify(): HistoryEvent[] {
  return [
    { id: 1, type: 'ExecutionStarted', timestamp: at(0) },
    entered(2, 'Execute', 0),
    succeeded(3, phaseResult('execute'), 1),
    entered(4, 'Verify', 1),
    succeeded(5, phaseResult('verify', {}, [PHI_KEY, BACKUP_KEY]), 2),
    entered(6, 'WaitForCloudTrail', 2, 'WaitStateEntered'),
    entered(7, 'Verify', 7),
    succeeded(8, phaseResult('verify'), 8),
    entered(9, 'Certify', 8),
    succeeded(10, phaseResult('certify', { certificate: CERTIFICATE }), 9),
    entered(11, 'WaitForKeyDeletion', 9, 'WaitStateEntered'),
  ];
}

export function appStack(overrides: Partial<Stack> = {}): Stack {
  return {
    StackName: APP_STACK,
    StackId: APP_STACK_ID,
    StackStatus: 'UPDATE_COMPLETE',
    CreationTime: new Date('2025-01-01T00:00:00Z'),
    EnableTerminationProtection: false,
    Tags: [
      { Key: 'hipaa-crm:deployment', Value: 'crm-demo' },
      { Key: 'hipaa-crm:stateful', Value: 'false' },
      { Key: 'hipaa-crm:holds-phi', Value: 'false' },
    ],
    ...overrides,
  };
}

export type Mocks = ReturnType<typeof mockDeployment>;

/** Mocks a healthy deployment: a plan, no running execution, a run that reaches certify, a deletable App stack. */
export function mockDeployment() {
  const lambda = mockClient(LambdaClient);
  const cfn = mockClient(CloudFormationClient);
  const sfn = mockClient(SFNClient);

  lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: lambdaPayload(erasurePlan()) as never });
  // No two-person rule (no request function) unless a test says so.
  lambda
    .on(GetFunctionUrlConfigCommand)
    .rejects(Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' }));

  cfn
    .on(DescribeStackResourceCommand)
    .resolves({
      StackResourceDetail: {
        LogicalResourceId: 'PhiDocumentsBucket',
        PhysicalResourceId: PHI_BUCKET,
        ResourceType: 'AWS::S3::Bucket',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: NOW,
      },
    })
    .on(DescribeStacksCommand, { StackName: APP_STACK })
    .resolves({ Stacks: [appStack()] })
    .on(DescribeStacksCommand, { StackName: APP_STACK_ID })
    .resolvesOnce({ Stacks: [appStack({ StackStatus: 'DELETE_IN_PROGRESS' })] })
    .resolves({ Stacks: [appStack({ StackStatus: 'DELETE_COMPLETE' })] })
    .on(ListStackResourcesCommand)
    .resolves({
      StackResourceSummaries: [
        {
          LogicalResourceId: 'LoadBalancer',
          PhysicalResourceId: LOAD_BALANCER_ARN,
          ResourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: NOW,
        },
      ],
    })
    .on(DeleteStackCommand)
    .resolves({})
    .on(DescribeStackEventsCommand)
    .resolves({
      StackEvents: [
        {
          StackId: APP_STACK_ID,
          EventId: 'e2',
          StackName: APP_STACK,
          LogicalResourceId: 'ServiceLogGroup',
          PhysicalResourceId: '/crm-demo/crm',
          ResourceType: 'AWS::Logs::LogGroup',
          ResourceStatus: 'DELETE_SKIPPED',
          Timestamp: at(20),
        },
        {
          StackId: APP_STACK_ID,
          EventId: 'e1',
          StackName: APP_STACK,
          LogicalResourceId: 'Old',
          ResourceType: 'AWS::Logs::LogGroup',
          ResourceStatus: 'DELETE_SKIPPED',
          Timestamp: new Date('2025-01-01T00:00:00Z'),
        },
      ],
    });

  const history = historyToCertify();
  sfn
    .on(ListExecutionsCommand)
    .resolves({ executions: [] })
    .on(StartExecutionCommand)
    .resolves({ executionArn: EXECUTION_ARN, startDate: NOW })
    .on(DescribeExecutionCommand)
    .resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      status: 'RUNNING',
      startDate: NOW,
      input: JSON.stringify({ confirmDigest: DIGEST, requestedBy: CALLER_ARN, runId: RUN_ID }),
    })
    .on(GetExecutionHistoryCommand)
    .resolvesOnce({ events: history.slice(0, 3) })
    .resolvesOnce({ events: history.slice(0, 6) })
    .resolves({ events: history });

  return { lambda, cfn, sfn, restore: () => [lambda, cfn, sfn].forEach((m) => m.restore()) };
}

export function realClients(): TeardownClients {
  return {
    lambda: new LambdaClient({ region: REGION }),
    cloudformation: new CloudFormationClient({ region: REGION }),
    sfn: new SFNClient({ region: REGION }),
  };
}

/** A LoadBalancerProtection that records its calls. */
export function fakeLoadBalancers(isProtected = true): LoadBalancerProtection & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    isDeletionProtected: async (arn) => {
      calls.push(`describe ${arn}`);
      return isProtected;
    },
    disableDeletionProtection: async (arn) => {
      calls.push(`disable ${arn}`);
    },
  };
}

/** Deps for runTeardown with captured output. */
export function teardownDeps(
  overrides: Partial<TeardownDeps> = {},
): TeardownDeps & { stdout: () => string; stderr: () => string; loadBalancers: ReturnType<typeof fakeLoadBalancers> } {
  const out: string[] = [];
  const err: string[] = [];
  const loadBalancers = fakeLoadBalancers();
  return {
    createClients: () => realClients(),
    callerIdentity: async () => ({ account: ACCOUNT, arn: CALLER_ARN }),
    loadBalancerProtection: async () => loadBalancers,
    loadConfig: () => demoConfig(),
    clock: fakeClock(NOW),
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    pollSeconds: 30,
    ...overrides,
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n'),
    loadBalancers,
  };
}
