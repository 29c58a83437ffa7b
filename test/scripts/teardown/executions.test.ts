import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  erasureStateMachineArn,
  findPhaseResult,
  followExecution,
  readHistory,
  startErasureRun,
  teardownRunId,
} from '../../../scripts/teardown/executions';
import {
  CALLER_ARN,
  CERTIFICATE,
  DIGEST,
  entered,
  EXECUTION_ARN,
  fakeClock,
  mockDeployment,
  NOW,
  OTHER_DIGEST,
  phaseResult,
  REGION,
  RUN_ID,
  STATE_MACHINE_ARN,
  succeeded,
  type Mocks,
} from './fixtures';

let mocks: Mocks;
beforeEach(() => {
  mocks = mockDeployment();
});
afterEach(() => mocks.restore());

const sfn = () => new SFNClient({ region: REGION });

test('the run ID is teardown-<yyyymmddhhmmss> in UTC, and the state machine ARN names the deployment state machine', () => {
  expect(teardownRunId(new Date('2026-03-01T12:34:56.789Z'))).toBe('teardown-20260301123456');
  expect(erasureStateMachineArn('crm-demo', REGION, '111122223333', 'aws')).toBe(STATE_MACHINE_ARN);
  expect(erasureStateMachineArn('crm-demo', 'us-gov-west-1', '111122223333', 'aws-us-gov')).toMatch(
    /^arn:aws-us-gov:states:us-gov-west-1:/,
  );
});

test('startErasureRun names the execution after the run ID (a retried start cannot run twice)', async () => {
  await expect(
    startErasureRun(sfn(), STATE_MACHINE_ARN, { confirmDigest: DIGEST, requestedBy: CALLER_ARN, runId: RUN_ID }),
  ).resolves.toBe(EXECUTION_ARN);
  expect(mocks.sfn.commandCalls(StartExecutionCommand)[0].args[0].input).toMatchObject({ name: RUN_ID });
});

describe('findPhaseResult', () => {
  const result = phaseResult('verify');
  test.each([
    ['the bare function output', result],
    ['the Lambda integration output', { Payload: result, StatusCode: 200 }],
    ['a state that keeps its input and puts the result under a key', { confirmDigest: DIGEST, previous: result }],
    ['the integration output under a key', { confirmDigest: DIGEST, verify: { Payload: result } }],
  ])('reads %s', (_what, output) => {
    expect(findPhaseResult(JSON.stringify(output))).toEqual(result);
  });

  test.each([
    ['not JSON', 'nope'],
    ['an unknown phase', JSON.stringify({ ...result, phase: 'shred' })],
    ['a key without done', JSON.stringify({ ...result, keys: [{ keyArn: 'k', detail: 'd' }] })],
    ['a certificate without a SHA-256', JSON.stringify({ ...result, certificate: { ...CERTIFICATE, sha256: 'abc' } })],
  ])('ignores %s', (_what, output) => {
    expect(findPhaseResult(output)).toBeUndefined();
  });
});

describe('readHistory', () => {
  test('ignores results of another run or digest, and prints only events after the last one seen', () => {
    const events = [
      entered(1, 'Execute', 0),
      succeeded(2, phaseResult('execute', { runId: 'teardown-20250101000000' }), 1),
      succeeded(3, phaseResult('execute', { digest: OTHER_DIGEST }), 1),
      succeeded(4, phaseResult('execute'), 2),
    ];
    const read = readHistory(events, { runId: RUN_ID, digest: DIGEST }, 2);
    expect(read.results.execute).toEqual(phaseResult('execute'));
    expect(read.lines).toEqual([
      expect.stringMatching(/^execute: ignored a result for run teardown-20260301120000 \/ digest /),
      'execute: done, 4 of 4 key(s) disabled and scheduled for deletion',
    ]);
    expect(read.executeCompletedAt).toEqual(new Date(NOW.getTime() + 2 * 60_000));
    expect(read.lastEventId).toBe(4);
  });

  test('a failed task is shown with its error (the machine may retry it)', () => {
    const read = readHistory(
      [
        {
          id: 5,
          type: 'TaskFailed',
          timestamp: NOW,
          taskFailedEventDetails: {
            resourceType: 'lambda',
            resource: 'invoke',
            error: 'Lambda.TooManyRequestsException',
            cause: 'Rate\n exceeded',
          },
        },
      ],
      { runId: RUN_ID, digest: DIGEST },
      0,
    );
    expect(read.lines).toEqual([
      'a task failed: Lambda.TooManyRequestsException: Rate exceeded (the state machine may retry it)',
    ]);
  });
});

describe('followExecution', () => {
  const follow = (overrides: Partial<Parameters<typeof followExecution>[2]> = {}) => {
    const lines: string[] = [];
    const clock = fakeClock(NOW);
    return {
      lines,
      clock,
      outcome: followExecution(sfn(), EXECUTION_ARN, {
        runId: RUN_ID,
        digest: DIGEST,
        clock,
        log: (l) => lines.push(l),
        ...overrides,
      }),
    };
  };

  test('polls until certify succeeded, then stops (the machine waits out the window on its own)', async () => {
    const { outcome, clock } = follow();
    const result = await outcome;
    expect(result.end).toBe('CERTIFIED');
    expect(result.certified?.certificate).toEqual(CERTIFICATE);
    expect(clock.sleeps).toEqual([30_000, 30_000]);
  });

  test('a run that ended SUCCEEDED (followed after the window) ends with the final certificate', async () => {
    const final = phaseResult('finalize', { certificate: { ...CERTIFICATE, key: 'certificates/final.json' } });
    mocks.sfn.on(GetExecutionHistoryCommand).resolves({ events: [succeeded(20, final, 0)] });
    mocks.sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      status: 'SUCCEEDED',
      startDate: NOW,
    });
    const result = await follow().outcome;
    expect(result.end).toBe('FINISHED');
    expect(result.certified?.certificate?.key).toBe('certificates/final.json');
  });

  test('SUCCEEDED without any certificate is not taken for success', async () => {
    mocks.sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    mocks.sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      status: 'SUCCEEDED',
      startDate: NOW,
      output: '{}',
    });
    const result = await follow().outcome;
    expect(result.end).toBe('LOST');
    expect(result.detail).toMatch(/no certificate was found/);
  });

  test('five failed reads in a row: stops following (the run goes on)', async () => {
    mocks.sfn.on(DescribeExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const { outcome, lines } = follow();
    const result = await outcome;
    expect(result.end).toBe('LOST');
    expect(lines.filter((l) => l.includes('could not read the execution (ThrottlingException: Rate exceeded)'))).toHaveLength(5);
  });

  test('gives up following after the timeout, with a heartbeat line meanwhile', async () => {
    mocks.sfn.on(GetExecutionHistoryCommand).resolves({ events: [entered(2, 'Execute', 0)] });
    const { outcome, lines } = follow({ timeoutMinutes: 12, pollSeconds: 60 });
    const result = await outcome;
    expect(result.end).toBe('LOST');
    expect(result.detail).toBe('certify had not succeeded after 12 min');
    expect(lines).toContain('  [0h05m00s] still RUNNING');
  });
});
