import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { stsCallerIdentity } from '../../../scripts/drill/identity';

const sts = mockClient(STSClient);
beforeEach(() => sts.reset());

describe('stsCallerIdentity', () => {
  test('returns the account and ARN STS names', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/ops' });
    await expect(stsCallerIdentity(new STSClient({ region: 'us-east-1' }))()).resolves.toEqual({
      account: '111122223333',
      arn: 'arn:aws:iam::111122223333:user/ops',
    });
  });

  test.each([
    ['no account', { Arn: 'arn:aws:iam::111122223333:user/ops' }],
    ['a malformed account', { Account: 'unknown', Arn: 'arn:aws:iam::111122223333:user/ops' }],
    ['no ARN', { Account: '111122223333' }],
  ])('refuses an answer with %s', async (_what, answer) => {
    sts.on(GetCallerIdentityCommand).resolves(answer);
    await expect(stsCallerIdentity(new STSClient({ region: 'us-east-1' }))()).rejects.toThrow(/without an account ID and ARN/);
  });

  test('passes STS errors on (expired credentials stop the drill before anything starts)', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('expired'), { name: 'ExpiredToken' }));
    await expect(stsCallerIdentity(new STSClient({ region: 'us-east-1' }))()).rejects.toThrow('expired');
  });
});
