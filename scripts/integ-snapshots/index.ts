/**
 * Writes and checks the snapshots of the integ tests in test/integ, in integ-runner's layout
 * (`test/integ/<file>.snapshot/`: the cloud assembly of the test app, without its staged assets). Used
 * by `npm run integ:snapshot [-- --check | --deployable <dir>] [files]` and by test/integ-snapshots.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanSnapshot, compareSnapshots, readIntegManifest, removeStagedAssets } from './assembly';
import { REPO_ROOT, synthesizeIntegApp } from './synth';

export const INTEG_DIR = path.join(REPO_ROOT, 'test', 'integ');

/** integ-runner's file pattern for `--language typescript`. */
const INTEG_FILE = /^integ\.(?!.*\.d\.ts$).*\.ts$/;

/** The integ test files under `dir` (recursively, like integ-runner), sorted. */
export function integTestFiles(dir: string = INTEG_DIR): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // Snapshots, integ-runner's temporary outputs and dependencies hold no tests.
      if (!entry.name.endsWith('.snapshot') && !entry.name.startsWith('cdk-integ.out') && entry.name !== 'node_modules') {
        files.push(...integTestFiles(full));
      }
    } else if (INTEG_FILE.test(entry.name)) {
      files.push(full);
    }
  }
  return files.sort();
}

/** Where integ-runner keeps the snapshot of an integ test file. */
export function snapshotDirOf(file: string): string {
  return `${file}.snapshot`;
}

/**
 * Synthesizes the integ test `file` into `outdir` as a snapshot: the cloud assembly integ-runner would
 * write, cleaned the way it cleans one. Lookups are refused: integ-runner would synthesize those
 * tests with its dummy lookup context, which this harness does not reproduce.
 */
export async function synthesizeSnapshot(file: string, outdir: string): Promise<void> {
  await synthesizeIntegApp(file, outdir);
  refuseLookups(file, outdir);
  cleanSnapshot(outdir);
}

function refuseLookups(file: string, outdir: string): void {
  if (readIntegManifest(outdir).enableLookups) {
    throw new Error(
      `${path.relative(REPO_ROOT, file)} enables lookups, which this harness does not support (see scripts/integ-snapshots).`,
    );
  }
}

async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-snapshot-'));
  try {
    return await use(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Re-synthesizes `file` and compares it with its committed snapshot. Returns the problems (empty if
 * the snapshot is current), each a readable diff.
 */
export function checkSnapshot(file: string): Promise<string[]> {
  return withTempDir(async (dir) => {
    const actual = path.join(dir, 'assembly');
    await synthesizeSnapshot(file, actual);
    return compareSnapshots(snapshotDirOf(file), actual);
  });
}

/**
 * Replaces the snapshot of `file` with a fresh one. Returns how it differs from the one it replaced
 * (empty if the templates are unchanged), or undefined if there was none.
 */
export function writeSnapshot(file: string): Promise<string[] | undefined> {
  return withTempDir(async (dir) => {
    const actual = path.join(dir, 'assembly');
    await synthesizeSnapshot(file, actual);
    const target = snapshotDirOf(file);
    const changes = fs.existsSync(target) ? compareSnapshots(target, actual) : undefined;
    removeStagedAssets(actual);
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(actual, target, { recursive: true });
    return changes;
  });
}

/**
 * Synthesizes `file` into `outdir` whole, staged assets included, so that it can be deployed with
 * `npx cdk deploy --app <outdir>`; refuses when it is not what the committed snapshot records (the
 * reviewed templates and asset hashes). Returns the problems (empty when it was written).
 */
export async function writeDeployable(file: string, outdir: string): Promise<string[]> {
  if (fs.existsSync(outdir) && fs.readdirSync(outdir).length > 0) {
    throw new Error(`${outdir} is not empty: give an empty or new directory for the deployable assembly.`);
  }
  await synthesizeIntegApp(file, outdir);
  refuseLookups(file, outdir);
  const problems = compareSnapshots(snapshotDirOf(file), outdir);
  if (problems.length) fs.rmSync(outdir, { recursive: true, force: true });
  return problems;
}
