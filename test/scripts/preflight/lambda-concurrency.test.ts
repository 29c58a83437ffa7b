import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { checkLambdaConcurrency } from '../../../scripts/preflight/lambda-concurrency';

const lambda = mockClient(LambdaClient);
afterEach(() => lambda.reset());
const check = (reserved: number) => checkLambdaConcurrency(new LambdaClient({}), 'us-west-2', reserved);
const limit = (ConcurrentExecutions: number, UnreservedConcurrentExecutions: number) =>
  lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions, UnreservedConcurrentExecutions } });

test('enough left after the reservations passes', async () => {
  limit(1000, 1000);
  expect((await check(8))[0]).toMatchObject({ status: 'PASS', what: expect.stringContaining('reserves 8, leaving 992') });
});

test('exactly 100 left passes', async () => {
  limit(108, 108);
  expect((await check(8))[0].status).toBe('PASS');
});

test('a new account quota of 10 fails with the quota request', async () => {
  limit(10, 10);
  const [r] = await check(1);
  expect(r).toMatchObject({
    status: 'FAIL',
    scope: 'us-west-2',
    fix: 'aws service-quotas request-service-quota-increase --region us-west-2 --service-code lambda --quota-code L-B99A9384 --desired-value 1000 (then wait for it to be granted)',
  });
  expect(r.what).toContain('quota is 10');
  expect(r.what).toContain('at least 101 is needed');
});

test('reservations of other functions count against it', async () => {
  limit(1000, 105);
  const [r] = await check(8);
  expect(r.status).toBe('FAIL');
  expect(r.what).toContain('other functions reserve 895');
  expect(r.what).toContain('at least 1003 is needed');
  expect(r.fix).toContain('--desired-value 1003');
});

test('access denied fails with the permission', async () => {
  lambda.on(GetAccountSettingsCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
  expect((await check(8))[0].what).toContain('missing permission lambda:GetAccountSettings');
});
