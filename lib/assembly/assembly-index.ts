/**
 * Lookups over a whole assembly: resources by stack and logical ID and by construct path, and the
 * resolution of references between resources, across stacks too (cross-stack outputs, exports, key
 * aliases). The HIPAA mappings and the report's policy tables read the assembly through it.
 */
import { TAG } from '../vocabulary';
import type { AssemblyStack, CloudAssembly, ResourceRef, StackOutput, TemplateResource } from './model';
import { isRecord, literalText, tagValue } from './template-facts';

/** A KMS key a property points to. */
export interface KeyInfo {
  readonly stack: string;
  readonly logicalId: string;
  /** The key's data-class tag (`phi`, `audit`, ...). */
  readonly dataClass?: string;
}

/** Deep enough for a reference through an output and a key alias, short of any loop. */
const MAX_RESOLUTION_DEPTH = 5;

export class AssemblyIndex {
  /** Every deployed resource of the assembly, stack by stack in manifest order. */
  readonly resources: readonly TemplateResource[];
  private readonly byKey = new Map<string, TemplateResource>();
  private readonly stacksById = new Map<string, AssemblyStack>();
  private readonly stacksByName = new Map<string, AssemblyStack>();
  private readonly exports = new Map<string, { stack: AssemblyStack; output: StackOutput }>();

  constructor(readonly assembly: CloudAssembly) {
    for (const stack of assembly.stacks) {
      this.stacksById.set(stack.id, stack);
      this.stacksByName.set(stack.stackName, stack);
      for (const r of stack.resources) this.byKey.set(`${stack.id}/${r.logicalId}`, r);
      for (const output of stack.outputs) {
        if (output.exportName && !this.exports.has(output.exportName)) this.exports.set(output.exportName, { stack, output });
      }
    }
    this.resources = assembly.stacks.flatMap((s) => s.resources);
  }

  get(ref: ResourceRef): TemplateResource | undefined {
    return this.byKey.get(`${ref.stack}/${ref.logicalId}`);
  }

  stack(id: string): AssemblyStack | undefined {
    return this.stacksById.get(id);
  }

  /** The resource a construct path (as the validation report prints it) synthesizes to. */
  byConstructPath(constructPath: string): TemplateResource | undefined {
    const stackId = constructPath.split('/')[0];
    const logicalId = this.stacksById.get(stackId)?.logicalIds.get(constructPath.replace(/^\//, ''));
    return logicalId ? this.get({ stack: stackId, logicalId }) : undefined;
  }

  /**
   * The resource a property value refers to: `Ref`, `Fn::GetAtt`, a cross-stack `Fn::GetStackOutput`
   * or `Fn::ImportValue`, or a KMS alias ARN or name (`...:alias/<name>`) built into a string.
   */
  resolve(value: unknown, fromStack: string, depth = 0): ResourceRef | undefined {
    if (depth > MAX_RESOLUTION_DEPTH) return undefined;
    if (isRecord(value)) {
      if (typeof value.Ref === 'string') return this.existing(fromStack, value.Ref);
      const getAtt = value['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return this.existing(fromStack, getAtt[0]);
      if (typeof getAtt === 'string') return this.existing(fromStack, getAtt.split('.')[0]);
      const output = value['Fn::GetStackOutput'];
      if (isRecord(output)) {
        const stack = this.stacksByName.get(String(output.StackName));
        const out = stack?.outputs.find((o) => o.name === String(output.OutputName));
        return stack && out ? this.resolve(out.value, stack.id, depth + 1) : undefined;
      }
      const imported = value['Fn::ImportValue'];
      if (typeof imported === 'string') {
        const exported = this.exports.get(imported);
        return exported ? this.resolve(exported.output.value, exported.stack.id, depth + 1) : undefined;
      }
    }
    const text = literalText(value);
    const alias = /(?:^|:)(alias\/[A-Za-z0-9/_-]+)$/.exec(text);
    if (alias) {
      const region = /^arn:[^:]+:kms:([a-z0-9-]+):/.exec(text)?.[1];
      const match = this.resources.find(
        (r) =>
          r.type === 'AWS::KMS::Alias' && r.properties.AliasName === alias[1] && (!region || !r.region || r.region === region),
      );
      return match ? this.resolve(match.properties.TargetKeyId, match.stack, depth + 1) : undefined;
    }
    return undefined;
  }

  /** The KMS key `value` (a property of `from`) refers to, when the reference can be followed. */
  keyOf(from: TemplateResource, value: unknown): KeyInfo | undefined {
    const ref = this.resolve(value, from.stack);
    const key = ref && this.get(ref);
    if (!key || key.type !== 'AWS::KMS::Key') return undefined;
    return { stack: key.stack, logicalId: key.logicalId, dataClass: tagValue(key, TAG.dataClass) };
  }

  /** True when `value` (a property of a resource in `fromStack`) refers to `target` anywhere inside it. */
  refersTo(value: unknown, fromStack: string, target: ResourceRef): boolean {
    const ref = this.resolve(value, fromStack);
    if (ref?.stack === target.stack && ref.logicalId === target.logicalId) return true;
    if (Array.isArray(value)) return value.some((v) => this.refersTo(v, fromStack, target));
    return isRecord(value) && Object.values(value).some((v) => this.refersTo(v, fromStack, target));
  }

  /** Resources of `type` whose property (picked by `refOf`) refers to `target`. */
  referrers(type: string, target: ResourceRef, refOf: (r: TemplateResource) => unknown): TemplateResource[] {
    return this.resources.filter((r) => r.type === type && this.refersTo(refOf(r), r.stack, target));
  }

  private existing(stack: string, logicalId: string): ResourceRef | undefined {
    return this.byKey.has(`${stack}/${logicalId}`) ? { stack, logicalId } : undefined;
  }
}
