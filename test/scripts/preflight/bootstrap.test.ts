import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { checkBootstrap } from '../../../scripts/preflight/bootstrap';

const cfn = mockClient(CloudFormationClient);
afterEach(() => cfn.reset());
const NEED = { version: 6, qualifier: 'hnb659fds' };

const toolkit = (version: string, overrides: Partial<Stack> = {}): Stack => ({
  StackName: 'CDKToolkit',
  StackStatus: 'UPDATE_COMPLETE',
  CreationTime: new Date(),
  Parameters: [{ ParameterKey: 'Qualifier', ParameterValue: 'hnb659fds' }],
  Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: version }],
  ...overrides,
});

const check = (toolkitStackName?: string) =>
  checkBootstrap(new CloudFormationClient({}), 'us-west-2', '111122223333', NEED, toolkitStackName);

test('a bootstrap stack at or above the required version passes', async () => {
  cfn.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).resolves({ Stacks: [toolkit('29')] });
  expect(await check()).toEqual([
    expect.objectContaining({
      status: 'PASS',
      scope: 'us-west-2',
      what: 'CDK bootstrap stack CDKToolkit is version 29 (the stacks need 6 or later)',
    }),
  ]);
});

test('a missing bootstrap stack fails with the bootstrap command', async () => {
  cfn
    .on(DescribeStacksCommand)
    .rejects(Object.assign(new Error('Stack with id CDKToolkit does not exist'), { name: 'ValidationError' }));
  expect(await check()).toEqual([
    expect.objectContaining({
      status: 'FAIL',
      what: expect.stringContaining('not bootstrapped'),
      fix: 'npx cdk bootstrap aws://111122223333/us-west-2',
    }),
  ]);
});

test('an old version fails', async () => {
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [toolkit('4')] });
  expect((await check())[0]).toMatchObject({
    status: 'FAIL',
    what: expect.stringContaining('is version 4; the stacks need at least 6'),
  });
});

test('another qualifier fails and the fix names the one the stacks need', async () => {
  cfn
    .on(DescribeStacksCommand)
    .resolves({ Stacks: [toolkit('29', { Parameters: [{ ParameterKey: 'Qualifier', ParameterValue: 'other' }] })] });
  const [r] = await checkBootstrap(new CloudFormationClient({}), 'us-west-2', '111122223333', {
    version: 6,
    qualifier: 'custom1',
  });
  expect(r).toMatchObject({ status: 'FAIL', fix: 'npx cdk bootstrap aws://111122223333/us-west-2 --qualifier custom1' });
});

test('a broken bootstrap stack fails', async () => {
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [toolkit('29', { StackStatus: 'UPDATE_ROLLBACK_FAILED' })] });
  expect((await check())[0]).toMatchObject({ status: 'FAIL', what: expect.stringContaining('UPDATE_ROLLBACK_FAILED') });
});

test('a custom toolkit stack name is looked up and named in the fix', async () => {
  cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id Tk does not exist'), { name: 'ValidationError' }));
  expect((await check('Tk'))[0].fix).toBe('npx cdk bootstrap aws://111122223333/us-west-2 --toolkit-stack-name Tk');
  expect(cfn.commandCalls(DescribeStacksCommand)[0].args[0].input).toEqual({ StackName: 'Tk' });
});

test('access denied fails with the permission', async () => {
  cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));
  expect((await check())[0].what).toContain('missing permission cloudformation:DescribeStacks');
});
