/**
 * Reads a synthesized cloud assembly (`cdk.out`): the stacks of its manifest (every region, the DR
 * region included), their templates, the construct path -> logical ID map CDK records for each stack,
 * and the validation report (through lib/compliance/report.ts, as `npm run acks` does). Then resolves
 * references between resources, across stacks too (cross-stack outputs, key aliases).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readValidationReport, VALIDATION_REPORT_FILE, type ValidationReport } from '../compliance/report';
import type { KeyInfo, MappingContext } from '../compliance/hipaa-catalogue';
import { TAG_DATA_CLASS } from '../stacks/deployment-stack-props';
import { isRecord, literalText, str, tagValue, type ResourceRef, type TemplateResource } from './template-facts';

/** The assembly cannot be read: nothing to report on until `npm run synth` has run. */
export class AssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyError';
  }
}

const SYNTH_HINT = 'run `npm run synth` first (or pass the assembly directory with --assembly <dir>)';

interface Template {
  readonly Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name?: unknown } }>;
  readonly Parameters?: Record<string, unknown>;
  readonly Conditions?: Record<string, unknown>;
  readonly Mappings?: Record<string, unknown>;
}

export interface StackArtifact {
  /** Construct id of the stack, e.g. `Data`. */
  readonly id: string;
  /** Deployed CloudFormation stack name, e.g. `crm-demo-data`. */
  readonly stackName: string;
  readonly region?: string;
  readonly templateFile: string;
  readonly template: Template;
  /** Construct path (without the leading slash) -> logical ID, from the stack's metadata. */
  readonly logicalIds: ReadonlyMap<string, string>;
}

export interface CloudAssembly {
  readonly dir: string;
  readonly stacks: readonly StackArtifact[];
  readonly validation: ValidationReport;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly properties?: { templateFile?: string; stackName?: string };
  readonly metadata?: Record<string, readonly { type: string; data?: unknown }[]>;
  readonly additionalMetadataFile?: string;
}

