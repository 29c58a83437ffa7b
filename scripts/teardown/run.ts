/**
 * The teardown, start to end, fail-closed at every step:
 *
 * 1. Arguments and the deployment config are checked first, every problem reported at once (exit 2).
 *    STS tells whose credentials these are; a config pinned to another account is refused (exit 2).
 *    This start is shared with the drill: scripts/cli/start.ts.
 * 2. The plan, always: the crypto-erasure function answers `{ phase: 'plan' }` (read-only) with the keys,
 *    what each protects, what remains and until when, and the digest. A plan that reaches outside this
 *    deployment is refused. The plan, the stacks and the export step are printed. Without --execute the
 *    command stops here, having made read-only calls only (exit 0).
 * 3. Execute needs --confirm with the digest of THIS plan and --export-done or --skip-export; anything
 *    missing or different is refused before anything starts (exit 2). So is an App stack that is not
 *    recognisably this deployment's, unless --keep-stacks.
 * 4. The state machine is started with `{ confirmDigest, requestedBy, runId }` (or, if a run with the
 *    same digest is already running, that run is followed instead of starting a second) and followed
 *    until certify has succeeded. A failed run prints key by key what was and was not done and how to
 *    resume (exit 1); Ctrl-C stops following, the run goes on (exit 1, with how to watch it).
 * 5. The certificate and the commands that verify it; the waiting window and when finalize runs.
 * 6. Unless --keep-stacks, the App stack is deleted (stacks.ts says why only that one), and what remains
 *    is explained.
 * A sandbox deployment (profile sandbox) first gets how to remove it completely with `cdk destroy` and
 * what remains until when (sandbox.ts); the erasure plan follows, for a rehearsal.
 * Two-person rule (when the deployment has the request and approve functions, approval.ts): step 4
 * REQUESTS the run through the request function instead of starting it, and stops (exit 0, nothing
 * destroyed); once a second person ran `--approve <request> --confirm <digest>` (plan printed first,
 * the digest checked against it), the same `--execute` command follows the running run as above.
 * Exit code: 2 means nothing was changed; 1 means something was started and did not finish (the output
 * says exactly what); 0 means plan printed, or certificate reached and the App stack dealt with.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { errorName } from '../../lambda/shared/errors';
import type { ErasurePlan } from '../../lambda/shared/key-lifecycle-contract';
import { deploymentNames, STACK_PARTS } from '../../lib/vocabulary';
import { describeError, startRun, type StartDeps } from '../cli/start';
import { systemClock, type Clock } from '../drill/restore';
import { sandboxRelaxations } from '../../lib/config/profile';
import { parseArgs, USAGE } from './args';
import { formatApproved, formatRequested, reasonsOf, twoPersonRuleUrls, type CallFunctionUrl } from './approval';
import {
  confirmDigestOf,
  erasureStateMachineArn,
  followExecution,
  partitionOf,
  runIdOf,
  runningExecutions,
  startErasureRun,
  teardownRunId,
  watchCommands,
  type FollowOutcome,
} from './executions';
import { formatExportStep, resolvePhiBucket } from './export';
import { externalErasureKeys, planScopeProblems, requestErasurePlan, TeardownError } from './plan';
import {
  executeHint,
  formatCertificate,
  formatFailure,
  formatPlan,
  formatStackDeletion,
  formatWaitingWindow,
  formatWhatRemains,
} from './report';
import { formatSandboxTeardown } from './sandbox';
import {
  checkAppStack,
  deleteAppStack,
  manualAppStackDeletion,
  type AppStackCheck,
  type LoadBalancerProtection,
  type StackScope,
} from './stacks';

export const EXIT = { ok: 0, failed: 1, refused: 2 } as const;

/** StartExecution errors that mean no execution was created. */
const NOT_STARTED_ERRORS = new Set([
  'AccessDeniedException',
  'StateMachineDoesNotExist',
  'StateMachineDeleting',
  'InvalidArn',
  'InvalidName',
  'InvalidExecutionInput',
  'ExecutionLimitExceeded',
  'ValidationException',
  'KmsAccessDeniedException',
  'KmsThrottlingException',
]);

export interface TeardownClients {
  readonly lambda: LambdaClient;
  readonly cloudformation: CloudFormationClient;
  readonly sfn: SFNClient;
}

/** Where the teardown is, for a second Ctrl-C that quits at once and must still say what is going on. */
export interface TeardownState {
  region?: string;
  /** Set once StartExecution was called (or a running execution is followed). */
  executionArn?: string;
  /** Set once DeleteStack may have been called. */
  stackName?: string;
}

