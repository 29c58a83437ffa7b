import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { HttpResponse, type HttpRequest } from '@smithy/core/protocols';
import { Readable } from 'node:stream';
import { createClientsFor } from '../../../lambda/crypto-erasure/clients';
import { SDK_RETRY } from '../../../lambda/shared/clients';

/** A request handler that answers from a script, recording the requests (no network). */
function scriptedHandler(answers: { status: number; body: unknown; errorType?: string }[]) {
  const requests: HttpRequest[] = [];
  return {
    requests,
    handler: {
      handle: async (request: HttpRequest) => {
        requests.push(request);
        const answer = answers[Math.min(requests.length - 1, answers.length - 1)];
        return {
          response: new HttpResponse({
            statusCode: answer.status,
            headers: {
              'content-type': 'application/x-amz-json-1.1',
              ...(answer.errorType ? { 'x-amzn-errortype': answer.errorType } : {}),
            },
            body: Readable.from([Buffer.from(JSON.stringify(answer.body))]),
          }),
        };
      },
    },
  };
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const KEY = 'arn:aws:kms:us-west-2:111122223333:key/33333333-3333-3333-3333-333333333333';

describe('clients', () => {
  test('every client of a region is built with the shared retry settings and the given transport', async () => {
    const script = scriptedHandler([
      { status: 200, body: { KeyMetadata: { KeyId: '33333333-3333-3333-3333-333333333333', Arn: KEY, KeyState: 'Enabled' } } },
    ]);
    const clients = createClientsFor({ credentials, requestHandler: script.handler })('us-west-2');
    for (const client of Object.values(clients)) {
      expect(await client.config.maxAttempts()).toBe(SDK_RETRY.maxAttempts);
      expect(((await client.config.retryStrategy()) as { mode?: string }).mode).toBe(SDK_RETRY.retryMode);
    }
    const out = await clients.kms.send(new DescribeKeyCommand({ KeyId: KEY }));
    expect(out.KeyMetadata?.KeyState).toBe('Enabled');
    expect(script.requests).toHaveLength(1);
  });

  test('each region has its own clients, sent to that region', async () => {
    const script = scriptedHandler([{ status: 200, body: {} }]);
    const clientsFor = createClientsFor({ credentials, requestHandler: script.handler });
    expect(clientsFor('us-west-2')).toBe(clientsFor('us-west-2'));
    expect(await clientsFor('us-west-2').kms.config.region()).toBe('us-west-2');
    expect(await clientsFor('us-east-1').cloudTrail.config.region()).toBe('us-east-1');
    await clientsFor('us-west-2').kms.send(new DescribeKeyCommand({ KeyId: KEY }));
    expect(script.requests[0].hostname).toBe('kms.us-west-2.amazonaws.com');
  });
});
