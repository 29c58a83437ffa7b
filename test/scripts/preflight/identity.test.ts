import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { checkIdentity } from '../../../scripts/preflight/identity';
import { shippedConfig } from '../../helpers/config';

const sts = mockClient(STSClient);
afterEach(() => sts.reset());
const ARN = 'arn:aws:sts::111122223333:assumed-role/Deployer/jane';
const demo = shippedConfig('config/demo.json');
const pinned = shippedConfig('config/demo.json', { account: '111122223333' });

test('credentials of the pinned account pass', async () => {
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: ARN });
  const outcome = await checkIdentity(new STSClient({}), pinned, 'config/x.json');
  expect(outcome.account).toBe('111122223333');
  expect(outcome.results).toEqual([expect.objectContaining({ status: 'PASS', scope: 'global' })]);
});

test('a config without an account warns and names the account that would be used', async () => {
  sts.on(GetCallerIdentityCommand).resolves({ Account: '444455556666', Arn: ARN.replace('111122223333', '444455556666') });
  const outcome = await checkIdentity(new STSClient({}), demo, 'config/demo.json');
  expect(outcome.account).toBe('444455556666');
  expect(outcome.results[0]).toMatchObject({
    status: 'WARN',
    fix: 'add "account": "444455556666" to config/demo.json so no other credentials can deploy it elsewhere',
  });
  expect(outcome.results[0].what).toContain('would go into 444455556666');
});

test('credentials of another account fail and end the run', async () => {
  sts.on(GetCallerIdentityCommand).resolves({ Account: '999988887777', Arn: ARN });
  const outcome = await checkIdentity(new STSClient({}), pinned, 'config/x.json');
  expect(outcome.account).toBeUndefined();
  expect(outcome.results[0]).toMatchObject({ status: 'FAIL' });
  expect(outcome.results[0].what).toContain(
    'for account 999988887777, but config/x.json pins deployment crm-demo to 111122223333',
  );
});

test('no credentials fail with how to sign in', async () => {
  sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('expired'), { name: 'ExpiredToken' }));
  const outcome = await checkIdentity(new STSClient({}), pinned, 'config/x.json');
  expect(outcome.account).toBeUndefined();
  expect(outcome.results[0]).toMatchObject({ status: 'FAIL' });
  expect(outcome.results[0].fix).toMatch(/aws sso login/);
});
