/**
 * What a mapping from template resources to HIPAA specifications is, and the helpers several
 * services' mappings share. Every `describe` reads only the resource's own template properties (and,
 * where noted, the resources that refer to it), and returns nothing when they do not support the claim.
 */
import type { KeyInfo } from '../../../assembly/assembly-index';
import type { TemplateResource } from '../../../assembly/model';
import { literalText, prop } from '../../../assembly/template-facts';
import { deploymentNames, type DeploymentNames } from '../../../vocabulary';

/** What a mapping may look up beyond the resource itself (lib/assembly's AssemblyIndex provides it). */
export interface MappingContext {
  /** The KMS key `value` (a property of `from`) refers to, when the reference can be followed. */
  keyOf(from: TemplateResource, value: unknown): KeyInfo | undefined;
  /** Every resource of the assembly. */
  readonly resources: readonly TemplateResource[];
}

/** How resources of one type implement some specifications. */
export interface ResourceSpecMapping {
  readonly type: string;
  readonly specs: readonly string[];
  /** How the resource implements the specs, from its own properties; undefined when it does not. */
  readonly describe: (resource: TemplateResource, ctx: MappingContext) => string | undefined;
}

/** The key a property names, as readable text: its logical ID and data class when it can be followed. */
export function keyText(ctx: MappingContext, r: TemplateResource, value: unknown): string {
  const key = ctx.keyOf(r, value);
  if (key) return `KMS key ${key.logicalId}${key.dataClass ? ` (${key.dataClass})` : ''}`;
  const literal = literalText(value);
  return literal && !literal.startsWith('<') ? `KMS key ${literal}` : 'a KMS key';
}

/**
 * Whether `name` is the fixed name `pick` gives a resource in some deployment (`<deployment>-break-glass`):
 * a mapping reads one template at a time and does not know the deployment's name.
 */
export function isFixedName(name: unknown, pick: (names: DeploymentNames) => string): boolean {
  const suffix = pick(deploymentNames(''));
  return typeof name === 'string' && name.length > suffix.length && name.endsWith(suffix);
}

/** Encryption and decryption (164.312(a)(2)(iv)) for a resource of `type` whose `keyProperty` names a KMS key. */
export function kmsEncrypted(type: string, keyProperty: string, what: string): ResourceSpecMapping {
  return {
    type,
    specs: ['164.312(a)(2)(iv)'],
    describe: (r, ctx) => {
      const key = prop(r, keyProperty);
      return key === undefined ? undefined : `${what} encrypted with ${keyText(ctx, r, key)}`;
    },
  };
}
