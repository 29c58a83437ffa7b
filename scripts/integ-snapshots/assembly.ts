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
 *
 * Unlike integ-runner, a committed snapshot holds no staged asset (`asset.<hash>...`: the assertion
 * handler bundle of integ-tests-alpha, Lambda code): only its hash, in the stack's asset manifest. The
 * comparison checks those hashes instead (see test/integ/README.md).
 *
 * The assembly itself is read through the shared reader (lib/assembly); integ.json is integ-runner's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MANIFEST_FILE, type ManifestJson, type MetadataJson } from '../../lib/assembly/manifest';
import type { AssemblyStack, CfnTemplate, CloudAssembly } from '../../lib/assembly/model';
import { readAssembly } from '../../lib/assembly/read';
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

const CREATION_STACK = 'aws:cdk:creationStack';

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function readIntegManifest(dir: string): IntegManifest {
  return readJson<IntegManifest>(path.join(dir, 'integ.json'));
}

/** Asset IDs of a stack's staged assets and nested templates: the hashes that `diffAssets: false` ignores. */
function assetIdsOfStack(stack: AssemblyStack | undefined): string[] {
  return (stack?.assets ?? []).filter((a) => a.staged || a.source.endsWith('nested.template.json')).map((a) => a.id);
}

/** Files and directories of a stack's staged assets (not its nested templates). */
function stagedAssetsOfStack(stack: AssemblyStack | undefined): string[] {
  return (stack?.assets ?? []).filter((a) => a.staged).map((a) => a.source);
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
  assembly: CloudAssembly,
  stackIds: Iterable<string>,
): Map<string, { readonly stackId: string; readonly template: CfnTemplate }> {
  const templates = new Map<string, { readonly stackId: string; readonly template: CfnTemplate }>();
  for (const stackId of stackIds) {
    const stack = assembly.stacks.find((s) => s.id === stackId);
    if (!stack) continue;
    templates.set(stackId, { stackId, template: stack.template });
    for (const nested of stack.nestedTemplates) templates.set(nested.id, { stackId, template: nested.template });
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
  const expectedAssembly = readAssembly(expectedDir);
  const actualAssembly = readAssembly(actualDir);
  const stackOf = (assembly: CloudAssembly, id: string) => assembly.stacks.find((s) => s.id === id);
  const expectedTemplates = templatesOf(expectedAssembly, expectedStacks.keys());
  const actualTemplates = templatesOf(actualAssembly, actualStacks.keys());
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
          canonicalizeTemplate(was, assetIdsOfStack(stackOf(expectedAssembly, committed.stackId))),
          canonicalizeTemplate(now, assetIdsOfStack(stackOf(actualAssembly, stackId))),
        );
    if (lines.length)
      problems.push(
        `Template ${id} differs (~ snapshot → synthesized now, - only in the snapshot, + only synthesized now):\n${indent(lines)}`,
      );
  }
  for (const stackId of actualStacks.keys()) {
    const was = stagedAssetsOfStack(stackOf(expectedAssembly, stackId)).sort();
    const now = stagedAssetsOfStack(stackOf(actualAssembly, stackId)).sort();
    if (JSON.stringify(was) !== JSON.stringify(now)) {
      problems.push(
        `Stack ${stackId} stages other assets than the snapshot records (their hashes are all the snapshot keeps of them):\n` +
          indent([
            ...was.filter((a) => !now.includes(a)).map((a) => `- ${a}`),
            ...now.filter((a) => !was.includes(a)).map((a) => `+ ${a}`),
          ]),
      );
    }
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
  const assembly = readAssembly(dir);
  for (const stackId of withoutUpdateWorkflow) {
    for (const location of stagedAssetsOfStack(assembly.stacks.find((s) => s.id === stackId)))
      fs.rmSync(path.join(dir, location), { recursive: true, force: true });
  }
  fs.rmSync(path.join(dir, '.cache'), { recursive: true, force: true });

  const manifestFile = path.join(dir, MANIFEST_FILE);
  const manifest = readJson<ManifestJson>(manifestFile);
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
    fs.writeFileSync(file, JSON.stringify(withoutTraces(readJson<MetadataJson>(file)), undefined, 2));
  }
}

/** Metadata without stack traces: no `trace` fields, no creation-stack entries, no paths left empty by that. */
function withoutTraces(metadata: MetadataJson): MetadataJson {
  const cleaned: MetadataJson = {};
  for (const [constructPath, entries] of Object.entries(metadata)) {
    const kept = entries.filter((entry) => entry.type !== CREATION_STACK).map(({ type, data }) => ({ type, data }));
    if (kept.length) cleaned[constructPath] = kept;
  }
  return cleaned;
}

/**
 * Removes the staged assets from a snapshot about to be committed: they are generated (the same
 * assertion handler bundle in every snapshot), and their hashes stay in the asset manifests.
 */
export function removeStagedAssets(dir: string): void {
  for (const stack of readAssembly(dir).stacks) {
    for (const location of stagedAssetsOfStack(stack)) fs.rmSync(path.join(dir, location), { recursive: true, force: true });
  }
}
