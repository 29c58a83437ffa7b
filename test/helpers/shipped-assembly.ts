/**
 * The whole app of a shipped config, synthesized once per test run and shared by every test file that
 * reads it: exactly as `npm run synth` builds it (every compliance plugin, CloudFormation's own checks),
 * except that Lambda bundling is skipped (the templates are the same; bundles are checked where it matters).
 *
 * The first worker that asks synthesizes into a directory named after the run; the others wait for its
 * `done` marker. `test/helpers/global-setup.ts` gives each run its own directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApp, type Deployment } from '../../lib/app';
import type { DeploymentConfig } from '../../lib/config/schema';
import { projectContext } from './app';
import { shippedConfig } from './config';

export interface ShippedAssembly {
  readonly config: DeploymentConfig;
  /** The cloud assembly directory (manifest.json, templates, validation-report.json). */
  readonly dir: string;
  /** Construct IDs of the stacks, as the app builds them. */
  readonly stackIds: readonly string[];
  /** Whether synth threw (a plugin failed); the validation report still says why. */
  readonly synthFailed: boolean;
}

function runDir(): string {
  const base = process.env.HIPAA_CRM_TEST_RUN_DIR ?? path.join(os.tmpdir(), `hipaa-crm-test-${process.ppid}`);
  fs.mkdirSync(base, { recursive: true });
  return base;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The checked assembly of `file` (e.g. `config/demo.json`), synthesized at most once per test run. */
export function shippedAssembly(file: string): ShippedAssembly {
  const config = shippedConfig(file);
  const slot = path.join(runDir(), path.basename(file, '.json'));
  const dir = path.join(slot, 'cdk.out');
  const done = path.join(slot, 'done.json');
  let owner = false;
  try {
    fs.mkdirSync(slot);
    owner = true;
  } catch {
    // Another worker synthesizes it.
  }
  if (owner) {
    let deployment: Deployment | undefined;
    let synthFailed = false;
    try {
      const built = createApp(config, { outdir: dir, context: { ...projectContext(), 'aws:cdk:bundling-stacks': [] } });
      deployment = built.deployment;
      built.app.synth();
    } catch {
      synthFailed = true;
    }
    const stackIds = deployment ? Object.values(deployment).map((s) => s.node.id) : [];
    fs.writeFileSync(done, JSON.stringify({ stackIds, synthFailed }));
  }
  const deadline = Date.now() + 300_000;
  while (!fs.existsSync(done)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for the shared synth of ${file} in ${slot}`);
    sleep(200);
  }
  const { stackIds, synthFailed } = JSON.parse(fs.readFileSync(done, 'utf8')) as { stackIds: string[]; synthFailed: boolean };
  return { config, dir, stackIds, synthFailed };
}
