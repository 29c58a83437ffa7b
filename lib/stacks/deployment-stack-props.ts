import type { StackProps } from 'aws-cdk-lib';
import { sandboxRelaxations } from '../config/profile';
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
  /** Account override (the stacks of the other accounts, `organization`). @default config.account */
  readonly account?: string;
}

/**
 * What every stack of a deployment shares: name, env, description, termination protection. A sandbox
 * stack names every relaxed control in its description and is never termination-protected.
 */
export function deploymentStackProps(config: DeploymentConfig, opts: DeploymentStackOptions): StackProps {
  const phiNote = config.holdsPhi
    ? `Holds PHI under BAA ${config.baa?.reference}.`
    : 'Holds NO PHI (holdsPhi: false): do not store protected health information in it.';
  const relaxations = sandboxRelaxations(config);
  const sandboxNote = relaxations.disposable
    ? ` SANDBOX profile (evaluation, removed by cdk destroy) relaxes: ${relaxations.relaxed.map((r) => r.id).join(', ')}.`
    : '';
  return {
    stackName: deploymentNames(config.name).stack(opts.part),
    env: { account: opts.account ?? config.account, region: opts.region ?? config.regions.primary },
    description: `HIPAA CRM hosting (${config.name}): ${opts.purpose}. ${phiNote}${sandboxNote}`,
    terminationProtection: opts.stateful && !relaxations.disposable,
    tags: { [TAG.stateful]: String(opts.stateful) },
  };
}
