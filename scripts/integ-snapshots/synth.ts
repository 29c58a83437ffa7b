/**
 * Synthesizes an integ test app (`test/integ/integ.*.ts`) with the inputs integ-runner gives it when it
 * writes or checks a snapshot, so that the templates are the ones integ-runner would produce. Needed
 * because integ-runner 2.197.10 cannot read the schema-55 cloud assembly of aws-cdk-lib 2.276 (see
 * test/integ/README.md). What integ-runner does, and what this copies (from its lib/runner/runner-base.js
 * and lib/engines/toolkit-lib.js):
 *
 * - it runs the app with the working directory set to the test's directory;
 * - the context is integ-runner's own recommended feature flags, with `@aws-cdk/core:target-partitions`
 *   unset; cdk.json is NOT read (its toolkit gets an in-memory context store), so the project's
 *   extra flags do not apply to integ tests;
 * - the toolkit adds `aws:cdk:disable-version-reporting` (version reporting, path and asset metadata are
 *   off) and `aws:cdk:bundling-stacks: ['**']`;
 * - the environment holds the fixed CDK_INTEG_* values and no CDK_DEFAULT_ACCOUNT/REGION, so stacks
 *   without an explicit env stay environment-agnostic.
 *
 * Three differences, none in a template integ-runner compares. CDK's built-in CloudFormation validation
 * is off (CDK_VALIDATION=false, for speed: it reports on templates and does not change them). For
 * determinism, the app gets an allowlisted environment (no DRILL_CONFIG, AWS_* or CDK_DEFAULT_* of the caller's shell), and
 * Date.now() is frozen at 0 in the app process, because @aws-cdk/integ-tests-alpha writes
 * `salt: Date.now()` into every assertion custom resource (to re-run assertions on every deploy).
 * integ-runner never diffs the assertion stack for that reason; frozen, the assertion templates are
 * stable and can be diffed here too.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.join(__dirname, '..', '..');

const TSX_CLI = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
/** Installed with the project, so a newer integ-runner brings its flags here too. */
const INTEG_RUNNER_FLAGS = path.join(
  REPO_ROOT,
  'node_modules',
  '@aws-cdk',
  'integ-runner',
  'lib',
  'recommended-feature-flags.json',
);

/** integ-runner's DEFAULT_SYNTH_OPTIONS.env: the same on every machine, so snapshots do not depend on the caller. */
export const INTEG_RUNNER_ENV: Readonly<Record<string, string>> = {
  CDK_INTEG_ACCOUNT: '12345678',
  CDK_INTEG_REGION: 'test-region',
  CDK_INTEG_HOSTED_ZONE_ID: 'Z23ABC4XYZL05B',
  CDK_INTEG_HOSTED_ZONE_NAME: 'example.com',
  CDK_INTEG_DOMAIN_NAME: '*.example.com',
  CDK_INTEG_CERT_ARN: 'arn:aws:acm:test-region:12345678:certificate/86468209-a272-595d-b831-0efb6421265z',
  CDK_INTEG_SUBNET_ID: 'subnet-0dff1a399d8f6f92c',
};

/** Variables of the caller's environment that node and tsx need; everything else is left out. */
const PASSED_THROUGH = ['PATH', 'HOME', 'TMPDIR', 'TMP', 'TEMP', 'SystemRoot', 'USERPROFILE'];

/** `import` of a data URL, run before the app: the integ-tests-alpha salt becomes "0". */
const FROZEN_CLOCK = '--import=data:text/javascript,Date.now=()=>0';

/** The context integ-runner passes to a snapshot synth (lookups disabled). */
export function integRunnerContext(): Record<string, unknown> {
  if (!fs.existsSync(INTEG_RUNNER_FLAGS)) {
    throw new Error(`${INTEG_RUNNER_FLAGS} is missing: @aws-cdk/integ-runner must be installed (it is a devDependency).`);
  }
  const flags = JSON.parse(fs.readFileSync(INTEG_RUNNER_FLAGS, 'utf8')) as Record<string, unknown>;
  // integ-runner sets it to undefined, which drops it from the JSON context.
  delete flags['@aws-cdk/core:target-partitions'];
  return { ...flags, 'aws:cdk:disable-version-reporting': true, 'aws:cdk:bundling-stacks': ['**'] };
}

/** Synthesizes the integ test app `file` into `outdir` (which must not hold another assembly). Rejects with the app's output on failure. */
export function synthesizeIntegApp(file: string, outdir: string): Promise<void> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, INTEG_RUNNER_ENV, {
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify(integRunnerContext()),
    NODE_OPTIONS: FROZEN_CLOCK,
    // CDK's built-in CloudFormation validation checks the templates without changing them, and takes
    // more than half of each app's synth; CDK_VALIDATION=false is CDK's own switch for it (it leaves
    // registered plugins alone). The shipped apps' templates go through it in the compliance gate.
    CDK_VALIDATION: 'false',
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX_CLI, path.basename(file)], {
      cwd: path.dirname(file),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      reject(new Error(`Synthesis of ${path.relative(REPO_ROOT, file)} failed (${why}):\n${output.trim()}`));
    });
  });
}
