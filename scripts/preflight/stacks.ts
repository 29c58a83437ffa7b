/**
 * The deployment's own CloudFormation stacks. The preflight is for a first deployment: an existing
 * healthy stack means an update (its resources are not leftovers); a stack left in ROLLBACK_COMPLETE
 * by a failed create cannot be updated and must be deleted before the next deploy.
 */
import { DescribeStacksCommand, type CloudFormationClient, type Stack } from '@aws-sdk/client-cloudformation';
import { errorName, fail, guarded, pass, warn, type CheckResult } from './result';

/** A stack CloudFormation can neither update nor create again until it is deleted (or rolled back). */
const BROKEN = /^(ROLLBACK_COMPLETE|ROLLBACK_FAILED|CREATE_FAILED|DELETE_FAILED|UPDATE_ROLLBACK_FAILED|IMPORT_ROLLBACK_FAILED)$/;

export interface StacksOutcome {
  readonly results: readonly CheckResult[];
  /** Stacks that exist and work: the named resources they hold are theirs, not leftovers. */
  readonly healthy: readonly string[];
}

async function describe(cloudformation: CloudFormationClient, name: string): Promise<Stack | undefined> {
  try {
    return (await cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  } catch (e) {
    if (errorName(e) === 'ValidationError' && /does not exist/.test((e as Error).message)) return undefined;
    throw e;
  }
}

export async function checkStacks(
  cloudformation: CloudFormationClient,
  region: string,
  stackNames: readonly string[],
  configPath: string,
): Promise<StacksOutcome> {
  const healthy: string[] = [];
  const perStack = await Promise.all(
    stackNames.map((name) =>
      guarded(region, `stack ${name}`, 'cloudformation:DescribeStacks', async () => {
        const stack = await describe(cloudformation, name);
        if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return [];
        const status = stack.StackStatus ?? 'UNKNOWN';
        if (BROKEN.test(status)) {
          const unprotect = stack.EnableTerminationProtection
            ? `aws cloudformation update-termination-protection --region ${region} --stack-name ${name} --no-enable-termination-protection && `
            : '';
          return fail(
            region,
            `stack ${name} is ${status}: CloudFormation cannot deploy it again until it is deleted`,
            `${unprotect}aws cloudformation delete-stack --region ${region} --stack-name ${name} (read its events first: aws cloudformation describe-stack-events --region ${region} --stack-name ${name})`,
          );
        }
        if (status.endsWith('_IN_PROGRESS')) {
          return fail(
            region,
            `stack ${name} is ${status}`,
            `wait for it: aws cloudformation wait stack-create-complete --region ${region} --stack-name ${name} (or stack-update-complete)`,
          );
        }
        healthy.push(name);
        return warn(
          region,
          `stack ${name} already exists (${status}): this is an update, not a first deployment`,
          `review the change first: npx cdk diff -c config=${configPath}`,
        );
      }),
    ),
  );
  const results = perStack.flat();
  if (results.length === 0)
    return { results: [pass(region, `no stack of this deployment exists yet (${stackNames.join(', ')})`)], healthy };
  return { results, healthy };
}
