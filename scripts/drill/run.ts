/**
 * The drill, start to end, fail-closed at every step:
 *
 * 1. Arguments and the deployment config are checked first, every problem reported at once (exit 2).
 *    STS tells whose credentials these are; a config pinned to another account is refused (exit 2).
 *    This start is shared with teardown: scripts/cli/start.ts.
 * 2. For each resource (database, documents, or both in turn) the restore testing selection gives the
 *    protected resource, the restore role and the RestoreMetadataOverrides of the scheduled tests; the
 *    newest completed recovery point in the primary vault is restored with them, under a new name
 *    carrying the drill marker (plan.ts). Without --yes the plan is printed and nothing starts.
 * 3. The restore job is followed until it ends or the timeout (2 x RTO); Ctrl-C or a timeout leave a
 *    running job (AWS Backup cannot stop one), so the cleanup commands are printed.
 * 4. The restore validator checks the copy and writes the evidence; anything but a well-formed PASSED
 *    record that holds together is FAILED.
 * 5. The copy is deleted (unless --keep), only if it is the job's CreatedResourceArn, carries the drill
 *    marker and is not the live resource; a copy left behind fails the drill.
 * Exit code: 0 only when every drill PASSED (or a dry run printed its plans), 1 when one FAILED.
 */
import type { BackupClient } from '@aws-sdk/client-backup';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
import { DRILL_REQUEST_SOURCE } from '../../lambda/shared/restore-validation-contract';
import type { DeploymentConfig } from '../../lib/config/schema';
import { describeError, startRun, type StartDeps } from '../cli/start';
import { parseArgs, USAGE, type DrillArgs, type DrillResource } from './args';
import { cleanupRestoredCopy, manualCleanupSteps, type CleanupOutcome } from './cleanup';
import type { CallerIdentity } from './identity';
import { DrillError, resolveDrillPlan, type DrillPlan } from './plan';
import { formatPlan, formatSummary, leftoverGuidance, type DrillResult } from './report';
import { startRestoreJob, systemClock, waitForRestoreJob, type Clock, type RestoreOutcome } from './restore';
import { invokeValidator, recordInconsistencies, type ValidatorOutcome } from './validate';

export const EXIT = { passed: 0, failed: 1, usage: 2 } as const;

export interface DrillClients {
  readonly backup: BackupClient;
  readonly lambda: LambdaClient;
  readonly rds: RDSClient;
  readonly s3: S3Client;
}

/** Where the drill is, for a second Ctrl-C that quits at once and must still say what is left. */
export interface DrillState {
  plan?: DrillPlan;
  /** StartRestoreJob was called for the current plan (it may have created a job even if it failed). */
  restoreRequested?: boolean;
  restoreJobId?: string;
  /** True once the copy of the current plan is deleted or its deletion started. */
  cleanedUp?: boolean;
}

export interface DrillDeps extends StartDeps {
  readonly createClients: (region: string) => DrillClients;
  /** @default the system clock */
  readonly clock?: Clock;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
  /** @default 30 */
  readonly pollSeconds?: number;
  readonly state?: DrillState;
}

export async function runDrill(argv: readonly string[], deps: DrillDeps): Promise<number> {
  const started = await startRun(argv, { name: 'the drill', usage: USAGE, parseArgs }, deps);
  if ('exitCode' in started) return started.exitCode;
  const { args, config, identity, region } = started;
  const clients = deps.createClients(region);

  let exit: number = EXIT.passed;
  for (const resource of args.resources) {
    if (deps.signal?.aborted) {
      deps.err(`Interrupted: the ${resource} drill was not started.`);
      exit = Math.max(exit, EXIT.failed);
      break;
    }
    deps.out('');
    exit = Math.max(exit, await drillOne(resource, args, config, identity, clients, deps));
  }
  return exit;
}

