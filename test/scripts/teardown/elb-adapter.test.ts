import { ELB_PACKAGE, loadBalancerProtection } from '../../../scripts/teardown/elb-adapter';
import { TeardownError } from '../../../scripts/teardown/plan';
import { LOAD_BALANCER_ARN, REGION } from './fixtures';

/** A stand-in for the ELBv2 client package that records what is sent. */
function fakeSdk(attributes: { Key: string; Value: string }[]) {
  const sent: { command: string; input: unknown }[] = [];
  class Command {
    constructor(readonly input: unknown) {}
  }
  class DescribeLoadBalancerAttributesCommand extends Command {}
  class ModifyLoadBalancerAttributesCommand extends Command {}
  class ElasticLoadBalancingV2Client {
    constructor(readonly config: { region: string }) {}
    async send(command: Command) {
      sent.push({ command: command.constructor.name, input: command.input });
      return command instanceof DescribeLoadBalancerAttributesCommand ? { Attributes: attributes } : {};
    }
  }
  return {
    sent,
    module: { ElasticLoadBalancingV2Client, DescribeLoadBalancerAttributesCommand, ModifyLoadBalancerAttributesCommand },
  };
}

test('reads and turns off deletion protection of the named load balancer only', async () => {
  const sdk = fakeSdk([{ Key: 'deletion_protection.enabled', Value: 'true' }]);
  const requested: string[] = [];
  const protection = await loadBalancerProtection(REGION, async (name) => {
    requested.push(name);
    return sdk.module;
  });
  expect(requested).toEqual([ELB_PACKAGE]);
  expect(await protection.isDeletionProtected(LOAD_BALANCER_ARN)).toBe(true);
  await protection.disableDeletionProtection(LOAD_BALANCER_ARN);
  expect(sdk.sent).toEqual([
    { command: 'DescribeLoadBalancerAttributesCommand', input: { LoadBalancerArn: LOAD_BALANCER_ARN } },
    {
      command: 'ModifyLoadBalancerAttributesCommand',
      input: { LoadBalancerArn: LOAD_BALANCER_ARN, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }] },
    },
  ]);
});

test('protection off is read as off; an answer without the attribute counts as on', async () => {
  const off = await loadBalancerProtection(
    REGION,
    async () => fakeSdk([{ Key: 'deletion_protection.enabled', Value: 'false' }]).module,
  );
  expect(await off.isDeletionProtected(LOAD_BALANCER_ARN)).toBe(false);
  const unknown = await loadBalancerProtection(REGION, async () => fakeSdk([]).module);
  expect(await unknown.isDeletionProtected(LOAD_BALANCER_ARN)).toBe(true);
});

test('the package missing is a TeardownError (exit 2) that says what to install or to use --keep-stacks', async () => {
  const missing = Object.assign(new Error(`Cannot find module '${ELB_PACKAGE}'`), { code: 'MODULE_NOT_FOUND' });
  const error = await loadBalancerProtection(REGION, async () => {
    throw missing;
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TeardownError);
  expect((error as TeardownError).exitCode).toBe(2);
  expect((error as Error).message).toMatch(`npm install ${ELB_PACKAGE}) or run with --keep-stacks`);
});
