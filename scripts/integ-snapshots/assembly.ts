/**
 * The parts of a cloud assembly an integ snapshot is made of, read and cleaned the way integ-runner
 * does it (its lib/runner/private/cloud-assembly.js, runner-base.js and snapshot-test-runner.js):
 *
 * - which templates belong to a test: the stacks of each test case in integ.json (plus their nested
 *   stacks); this module also takes each test case's assertion stack, which integ-runner leaves out;
 * - asset hashes in templates are replaced by placeholders unless the test case sets `diffAssets`;
 * - the `salt` of assertion custom resources is left out of the comparison (integ-runner does not diff
 *   assertion stacks at all, because of it);
 * - a new snapshot loses the assets of test-case stacks whose update workflow is off, the asset cache
 *   (.cache) and, in manifest.json, the `trace` of metadata entries (machine-specific stack traces).
 *   Since schema 55 those creation stack traces live in `<stack>.metadata.json`; their
 *   `aws:cdk:creationStack` entries (absolute paths of this machine) are removed there for the same reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonDiff } from './json-diff';

/** A test case of integ.json (the fields this harness uses). */
export interface IntegTestCase {
  readonly stacks: readonly string[];
  readonly assertionStackName?: string;
  readonly diffAssets?: boolean;
  readonly stackUpdateWorkflow?: boolean;
}

export interface IntegManifest {
  readonly version: string;
  readonly testCases: Readonly<Record<string, IntegTestCase>>;
  readonly enableLookups?: boolean;
}

interface MetadataEntry {
  readonly type: string;
  readonly data?: unknown;
  readonly trace?: readonly string[];
}

interface Artifact {
  readonly type: string;
  readonly properties?: { readonly file?: string; readonly templateFile?: string };
  readonly metadata?: Record<string, MetadataEntry[]>;
  readonly additionalMetadataFile?: string;
}

interface AssemblyManifest {
  readonly artifacts?: Record<string, Artifact>;
}

interface AssetManifest {
  readonly files?: Record<string, { readonly source: { readonly path?: string } }>;
  readonly dockerImages?: Record<string, { readonly source: { readonly directory?: string } }>;
}

const STACK = 'aws:cloudformation:stack';
const CREATION_STACK = 'aws:cdk:creationStack';

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function readIntegManifest(dir: string): IntegManifest {
  return readJson<IntegManifest>(path.join(dir, 'integ.json'));
}

function readAssemblyManifest(dir: string): AssemblyManifest {
  return readJson<AssemblyManifest>(path.join(dir, 'manifest.json'));
}

/** The asset manifest of a stack artifact, if it has one (integ-runner looks for `<stack>.assets.json`). */
function readAssetManifest(dir: string, stackId: string): AssetManifest | undefined {
  const file = path.join(dir, `${stackId}.assets.json`);
  return fs.existsSync(file) ? readJson<AssetManifest>(file) : undefined;
}

/** Asset IDs of a stack's staged assets and nested templates: the hashes that `diffAssets: false` ignores. */
function assetIdsOfStack(dir: string, stackId: string): string[] {
  const manifest = readAssetManifest(dir, stackId);
  const files = Object.entries(manifest?.files ?? {})
    .filter(([, asset]) => asset.source.path?.startsWith('asset.') || asset.source.path?.endsWith('nested.template.json'))
    .map(([id]) => id);
  const images = Object.entries(manifest?.dockerImages ?? {})
    .filter(([, asset]) => asset.source.directory?.startsWith('asset.'))
    .map(([id]) => id);
  return [...files, ...images];
}

/** Files and directories of a stack's staged assets (not its nested templates). */
function assetLocationsOfStack(dir: string, stackId: string): string[] {
  const manifest = readAssetManifest(dir, stackId);
  const files = Object.values(manifest?.files ?? {})
    .map((asset) => asset.source.path)
    .filter((p): p is string => !!p && p.startsWith('asset.'));
  const images = Object.values(manifest?.dockerImages ?? {})
    .map((asset) => asset.source.directory)
    .filter((d): d is string => !!d && d.startsWith('asset.'));
  return [...files, ...images];
}

/** The stack artifacts of a test case (its test stacks and its assertion stack) and whether it diffs asset hashes. */
function stacksOfTestCases(manifest: IntegManifest): Map<string, { readonly diffAssets: boolean }> {
  const stacks = new Map<string, { readonly diffAssets: boolean }>();
  for (const testCase of Object.values(manifest.testCases)) {
    const ids = [...testCase.stacks, ...(testCase.assertionStackName ? [testCase.assertionStackName] : [])];
    for (const id of ids) stacks.set(id, { diffAssets: testCase.diffAssets ?? false });
  }
  return stacks;
}

/** The templates of the given stacks and of their nested stacks, by template ID (integ-runner's naming). */
function templatesOf(
  dir: string,
  stackIds: Iterable<string>,
): Map<string, { readonly stackId: string; readonly template: unknown }> {
  const artifacts = readAssemblyManifest(dir).artifacts ?? {};
  const templates = new Map<string, { readonly stackId: string; readonly template: unknown }>();
  for (const stackId of stackIds) {
    const artifact = artifacts[stackId];
    if (artifact?.type !== STACK || !artifact.properties?.templateFile) continue;
    templates.set(stackId, { stackId, template: readJson(path.join(dir, artifact.properties.templateFile)) });
    const nested = Object.values(readAssetManifest(dir, stackId)?.files ?? {})
      .map((asset) => asset.source.path)
      .filter((p): p is string => !!p && p.endsWith('.nested.template.json'));
    for (const file of nested) templates.set(file.split('.', 1)[0], { stackId, template: readJson(path.join(dir, file)) });
  }
  return templates;
}

