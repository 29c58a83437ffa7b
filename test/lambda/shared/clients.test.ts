/**
 * Every client retries with the settings chosen once in lambda/shared/clients.ts. Real SDK clients are
 * used (aws-sdk-client-mock replaces `send`, and with it the retry middleware), over a request handler
 * that answers from a script instead of the network.
 */
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { Readable } from 'node:stream';
import { createClient, SDK_RETRY } from '../../../lambda/shared/clients';

interface Answer {
  readonly status: number;
  readonly body: object;
  readonly errorType?: string;
}

/** Answers `answers` in order (the last one again and again) and records the `X-Amz-Target` of each request. */
function scriptedTransport(answers: readonly Answer[]) {
  const targets: string[] = [];
  const requestHandler = {
    handle: async (request: { headers: Record<string, string> }) => {
      targets.push(request.headers['x-amz-target']);
      const answer = answers[Math.min(targets.length, answers.length) - 1];
      return {
        response: {
          statusCode: answer.status,
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amzn-requestid': `req-${targets.length}`,
            ...(answer.errorType ? { 'x-amzn-errortype': answer.errorType } : {}),
          },
          body: Readable.from([Buffer.from(JSON.stringify(answer.body))]),
        },
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  };
  const transport = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' },
    requestHandler: requestHandler as never,
  };
  return { transport, targets };
}

const throttled: Answer = {
  status: 400,
  errorType: 'ThrottlingException',
  body: { __type: 'ThrottlingException', message: 'Rate exceeded' },
};
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/key-phi';
const described: Answer = { status: 200, body: { KeyMetadata: { KeyId: 'key-phi', Arn: KEY_ARN } } };

async function retrySettings(client: { config: { maxAttempts: () => Promise<number>; retryStrategy: () => Promise<unknown> } }) {
  return {
    maxAttempts: await client.config.maxAttempts(),
    mode: ((await client.config.retryStrategy()) as { mode?: string }).mode,
  };
}

test('the retry settings are adaptive mode with up to 8 attempts', () => {
  expect(SDK_RETRY).toEqual({ retryMode: 'adaptive', maxAttempts: 8 });
});

test.each([
  ['Backup', BackupClient],
  ['CloudTrail', CloudTrailClient],
  ['Cognito', CognitoIdentityProviderClient],
  ['KMS', KMSClient],
  ['RDS', RDSClient],
  ['S3', S3Client],
  ['Secrets Manager', SecretsManagerClient],
  ['SNS', SNSClient],
] as const)('a %s client is built with them', async (_name, ClientClass) => {
  expect(await retrySettings(createClient(ClientClass))).toEqual({ maxAttempts: 8, mode: 'adaptive' });
});

test('a caller sets the region and the transport, never the retry settings', async () => {
  const s3 = createClient(S3Client, {
    region: 'us-west-2',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    // What the type refuses does not get through at run time either.
    ...({ maxAttempts: 2, retryMode: 'standard' } as object),
  });
  expect(await s3.config.region()).toBe('us-west-2');
  expect(await retrySettings(s3)).toEqual({ maxAttempts: 8, mode: 'adaptive' });
});

test("without a region, a client works in the function's own (AWS_REGION, set by Lambda)", async () => {
  const saved = process.env.AWS_REGION;
  process.env.AWS_REGION = 'eu-central-1';
  try {
    expect(await createClient(KMSClient).config.region()).toBe('eu-central-1');
  } finally {
    if (saved === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = saved;
  }
});

test('a client error that is not transient is not retried', async () => {
  const denied: Answer = {
    status: 400,
    errorType: 'AccessDeniedException',
    body: { __type: 'AccessDeniedException', message: 'no' },
  };
  const { transport, targets } = scriptedTransport([denied, described]);
  await expect(createClient(KMSClient, transport).send(new DescribeKeyCommand({ KeyId: 'key-phi' }))).rejects.toMatchObject({
    name: 'AccessDeniedException',
  });
  expect(targets).toHaveLength(1);
});

/** Settles `call`, running the SDK's backoff waits on jest's fake clock (at most 10 simulated minutes). */
async function onFakeClock<T>(call: Promise<T>): Promise<T | { readonly name: string; readonly attempts?: number }> {
  let settled: { value: T | { name: string; attempts?: number } } | undefined;
  void call.then(
    (value) => (settled = { value }),
    (e: { name: string; $metadata?: { attempts?: number } }) =>
      (settled = { value: { name: e.name, attempts: e.$metadata?.attempts } }),
  );
  for (let waited = 0; settled === undefined && waited < 10 * 60_000; waited += 1_000) {
    await jest.advanceTimersByTimeAsync(1_000);
  }
  if (!settled) throw new Error('the call did not settle within 10 simulated minutes');
  return settled.value;
}

describe('with the backoff on a fake clock', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('a ThrottlingException is retried and the call succeeds', async () => {
    const { transport, targets } = scriptedTransport([throttled, described]);
    const result = await onFakeClock(createClient(KMSClient, transport).send(new DescribeKeyCommand({ KeyId: 'key-phi' })));
    expect(result).toMatchObject({ KeyMetadata: { Arn: KEY_ARN }, $metadata: { attempts: 2 } });
    expect(targets).toEqual(['TrentService.DescribeKey', 'TrentService.DescribeKey']);
  });

  test('throttling that does not stop is given up after exactly 8 attempts (CloudTrail LookupEvents, 2 per second)', async () => {
    const { transport, targets } = scriptedTransport([throttled]);
    const outcome = await onFakeClock(createClient(CloudTrailClient, transport).send(new LookupEventsCommand({})));
    expect(outcome).toEqual({ name: 'ThrottlingException', attempts: 8 });
    expect(targets).toHaveLength(8);
  });
});