function readJson<T>(file: string, what: string): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new AssemblyError(`${what} ${file} is missing: ${SYNTH_HINT}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new AssemblyError(`${what} ${file} is not valid JSON (${(e as Error).message}): ${SYNTH_HINT}`);
  }
}

function logicalIdsOf(dir: string, artifact: ManifestArtifact): Map<string, string> {
  const metadata = {
    ...(artifact.metadata ?? {}),
    ...(artifact.additionalMetadataFile
      ? readJson<Record<string, { type: string; data?: unknown }[]>>(
          path.join(dir, artifact.additionalMetadataFile),
          'Stack metadata',
        )
      : {}),
  };
  const ids = new Map<string, string>();
  for (const [constructPath, entries] of Object.entries(metadata)) {
    for (const e of entries) {
      if (e.type === 'aws:cdk:logicalId' && typeof e.data === 'string') ids.set(constructPath.replace(/^\//, ''), e.data);
    }
  }
  return ids;
}

/** Reads every CloudFormation stack of the assembly in `dir`, and its validation report. */
export function readAssembly(dir: string): CloudAssembly {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new AssemblyError(`No cloud assembly at ${dir}: ${SYNTH_HINT}`);
  }
  const manifest = readJson<{ artifacts?: Record<string, ManifestArtifact> }>(
    path.join(dir, 'manifest.json'),
    'The assembly manifest',
  );
  const stacks = Object.entries(manifest.artifacts ?? {})
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([id, a]): StackArtifact => {
      const templateFile = a.properties?.templateFile;
      if (!templateFile) throw new AssemblyError(`Stack ${id} in ${dir}/manifest.json names no template file: ${SYNTH_HINT}`);
      const region = /^aws:\/\/[^/]+\/([a-z0-9-]+)$/.exec(a.environment ?? '')?.[1];
      return {
        id,
        stackName: a.properties?.stackName ?? id,
        region: region && region !== 'unknown-region' ? region : undefined,
        templateFile,
        template: readJson<Template>(path.join(dir, templateFile), `The template of stack ${id}`),
        logicalIds: logicalIdsOf(dir, a),
      };
    });
  if (stacks.length === 0) throw new AssemblyError(`The cloud assembly at ${dir} has no CloudFormation stacks: ${SYNTH_HINT}`);
  if (!fs.existsSync(path.join(dir, VALIDATION_REPORT_FILE))) {
    throw new AssemblyError(
      `${path.join(dir, VALIDATION_REPORT_FILE)} is missing: the assembly was synthesized without the compliance plugins; ${SYNTH_HINT}`,
    );
  }
  return { dir, stacks, validation: readValidationReport(dir) };
}

/** Resource types CDK adds that are not part of the deployment. */
const NOT_DEPLOYED = new Set(['AWS::CDK::Metadata']);

/**
 * The resources of an assembly, with lookups by stack and logical ID and by construct path, and
 * reference resolution. Implements the catalogue's MappingContext.
 */
export class AssemblyIndex implements MappingContext {
  readonly resources: readonly TemplateResource[];
  private readonly byKey = new Map<string, TemplateResource>();
  private readonly stacksById = new Map<string, StackArtifact>();
  private readonly stacksByName = new Map<string, StackArtifact>();

  constructor(readonly assembly: CloudAssembly) {
    const resources: TemplateResource[] = [];
    for (const stack of assembly.stacks) {
      this.stacksById.set(stack.id, stack);
      this.stacksByName.set(stack.stackName, stack);
      for (const [logicalId, r] of Object.entries(stack.template.Resources ?? {})) {
        if (NOT_DEPLOYED.has(r.Type)) continue;
        const resource = { stack: stack.id, region: stack.region, logicalId, type: r.Type, properties: r.Properties ?? {} };
        resources.push(resource);
        this.byKey.set(`${stack.id}/${logicalId}`, resource);
      }
    }
    this.resources = resources;
  }

  get(ref: ResourceRef): TemplateResource | undefined {
    return this.byKey.get(`${ref.stack}/${ref.logicalId}`);
  }

  stack(id: string): StackArtifact | undefined {
    return this.stacksById.get(id);
  }

  /** The resource a construct path (as the validation report prints it) synthesizes to. */
  byConstructPath(constructPath: string): TemplateResource | undefined {
    const stackId = constructPath.split('/')[0];
    const stack = this.stacksById.get(stackId);
    const logicalId = stack?.logicalIds.get(constructPath.replace(/^\//, ''));
    return logicalId ? this.get({ stack: stackId, logicalId }) : undefined;
  }

  /**
   * The resource a property value refers to: `Ref`, `Fn::GetAtt`, a cross-stack `Fn::GetStackOutput`
   * or `Fn::ImportValue`, or a KMS alias ARN or name (`...:alias/<name>`) built into a string.
   */
  resolve(value: unknown, fromStack: string, depth = 0): ResourceRef | undefined {
    if (depth > 5) return undefined;
    if (isRecord(value)) {
      if (typeof value.Ref === 'string') return this.existing(fromStack, value.Ref);
      const getAtt = value['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return this.existing(fromStack, getAtt[0]);
      if (typeof getAtt === 'string') return this.existing(fromStack, getAtt.split('.')[0]);
      const output = value['Fn::GetStackOutput'];
      if (isRecord(output)) {
        const stack = this.stacksByName.get(String(output.StackName));
        const out = stack?.template.Outputs?.[String(output.OutputName)];
        return stack && out ? this.resolve(out.Value, stack.id, depth + 1) : undefined;
      }
      const imported = value['Fn::ImportValue'];
      if (typeof imported === 'string') {
        for (const stack of this.assembly.stacks) {
          for (const out of Object.values(stack.template.Outputs ?? {})) {
            if (out.Export?.Name === imported) return this.resolve(out.Value, stack.id, depth + 1);
          }
        }
        return undefined;
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

  keyOf(from: TemplateResource, value: unknown): KeyInfo | undefined {
    const ref = this.resolve(value, from.stack);
    const key = ref && this.get(ref);
    if (!key || key.type !== 'AWS::KMS::Key') return undefined;
    return { stack: key.stack, logicalId: key.logicalId, dataClass: tagValue(key, TAG_DATA_CLASS) };
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

/** A short label for a resource: its name property when it has one, else its logical ID. */
export function resourceName(r: TemplateResource): string {
  for (const key of ['BucketName', 'DBInstanceIdentifier', 'BackupVaultName', 'TableName', 'LogGroupName', 'Name']) {
    const v = str(r.properties[key]) ?? (r.properties[key] !== undefined ? literalText(r.properties[key]) : undefined);
    if (v) return v;
  }
  return r.logicalId;
}
