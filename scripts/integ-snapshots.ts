/**
 * `npm run integ:snapshot [-- --check] [test/integ/integ.<name>.ts ...]` (default: every integ test)
 * `npm run integ:snapshot -- --deployable <dir> test/integ/integ.<name>.ts`
 *
 * Writes the snapshot of each integ test (`test/integ/<file>.snapshot/`, integ-runner's layout without
 * the staged assets) by synthesizing it offline the way integ-runner does; with --check, re-synthesizes
 * into a temporary directory instead and fails with a diff when a committed snapshot is out of date;
 * with --deployable, writes one test's whole assembly (assets included) into <dir> for `cdk deploy`,
 * after checking it is what the committed snapshot records. Exists because integ-runner 2.197.10
 * cannot read aws-cdk-lib 2.276's cloud assembly (schema 55): see test/integ/README.md. Deploys
 * nothing and needs no AWS credentials.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { checkSnapshot, integTestFiles, snapshotDirOf, writeDeployable, writeSnapshot } from './integ-snapshots/index';
import { REPO_ROOT } from './integ-snapshots/synth';

const USAGE =
  'Usage: npm run integ:snapshot [-- --check] [integ test files]\n' +
  '       npm run integ:snapshot -- --deployable <dir> <one integ test file>';

function usageError(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let parsed: { values: { check?: boolean; deployable?: string }; positionals: string[] };
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    options: { check: { type: 'boolean' }, deployable: { type: 'string' } },
    allowPositionals: true,
  });
} catch (e) {
  usageError((e as Error).message);
}
const { check = false, deployable } = parsed.values;
const named = parsed.positionals.map((a) => path.resolve(a));
const all = integTestFiles();
const missing = named.filter((file) => !all.includes(file));
if (missing.length) usageError(`Not integ tests (test/integ/**/integ.*.ts): ${missing.join(', ')}`);
if (deployable !== undefined && (check || named.length !== 1))
  usageError('--deployable takes one integ test file, without --check.');
const files = named.length ? named : all;
const relative = (file: string) => path.relative(REPO_ROOT, file);

/** What one file's run prints, and whether it failed. */
async function run(file: string): Promise<{ readonly failed: boolean; readonly report: string }> {
  try {
    if (deployable !== undefined) {
      const outdir = path.resolve(deployable);
      const problems = await writeDeployable(file, outdir);
      return problems.length
        ? {
            failed: true,
            report: `✗ ${relative(file)} no longer synthesizes to its snapshot; nothing written.\n${problems.join('\n')}\n`,
          }
        : {
            failed: false,
            report: `Wrote ${deployable}, the reviewed snapshot of ${relative(file)} with its assets: npx cdk deploy --app ${deployable} --all`,
          };
    }
    if (check) {
      const problems = await checkSnapshot(file);
      return problems.length
        ? { failed: true, report: `✗ ${relative(file)}: the snapshot is out of date.\n${problems.join('\n')}\n` }
        : { failed: false, report: `✓ ${relative(file)}: the snapshot is current.` };
    }
    const changes = await writeSnapshot(file);
    const what = !changes ? ' (new).' : changes.length ? `, changed:\n${changes.join('\n')}\n` : ' (templates unchanged).';
    return { failed: false, report: `Wrote ${relative(snapshotDirOf(file))}${what}` };
  } catch (e) {
    return { failed: true, report: `✗ ${relative(file)}: ${e instanceof Error ? e.message : String(e)}\n` };
  }
}

// The apps synthesize in parallel (each is a separate node process); reports follow in file order.
void Promise.all(files.map(run)).then((results) => {
  for (const { failed, report } of results) (failed ? console.error : console.log)(report);
  const failed = results.filter((r) => r.failed).length;
  if (failed) {
    if (check)
      console.error(`${failed} of ${files.length} snapshot(s) out of date: run \`npm run integ:snapshot\` and review the diff.`);
    process.exitCode = 1;
  }
});
