/**
 * Deleting the stateless App stack after the certificate, and nothing else.
 *
 * The only stack this module ever deletes is the App stack (`<deployment>-app`), and only when it proves
 * to be this deployment's: in the caller's account and the primary region, tagged
 * `hipaa-crm:deployment=<name>` and `hipaa-crm:stateful=false`, without termination protection. It is
 * deleted by its stack ID (not its name), so a stack created under the same name meanwhile is never hit.
 *
 * Never deleted here: Operations (its state machine still has to wait out the KMS window, run finalize
 * and write the final certificate) and the stateful stacks (termination-protected; they hold ciphertext
 * under Object Lock and Vault Lock until the retention ends, and the audit trail for 6+ years).
 *
 * The load balancer has deletion protection, which makes CloudFormation fail the whole deletion; it is
 * turned off first, only on the load balancer that the checked stack owns.
 */
import {
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type CloudFormationClient,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { isAwsError } from '../../lambda/shared/errors';
import { deploymentNames, STACK_PARTS, TAG } from '../../lib/vocabulary';
import { formatElapsed, type Clock } from '../drill/restore';

export interface StackScope {
  readonly deployment: string;
  readonly account: string;
  /** The primary region (the App stack's). */
  readonly region: string;
}

/** Turns off a load balancer's deletion protection; implemented in elb-adapter.ts. */
export interface LoadBalancerProtection {
  isDeletionProtected(loadBalancerArn: string): Promise<boolean>;
  disableDeletionProtection(loadBalancerArn: string): Promise<void>;
}

export type AppStackCheck =
  | { readonly verdict: 'absent'; readonly stackName: string }
  | { readonly verdict: 'deletable'; readonly stackName: string; readonly stackId: string; readonly status: string }
  | { readonly verdict: 'refused'; readonly stackName: string; readonly reasons: readonly string[] };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const tagValue = (stack: Stack, key: string) => stack.Tags?.find((t) => t.Key === key)?.Value;

/** CloudFormation's answer for a stack name that does not exist. */
function isMissingStack(e: unknown): boolean {
  return isAwsError(e, 'ValidationError') && /does not exist/.test((e as Error).message);
}

/** Why `stack` must not be deleted as this deployment's App stack; empty when it may. */
export function appStackProblems(stack: Stack, scope: StackScope): string[] {
  const name = deploymentNames(scope.deployment).stack(STACK_PARTS.app);
  const problems: string[] = [];
  const idPattern = new RegExp(
    `^arn:[a-z-]+:cloudformation:${escape(scope.region)}:${scope.account}:stack/${escape(name)}/[A-Za-z0-9-]+$`,
  );
  if (stack.StackName !== name) problems.push(`it is named ${stack.StackName}, not ${name}`);
  if (!stack.StackId || !idPattern.test(stack.StackId)) {
    problems.push(`its ID ${stack.StackId ?? '(none)'} is not a stack ${name} of account ${scope.account} in ${scope.region}`);
  }
  const deployment = tagValue(stack, TAG.deployment);
  if (deployment !== scope.deployment) {
    problems.push(
      `its ${TAG.deployment} tag is ${deployment === undefined ? 'missing' : `"${deployment}"`}, not "${scope.deployment}"`,
    );
  }
  const stateful = tagValue(stack, TAG.stateful);
  if (stateful !== 'false') {
    problems.push(`its ${TAG.stateful} tag is ${stateful === undefined ? 'missing' : `"${stateful}"`}, not "false"`);
  }
  if (stack.EnableTerminationProtection) problems.push('it has termination protection (only stateful stacks have it)');
  const status = stack.StackStatus ?? '';
  if (status.endsWith('_IN_PROGRESS') && status !== 'DELETE_IN_PROGRESS') {
    problems.push(`it is busy (${status}); try again when it is stable`);
  }
  return problems;
}

/** Reads the App stack (read-only) and says whether teardown may delete it. */
export async function checkAppStack(cfn: CloudFormationClient, scope: StackScope): Promise<AppStackCheck> {
  const name = deploymentNames(scope.deployment).stack(STACK_PARTS.app);
  let stack: Stack | undefined;
  try {
    stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  } catch (e) {
    if (isMissingStack(e)) return { verdict: 'absent', stackName: name };
    throw e;
  }
  if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return { verdict: 'absent', stackName: name };
  const reasons = appStackProblems(stack, scope);
  if (reasons.length > 0) return { verdict: 'refused', stackName: name, reasons };
  return { verdict: 'deletable', stackName: name, stackId: stack.StackId as string, status: stack.StackStatus ?? 'UNKNOWN' };
}

export type StackDeletionStatus = 'deleted' | 'absent' | 'refused' | 'failed' | 'interrupted' | 'timed-out';

export interface StackDeletionOutcome {
  readonly status: StackDeletionStatus;
  readonly stackName: string;
  readonly detail: string;
  /** Resources CloudFormation kept (RETAIN policy): log groups, log buckets. */
  readonly retained: readonly string[];
  /** Resources it could not delete, with CloudFormation's reason. */
  readonly failures: readonly string[];
  /** What an operator runs to finish (empty when nothing is left to do). */
  readonly manualSteps: readonly string[];
}

export interface DeleteOptions {
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Idempotency token of DeleteStack. */
  readonly requestToken: string;
  /** @default 30 */
  readonly pollSeconds?: number;
  /** @default 90 */
  readonly timeoutMinutes?: number;
}

const LOAD_BALANCER_TYPE = 'AWS::ElasticLoadBalancingV2::LoadBalancer';

/** The load balancers the stack owns, each checked to be in the scope's account and region. */
async function stackLoadBalancers(cfn: CloudFormationClient, stackId: string, scope: StackScope): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackId, NextToken: nextToken }));
    for (const r of page.StackResourceSummaries ?? []) {
      if (r.ResourceType !== LOAD_BALANCER_TYPE || !r.PhysicalResourceId || r.ResourceStatus === 'DELETE_COMPLETE') continue;
      const pattern = new RegExp(
        `^arn:[a-z-]+:elasticloadbalancing:${escape(scope.region)}:${scope.account}:loadbalancer/app/[A-Za-z0-9-]+/[0-9a-f]+$`,
      );
      if (!pattern.test(r.PhysicalResourceId)) {
        throw new Error(`load balancer ${r.PhysicalResourceId} of the stack is not in account ${scope.account}, ${scope.region}`);
      }
      arns.push(r.PhysicalResourceId);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return arns;
}

