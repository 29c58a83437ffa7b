/**
 * The throwaway key of the key-lifecycle integ tests: built by the deployment's own DataClassKey
 * construct and tagged like a key of a deployment, but of a throwaway deployment name that no real
 * deployment may use (`integ-…`), so that no deployment's rotation enforcer or crypto-erasure ever
 * scopes it in. Everything in its stack is destroyed with the stack (the real keys are RETAIN), and the
 * key is then only scheduled for deletion, 7 days later. Not an integ test itself: integ-runner only
 * runs files named `integ.*.ts`.
 */
import { App, Duration, RemovalPolicies, Stack, Tags } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { DataClassKey } from '../../lib/constructs/data-class-key';
import { deploymentNames, TAG } from '../../lib/vocabulary';

/** Not the 365-day default, so an assertion on it proves the configured period reaches KMS. */
export const ROTATION_PERIOD_DAYS = 90;
/** The KMS minimum: a throwaway key is gone a week after its test. */
export const PENDING_WINDOW_DAYS = 7;

export interface ThrowawayKey {
  readonly stack: Stack;
  readonly key: kms.Key;
}

/**
 * A stack (environment-agnostic: it deploys to the region integ-runner runs in) holding one symmetric
 * `phi` key of the throwaway deployment `deployment`.
 */
export function throwawayKeyStack(app: App, id: string, deployment: `integ-${string}`): ThrowawayKey {
  const stack = new Stack(app, id, {
    stackName: deploymentNames(deployment).stack('keys'),
    description: `Throwaway key of an integ test (deployment ${deployment}); holds no data.`,
  });
  // The tags the app puts on every resource of a deployment (lib/app.ts); DataClassKey adds the data class.
  Tags.of(stack).add(TAG.deployment, deployment);
  Tags.of(stack).add(TAG.holdsPhi, 'false');
  const { key } = new DataClassKey(stack, 'PhiKey', {
    deployment,
    dataClass: 'phi',
    description: 'throwaway key of an integ test, protects nothing',
    rotationPeriod: Duration.days(ROTATION_PERIOD_DAYS),
    pendingWindow: Duration.days(PENDING_WINDOW_DAYS),
  });
  RemovalPolicies.of(stack).destroy();
  return { stack, key };
}
