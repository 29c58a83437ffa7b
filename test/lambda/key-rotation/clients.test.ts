/**
 * Throttling is retried by the SDK itself, with the retry settings the function runs with. The real
 * KMS client is used (aws-sdk-client-mock replaces `send`, and with it the retry middleware), over an
 * HTTP handler that answers like KMS: first a ThrottlingException, then success.
 */
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { Readable } from 'node:stream';
import { createKmsClient, KMS_RETRY } from '../../../lambda/key-rotation/clients';

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/key-phi';

/** Answers the given responses in order and records the `X-Amz-Target` of each request. */
function kmsEndpoint(responses: { status: number; body: object; errorType?: string }[]) {
  const targets: string[] = [];
  const requestHandler = {
    handle: async (request: { headers: Record<string, string> }) => {
      targets.push(request.headers['x-amz-target']);
      const r = responses[Math.min(targets.length, responses.length) - 1];
      return {
        response: {
          statusCode: r.status,
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amzn-requestid': `req-${targets.length}`,
            ...(r.errorType ? { 'x-amzn-errortype': r.errorType } : {}),
          },
          body: Readable.from([Buffer.from(JSON.stringify(r.body))]),
        },
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  };
  const kms = createKmsClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' },
    requestHandler: requestHandler as never,
  });
  return { kms, targets };
}

const throttled = {
  status: 400,
  errorType: 'ThrottlingException',
  body: { __type: 'ThrottlingException', message: 'Rate exceeded' },
};
const described = { status: 200, body: { KeyMetadata: { KeyId: 'key-phi', Arn: KEY_ARN } } };

test('the KMS client retries adaptively, with several attempts', () => {
  expect(KMS_RETRY).toEqual({ maxAttempts: 8, retryMode: 'adaptive' });
});

test('a ThrottlingException is retried and the call succeeds', async () => {
  const { kms, targets } = kmsEndpoint([throttled, described]);
  const result = await kms.send(new DescribeKeyCommand({ KeyId: 'key-phi' }));
  expect(result.KeyMetadata?.Arn).toBe(KEY_ARN);
  expect(targets).toEqual(['TrentService.DescribeKey', 'TrentService.DescribeKey']);
  expect(result.$metadata.attempts).toBe(2);
});

test('a client error that is not transient is not retried', async () => {
  const denied = { status: 400, errorType: 'AccessDeniedException', body: { __type: 'AccessDeniedException', message: 'no' } };
  const { kms, targets } = kmsEndpoint([denied, described]);
  await expect(kms.send(new DescribeKeyCommand({ KeyId: 'key-phi' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  expect(targets).toHaveLength(1);
});
