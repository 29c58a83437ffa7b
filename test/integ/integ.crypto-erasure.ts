/**
 * Integration test of the KMS behaviour the crypto-erasure verification relies on, on a throwaway key
 * in a real account. The erasure itself (plan, execute, verify, certify, finalize: the crypto-erasure
 * function and its state machine) is exercised end to end by `npm run teardown` in a sandbox
 * deployment (config/sandbox.json); this test proves, with nothing else deployed, that what its verify phase checks is what
 * KMS does: once a key is disabled and scheduled for deletion, a canary encrypted with it no longer
 * decrypts, and the key reports PendingDeletion. It deploys only throwaway resources:
 *
 * - a test stack with one symmetric key built by the deployment's DataClassKey construct, tagged as the
 *   `phi` key of the throwaway deployment `integ-crypto-erasure`, pending window 7 days, RemovalPolicy
 *   DESTROY (test/integ/throwaway-key.ts), and a canary probe: a small function that encrypts a random
 *   canary with the key, or tries to decrypt one and returns the error name when KMS refuses;
 * - the assertion stack of @aws-cdk/integ-tests-alpha, whose custom resources run in this order:
 *   1. the probe encrypts a canary (the plan phase does the same for each key);
 *   2. the canary decrypts (so the refusal below is caused by the erasure, not by a broken probe);
 *   3. DisableKey, then ScheduleKeyDeletion with a 7-day window (the execute phase), whose answer must
 *      show KeyState PendingDeletion and PendingWindowInDays 7;
 *   4. the canary no longer decrypts: KMS refuses with DisabledException or KMSInvalidStateException
 *      (retried for up to 10 minutes: key state changes are eventually consistent), the two errors
 *      lambda/crypto-erasure/verify.ts accepts as proof;
 *   5. DescribeKey: KeyState PendingDeletion, Enabled false (verify's second check).
 * Why a probe function: the assertion framework has no way to expect a failing API call (a call that
 * fails fails its custom resource), and it decodes binary responses as UTF-8, which corrupts a
 * ciphertext blob. The probe carries the ciphertext as base64 and turns the refusal into a result.
 * Cost: one key and one function for minutes; the key is deleted by KMS 7 days later.
 *
 * Run it against a real account that holds no PHI: the account of a sandbox deployment (config/sandbox.json,
 * profile sandbox; test/integ/README.md), once integ-runner can:
 *   npx integ-runner integ.crypto-erasure.ts --directory test/integ --language typescript \
 *     --parallel-regions <region> --update-on-failed
 * (it deploys both stacks, fails on a failed assertion, destroys both stacks, whose key stays pending
 * deletion, and rewrites the snapshot).
 * integ-runner 2.197.10, the newest, cannot read aws-cdk-lib 2.276's cloud assembly and stops before
 * deploying: `AssemblyVersionMismatch: ... Maximum schema version supported is 53.x.x, but found 55.0.0`.
 * Until then, deploy the committed snapshot (the reviewed templates) with the project's CDK CLI:
 *   npx cdk deploy --app test/integ/integ.crypto-erasure.ts.snapshot --all --require-approval never
 *   npx cdk destroy --app test/integ/integ.crypto-erasure.ts.snapshot --all --force
 * The deploy fails if an assertion fails (every assertion here waits, and one that never passes fails
 * its custom resource); destroy in any case, and before deploying again.
 * The snapshot is written by `npm run integ:snapshot` (offline, synthesized the way integ-runner does)
 * and checked by test/integ-snapshots.test.ts; an integ-runner that reads schema 55 should write
 * identical templates. See test/integ/README.md.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PENDING_WINDOW_DAYS, throwawayKeyStack } from './throwaway-key';

/** Uses only the AWS SDK of the Lambda runtime, so it is inline code: nothing to bundle. */
const CANARY_PROBE_CODE = `
const { KMSClient, EncryptCommand, DecryptCommand } = require('@aws-sdk/client-kms');
const { randomBytes } = require('node:crypto');
const kms = new KMSClient({});
exports.handler = async (event) => {
  if (event.action === 'encrypt') {
    const out = await kms.send(new EncryptCommand({ KeyId: process.env.KEY_ARN, Plaintext: randomBytes(32) }));
    return { ciphertext: Buffer.from(out.CiphertextBlob).toString('base64') };
  }
  if (event.action === 'decrypt') {
    try {
      await kms.send(new DecryptCommand({ KeyId: process.env.KEY_ARN, CiphertextBlob: Buffer.from(event.ciphertext, 'base64') }));
      return { outcome: 'decrypted' };
    } catch (e) {
      return { outcome: 'refused', errorName: e.name };
    }
  }
  throw new Error('action must be encrypt or decrypt');
};
`;