/** DELETE_FAILED and DELETE_SKIPPED resources of the deletion that started at `since`. */
async function deletionEvents(cfn: CloudFormationClient, stackId: string, since: Date) {
  const failures: string[] = [];
  const retained: string[] = [];
  let nextToken: string | undefined;
  // Newest first: stop at the first page that reaches back before the deletion started.
  pages: do {
    const page = await cfn.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: nextToken }));
    for (const e of page.StackEvents ?? ([] as StackEvent[])) {
      if (e.Timestamp && e.Timestamp.getTime() < since.getTime()) break pages;
      const what = `${e.LogicalResourceId} (${e.ResourceType}${e.PhysicalResourceId ? ` ${e.PhysicalResourceId}` : ''})`;
      if (e.ResourceStatus === 'DELETE_FAILED' && e.ResourceType !== 'AWS::CloudFormation::Stack') {
        failures.push(`${what}: ${e.ResourceStatusReason ?? 'no reason given'}`);
      }
      if (e.ResourceStatus === 'DELETE_SKIPPED') retained.push(what);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return { failures, retained };
}

/** The commands that delete the App stack by hand (after --keep-stacks, or when teardown could not). */
export function manualAppStackDeletion(scope: StackScope): string[] {
  const name = deploymentNames(scope.deployment).stack(STACK_PARTS.app);
  return [
    `aws cloudformation describe-stack-resources --region ${scope.region} --stack-name ${name} --query "StackResources[?ResourceType=='${LOAD_BALANCER_TYPE}'].PhysicalResourceId" --output text`,
    `aws elbv2 modify-load-balancer-attributes --region ${scope.region} --load-balancer-arn <that ARN> --attributes Key=deletion_protection.enabled,Value=false`,
    `aws cloudformation delete-stack --region ${scope.region} --stack-name ${name}`,
    `aws cloudformation wait stack-delete-complete --region ${scope.region} --stack-name ${name}`,
  ];
}

