/**
 * Integration test of the KMS behaviour the key-rotation enforcer relies on, on a throwaway key in a
 * real account. It deploys only throwaway resources:
 *
 * - a test stack with one symmetric key built by the deployment's DataClassKey construct, tagged as the
 *   `phi` key of the throwaway deployment `integ-key-rotation`, rotation period 90 days, pending window
 *   7 days, RemovalPolicy DESTROY (test/integ/throwaway-key.ts);
 * - the assertion stack of @aws-cdk/integ-tests-alpha, whose custom resources call KMS in this order:
 *   1. GetKeyRotationStatus: rotation enabled with RotationPeriodInDays 90, the two fields the enforcer
 *      compares with the config's keys.rotationPeriodDays (lambda/key-rotation/check.ts);
 *   2. RotateKeyOnDemand, what the enforcer's `rotate-now` request does for a key suspected compromised
 *      (lambda/key-rotation/rotate-now.ts);
 *   3. ListKeyRotations, retried for up to 15 minutes until it lists an ON_DEMAND rotation (rotations
 *      complete asynchronously): where the enforcer finds the last rotation and counts the on-demand
 *      ones against the quota (lambda/key-rotation/policy.ts).
 * The enforcer function itself is not deployed here: it runs on its schedule in every deployment. This
 * test proves that KMS answers the way it assumes. Cost: one key for minutes (billed prorated), one of
 * its 25 on-demand rotations; destroying the stacks schedules the key's deletion (7 days).
 *
 * Run it against a real account that holds no PHI: the account of a sandbox deployment (config/sandbox.json,
 * profile sandbox; test/integ/README.md), once integ-runner can:
 *   npx integ-runner integ.key-rotation.ts --directory test/integ --language typescript \
 *     --parallel-regions <region> --update-on-failed
 * (it deploys both stacks, fails on a failed assertion, destroys both stacks and rewrites the snapshot).
 * integ-runner 2.197.10, the newest, cannot read aws-cdk-lib 2.276's cloud assembly and stops before
 * deploying: `AssemblyVersionMismatch: ... Maximum schema version supported is 53.x.x, but found 55.0.0`.
 * Until then, deploy the committed snapshot (the reviewed templates) with the project's CDK CLI:
 *   npx cdk deploy --app test/integ/integ.key-rotation.ts.snapshot --all --require-approval never
 *   npx cdk destroy --app test/integ/integ.key-rotation.ts.snapshot --all --force
 * The deploy fails if an assertion fails (every assertion here waits, and one that never passes fails
 * its custom resource); destroy in any case, and before deploying again.
 * The snapshot is written by `npm run integ:snapshot` (offline, synthesized the way integ-runner does)
 * and checked by test/integ-snapshots.test.ts; an integ-runner that reads schema 55 should write
 * identical templates. See test/integ/README.md.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import { ROTATION_PERIOD_DAYS, throwawayKeyStack } from './throwaway-key';

const app = new App();
const { stack, key } = throwawayKeyStack(app, 'KeyRotationInteg', 'integ-key-rotation');

const integ = new IntegTest(app, 'KeyRotation', {
  testCases: [stack],
  // Every run starts from a new key: deploying an old snapshot first would only add a second key.
  stackUpdateWorkflow: false,
  diffAssets: false,
});
const assertions = integ.assertions;

// Waiting assertions fail the deployment when they time out (a plain `cdk deploy` too); an assertion
// that does not wait only reports its result in a stack output, which integ-runner reads.
const rotationStatus = assertions
  .awsApiCall('KMS', 'getKeyRotationStatus', { KeyId: key.keyArn })
  .expect(ExpectedResult.objectLike({ KeyRotationEnabled: true, RotationPeriodInDays: ROTATION_PERIOD_DAYS }))
  .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) });

// Not retried: a second on-demand rotation while the first runs is refused (and uses up the quota).
const rotateNow = assertions.awsApiCall('KMS', 'rotateKeyOnDemand', { KeyId: key.keyArn });

const onDemandRotation = assertions
  .awsApiCall('KMS', 'listKeyRotations', { KeyId: key.keyArn })
  .expect(ExpectedResult.objectLike({ Rotations: Match.arrayWith([Match.objectLike({ RotationType: 'ON_DEMAND' })]) }))
  .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) });

rotationStatus.next(rotateNow).next(onDemandRotation);

app.synth();
