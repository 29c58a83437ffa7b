/**
 * One typed model of a synthesized cloud assembly, shared by everything that reads one: the HIPAA
 * report (lib/report), the architecture diagram (scripts/diagram) and the integ snapshots
 * (scripts/integ-snapshots). `readAssembly` (read.ts) builds it from a `cdk.out` directory; tests
 * build it from hand-written templates with `assemblyStack` and `cloudAssembly`.
 */
import { isRecord } from './template-facts';
import type { ValidationReport } from './validation-report';

/** A resource as a CloudFormation template writes it. */
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** An output as a CloudFormation template writes it. */
export interface CfnOutputJson {
  readonly Value: unknown;
  readonly Export?: { readonly Name?: unknown };
}

/** A synthesized CloudFormation template. */
export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, CfnResourceJson>>;
  readonly Outputs?: Readonly<Record<string, CfnOutputJson>>;
  readonly Parameters?: Readonly<Record<string, unknown>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Mappings?: Readonly<Record<string, unknown>>;
}

/** One deployed resource of a template, with where it lives. */
export interface TemplateResource {
  /** Construct id of the stack artifact in the cloud assembly, e.g. `Data`. */
  readonly stack: string;
  /** Region of the stack, when the assembly pins it. */
  readonly region?: string;
  readonly logicalId: string;
  /** CloudFormation type, e.g. `AWS::S3::Bucket`. */
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** A resource a property points to (Ref, GetAtt, cross-stack output or key alias). */
export interface ResourceRef {
  readonly stack: string;
  readonly logicalId: string;
}

/** An output of a stack. */
export interface StackOutput {
  readonly name: string;
  readonly value: unknown;
  /** The export name, when the output is exported (`Fn::ImportValue` reads it). */
  readonly exportName?: string;
}

/** An asset of a stack's asset manifest. */
export interface StackAsset {
  /** The asset ID: the hash CDK names the staged file, directory or image after. */
  readonly id: string;
  readonly packaging: 'file' | 'container-image';
  /** File or directory inside the assembly (`asset.<hash>...`, `<stack>.template.json`). */
  readonly source: string;
  /** Staged by CDK for this synth (`asset.<hash>...`): generated code or a bundle, not a template. */
  readonly staged: boolean;
}

/** The template of a nested stack, named as integ-runner names it (the file name up to its first dot). */
export interface NestedTemplate {
  readonly id: string;
  readonly templateFile: string;
  readonly template: CfnTemplate;
}

/** One CloudFormation stack of the assembly. */
export interface AssemblyStack {
  /** Artifact (construct) id of the stack, e.g. `Data`. */
  readonly id: string;
  /** Deployed CloudFormation stack name, e.g. `crm-demo-data`. */
  readonly stackName: string;
  /** Region and account, when the stack pins them (environment-agnostic stacks do not). */
  readonly region?: string;
  readonly account?: string;
  readonly templateFile: string;
  readonly template: CfnTemplate;
  /** The resources CloudFormation deploys (CDK's `AWS::CDK::Metadata` left out), in template order. */
  readonly resources: readonly TemplateResource[];
  readonly outputs: readonly StackOutput[];
  /** Construct path (without the leading slash) -> logical ID, from the stack's metadata. */
  readonly logicalIds: ReadonlyMap<string, string>;
  readonly assets: readonly StackAsset[];
  readonly nestedTemplates: readonly NestedTemplate[];
}

/** A property of a resource that reads an output of another stack. */
export interface CrossStackReference {
  /** The resource whose property holds the reference. */
  readonly consumer: ResourceRef;
  /** `Fn::GetStackOutput` (CDK's weak references, across regions too) or `Fn::ImportValue` (an export). */
  readonly via: 'Fn::GetStackOutput' | 'Fn::ImportValue';
  /** The stack (artifact id) and output read, when the assembly holds them. */
  readonly producer?: { readonly stack: string; readonly output: string };
}

export interface CloudAssembly {
  readonly dir: string;
  /** Cloud assembly schema version of the manifest, e.g. `55.0.0`. */
  readonly version: string;
  readonly stacks: readonly AssemblyStack[];
  readonly references: readonly CrossStackReference[];
  /** The validation plugins' report; absent when the assembly was synthesized without them. */
  readonly validation?: ValidationReport;
}

/** An assembly whose validation report is known to be there. */
export type ValidatedAssembly = CloudAssembly & { readonly validation: ValidationReport };

/** Resource types CDK adds to a template that CloudFormation does not deploy as anything. */
const NOT_DEPLOYED: ReadonlySet<string> = new Set(['AWS::CDK::Metadata']);

export interface StackInput {
  readonly id: string;
  readonly stackName?: string;
  readonly region?: string;
  readonly account?: string;
  readonly templateFile?: string;
  readonly template: CfnTemplate;
  readonly logicalIds?: ReadonlyMap<string, string>;
  readonly assets?: readonly StackAsset[];
  readonly nestedTemplates?: readonly NestedTemplate[];
}

/** A stack of the model from its template (and, when read from an assembly, its manifest entries). */
export function assemblyStack(input: StackInput): AssemblyStack {
  const { id, region, template } = input;
  const resources = Object.entries(template.Resources ?? {})
    .filter(([, r]) => !NOT_DEPLOYED.has(r.Type))
    .map(([logicalId, r]): TemplateResource => ({ stack: id, region, logicalId, type: r.Type, properties: r.Properties ?? {} }));
  const outputs = Object.entries(template.Outputs ?? {}).map(([name, o]): StackOutput => ({
    name,
    value: o.Value,
    exportName: typeof o.Export?.Name === 'string' ? o.Export.Name : undefined,
  }));
  return {
    id,
    stackName: input.stackName ?? id,
    region,
    account: input.account,
    templateFile: input.templateFile ?? `${id}.template.json`,
    template,
    resources,
    outputs,
    logicalIds: input.logicalIds ?? new Map(),
    assets: input.assets ?? [],
    nestedTemplates: input.nestedTemplates ?? [],
  };
}

/** Every `Fn::GetStackOutput` and `Fn::ImportValue` inside a property value. */
function crossStackReads(value: unknown): { via: CrossStackReference['via']; target: unknown }[] {
  if (Array.isArray(value)) return value.flatMap(crossStackReads);
  if (!isRecord(value)) return [];
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Fn::GetStackOutput' || keys[0] === 'Fn::ImportValue')) {
    return [{ via: keys[0], target: value[keys[0]] }];
  }
  return Object.values(value).flatMap(crossStackReads);
}

