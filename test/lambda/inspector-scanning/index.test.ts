import { EnableCommand, Inspector2Client } from '@aws-sdk/client-inspector2';
import { mockClient } from 'aws-sdk-client-mock';

const inspector = mockClient(Inspector2Client);
/** The commands sent, in order, as `{ command, input }`. */
const sent = () =>
  inspector.calls().map((c) => ({ command: c.args[0].constructor.name.replace(/Command$/, ''), input: c.args[0].input }));

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../../../lambda/inspector-scanning/index.js') as {
  handler: (event: Record<string, unknown>) => Promise<{ PhysicalResourceId: string }>;
};

const event = (RequestType: string, extra: Record<string, unknown> = {}) => ({
  RequestType,
  RequestId: 'req-1',
  ResourceProperties: { Account: '111122223333', ResourceTypes: ['ECR', 'LAMBDA', 'LAMBDA_CODE'] },
  ...extra,
});

beforeEach(() => {
  inspector.reset();
  inspector.on(EnableCommand).resolves({
    accounts: [{ accountId: '111122223333', status: 'ENABLING', resourceStatus: { ec2: 'DISABLED', ecr: 'ENABLING' } }],
    failedAccounts: [],
  });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

describe('inspector-scanning handler', () => {
  test.each(['Create', 'Update'])('%s enables the configured scan types for this account, once per request', async (type) => {
    await expect(
      handler(event(type, type === 'Update' ? { PhysicalResourceId: 'inspector2-111122223333' } : {})),
    ).resolves.toEqual({
      PhysicalResourceId: 'inspector2-111122223333',
    });
    expect(sent()).toEqual([
      { command: 'Enable', input: { resourceTypes: ['ECR', 'LAMBDA', 'LAMBDA_CODE'], clientToken: 'req-1' } },
    ]);
  });

  test('Delete leaves Inspector on: no call at all', async () => {
    await expect(handler(event('Delete', { PhysicalResourceId: 'inspector2-111122223333' }))).resolves.toEqual({
      PhysicalResourceId: 'inspector2-111122223333',
    });
    expect(sent()).toEqual([]);
  });

  test('an account Inspector could not enable fails the deployment (Enable answers 200 with failedAccounts)', async () => {
    inspector.on(EnableCommand).resolves({
      accounts: [],
      failedAccounts: [{ accountId: '111122223333', errorCode: 'ACCESS_DENIED', errorMessage: 'no' }],
    });
    await expect(handler(event('Create'))).rejects.toThrow(
      /did not enable ECR, LAMBDA, LAMBDA_CODE: 111122223333: ACCESS_DENIED no/,
    );
  });

  test('no resource types is refused before any call', async () => {
    await expect(handler(event('Create', { ResourceProperties: { Account: '1', ResourceTypes: [] } }))).rejects.toThrow(
      /no Inspector resource types/,
    );
    expect(sent()).toEqual([]);
  });
});