async function drillOne(
  resource: DrillResource,
  args: DrillArgs,
  config: DeploymentConfig,
  identity: CallerIdentity,
  clients: DrillClients,
  deps: DrillDeps,
): Promise<number> {
  const clock = deps.clock ?? systemClock;
  const state = deps.state ?? {};
  const timeoutMinutes = args.timeoutMinutes ?? 2 * config.backup.targets.rtoMinutes;

  let plan: DrillPlan;
  try {
    plan = await resolveDrillPlan(clients.backup, {
      config,
      account: identity.account,
      resource,
      now: clock.now(),
      from: args.from,
    });
  } catch (e) {
    deps.err(`The ${resource} drill cannot start: ${describeError(e)}`);
    return e instanceof DrillError ? e.exitCode : EXIT.failed;
  }
  Object.assign(state, { plan, restoreRequested: false, restoreJobId: undefined, cleanedUp: false });
  deps.out(formatPlan(plan, { timeoutMinutes, keep: args.keep }));
  if (!args.yes) {
    deps.out('\nDry run: nothing was started. Run again with --yes to start this restore.');
    return EXIT.passed;
  }
  if (deps.signal?.aborted) {
    deps.err('Interrupted before the restore started: nothing was started.');
    return EXIT.failed;
  }

  let restoreJobId: string;
  state.restoreRequested = true;
  try {
    restoreJobId = await startRestoreJob(clients.backup, plan);
  } catch (e) {
    deps.err(`StartRestoreJob failed: ${describeError(e)}`);
    deps.err(leftoverGuidance(plan, undefined));
    return EXIT.failed;
  }
  state.restoreJobId = restoreJobId;
  deps.out(`\nStarted restore job ${restoreJobId}. Waiting up to ${timeoutMinutes} min (Ctrl-C stops waiting).`);

  let restore: RestoreOutcome;
  try {
    restore = await waitForRestoreJob(clients.backup, restoreJobId, {
      timeoutMinutes,
      pollSeconds: deps.pollSeconds,
      clock,
      signal: deps.signal,
      log: deps.out,
    });
  } catch (e) {
    deps.err(`Lost track of restore job ${restoreJobId}: ${describeError(e)}`);
    deps.err(leftoverGuidance(plan, restoreJobId));
    return EXIT.failed;
  }

  const reasons: string[] = [];
  if (restore.end === 'TIMED_OUT' || restore.end === 'INTERRUPTED') {
    reasons.push(restore.end === 'TIMED_OUT' ? `the restore did not end within ${timeoutMinutes} min` : 'interrupted (Ctrl-C)');
    deps.out(`\n${formatSummary({ plan, restoreJobId, restore, verdict: 'FAILED', reasons })}`);
    deps.err(`\n${leftoverGuidance(plan, restoreJobId)}`);
    return EXIT.failed;
  }
  if (restore.end !== 'COMPLETED') {
    reasons.push(`the restore job ended ${restore.end}${restore.job?.StatusMessage ? `: ${restore.job.StatusMessage}` : ''}`);
  }

  let validation: ValidatorOutcome | undefined;
  if (restore.end === 'COMPLETED') {
    deps.out(`\nValidating the copy with ${plan.validatorFunctionName} ...`);
    validation = await invokeValidator(
      clients.lambda,
      plan.validatorFunctionName,
      { source: DRILL_REQUEST_SOURCE, restoreJobId, requestedBy: identity.arn, resourceType: plan.resourceType },
      deps.signal,
    );
    if (!validation.ok) reasons.push(validation.reason);
    else {
      const { record } = validation;
      if (record.verdict !== 'PASSED') {
        const failed = record.checks.filter((c) => !c.passed).map((c) => c.name);
        reasons.push(`the validator's verdict is FAILED${failed.length ? ` (${failed.join(', ')})` : ''}`);
      }
      reasons.push(...recordInconsistencies(record, { restoreJobId, resourceType: plan.resourceType }));
    }
  }

  let cleanup: CleanupOutcome;
  if (args.keep) {
    cleanup = { status: 'kept', detail: `--keep: ${plan.restoredName} is left in place`, manualSteps: manualCleanupSteps(plan) };
  } else {
    deps.out(
      `\nCleaning up the restored copy${deps.signal?.aborted ? ' (interrupted, but a copy is never left behind silently)' : ''} ...`,
    );
    cleanup = await cleanupRestoredCopy(clients, plan, restore.job?.CreatedResourceArn, deps.out);
    state.cleanedUp = cleanup.status === 'deleted' || cleanup.status === 'deletion-started';
    // A copy of PHI that could not be deleted fails the drill, whatever the validation said.
    if (!state.cleanedUp && (restore.end === 'COMPLETED' || restore.job?.CreatedResourceArn))
      reasons.push(`the restored copy was not deleted (${cleanup.status})`);
  }

  const result: DrillResult = {
    plan,
    restoreJobId,
    restore,
    validation,
    verdict: reasons.length === 0 && validation?.ok === true ? 'PASSED' : 'FAILED',
    reasons,
    cleanup,
  };
  deps.out(`\n${formatSummary(result)}`);
  return result.verdict === 'PASSED' ? EXIT.passed : EXIT.failed;
}
