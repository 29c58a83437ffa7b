/**
 * LoadBalancerProtection with @aws-sdk/client-elastic-load-balancing-v2.
 *
 * That package is not a dependency of this project yet. It is loaded when an execution is about to
 * start (never for a plan), through a module name held in a variable and the few shapes declared
 * below, so the project compiles without it and the command says plainly what to install instead of
 * crashing on start-up. Once the package is a dependency, a typed static import can replace this.
 */
import type { LoadBalancerProtection } from './stacks';
import { TeardownError } from './plan';

export const ELB_PACKAGE = '@aws-sdk/client-elastic-load-balancing-v2';
const DELETION_PROTECTION = 'deletion_protection.enabled';

interface Attribute {
  readonly Key?: string;
  readonly Value?: string;
}
/** The parts of the ELBv2 client package this adapter uses. */
interface ElbV2Sdk {
  ElasticLoadBalancingV2Client: new (config: { region: string }) => { send(command: unknown): Promise<unknown> };
  DescribeLoadBalancerAttributesCommand: new (input: { LoadBalancerArn: string }) => unknown;
  ModifyLoadBalancerAttributesCommand: new (input: { LoadBalancerArn: string; Attributes: Attribute[] }) => unknown;
}

function isMissingModule(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

/** Loads the package; TeardownError (exit 2, before anything is changed) when it is not installed. */
export async function loadBalancerProtection(
  region: string,
  importModule: (name: string) => Promise<unknown> = (name) => import(name),
): Promise<LoadBalancerProtection> {
  const packageName = ELB_PACKAGE;
  let sdk: ElbV2Sdk;
  try {
    sdk = (await importModule(packageName)) as ElbV2Sdk;
  } catch (e) {
    if (!isMissingModule(e)) throw e;
    throw new TeardownError(
      `${packageName} is not installed, and deleting the App stack needs it (its load balancer has deletion protection). ` +
        `Install it (npm install ${packageName}) or run with --keep-stacks and delete the App stack later.`,
    );
  }
  if (typeof sdk.ElasticLoadBalancingV2Client !== 'function') {
    throw new TeardownError(`${packageName} does not export ElasticLoadBalancingV2Client: is it the AWS SDK v3 package?`);
  }
  const client = new sdk.ElasticLoadBalancingV2Client({ region });
  return {
    async isDeletionProtected(loadBalancerArn) {
      const answer = (await client.send(new sdk.DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: loadBalancerArn }))) as {
        Attributes?: Attribute[];
      };
      // Unknown counts as protected: turning protection off when it is already off is harmless.
      return answer.Attributes?.find((a) => a.Key === DELETION_PROTECTION)?.Value !== 'false';
    },
    async disableDeletionProtection(loadBalancerArn) {
      await client.send(
        new sdk.ModifyLoadBalancerAttributesCommand({
          LoadBalancerArn: loadBalancerArn,
          Attributes: [{ Key: DELETION_PROTECTION, Value: 'false' }],
        }),
      );
    },
  };
}
