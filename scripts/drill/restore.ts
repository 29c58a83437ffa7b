/**
 * Starts the restore job and follows it to an end: COMPLETED, FAILED, ABORTED, or the drill's own
 * TIMED_OUT (waited longer than allowed) or INTERRUPTED (Ctrl-C). AWS Backup has no API to stop a
 * restore job, so the last two leave a job running; the caller prints how to clean up after it.
 * Time and sleeping come from an injected clock so the tests run without waiting.
 */
import {
  DescribeRestoreJobCommand,
  StartRestoreJobCommand,
  type BackupClient,
  type DescribeRestoreJobCommandOutput,
} from '@aws-sdk/client-backup';
import { DrillError, type DrillPlan } from './plan';

export interface Clock {
  now(): Date;
  /** Resolves after ms, or rejects at once when signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('aborted'));
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Starts the restore of the plan's recovery point; the copy's name doubles as idempotency token, so a retried call starts one job. */
export async function startRestoreJob(backup: BackupClient, plan: DrillPlan): Promise<string> {
  const started = await backup.send(
    new StartRestoreJobCommand({
      RecoveryPointArn: plan.recoveryPoint.arn,
      Metadata: { ...plan.metadata },
      IamRoleArn: plan.iamRoleArn,
      ResourceType: plan.resourceType,
      IdempotencyToken: plan.restoredName,
    }),
  );
  if (!started.RestoreJobId) throw new DrillError('StartRestoreJob returned no restore job ID');
  return started.RestoreJobId;
}

export type RestoreEnd = 'COMPLETED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT' | 'INTERRUPTED';

export interface RestoreOutcome {
  readonly end: RestoreEnd;
  /** The last DescribeRestoreJob answer (absent if interrupted before the first). */
  readonly job?: DescribeRestoreJobCommandOutput;
  readonly elapsedMinutes: number;
}

export interface WaitOptions {
  readonly timeoutMinutes: number;
  /** @default 30 */
  readonly pollSeconds?: number;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'ABORTED']);
/** A progress line at least this often even when nothing changed, so a long restore shows it is alive. */
const HEARTBEAT_MS = 5 * 60_000;

export async function waitForRestoreJob(
  backup: BackupClient,
  restoreJobId: string,
  options: WaitOptions,
): Promise<RestoreOutcome> {
  const { clock, signal, log } = options;
  const pollMs = (options.pollSeconds ?? 30) * 1000;
  const timeoutMs = options.timeoutMinutes * 60_000;
  const start = clock.now().getTime();
  const elapsedMs = () => clock.now().getTime() - start;
  const outcome = (end: RestoreEnd, job?: DescribeRestoreJobCommandOutput): RestoreOutcome => ({
    end,
    job,
    elapsedMinutes: Math.round(elapsedMs() / 600) / 100,
  });
  let job: DescribeRestoreJobCommandOutput | undefined;
  let lastLine = '';
  let lastLoggedAt = -Infinity;

  for (;;) {
    if (signal?.aborted) return outcome('INTERRUPTED', job);
    try {
      job = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }), { abortSignal: signal });
    } catch (e) {
      if (signal?.aborted) return outcome('INTERRUPTED', job);
      throw e;
    }
    const line = progressLine(job);
    if (line !== lastLine || elapsedMs() - lastLoggedAt >= HEARTBEAT_MS) {
      log(`  [${formatElapsed(elapsedMs())}] ${line}`);
      lastLine = line;
      lastLoggedAt = elapsedMs();
    }
    if (job.Status && TERMINAL.has(job.Status)) return outcome(job.Status as RestoreEnd, job);
    const remaining = timeoutMs - elapsedMs();
    if (remaining <= 0) return outcome('TIMED_OUT', job);
    try {
      await clock.sleep(Math.min(pollMs, remaining), signal);
    } catch {
      return outcome('INTERRUPTED', job);
    }
  }
}

function progressLine(job: DescribeRestoreJobCommandOutput): string {
  const parts = [job.Status ?? 'UNKNOWN'];
  if (job.PercentDone) parts.push(`${job.PercentDone.replace(/%$/, '')}% done`);
  if (job.ExpectedCompletionTimeMinutes) parts.push(`expected to take about ${job.ExpectedCompletionTimeMinutes} min`);
  if (job.StatusMessage && job.Status !== 'RUNNING') parts.push(job.StatusMessage);
  return parts.join(', ');
}

/** 0h05m07s style. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m${pad(s % 60)}s`;
}