/** The cross-stack references of `stacks`, each resolved to the output it reads when one of `stacks` has it. */
export function crossStackReferences(stacks: readonly AssemblyStack[]): CrossStackReference[] {
  const byName = new Map(stacks.map((s) => [s.stackName, s]));
  const exports = new Map(
    stacks.flatMap((s) =>
      s.outputs.flatMap((o) => (o.exportName ? [[o.exportName, { stack: s.id, output: o.name }] as const] : [])),
    ),
  );
  return stacks.flatMap((stack) =>
    stack.resources.flatMap((r) =>
      crossStackReads(r.properties).map(({ via, target }): CrossStackReference => {
        const consumer = { stack: stack.id, logicalId: r.logicalId };
        if (via === 'Fn::ImportValue') {
          const producer = typeof target === 'string' ? exports.get(target) : undefined;
          return { consumer, via, producer };
        }
        const producingStack = isRecord(target) ? byName.get(String(target.StackName)) : undefined;
        const output = isRecord(target) ? String(target.OutputName) : '';
        const producer = producingStack?.outputs.some((o) => o.name === output)
          ? { stack: producingStack.id, output }
          : undefined;
        return { consumer, via, producer };
      }),
    ),
  );
}

/** An assembly of the model from its stacks (in manifest order). */
export function cloudAssembly(input: {
  readonly dir?: string;
  readonly version?: string;
  readonly stacks: readonly AssemblyStack[];
  readonly validation?: ValidationReport;
}): CloudAssembly {
  return {
    dir: input.dir ?? '',
    version: input.version ?? '',
    stacks: input.stacks,
    references: crossStackReferences(input.stacks),
    validation: input.validation,
  };
}

/** The assembly without any resource of the given types (what a consumer sees when a resource is removed). */
export function withoutResourceTypes<A extends CloudAssembly>(assembly: A, types: readonly string[]): A {
  const stacks = assembly.stacks.map((s) => {
    const kept = Object.fromEntries(Object.entries(s.template.Resources ?? {}).filter(([, r]) => !types.includes(r.Type)));
    return assemblyStack({ ...s, template: { ...s.template, Resources: kept } });
  });
  return { ...assembly, stacks, references: crossStackReferences(stacks) };
}