export interface TeardownDeps extends StartDeps {
  readonly createClients: (region: string) => TeardownClients;
  /** Loaded only to delete the App stack; may throw TeardownError (package missing). */
  readonly loadBalancerProtection: (region: string) => Promise<LoadBalancerProtection>;
  /** @default the system clock */
  readonly clock?: Clock;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
  /** @default 30 */
  readonly pollSeconds?: number;
  /** How long to follow the run to its certificate. @default 360 */
  readonly followTimeoutMinutes?: number;
  readonly state?: TeardownState;
  /** Signed calls to the two-person rule's function URLs (scripts/teardown.ts signs with the caller's credentials). */
  readonly callFunctionUrl?: CallFunctionUrl;
}

export async function runTeardown(argv: readonly string[], deps: TeardownDeps): Promise<number> {
  const started = await startRun(argv, { name: 'teardown', usage: USAGE, parseArgs }, deps);
  if ('exitCode' in started) return started.exitCode;
  const { args, config, identity, region } = started;
  const state = deps.state ?? {};
  state.region = region;
  deps.out('');

  const clients = deps.createClients(region);
  const clock = deps.clock ?? systemClock;
  if (sandboxRelaxations(config).disposable) deps.out(`${formatSandboxTeardown(config, args.configPath, clock.now())}\n`);
  const scope: StackScope = { deployment: config.name, account: identity.account, region };
  const names = deploymentNames(config.name);
  const erasureFunction = names.cryptoErasureFunction;

  // 2. The plan (read-only calls only).
  let plan: ErasurePlan;
  try {
    plan = await requestErasurePlan(clients.lambda, erasureFunction, identity.arn, deps.signal);
  } catch (e) {
    deps.err(`No plan, nothing was changed: ${e instanceof TeardownError ? e.message : describeError(e)}`);
    return EXIT.refused;
  }
  const scopeProblems = planScopeProblems(plan, {
    deployment: config.name,
    account: identity.account,
    regions: config.regions,
    externalKeys: externalErasureKeys(config, partitionOf(identity.arn)),
  });
  if (scopeProblems.length > 0) {
    deps.err(
      `Refusing the plan of ${erasureFunction}: it reaches outside deployment ${config.name}. Nothing was changed.\n` +
        scopeProblems.map((p) => `  - ${p}`).join('\n'),
    );
    return EXIT.refused;
  }
  let appStack: AppStackCheck;
  try {
    appStack = await checkAppStack(clients.cloudformation, scope);
  } catch (e) {
    appStack = {
      verdict: 'refused',
      stackName: names.stack(STACK_PARTS.app),
      reasons: [`it could not be read: ${describeError(e)}`],
    };
  }
  const phiBucket = await resolvePhiBucket(clients.cloudformation, config.name);
  deps.out(
    formatPlan(plan, {
      region,
      drRegion: config.regions.dr,
      pendingWindowDays: config.keys.pendingWindowDays,
      appStack,
    }),
  );
  deps.out(
    `\n${formatExportStep({
      deployment: config.name,
      region,
      account: identity.account,
      partition: partitionOf(identity.arn),
      phiBucket,
      now: clock.now(),
    })}\n`,
  );
  if (args.approveRequest) return approve(args.approveRequest, args.confirmDigest, plan.digest);
  if (!args.execute) {
    deps.out(executeHint(args.configPath, plan.digest));
    return EXIT.ok;
  }

  // 3. Refusals: every reason at once, nothing started.
  const refusals: string[] = [];
  if (!args.exportAcknowledgement) {
    refusals.push('say whether the export is done: --export-done, or --skip-export if the customer declined it in writing');
  }
  if (!args.confirmDigest) refusals.push(`confirm the plan you reviewed: --confirm ${plan.digest}`);
  else if (args.confirmDigest !== plan.digest) {
    refusals.push(
      `--confirm ${args.confirmDigest} is not the digest of the plan made now (${plan.digest}): the plan changed ` +
        'since it was reviewed, or the digest was mistyped. Review the plan above; confirm its digest only if it is approved',
    );
  }
  for (const blocker of plan.blockers ?? []) {
    refusals.push(`the plan has a blocker: ${blocker} (the erasure function would refuse to execute it)`);
  }
  if (!args.keepStacks && appStack.verdict === 'refused') {
    refusals.push(
      `${appStack.stackName} cannot be deleted afterwards (${appStack.reasons.join('; ')}): fix that, or run with --keep-stacks`,
    );
  }
  if (refusals.length > 0) {
    deps.err(`\nRefusing to execute; nothing was changed:\n${refusals.map((r) => `  - ${r}`).join('\n')}`);
    return EXIT.refused;
  }
  let loadBalancers: LoadBalancerProtection | undefined;
  if (!args.keepStacks && appStack.verdict === 'deletable') {
    try {
      loadBalancers = await deps.loadBalancerProtection(region);
    } catch (e) {
      deps.err(`\nRefusing to execute; nothing was changed: ${describeError(e)}`);
      return EXIT.refused;
    }
  }

  // The two-person rule, if this deployment has it: the run is requested, not started.
  let twoPerson: Awaited<ReturnType<typeof twoPersonRuleUrls>>;
  try {
    twoPerson = await twoPersonRuleUrls(clients.lambda, config.name);
  } catch (e) {
    deps.err(`\nRefusing to execute; nothing was changed: cannot tell whether the two-person rule applies (${describeError(e)})`);
    return EXIT.refused;
  }

  // 4. Start (or follow the run already going with this digest).
  const partition = partitionOf(identity.arn);
  const stateMachineArn = erasureStateMachineArn(config.name, region, identity.account, partition);
  const resume = `npm run teardown -- -c config=${args.configPath} --execute --confirm ${plan.digest} ${
    args.exportAcknowledgement === 'skipped' ? '--skip-export' : '--export-done'
  }${args.keepStacks ? ' --keep-stacks' : ''}`;
  let executionArn: string;
  let runId: string;
  /** StartExecution was sent: from here an error may hide a started run. */
  let startRequested = false;
  try {
    const running = await runningExecutions(clients.sfn, stateMachineArn);
    const other = running.filter((r) => confirmDigestOf(r) !== plan.digest);
    if (other.length > 0) {
      deps.err(
        `\nRefusing to execute; nothing was changed: another erasure run of ${stateMachineArn} is running with another digest:\n` +
          other.map((r) => `  - ${r.executionArn} (digest ${confirmDigestOf(r) ?? 'unknown'})`).join('\n') +
          '\nLet it finish, or stop it if it is a mistake (aws stepfunctions stop-execution), then plan again.',
      );
      return EXIT.refused;
    }
    if (deps.signal?.aborted) {
      deps.err('Interrupted before the erasure started: nothing was changed.');
      return EXIT.refused;
    }
    if (running.length === 0 && twoPerson) {
      if (!deps.callFunctionUrl) throw new Error('no signed function URL client');
      startRequested = true;
      const answer = await deps.callFunctionUrl(region, twoPerson.request, { digest: plan.digest });
      if (answer.status === 200 && typeof answer.body === 'object' && answer.body !== null) {
        deps.out(`\n${formatRequested(answer.body as Record<string, unknown>, args.configPath, plan.digest)}`);
        return EXIT.ok;
      }
      deps.err(
        `\nThe erasure request was refused; nothing was changed:\n${reasonsOf(answer)
          .map((r) => `  - ${r}`)
          .join('\n')}`,
      );
      return answer.status === 403 ? EXIT.refused : EXIT.failed;
    }
    if (running.length > 0) {
      executionArn = running[0].executionArn;
      runId = runIdOf(running[0]);
      state.executionArn = executionArn;
      deps.out(`\nAn erasure run with this digest is already running: following ${executionArn} instead of starting another.`);
    } else {
      runId = teardownRunId(clock.now());
      startRequested = true;
      executionArn = await startErasureRun(clients.sfn, stateMachineArn, {
        confirmDigest: plan.digest,
        requestedBy: identity.arn,
        runId,
      });
      state.executionArn = executionArn;
      deps.out(`\nStarted erasure run ${runId}: ${executionArn}`);
    }
  } catch (e) {
    deps.err(`\nCould not start the erasure run: ${describeError(e)}`);
    // Errors Step Functions returns before creating an execution: nothing was started.
    if (startRequested && NOT_STARTED_ERRORS.has(errorName(e))) {
      deps.err('Nothing was changed.');
      return EXIT.refused;
    }
    if (startRequested) {
      deps.err(
        `It may have started all the same; check before running again:\n  aws stepfunctions list-executions --region ${region} --state-machine-arn ${stateMachineArn} --status-filter RUNNING`,
      );
      return EXIT.failed;
    }
    return EXIT.refused;
  }
  deps.out('Following it until the certificate is written (Ctrl-C stops watching; the run goes on):');
  const outcome = await followExecution(clients.sfn, executionArn, {
    runId,
    digest: plan.digest,
    clock,
    log: deps.out,
    signal: deps.signal,
    pollSeconds: deps.pollSeconds,
    timeoutMinutes: deps.followTimeoutMinutes,
  });
  if (outcome.end === 'FAILED') {
    deps.err(`\n${formatFailure(outcome, plan, resume)}`);
    return EXIT.failed;
  }
  if (outcome.end === 'INTERRUPTED' || outcome.end === 'LOST') {
    deps.err(
      `\n${outcome.end === 'INTERRUPTED' ? 'Stopped watching (Ctrl-C)' : `Stopped watching: ${outcome.detail}`}. ` +
        `${
          outcome.execution && outcome.execution.status !== 'RUNNING'
            ? `The erasure run ended ${outcome.execution.status}`
            : 'The erasure run goes on in Step Functions'
        }; no stack was deleted. Watch it with:\n` +
        watchCommands(executionArn, region)
          .map((c) => `  ${c}`)
          .join('\n') +
        `\n  ${resume}`,
    );
    return EXIT.failed;
  }

  // 5. The certificate, and the waiting window.
  const certified = outcome.certified as NonNullable<FollowOutcome['certified']>;
  deps.out(`\n${formatCertificate(certified)}`);
  const finalizeDate = finalizeDateOf(outcome, config.keys.pendingWindowDays);
  if (outcome.end === 'CERTIFIED') deps.out(`\n${formatWaitingWindow(outcome, config.keys.pendingWindowDays, config.name)}`);
  else deps.out('\nThe run is complete: KMS has deleted the keys and finalize wrote the final certificate.');

  // 6. The App stack.
  const byHand = manualAppStackDeletion(scope)
    .map((c) => `  ${c}`)
    .join('\n');
  let exit: number = EXIT.ok;
  if (appStack.verdict === 'absent') {
    deps.out(`\n${appStack.stackName} does not exist: no stack to delete.`);
  } else if (args.keepStacks) {
    deps.out(
      `\n--keep-stacks: ${appStack.stackName} is left in place. To delete it later (its load balancer has deletion protection):\n${byHand}`,
    );
  } else if (deps.signal?.aborted) {
    deps.err(`\nInterrupted: ${appStack.stackName} was not deleted. To delete it:\n${byHand}`);
    exit = EXIT.failed;
  } else {
    deps.out(`\nDeleting the stateless App stack ${appStack.stackName}:`);
    state.stackName = appStack.stackName;
    try {
      const deletion = await deleteAppStack(clients.cloudformation, loadBalancers as LoadBalancerProtection, scope, {
        clock,
        log: deps.out,
        signal: deps.signal,
        requestToken: runId,
        pollSeconds: deps.pollSeconds,
      });
      (deletion.status === 'deleted' || deletion.status === 'absent' ? deps.out : deps.err)(`\n${formatStackDeletion(deletion)}`);
      if (deletion.status === 'refused') exit = EXIT.refused;
      else if (deletion.status !== 'deleted' && deletion.status !== 'absent') exit = EXIT.failed;
    } catch (e) {
      deps.err(
        `\nDeleting ${appStack.stackName} failed: ${describeError(e)}. The erasure is done; the App stack may be partly deleted.\n` +
          `Check it, and finish by hand:\n${byHand}`,
      );
      exit = EXIT.failed;
    }
  }
  deps.out(`\n${formatWhatRemains(config.name, region, args.configPath, finalizeDate)}`);
  return exit;

  /** The second person's step: the plan is printed above; its digest must be the one confirmed. */
  async function approve(requestId: string, confirmDigest: string | undefined, planDigest: string): Promise<number> {
    if (confirmDigest !== planDigest) {
      deps.err(
        `\nRefusing to approve; nothing was changed: --confirm ${confirmDigest ?? '(none)'} is not the digest of the plan made ` +
          `now (${planDigest}). Approve only the plan you reviewed.`,
      );
      return EXIT.refused;
    }
    let urls: Awaited<ReturnType<typeof twoPersonRuleUrls>>;
    try {
      urls = await twoPersonRuleUrls(clients.lambda, config.name);
    } catch (e) {
      deps.err(`\nRefusing to approve; nothing was changed: ${describeError(e)}`);
      return EXIT.refused;
    }
    if (!urls || !deps.callFunctionUrl) {
      deps.err(
        `\nRefusing to approve: deployment ${config.name} has no two-person rule (no ${names.cryptoErasureApproveFunction} URL).`,
      );
      return EXIT.refused;
    }
    const answer = await deps.callFunctionUrl(region, urls.approve, { requestId, digest: confirmDigest });
    if (answer.status === 200 && typeof answer.body === 'object' && answer.body !== null) {
      deps.out(`\n${formatApproved(answer.body as Record<string, unknown>)}`);
      return EXIT.ok;
    }
    deps.err(
      `\nThe approval was refused; nothing was changed:\n${reasonsOf(answer)
        .map((r) => `  - ${r}`)
        .join('\n')}`,
    );
    return answer.status === 403 ? EXIT.refused : EXIT.failed;
  }
}

function finalizeDateOf(outcome: FollowOutcome, pendingWindowDays: number): string | undefined {
  if (outcome.end !== 'CERTIFIED') return undefined;
  const started = outcome.progress.executeCompletedAt ?? outcome.execution?.startDate;
  return started ? new Date(started.getTime() + pendingWindowDays * 24 * 60 * 60_000).toISOString() : undefined;
}
