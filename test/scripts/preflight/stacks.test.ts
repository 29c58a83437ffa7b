import { CloudFormationClient, DescribeStacksCommand, type StackStatus } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { checkStacks } from '../../../scripts/preflight/stacks';

const cfn = mockClient(CloudFormationClient);
afterEach(() => cfn.reset());
const missing = () => Object.assign(new Error('Stack with id x does not exist'), { name: 'ValidationError' });
const stack = (StackName: string, StackStatus: StackStatus, EnableTerminationProtection = false) => ({
  Stacks: [{ StackName, StackStatus, EnableTerminationProtection, CreationTime: new Date() }],
});
const check = () => checkStacks(new CloudFormationClient({}), 'us-east-1', ['d-keys', 'd-data'], 'config/x.json');

test('no stack yet passes: a first deployment', async () => {
  cfn.on(DescribeStacksCommand).rejects(missing());
  const outcome = await check();
  expect(outcome.results).toEqual([
    expect.objectContaining({ status: 'PASS', what: 'no stack of this deployment exists yet (d-keys, d-data)' }),
  ]);
  expect(outcome.healthy).toEqual([]);
});

test('an existing healthy stack warns (an update) and owns its resources', async () => {
  cfn.on(DescribeStacksCommand).rejects(missing());
  cfn.on(DescribeStacksCommand, { StackName: 'd-keys' }).resolves(stack('d-keys', 'UPDATE_COMPLETE'));
  const outcome = await check();
  expect(outcome.results).toEqual([
    expect.objectContaining({ status: 'WARN', fix: 'review the change first: npx cdk diff -c config=config/x.json' }),
  ]);
  expect(outcome.healthy).toEqual(['d-keys']);
});

test('a failed create fails with the delete command, after lifting termination protection', async () => {
  cfn.on(DescribeStacksCommand).rejects(missing());
  cfn.on(DescribeStacksCommand, { StackName: 'd-data' }).resolves(stack('d-data', 'ROLLBACK_COMPLETE', true));
  const outcome = await check();
  expect(outcome.results[0].status).toBe('FAIL');
  expect(outcome.results[0].fix).toMatch(
    /^aws cloudformation update-termination-protection --region us-east-1 --stack-name d-data --no-enable-termination-protection && aws cloudformation delete-stack --region us-east-1 --stack-name d-data/,
  );
  expect(outcome.healthy).toEqual([]);
});

test('a stack in progress fails', async () => {
  cfn.on(DescribeStacksCommand).rejects(missing());
  cfn.on(DescribeStacksCommand, { StackName: 'd-keys' }).resolves(stack('d-keys', 'CREATE_IN_PROGRESS'));
  expect((await check()).results[0]).toMatchObject({ status: 'FAIL', what: 'stack d-keys is CREATE_IN_PROGRESS' });
});

test('access denied fails with the permission', async () => {
  cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));
  const outcome = await check();
  expect(outcome.results).toHaveLength(2);
  expect(outcome.results[0].what).toContain('missing permission cloudformation:DescribeStacks');
});
