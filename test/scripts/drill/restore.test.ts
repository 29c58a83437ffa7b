import { DescribeRestoreJobCommand, StartRestoreJobCommand } from '@aws-sdk/client-backup';
import { formatElapsed, startRestoreJob, waitForRestoreJob } from '../../../scripts/drill/restore';
import {
  CONTINUOUS_RP,
  DRILL_DB,
  fakeClock,
  JOB_ID,
  mockDeployment,
  planFor,
  realClients,
  RESTORE_ROLE,
  type Mocks,
} from './fixtures';

let mocks: Mocks;
beforeEach(() => {
  mocks = mockDeployment();
});
afterEach(() => mocks.restore());

const wait = (options: Partial<Parameters<typeof waitForRestoreJob>[2]> = {}) => {
  const lines: string[] = [];
  const clock = fakeClock();
  const outcome = waitForRestoreJob(realClients().backup, JOB_ID, {
    timeoutMinutes: 480,
    pollSeconds: 30,
    clock,
    log: (l) => lines.push(l),
    ...options,
  });
  return { outcome, lines, clock };
};

test("startRestoreJob sends the plan's recovery point, metadata and role, with the copy name as idempotency token", async () => {
  const id = await startRestoreJob(realClients().backup, planFor('database'));
  expect(id).toBe(JOB_ID);
  expect(mocks.backup.commandCalls(StartRestoreJobCommand)[0].args[0].input).toEqual({
    RecoveryPointArn: CONTINUOUS_RP,
    Metadata: { DBInstanceIdentifier: DRILL_DB },
    IamRoleArn: RESTORE_ROLE,
    ResourceType: 'RDS',
    IdempotencyToken: DRILL_DB,
  });
});

test('polls until COMPLETED, printing status, percent done and elapsed time when they change', async () => {
  const { outcome, lines, clock } = wait();
  const result = await outcome;
  expect(result.end).toBe('COMPLETED');
  expect(result.job?.CreatedResourceArn).toContain(DRILL_DB);
  expect(result.elapsedMinutes).toBe(1);
  expect(clock.sleeps).toEqual([30_000, 30_000]);
  expect(lines).toEqual(['  [0h00m00s] PENDING', '  [0h00m30s] RUNNING, 40.00% done', '  [0h01m00s] COMPLETED, 100.00% done']);
});

test.each(['FAILED', 'ABORTED'] as const)('a %s restore job ends the wait with its status message', async (status) => {
  mocks.backup
    .on(DescribeRestoreJobCommand)
    .resolves({ RestoreJobId: JOB_ID, Status: status, StatusMessage: 'DB subnet group not found' });
  const { outcome, lines } = wait();
  const result = await outcome;
  expect(result.end).toBe(status);
  expect(lines).toEqual([`  [0h00m00s] ${status}, DB subnet group not found`]);
});

test('gives up after the timeout, leaving the job running, with a heartbeat line every 5 minutes', async () => {
  mocks.backup.on(DescribeRestoreJobCommand).resolves({ RestoreJobId: JOB_ID, Status: 'RUNNING', PercentDone: '10.00%' });
  const { outcome, lines, clock } = wait({ timeoutMinutes: 12 });
  const result = await outcome;
  expect(result.end).toBe('TIMED_OUT');
  expect(result.elapsedMinutes).toBe(12);
  expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(12 * 60_000);
  expect(lines).toEqual([
    '  [0h00m00s] RUNNING, 10.00% done',
    '  [0h05m00s] RUNNING, 10.00% done',
    '  [0h10m00s] RUNNING, 10.00% done',
  ]);
});

test('Ctrl-C (abort) stops waiting at once and reports INTERRUPTED with the last known job', async () => {
  mocks.backup.on(DescribeRestoreJobCommand).resolves({ RestoreJobId: JOB_ID, Status: 'RUNNING' });
  const controller = new AbortController();
  const clock = fakeClock();
  const result = await waitForRestoreJob(realClients().backup, JOB_ID, {
    timeoutMinutes: 480,
    clock: {
      now: clock.now,
      sleep: async (ms, signal) => {
        controller.abort();
        return clock.sleep(ms, signal);
      },
    },
    signal: controller.signal,
    log: () => undefined,
  });
  expect(result.end).toBe('INTERRUPTED');
  expect(result.job?.Status).toBe('RUNNING');
  expect(mocks.backup.commandCalls(DescribeRestoreJobCommand)).toHaveLength(1);
});

test('an error that is not an interruption reaches the caller (which prints the cleanup steps)', async () => {
  mocks.backup.on(DescribeRestoreJobCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
  await expect(wait().outcome).rejects.toThrow('denied');
});

test('formatElapsed', () => {
  expect(formatElapsed(3_725_000)).toBe('1h02m05s');
});
