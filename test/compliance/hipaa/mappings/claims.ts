/**
 * What the HIPAA mappings claim for the resources of tiny hand-written templates, read through the
 * same model and index as the report (lib/assembly): logical ID -> specification -> how.
 */
import { AssemblyIndex } from '../../../../lib/assembly/assembly-index';
import { assemblyStack, cloudAssembly, type CfnTemplate } from '../../../../lib/assembly/model';
import { specsForResource } from '../../../../lib/compliance/hipaa/resource-specs';

export interface TinyStack {
  readonly id: string;
  readonly stackName?: string;
  readonly region?: string;
  readonly template: CfnTemplate;
}

export type Claims = Record<string, string>;

/** The claims for every resource of `stacks`, by `<stack id>/<logical ID>`. */
export function claimsOfStacks(stacks: readonly TinyStack[]): Record<string, Claims> {
  const index = new AssemblyIndex(cloudAssembly({ stacks: stacks.map((s) => assemblyStack({ region: 'us-east-1', ...s })) }));
  return Object.fromEntries(
    index.resources.map((r) => [
      `${r.stack}/${r.logicalId}`,
      Object.fromEntries(specsForResource(r, index).map((c) => [c.spec, c.how])),
    ]),
  );
}

/** The claims for each resource of a one-stack template, by logical ID. */
export function claimsOfTemplate(resources: CfnTemplate['Resources']): Record<string, Claims> {
  const all = claimsOfStacks([{ id: 'Stack', template: { Resources: resources } }]);
  return Object.fromEntries(Object.entries(all).map(([key, claims]) => [key.slice('Stack/'.length), claims]));
}

/** The claims for one resource of `type` with `properties`, alone in its template. */
export function claimsOf(type: string, properties: Record<string, unknown> = {}, logicalId = 'Resource'): Claims {
  return claimsOfTemplate({ [logicalId]: { Type: type, Properties: properties } })[logicalId];
}
