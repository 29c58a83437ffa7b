/**
 * The state a run carries from phase to phase: each result holds the confirmed plan (summarised),
 * when the run started, and the earlier results. verify, certify and finalize refuse to work from
 * anything but a previous result of the same run and digest.
 */
import type { ErasurePhase, ErasurePhaseResult, ErasurePlan } from '../shared/key-lifecycle-contract';
import { ErasureRefused } from './errors';
import type { DestructivePhaseRequest } from './request';

/** A result without the carried plan and history, as kept in `history`. */
export function withoutCarried({ plan: _plan, history: _history, ...rest }: ErasurePhaseResult): ErasurePhaseResult {
  return rest;
}

/** Every result of the run so far, oldest first (previous last). */
export function resultsSoFar(previous: ErasurePhaseResult | undefined): ErasurePhaseResult[] {
  return previous ? [...(previous.history ?? []), withoutCarried(previous)] : [];
}

/** The newest result of `phase` among `results`. */
export function latest(results: readonly ErasurePhaseResult[], phase: ErasurePhase): ErasurePhaseResult | undefined {
  return [...results].reverse().find((r) => r.phase === phase);
}

export interface RunState {
  readonly plan: ErasurePlan;
  readonly startedAt: string;
  readonly pendingWindowEndsAt?: string;
  readonly results: readonly ErasurePhaseResult[];
}

/** The run state of a verify/certify/finalize request; refused unless `previous` belongs to this run and digest. */
export function continueRun(request: DestructivePhaseRequest): RunState {
  const { previous } = request;
  if (!previous) {
    throw new ErasureRefused(
      `${request.phase} needs "previous", the result of the phase before it in run ${request.runId} (the state machine passes it on)`,
    );
  }
  const problems: string[] = [];
  if (previous.runId !== request.runId) problems.push(`previous belongs to run ${previous.runId}, not ${request.runId}`);
  if (previous.digest !== request.confirmDigest || previous.plan?.digest !== request.confirmDigest) {
    problems.push(`previous was made for digest ${previous.digest}, not the confirmed ${request.confirmDigest}`);
  }
  if (!previous.plan) problems.push('previous carries no plan (it must come from execute or a later phase)');
  if (!previous.startedAt) problems.push('previous carries no start time');
  if (problems.length > 0) throw new ErasureRefused(problems);
  return {
    plan: previous.plan!,
    startedAt: previous.startedAt!,
    pendingWindowEndsAt: previous.pendingWindowEndsAt,
    results: resultsSoFar(previous),
  };
}

/** What every result after execute carries forward. */
export function carried(state: RunState): Pick<ErasurePhaseResult, 'plan' | 'startedAt' | 'pendingWindowEndsAt' | 'history'> {
  return {
    plan: state.plan,
    startedAt: state.startedAt,
    ...(state.pendingWindowEndsAt ? { pendingWindowEndsAt: state.pendingWindowEndsAt } : {}),
    history: state.results,
  };
}

/** The latest of some ISO dates. */
export function latestDate(dates: readonly (string | undefined)[]): string | undefined {
  const times = dates.filter((d): d is string => !!d).map((d) => Date.parse(d));
  return times.length > 0 ? new Date(Math.max(...times)).toISOString() : undefined;
}
