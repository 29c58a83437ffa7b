/**
 * Reads a synthesized cloud assembly (`cdk.out`) into the model (model.ts): the stacks of its
 * manifest (every region), their templates, the construct path -> logical ID map CDK records for each
 * stack, their asset manifests and nested templates, and the validation report when there is one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ASSET_MANIFEST_ARTIFACT,
  LOGICAL_ID_METADATA,
  MANIFEST_FILE,
  STACK_ARTIFACT,
  type ArtifactJson,
  type AssetManifestJson,
  type ManifestJson,
  type MetadataJson,
} from './manifest';
import {
  assemblyStack,
  cloudAssembly,
  type AssemblyStack,
  type CfnTemplate,
  type CloudAssembly,
  type NestedTemplate,
  type StackAsset,
  type ValidatedAssembly,
} from './model';
import { hasValidationReport, readValidationReport, VALIDATION_REPORT_FILE } from './validation-report';

/** The assembly cannot be read, or lacks what the reader asked for. */
export class AssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyError';
  }
}

export interface ReadOptions {
  /** What to tell the user to do when the assembly is missing or broken (default: run the synth first). */
  readonly hint?: string;
  /** Refuse an assembly without a validation report (synthesized without the compliance plugins). */
  readonly requireValidationReport?: boolean;
}

const DEFAULT_HINT = 'run `npm run synth` first';

function readJson<T>(file: string, what: string, hint: string): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new AssemblyError(`${what} ${file} is missing: ${hint}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new AssemblyError(`${what} ${file} is not valid JSON (${(e as Error).message}): ${hint}`);
  }
}

function logicalIdsOf(metadata: MetadataJson): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [constructPath, entries] of Object.entries(metadata)) {
    for (const e of entries) {
      if (e.type === LOGICAL_ID_METADATA && typeof e.data === 'string') ids.set(constructPath.replace(/^\//, ''), e.data);
    }
  }
  return ids;
}

/** `aws://<account>/<region>` -> its account and region, leaving out CDK's `unknown-*` placeholders. */
function environmentOf(artifact: ArtifactJson): { account?: string; region?: string } {
  const [, account, region] = /^aws:\/\/([^/]+)\/([a-z0-9-]+)$/.exec(artifact.environment ?? '') ?? [];
  return {
    account: account && account !== 'unknown-account' ? account : undefined,
    region: region && region !== 'unknown-region' ? region : undefined,
  };
}

function assetsOf(manifest: AssetManifestJson): StackAsset[] {
  const files = Object.entries(manifest.files ?? {}).flatMap(([id, a]) =>
    a.source.path ? [{ id, packaging: 'file' as const, source: a.source.path }] : [],
  );
  const images = Object.entries(manifest.dockerImages ?? {}).flatMap(([id, a]) =>
    a.source.directory ? [{ id, packaging: 'container-image' as const, source: a.source.directory }] : [],
  );
  return [...files, ...images].map((a) => ({ ...a, staged: a.source.startsWith('asset.') }));
}

/** Reads the stacks, validation report and schema version of the assembly in `dir`. */
export function readAssembly(dir: string, options: ReadOptions & { requireValidationReport: true }): ValidatedAssembly;
export function readAssembly(dir: string, options?: ReadOptions): CloudAssembly;
export function readAssembly(dir: string, options: ReadOptions = {}): CloudAssembly {
  const hint = options.hint ?? DEFAULT_HINT;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new AssemblyError(`No cloud assembly at ${dir}: ${hint}`);
  }
  const read = <T>(file: string, what: string): T => readJson<T>(path.join(dir, file), what, hint);
  const manifest = read<ManifestJson>(MANIFEST_FILE, 'The assembly manifest');
  const artifacts = manifest.artifacts ?? {};

  const stacks = Object.entries(artifacts)
    .filter(([, a]) => a.type === STACK_ARTIFACT)
    .map(([id, a]): AssemblyStack => {
      const templateFile = a.properties?.templateFile;
      if (!templateFile) throw new AssemblyError(`Stack ${id} in ${dir}/${MANIFEST_FILE} names no template file: ${hint}`);
      const metadata: MetadataJson = {
        ...(a.metadata ?? {}),
        ...(a.additionalMetadataFile ? read<MetadataJson>(a.additionalMetadataFile, 'Stack metadata') : {}),
      };
      const assets = (a.dependencies ?? [])
        .map((dep) => artifacts[dep])
        .filter((dep) => dep?.type === ASSET_MANIFEST_ARTIFACT && dep.properties?.file)
        .flatMap((dep) => assetsOf(read<AssetManifestJson>(dep.properties!.file!, `The asset manifest of stack ${id}`)));
      const nestedTemplates = assets
        .filter((asset) => asset.source.endsWith('.nested.template.json'))
        .map((asset): NestedTemplate => ({
          id: asset.source.split('.', 1)[0],
          templateFile: asset.source,
          template: read<CfnTemplate>(asset.source, `A nested template of stack ${id}`),
        }));
      return assemblyStack({
        id,
        stackName: a.properties?.stackName ?? id,
        ...environmentOf(a),
        templateFile,
        template: read<CfnTemplate>(templateFile, `The template of stack ${id}`),
        logicalIds: logicalIdsOf(metadata),
        assets,
        nestedTemplates,
      });
    });
  if (stacks.length === 0) throw new AssemblyError(`The cloud assembly at ${dir} has no CloudFormation stacks: ${hint}`);

  const validated = hasValidationReport(dir);
  if (options.requireValidationReport && !validated) {
    throw new AssemblyError(
      `${path.join(dir, VALIDATION_REPORT_FILE)} is missing: the assembly was synthesized without the compliance plugins; ${hint}`,
    );
  }
  return cloudAssembly({ dir, version: manifest.version, stacks, validation: validated ? readValidationReport(dir) : undefined });
}
