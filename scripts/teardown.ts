/**
 * `npm run teardown -- -c config=config/<name>.json [--execute --confirm <digest> --export-done|--skip-export [--keep-stacks]]`
 * `npm run teardown -- -c config=config/<name>.json --approve <request> --confirm <digest>` (two-person rule)
 *
 * Contract-end teardown: prints the crypto-erasure plan (always, read-only); with --execute and the
 * plan's digest, runs the erasure state machine to its certificate of destruction, then deletes the
 * stateless App stack and explains what remains. The flow and its safety checks are described in
 * scripts/teardown/run.ts; the runbook is docs/runbooks/crypto-erasure-and-teardown.md.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { runAsMain } from './cli/main';
import { stsCallerIdentity } from './drill/identity';
import { signedFunctionUrlCall } from './teardown/approval';
import { loadBalancerProtection } from './teardown/elb-adapter';
import { watchCommands } from './teardown/executions';
import { runTeardown, type TeardownState } from './teardown/run';

const state: TeardownState = {};

/** What is still going on in AWS when the command quits before it is done. */
function printRunning(): void {
  if (state.executionArn && state.region) {
    console.error(
      `The erasure run goes on in Step Functions; watch it with:\n${watchCommands(state.executionArn, state.region)
        .map((c) => `  ${c}`)
        .join('\n')}`,
    );
  }
  if (state.stackName && state.region) {
    console.error(
      `CloudFormation may still be deleting ${state.stackName}: aws cloudformation describe-stacks --region ${state.region} --stack-name ${state.stackName}`,
    );
  }
}

runAsMain(
  {
    interrupted:
      'Interrupted: stopping at the next safe point (Ctrl-C again to quit at once). Nothing running in AWS is stopped.',
    stoppedOnError: 'Teardown stopped on an unexpected error',
    printLeftovers: printRunning,
  },
  (signal) =>
    runTeardown(process.argv.slice(2), {
      createClients: (region) => ({
        lambda: new LambdaClient({ region }),
        cloudformation: new CloudFormationClient({ region }),
        sfn: new SFNClient({ region }),
      }),
      callerIdentity: (region) => stsCallerIdentity(new STSClient({ region }))(),
      loadBalancerProtection: (region) => loadBalancerProtection(region),
      // The two-person rule's URLs, signed with the same credentials (the SDK's default chain) as every other call.
      callFunctionUrl: (region, url, body) =>
        signedFunctionUrlCall(() => new LambdaClient({ region }).config.credentials())(region, url, body),
      out: (text) => console.log(text),
      err: (text) => console.error(text),
      signal,
      state,
    }),
);
