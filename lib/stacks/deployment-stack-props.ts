import type { StackProps } from 'aws-cdk-lib';
import type { DeploymentConfig } from '../config/schema';
import { deploymentNames, TAG, type StackPart } from '../vocabulary';

export interface DeploymentStackOptions {
  /** Part of the stack name, e.g. `keys`. */
  readonly part: StackPart;
  /** What the stack holds, for its description. */
  readonly purpose: string;
  /** Stateful stacks get termination protection. */
  readonly stateful: boolean;
  /** Region override (the DR stacks). @default config.regions.primary */
  readonly region?: string;
}

/** What every stack of a deployment shares: name, env, description, termination protection. */
export function deploymentStackProps(config: DeploymentConfig, opts: DeploymentStackOptions): StackProps {
  const phiNote = config.holdsPhi
    ? `Holds PHI under BAA ${config.baa?.reference}.`
    : 'Holds NO PHI (holdsPhi: false): do not store protected health information in it.';
  return {
    stackName: deploymentNames(config.name).stack(opts.part),
    env: { account: config.account, region: opts.region ?? config.regions.primary },
    description: `HIPAA CRM hosting (${config.name}): ${opts.purpose}. ${phiNote}`,
    terminationProtection: opts.stateful,
    tags: { [TAG.stateful]: String(opts.stateful) },
  };
}