const app = new App();
const { stack, key } = throwawayKeyStack(app, 'CryptoErasureInteg', 'integ-crypto-erasure');

// A throwaway test function, not a deployment function: no VPC, DLQ or 6-year logs (SecureFunction),
// because it handles no data and everything it leaves would outlive the test.
const probe = new lambda.Function(stack, 'CanaryProbe', {
  description: 'Integ test: encrypts a canary with the throwaway key, reports whether it still decrypts',
  runtime: lambda.Runtime.NODEJS_24_X,
  architecture: lambda.Architecture.ARM_64,
  handler: 'index.handler',
  code: lambda.Code.fromInline(CANARY_PROBE_CODE),
  timeout: Duration.seconds(30),
  environment: { KEY_ARN: key.keyArn },
  logGroup: new logs.LogGroup(stack, 'CanaryProbeLogs', {
    retention: logs.RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
  }),
});
key.grant(probe, 'kms:Encrypt', 'kms:Decrypt');

const integ = new IntegTest(app, 'CryptoErasure', {
  testCases: [stack],
  // Every run starts from a new key: an old snapshot deployed first could not be erased twice.
  stackUpdateWorkflow: false,
  diffAssets: false,
});
const assertions = integ.assertions;

const encryptCanary = assertions.invokeFunction({
  functionName: probe.functionName,
  payload: JSON.stringify({ action: 'encrypt' }),
});
// Base64 needs no JSON escaping, so the ciphertext can go into the payload as it is.
const decryptCanary = JSON.stringify({ action: 'decrypt', ciphertext: encryptCanary.getAttString('Payload.ciphertext') });

// Every expectation waits: one that never passes fails the deployment (a plain `cdk deploy` too).
const decryptsBefore = assertions
  .invokeFunction({ functionName: probe.functionName, payload: decryptCanary })
  .expect(ExpectedResult.objectLike({ Payload: Match.serializedJson({ outcome: 'decrypted' }) }))
  .waitForAssertions({ totalTimeout: Duration.minutes(2), interval: Duration.seconds(10) });

const disable = assertions.awsApiCall('KMS', 'disableKey', { KeyId: key.keyArn });

// Only the waiter's first call can succeed (a key already pending deletion refuses another schedule),
// so a wrong answer ends in the waiter's timeout: a failure either way.
const scheduleDeletion = assertions
  .awsApiCall('KMS', 'scheduleKeyDeletion', { KeyId: key.keyArn, PendingWindowInDays: PENDING_WINDOW_DAYS })
  .expect(ExpectedResult.objectLike({ KeyState: 'PendingDeletion', PendingWindowInDays: PENDING_WINDOW_DAYS }))
  .waitForAssertions({ totalTimeout: Duration.minutes(2), interval: Duration.seconds(10) });

// The errors the verify phase accepts as proof (EXPECTED_DECRYPT_ERRORS in lambda/crypto-erasure/verify.ts).
const refusedAfter = assertions
  .invokeFunction({ functionName: probe.functionName, payload: decryptCanary })
  .expect(
    ExpectedResult.objectLike({
      Payload: Match.serializedJson(
        Match.objectLike({
          outcome: 'refused',
          errorName: Match.stringLikeRegexp('^(DisabledException|KMSInvalidStateException)$'),
        }),
      ),
    }),
  )
  .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) });

const pendingDeletion = assertions
  .awsApiCall('KMS', 'describeKey', { KeyId: key.keyArn })
  .expect(ExpectedResult.objectLike({ KeyMetadata: Match.objectLike({ KeyState: 'PendingDeletion', Enabled: false }) }))
  .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) });

encryptCanary.next(decryptsBefore).next(disable).next(scheduleDeletion).next(refusedAfter).next(pendingDeletion);

app.synth();