/** Deletes this deployment's App stack and waits; never any other stack. */
export async function deleteAppStack(
  cfn: CloudFormationClient,
  loadBalancers: LoadBalancerProtection,
  scope: StackScope,
  options: DeleteOptions,
): Promise<StackDeletionOutcome> {
  const { clock, log, signal } = options;
  const none = { retained: [], failures: [], manualSteps: [] };
  const check = await checkAppStack(cfn, scope);
  if (check.verdict === 'absent') {
    return {
      status: 'absent',
      stackName: check.stackName,
      detail: `${check.stackName} does not exist (already deleted)`,
      ...none,
    };
  }
  if (check.verdict === 'refused') {
    return {
      status: 'refused',
      stackName: check.stackName,
      detail: `nothing deleted: ${check.stackName} is not recognisably this deployment's App stack: ${check.reasons.join('; ')}`,
      ...none,
      manualSteps: [
        `check ${check.stackName} in the CloudFormation console; delete it by hand only if it is this deployment's App stack`,
      ],
    };
  }
  const { stackId, stackName: name } = check;
  const retry = `aws cloudformation delete-stack --region ${scope.region} --stack-name ${stackId}`;
  const since = clock.now();

  if (check.status !== 'DELETE_IN_PROGRESS') {
    for (const arn of await stackLoadBalancers(cfn, stackId, scope)) {
      if (await loadBalancers.isDeletionProtected(arn)) {
        log(`  turning off deletion protection of load balancer ${arn} (it belongs to ${name})`);
        await loadBalancers.disableDeletionProtection(arn);
      }
    }
    log(`  deleting stack ${name} (${stackId})`);
    await cfn.send(new DeleteStackCommand({ StackName: stackId, ClientRequestToken: options.requestToken }));
  } else {
    log(`  ${name} is already being deleted; waiting for it`);
  }

  const pollMs = (options.pollSeconds ?? 30) * 1000;
  const timeoutMs = (options.timeoutMinutes ?? 90) * 60_000;
  const start = clock.now().getTime();
  let lastStatus = '';
  for (;;) {
    if (signal?.aborted) break;
    let status: string;
    try {
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackId }), { abortSignal: signal })).Stacks?.[0];
      status = stack?.StackStatus ?? 'DELETE_COMPLETE';
    } catch (e) {
      if (signal?.aborted) break;
      if (isMissingStack(e)) status = 'DELETE_COMPLETE';
      else throw e;
    }
    if (status !== lastStatus) {
      log(`  [${formatElapsed(clock.now().getTime() - start)}] ${name}: ${status}`);
      lastStatus = status;
    }
    if (status === 'DELETE_COMPLETE') {
      const { retained } = await deletionEvents(cfn, stackId, since);
      return { status: 'deleted', stackName: name, detail: `${name} deleted`, retained, failures: [], manualSteps: [] };
    }
    if (status === 'DELETE_FAILED') {
      const { failures, retained } = await deletionEvents(cfn, stackId, since);
      return {
        status: 'failed',
        stackName: name,
        detail: `${name} is DELETE_FAILED: part of it is deleted, the resources below are not`,
        retained,
        failures,
        manualSteps: ['fix the causes below, then run:', retry],
      };
    }
    const remaining = timeoutMs - (clock.now().getTime() - start);
    if (remaining <= 0) {
      return {
        status: 'timed-out',
        stackName: name,
        detail: `${name} was still ${status} after ${options.timeoutMinutes ?? 90} min; CloudFormation goes on deleting it`,
        ...none,
        manualSteps: [
          `aws cloudformation describe-stacks --region ${scope.region} --stack-name ${stackId} --query "Stacks[0].StackStatus"`,
        ],
      };
    }
    try {
      await clock.sleep(Math.min(pollMs, remaining), signal);
    } catch {
      break;
    }
  }
  return {
    status: 'interrupted',
    stackName: name,
    detail: `stopped waiting (Ctrl-C); CloudFormation goes on deleting ${name}`,
    ...none,
    manualSteps: [
      `aws cloudformation describe-stacks --region ${scope.region} --stack-name ${stackId} --query "Stacks[0].StackStatus"`,
    ],
  };
}
