/**
 * The crypto-erasure state machine, seen from the command line: starting a run and following it.
 *
 * The run's input is `{ confirmDigest, requestedBy, runId }`; the machine runs execute, verify (retried
 * while CloudTrail lags), certify, waits for the KMS waiting window, then finalize. Every phase's Lambda
 * output is an ErasurePhaseResult; the command reads them from the execution history (task outputs,
 * with or without the Lambda integration's `Payload` wrapper) and stops following once certify has
 * succeeded: the rest takes the whole waiting window and needs no one watching.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { errorName } from '../../lambda/shared/errors';
import type { ErasurePhase, ErasurePhaseResult } from '../../lambda/shared/key-lifecycle-contract';
import { deploymentNames } from '../../lib/vocabulary';
import { describeError } from '../cli/start';
import { formatElapsed, type Clock } from '../drill/restore';
import { SHA256_HEX } from './plan';

/** DescribeExecution, the fields the command reads. */
export interface ExecutionDescription {
  readonly executionArn: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED (or PENDING_REDRIVE). */
  readonly status: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

export async function describeExecution(
  sfn: SFNClient,
  executionArn: string,
  signal?: AbortSignal,
): Promise<ExecutionDescription> {
  const r = await sfn.send(new DescribeExecutionCommand({ executionArn }), { abortSignal: signal });
  return {
    executionArn,
    status: r.status ?? 'UNKNOWN',
    startDate: r.startDate,
    stopDate: r.stopDate,
    input: r.input,
    output: r.output,
    error: r.error,
    cause: r.cause,
  };
}

/** The whole history of an execution, oldest event first (every page). */
export async function executionHistory(sfn: SFNClient, executionArn: string, signal?: AbortSignal): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: true }),
      { abortSignal: signal },
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The RUNNING executions of the state machine, described (their input carries the digest and run ID). */
export async function runningExecutions(sfn: SFNClient, stateMachineArn: string): Promise<ExecutionDescription[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', nextToken }));
    for (const e of page.executions ?? []) if (e.executionArn) arns.push(e.executionArn);
    nextToken = page.nextToken;
  } while (nextToken);
  return Promise.all(arns.map((arn) => describeExecution(sfn, arn)));
}

/**
 * Starts the run. The run ID is the execution name: Step Functions refuses a second execution of the
 * same name (for 90 days), so a retried call cannot start the erasure twice.
 */
export async function startErasureRun(sfn: SFNClient, stateMachineArn: string, input: ErasureRunInput): Promise<string> {
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: input.runId, input: JSON.stringify(input) }));
  if (!started.executionArn) throw new Error('StartExecution returned no execution ARN');
  return started.executionArn;
}

/** Input of the state machine. */
export interface ErasureRunInput {
  readonly confirmDigest: string;
  readonly requestedBy: string;
  readonly runId: string;
}

/** `teardown-<yyyymmddhhmmss>` (UTC): the run ID and the execution name. */
export function teardownRunId(now: Date): string {
  return `teardown-${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
}

/** The state machine's ARN, built from the config and the caller's account and partition (never looked up). */
export function erasureStateMachineArn(deployment: string, region: string, account: string, partition: string): string {
  return `arn:${partition}:states:${region}:${account}:stateMachine:${deploymentNames(deployment).cryptoErasureStateMachine}`;
}

/** The partition of an ARN (`aws`, `aws-us-gov`, `aws-cn`). */
export function partitionOf(arn: string): string {
  return arn.split(':')[1] || 'aws';
}

const PHASES: readonly ErasurePhase[] = ['plan', 'execute', 'verify', 'certify', 'finalize'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An ErasurePhaseResult if `value` is one (its certificate, if any, well-formed), else undefined. */
export function asPhaseResult(value: unknown): ErasurePhaseResult | undefined {
  if (!isObject(value)) return undefined;
  if (!PHASES.includes(value.phase as ErasurePhase)) return undefined;
  if (typeof value.runId !== 'string' || typeof value.digest !== 'string' || typeof value.completed !== 'boolean')
    return undefined;
  if (!Array.isArray(value.keys)) return undefined;
  for (const k of value.keys as unknown[]) {
    if (!isObject(k) || typeof k.keyArn !== 'string' || typeof k.done !== 'boolean' || typeof k.detail !== 'string')
      return undefined;
  }
  const c = value.certificate;
  if (c !== undefined) {
    if (!isObject(c)) return undefined;
    for (const f of ['bucket', 'key', 'signatureKey', 'signingKeyArn']) if (typeof c[f] !== 'string' || !c[f]) return undefined;
    if (typeof c.sha256 !== 'string' || !SHA256_HEX.test(c.sha256)) return undefined;
  }
  return value as unknown as ErasurePhaseResult;
}

/**
 * The phase result in a task's output: the output itself, or the Lambda integration's `Payload`, or
 * (for a state that keeps its input and puts the result under a key) one property deep.
 */
export function findPhaseResult(output: string | undefined): ErasurePhaseResult | undefined {
  if (!output) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(output);
  } catch {
    return undefined;
  }
  const direct = asPhaseResult(value) ?? (isObject(value) ? asPhaseResult(value.Payload) : undefined);
  if (direct || !isObject(value)) return direct;
  for (const inner of Object.values(value)) {
    const found = asPhaseResult(inner) ?? (isObject(inner) ? asPhaseResult(inner.Payload) : undefined);
    if (found) return found;
  }
  return undefined;
}

/** What the history says so far. */
export interface RunProgress {
  /** The newest result of each phase (for this run and digest). */
  readonly results: Partial<Record<ErasurePhase, ErasurePhaseResult>>;
  /** When execute reported completion (the KMS waiting window started then). */
  readonly executeCompletedAt?: Date;
  /** The last phase result, whatever its phase: the key-by-key state after a failure. */
  readonly last?: ErasurePhaseResult;
  /** Progress lines for the events after `afterId`. */
  readonly lines: readonly string[];
  readonly lastEventId: number;
}

const VERBS: Record<ErasurePhase, string> = {
  plan: 'planned',
  execute: 'disabled and scheduled for deletion',
  verify: 'confirmed unreadable, with their CloudTrail events',
  certify: 'in the certificate',
  finalize: 'confirmed deleted by KMS',
};

function resultLine(result: ErasurePhaseResult): string {
  const done = result.keys.filter((k) => k.done).length;
  const base = `${result.phase}: ${result.completed ? 'done' : 'not complete'}, ${done} of ${result.keys.length} key(s) ${VERBS[result.phase]}`;
  if (result.phase === 'verify' && !result.completed) return `${base} (verification failed: see the keys below)`;
  if (result.certificate) return `${base}; certificate s3://${result.certificate.bucket}/${result.certificate.key}`;
  return base;
}

