/**
 * What the diagram is drawn from: the synthesized deployment in the shared assembly model
 * (lib/assembly) and its regions. Plain data, so the drawing rules can be tested on a trimmed or
 * hand-made assembly without a synth.
 */
import type { AssemblyStack, CloudAssembly } from '../../lib/assembly/model';
import type { DeploymentConfig } from '../../lib/config/schema';

export interface DiagramSource {
  readonly assembly: CloudAssembly;
  /** The deployment's primary and DR regions (`config.regions`). */
  readonly regions: { readonly primary: string; readonly dr: string };
  /** The config it was synthesized from, when known (the accounts diagram reads the layout's parts from it). */
  readonly config?: DeploymentConfig;
}

/** CDK's placeholder region, for a stack that pins none (the deployment's stacks all do). */
const UNKNOWN_REGION = 'unknown-region';

export function regionOf(stack: AssemblyStack): string {
  return stack.region ?? UNKNOWN_REGION;
}