/** Replaces each asset hash with `Asset<n>` (n in order of the asset manifest), like integ-runner's canonicalizeTemplate. */
export function canonicalizeTemplate(template: unknown, assetIds: readonly string[]): unknown {
  const substitute = (text: string): string => assetIds.reduce((result, id, i) => result.split(id).join(`Asset${i + 1}`), text);
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [substitute(k), walk(v)]));
    }
    return typeof value === 'string' ? substitute(value) : value;
  };
  return walk(template);
}

/** integ-tests-alpha's assertion custom resources: their `salt` is Date.now() at synth time. */
const ASSERTION_RESOURCE = 'Custom::DeployAssert@';

/**
 * The template without the `salt` of assertion custom resources, the one value that changes on every
 * synth: a snapshot written by integ-runner (real timestamps) then compares equal to one written here.
 */
export function withoutAssertionSalt(template: unknown): unknown {
  const resources = (template as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> })
    ?.Resources;
  if (!resources) return template;
  const cleaned = Object.fromEntries(
    Object.entries(resources).map(([id, resource]) => {
      if (!resource.Type?.startsWith(ASSERTION_RESOURCE) || !resource.Properties) return [id, resource];
      const properties = { ...resource.Properties };
      delete properties.salt;
      return [id, { ...resource, Properties: properties }];
    }),
  );
  return { ...(template as object), Resources: cleaned };
}

/**
 * How the assembly in `actualDir` differs from the snapshot in `expectedDir`, as readable problems
 * (empty when they match): test cases of integ.json, templates added or removed, and template
 * differences (asset hashes ignored unless the test case sets `diffAssets`; assertion salts ignored).
 */
export function compareSnapshots(expectedDir: string, actualDir: string): string[] {
  if (!fs.existsSync(path.join(expectedDir, 'integ.json'))) return [`There is no snapshot in ${expectedDir}.`];
  const expected = readIntegManifest(expectedDir);
  const actual = readIntegManifest(actualDir);
  const problems: string[] = [];

  const testCaseDiff = jsonDiff(expected.testCases, actual.testCases);
  if (testCaseDiff.length) problems.push(`The test cases (integ.json) differ:\n${indent(testCaseDiff)}`);

  const expectedStacks = stacksOfTestCases(expected);
  const actualStacks = stacksOfTestCases(actual);
  const expectedTemplates = templatesOf(expectedDir, expectedStacks.keys());
  const actualTemplates = templatesOf(actualDir, actualStacks.keys());
  for (const id of expectedTemplates.keys()) {
    if (!actualTemplates.has(id)) problems.push(`Template ${id} is in the snapshot but no longer synthesized.`);
  }
  for (const [id, { stackId, template }] of actualTemplates) {
    const committed = expectedTemplates.get(id);
    if (!committed) {
      problems.push(`Template ${id} is synthesized but not in the snapshot.`);
      continue;
    }
    const diffAssets = actualStacks.get(stackId)?.diffAssets ?? false;
    const was = withoutAssertionSalt(committed.template);
    const now = withoutAssertionSalt(template);
    const lines = diffAssets
      ? jsonDiff(was, now)
      : jsonDiff(
          canonicalizeTemplate(was, assetIdsOfStack(expectedDir, committed.stackId)),
          canonicalizeTemplate(now, assetIdsOfStack(actualDir, stackId)),
        );
    if (lines.length)
      problems.push(
        `Template ${id} differs (~ snapshot → synthesized now, - only in the snapshot, + only synthesized now):\n${indent(lines)}`,
      );
  }
  return problems;
}

const MAX_LINES = 60;

function indent(lines: readonly string[]): string {
  const shown = lines.slice(0, MAX_LINES).map((line) => `    ${line}`);
  if (lines.length > MAX_LINES) shown.push(`    … and ${lines.length - MAX_LINES} more`);
  return shown.join('\n');
}

/** integ-runner's cleanup of a freshly synthesized snapshot (see the top of this file). */
export function cleanSnapshot(dir: string): void {
  const integ = readIntegManifest(dir);
  const withoutUpdateWorkflow = Object.values(integ.testCases)
    .filter((testCase) => testCase.stackUpdateWorkflow === false)
    .flatMap((testCase) => testCase.stacks);
  for (const stackId of withoutUpdateWorkflow) {
    for (const location of assetLocationsOfStack(dir, stackId))
      fs.rmSync(path.join(dir, location), { recursive: true, force: true });
  }
  fs.rmSync(path.join(dir, '.cache'), { recursive: true, force: true });

  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = readAssemblyManifest(dir);
  const artifacts = Object.values(manifest.artifacts ?? {});
  if (artifacts.some((artifact) => Object.values(artifact.metadata ?? {}).some((entries) => entries.some((e) => e.trace)))) {
    for (const artifact of artifacts) {
      if (artifact.metadata) Object.assign(artifact, { metadata: withoutTraces(artifact.metadata) });
    }
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, undefined, 2));
  }
  for (const artifact of artifacts) {
    if (!artifact.additionalMetadataFile) continue;
    const file = path.join(dir, artifact.additionalMetadataFile);
    fs.writeFileSync(file, JSON.stringify(withoutTraces(readJson<Record<string, MetadataEntry[]>>(file)), undefined, 2));
  }
}

/** Metadata without stack traces: no `trace` fields, no creation-stack entries, no paths left empty by that. */
function withoutTraces(metadata: Record<string, MetadataEntry[]>): Record<string, MetadataEntry[]> {
  const cleaned: Record<string, MetadataEntry[]> = {};
  for (const [constructPath, entries] of Object.entries(metadata)) {
    const kept = entries.filter((entry) => entry.type !== CREATION_STACK).map(({ type, data }) => ({ type, data }));
    if (kept.length) cleaned[constructPath] = kept;
  }
  return cleaned;
}
