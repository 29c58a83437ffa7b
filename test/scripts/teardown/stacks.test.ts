import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { appStackProblems, checkAppStack, deleteAppStack } from '../../../scripts/teardown/stacks';
import {
  ACCOUNT,
  APP_STACK,
  APP_STACK_ID,
  appStack,
  fakeClock,
  fakeLoadBalancers,
  LOAD_BALANCER_ARN,
  mockDeployment,
  NOW,
  REGION,
  type Mocks,
} from './fixtures';

let mocks: Mocks;
beforeEach(() => {
  mocks = mockDeployment();
});
afterEach(() => mocks.restore());

const SCOPE = { deployment: 'crm-demo', account: ACCOUNT, region: REGION };
const cfn = () => new CloudFormationClient({ region: REGION });
const remove = (loadBalancers = fakeLoadBalancers(), signal?: AbortSignal) => {
  const lines: string[] = [];
  return {
    lines,
    loadBalancers,
    outcome: deleteAppStack(cfn(), loadBalancers, SCOPE, {
      clock: fakeClock(NOW),
      log: (l) => lines.push(l),
      requestToken: 'teardown-1',
      signal,
    }),
  };
};

describe('appStackProblems', () => {
  test("the deployment's own App stack may be deleted", () => {
    expect(appStackProblems(appStack(), SCOPE)).toEqual([]);
  });

  test.each([
    [
      "another deployment's tag",
      {
        Tags: [
          { Key: 'hipaa-crm:deployment', Value: 'crm-prod' },
          { Key: 'hipaa-crm:stateful', Value: 'false' },
        ],
      },
      'its hipaa-crm:deployment tag is "crm-prod", not "crm-demo"',
    ],
    [
      'no deployment tag',
      { Tags: [{ Key: 'hipaa-crm:stateful', Value: 'false' }] },
      'its hipaa-crm:deployment tag is missing, not "crm-demo"',
    ],
    [
      'a stateful tag',
      {
        Tags: [
          { Key: 'hipaa-crm:deployment', Value: 'crm-demo' },
          { Key: 'hipaa-crm:stateful', Value: 'true' },
        ],
      },
      'its hipaa-crm:stateful tag is "true", not "false"',
    ],
    [
      'termination protection',
      { EnableTerminationProtection: true },
      'it has termination protection (only stateful stacks have it)',
    ],
    [
      'another account',
      { StackId: APP_STACK_ID.replace(ACCOUNT, '999988887777') },
      `is not a stack crm-demo-app of account ${ACCOUNT} in ${REGION}`,
    ],
    [
      'an update in progress',
      { StackStatus: 'UPDATE_IN_PROGRESS' },
      'it is busy (UPDATE_IN_PROGRESS); try again when it is stable',
    ],
  ])('refuses %s', (_what, change, problem) => {
    expect(appStackProblems(appStack(change as never), SCOPE)).toEqual([expect.stringContaining(problem)]);
  });
});

describe('deleteAppStack', () => {
  test('turns off the deletion protection of its own load balancer, deletes the stack by ID and waits', async () => {
    const { outcome, loadBalancers, lines } = remove();
    expect(await outcome).toMatchObject({ status: 'deleted', failures: [] });
    expect(loadBalancers.calls).toEqual([`describe ${LOAD_BALANCER_ARN}`, `disable ${LOAD_BALANCER_ARN}`]);
    expect(mocks.cfn.commandCalls(DescribeStacksCommand)[0].args[0].input).toEqual({ StackName: APP_STACK });
    expect(mocks.cfn.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: APP_STACK_ID, ClientRequestToken: 'teardown-1' },
    ]);
    expect(lines).toContain('  [0h00m30s] crm-demo-app: DELETE_COMPLETE');
  });

  test('a load balancer without deletion protection is left as it is', async () => {
    const { outcome, loadBalancers } = remove(fakeLoadBalancers(false));
    await outcome;
    expect(loadBalancers.calls).toEqual([`describe ${LOAD_BALANCER_ARN}`]);
  });

  test("a stack with another deployment's tag is not deleted, nor its load balancer touched", async () => {
    mocks.cfn.on(DescribeStacksCommand, { StackName: APP_STACK }).resolves({
      Stacks: [
        appStack({
          Tags: [
            { Key: 'hipaa-crm:deployment', Value: 'crm-prod' },
            { Key: 'hipaa-crm:stateful', Value: 'false' },
          ],
        }),
      ],
    });
    const { outcome, loadBalancers } = remove();
    const result = await outcome;
    expect(result.status).toBe('refused');
    expect(result.detail).toMatch(/^nothing deleted: crm-demo-app is not recognisably this deployment's App stack/);
    expect(mocks.cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(mocks.cfn.commandCalls(ListStackResourcesCommand)).toHaveLength(0);
    expect(loadBalancers.calls).toEqual([]);
  });

  test('a load balancer outside the account is refused before anything is changed', async () => {
    mocks.cfn.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        {
          LogicalResourceId: 'LoadBalancer',
          PhysicalResourceId: LOAD_BALANCER_ARN.replace(ACCOUNT, '999988887777'),
          ResourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: NOW,
        },
      ],
    });
    const { outcome, loadBalancers } = remove();
    await expect(outcome).rejects.toThrow(/is not in account 111122223333/);
    expect(loadBalancers.calls).toEqual([]);
    expect(mocks.cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  test('an App stack that does not exist: nothing to do', async () => {
    mocks.cfn
      .on(DescribeStacksCommand, { StackName: APP_STACK })
      .rejects(Object.assign(new Error('Stack with id crm-demo-app does not exist'), { name: 'ValidationError' }));
    expect(await checkAppStack(cfn(), SCOPE)).toEqual({ verdict: 'absent', stackName: APP_STACK });
    expect((await remove().outcome).status).toBe('absent');
    expect(mocks.cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  test('a deletion already in progress is waited for, not started again', async () => {
    mocks.cfn
      .on(DescribeStacksCommand, { StackName: APP_STACK })
      .resolves({ Stacks: [appStack({ StackStatus: 'DELETE_IN_PROGRESS' })] });
    expect((await remove().outcome).status).toBe('deleted');
    expect(mocks.cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  test('Ctrl-C while waiting: interrupted, CloudFormation goes on, how to check it', async () => {
    const controller = new AbortController();
    mocks.cfn.on(DeleteStackCommand).callsFake(async () => {
      controller.abort();
      return {};
    });
    const result = await remove(fakeLoadBalancers(), controller.signal).outcome;
    expect(result.status).toBe('interrupted');
    expect(result.manualSteps[0]).toMatch(`aws cloudformation describe-stacks --region us-east-1 --stack-name ${APP_STACK_ID}`);
  });
});
