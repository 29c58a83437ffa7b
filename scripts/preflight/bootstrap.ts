/**
 * The CDK bootstrap stack of a region: present, healthy, of the qualifier the stacks are synthesized
 * with, and at least the version they require. The stacks record the version they need
 * (`requiresBootstrapStackVersion`, read in footprint.ts: 6 for this app, which makes no context
 * lookups, the only feature that needs 8); what each template version added is listed at
 * https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html#bootstrap-template-history, and
 * `cdk bootstrap` of the project's pinned CLI installs the newest.
 */
import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { BootstrapRequirement } from './footprint';
import { errorName, fail, guarded, pass, type CheckResult } from './result';

/** The stack name `cdk bootstrap` uses unless `--toolkit-stack-name` (or cdk.json's toolkitStackName) says otherwise. */
export const DEFAULT_TOOLKIT_STACK_NAME = 'CDKToolkit';

const BROKEN = /(_FAILED|ROLLBACK_COMPLETE|^DELETE_COMPLETE)$/;

export function checkBootstrap(
  cloudformation: CloudFormationClient,
  region: string,
  account: string,
  need: BootstrapRequirement,
  toolkitStackName = DEFAULT_TOOLKIT_STACK_NAME,
): Promise<CheckResult[]> {
  const what = `CDK bootstrap stack ${toolkitStackName}`;
  const qualifierFlag = need.qualifier === 'hnb659fds' ? '' : ` --qualifier ${need.qualifier}`;
  const nameFlag = toolkitStackName === DEFAULT_TOOLKIT_STACK_NAME ? '' : ` --toolkit-stack-name ${toolkitStackName}`;
  const bootstrap = `npx cdk bootstrap aws://${account}/${region}${qualifierFlag}${nameFlag}`;
  return guarded(region, what, 'cloudformation:DescribeStacks', async () => {
    let stack;
    try {
      stack = (await cloudformation.send(new DescribeStacksCommand({ StackName: toolkitStackName }))).Stacks?.[0];
    } catch (e) {
      // CloudFormation answers a stack that does not exist with a ValidationError.
      if (errorName(e) !== 'ValidationError' || !/does not exist/.test((e as Error).message)) throw e;
    }
    if (!stack) return fail(region, `${what} does not exist: the region is not bootstrapped`, bootstrap);
    const status = stack.StackStatus ?? 'UNKNOWN';
    if (BROKEN.test(status))
      return fail(region, `${what} is in ${status}`, `fix or delete the stack in the CloudFormation console, then ${bootstrap}`);
    const qualifier = stack.Parameters?.find((p) => p.ParameterKey === 'Qualifier')?.ParameterValue;
    if (qualifier !== undefined && qualifier !== need.qualifier) {
      return fail(region, `${what} has qualifier ${qualifier}, the stacks need ${need.qualifier}`, bootstrap);
    }
    const version = Number(stack.Outputs?.find((o) => o.OutputKey === 'BootstrapVersion')?.OutputValue);
    if (!Number.isFinite(version))
      return fail(region, `${what} has no BootstrapVersion output (not a modern bootstrap stack)`, bootstrap);
    if (version < need.version)
      return fail(region, `${what} is version ${version}; the stacks need at least ${need.version}`, bootstrap);
    return pass(region, `${what} is version ${version} (the stacks need ${need.version} or later)`);
  });
}