function shorten(text: string | undefined, max = 300): string {
  if (!text) return '';
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}...` : oneLine;
}

/** Reads the history: phase results for `expected` run and digest, and progress lines for events after `afterId`. */
export function readHistory(
  events: readonly HistoryEvent[],
  expected: { readonly runId: string; readonly digest: string },
  afterId: number,
): RunProgress {
  const results: Partial<Record<ErasurePhase, ErasurePhaseResult>> = {};
  const lines: string[] = [];
  let last: ErasurePhaseResult | undefined;
  let executeCompletedAt: Date | undefined;
  let lastEventId = afterId;
  for (const event of events) {
    const id = event.id ?? 0;
    const isNew = id > afterId;
    lastEventId = Math.max(lastEventId, id);
    const type = event.type ?? '';
    if (type === 'TaskStateEntered' || type === 'WaitStateEntered') {
      const name = event.stateEnteredEventDetails?.name ?? 'a state';
      if (isNew) lines.push(type === 'WaitStateEntered' ? `${name}: waiting` : `${name}: started`);
      continue;
    }
    const output = event.taskSucceededEventDetails?.output ?? event.lambdaFunctionSucceededEventDetails?.output;
    if (output !== undefined) {
      const result = findPhaseResult(output);
      if (!result) continue;
      if (result.runId !== expected.runId || result.digest !== expected.digest) {
        if (isNew)
          lines.push(`${result.phase}: ignored a result for run ${result.runId} / digest ${result.digest.slice(0, 12)}...`);
        continue;
      }
      results[result.phase] = result;
      last = result;
      if (result.phase === 'execute' && result.completed) executeCompletedAt = event.timestamp;
      if (isNew) lines.push(resultLine(result));
      continue;
    }
    const failure =
      event.taskFailedEventDetails ??
      event.taskTimedOutEventDetails ??
      event.lambdaFunctionFailedEventDetails ??
      event.lambdaFunctionTimedOutEventDetails;
    if (failure && isNew) {
      lines.push(
        `a task failed: ${[failure.error, shorten(failure.cause)].filter(Boolean).join(': ')} (the state machine may retry it)`,
      );
    }
  }
  return { results, executeCompletedAt, last, lines, lastEventId };
}

export type FollowEnd =
  /** certify succeeded: the certificate is written; the machine waits out the KMS window. */
  | 'CERTIFIED'
  /** The whole run ended SUCCEEDED (followed after the window): finalize's final certificate. */
  | 'FINISHED'
  | 'FAILED'
  /** Ctrl-C: the command stopped following; the execution goes on. */
  | 'INTERRUPTED'
  /** Followed longer than allowed, or Step Functions could not be read: the execution goes on. */
  | 'LOST';

export interface FollowOutcome {
  readonly end: FollowEnd;
  readonly execution?: ExecutionDescription;
  readonly progress: RunProgress;
  /** The certify (or, after the window, finalize) result that carries the certificate. */
  readonly certified?: ErasurePhaseResult;
  readonly detail?: string;
}

export interface FollowOptions {
  readonly runId: string;
  readonly digest: string;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** @default 30 */
  readonly pollSeconds?: number;
  /** @default 360 (verify's retries are bounded by the state machine; this only stops watching) */
  readonly timeoutMinutes?: number;
}

const TERMINAL_FAILURES = new Set(['FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);
/** A progress line at least this often even when nothing changed. */
const HEARTBEAT_MS = 5 * 60_000;
/** Consecutive failed polls before the command gives up following (throttling, expired credentials). */
const MAX_POLL_FAILURES = 5;

/** Follows the execution until certify succeeded, the run ended, Ctrl-C, or the timeout. */
export async function followExecution(sfn: SFNClient, executionArn: string, options: FollowOptions): Promise<FollowOutcome> {
  const { clock, log, signal } = options;
  const pollMs = (options.pollSeconds ?? 30) * 1000;
  const timeoutMs = (options.timeoutMinutes ?? 360) * 60_000;
  const start = clock.now().getTime();
  const elapsed = () => clock.now().getTime() - start;
  const say = (line: string) => log(`  [${formatElapsed(elapsed())}] ${line}`);
  const expected = { runId: options.runId, digest: options.digest };
  let progress: RunProgress = { results: {}, lines: [], lastEventId: 0 };
  let execution: ExecutionDescription | undefined;
  let lastLineAt = 0;
  let failures = 0;

  for (;;) {
    if (signal?.aborted) return { end: 'INTERRUPTED', execution, progress };
    try {
      execution = await describeExecution(sfn, executionArn, signal);
      const read = readHistory(await executionHistory(sfn, executionArn, signal), expected, progress.lastEventId);
      progress = read;
      failures = 0;
      for (const line of read.lines) say(line);
      if (read.lines.length > 0) lastLineAt = elapsed();
    } catch (e) {
      if (signal?.aborted) return { end: 'INTERRUPTED', execution, progress };
      failures++;
      say(`could not read the execution (${describeError(e)}); trying again`);
      if (failures >= MAX_POLL_FAILURES) {
        return { end: 'LOST', execution, progress, detail: `${failures} reads in a row failed, the last with ${errorName(e)}` };
      }
    }
    const certify = progress.results.certify;
    if (certify?.completed && certify.certificate) return { end: 'CERTIFIED', execution, progress, certified: certify };
    if (execution?.status === 'SUCCEEDED') {
      const final = progress.results.finalize ?? findPhaseResult(execution.output);
      const certified = [final, certify].find((r) => r?.certificate !== undefined);
      return certified
        ? { end: 'FINISHED', execution, progress, certified }
        : {
            end: 'LOST',
            execution,
            progress,
            detail: 'the execution SUCCEEDED but no certificate was found in its history or output',
          };
    }
    if (execution && TERMINAL_FAILURES.has(execution.status)) return { end: 'FAILED', execution, progress };
    if (elapsed() - lastLineAt >= HEARTBEAT_MS) {
      say(`still ${execution?.status ?? 'unknown'}`);
      lastLineAt = elapsed();
    }
    const remaining = timeoutMs - elapsed();
    if (remaining <= 0) {
      return { end: 'LOST', execution, progress, detail: `certify had not succeeded after ${options.timeoutMinutes ?? 360} min` };
    }
    try {
      await clock.sleep(Math.min(pollMs, remaining), signal);
    } catch {
      return { end: 'INTERRUPTED', execution, progress };
    }
  }
}

/** The digest a running execution was started with, if its input says. */
export function confirmDigestOf(execution: ExecutionDescription): string | undefined {
  try {
    const input = JSON.parse(execution.input ?? '') as unknown;
    return isObject(input) && typeof input.confirmDigest === 'string' ? input.confirmDigest : undefined;
  } catch {
    return undefined;
  }
}

/** The run ID a running execution was started with (its input), else its name (the ARN's last part). */
export function runIdOf(execution: ExecutionDescription): string {
  try {
    const input = JSON.parse(execution.input ?? '') as unknown;
    if (isObject(input) && typeof input.runId === 'string') return input.runId;
  } catch {
    // fall through
  }
  return execution.executionArn.split(':').pop() ?? execution.executionArn;
}

/** How to watch an execution the command stopped following. */
export function watchCommands(executionArn: string, region: string): string[] {
  return [
    `aws stepfunctions describe-execution --region ${region} --execution-arn ${executionArn} --query "[status,error,cause]"`,
    `aws stepfunctions get-execution-history --region ${region} --execution-arn ${executionArn} --reverse-order --max-items 20`,
    `or run the same teardown command again (same --confirm digest): it follows the running execution instead of starting another`,
  ];
}
