/**
 * The whole app of a shipped config, synthesized once per test run and shared by every test file that
 * reads it: exactly as `npm run synth` builds it (every compliance plugin, CloudFormation's own checks),
 * except that Lambda bundling is skipped (the templates are the same; bundles are checked where it matters).
 *
 * Whoever claims a config's slot in the run directory synthesizes it: the global setup of a whole-suite
 * run, in a background process (`startShippedSynth`), so the assemblies are ready when test files ask;
 * otherwise the first test file that asks. The others wait for the slot's `done.json`.
 * `test/helpers/global-setup.ts` gives each run its own directory.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudAssembly, type CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import type { Deployment } from '../../lib/app';
import type { DeploymentConfig } from '../../lib/config/schema';
import { projectContext } from './app';
import { REPO_ROOT, shippedConfig } from './config';

export interface ShippedAssembly {
  readonly config: DeploymentConfig;
  /** The cloud assembly directory (manifest.json, templates, validation-report.json). */
  readonly dir: string;
  /** Construct IDs of the stacks, in the order the app builds them. */
  readonly stackIds: readonly string[];
  /** Whether synth threw (a plugin failed); the validation report still says why. */
  readonly synthFailed: boolean;
  /** What synth threw, if it did. */
  readonly synthError?: string;
}

/** What a slot's `done.json` records. */
interface SynthOutcome {
  readonly stackIds: string[];
  readonly synthFailed: boolean;
  readonly synthError?: string;
}

/** A resource of a synthesized template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** A synthesized stack of a shipped assembly: its manifest entry and its template. */
export interface ShippedStack {
  readonly id: string;
  readonly artifact: CloudFormationStackArtifact;
  readonly template: { readonly Description?: string; readonly Resources: Record<string, TemplateResource> };
}

function runDir(): string {
  const base = process.env.HIPAA_CRM_TEST_RUN_DIR ?? path.join(os.tmpdir(), `hipaa-crm-test-${process.ppid}`);
  fs.mkdirSync(base, { recursive: true });
  return base;
}

function slotOf(file: string): { slot: string; dir: string; done: string; owner: string } {
  const slot = path.join(runDir(), path.basename(file, '.json'));
  return { slot, dir: path.join(slot, 'cdk.out'), done: path.join(slot, 'done.json'), owner: path.join(slot, 'owner.pid') };
}

/** Claims `file`'s slot for process `pid` (atomically: one claimant per run); false if it is taken. */
function claim(file: string, pid = process.pid): boolean {
  const { slot, owner } = slotOf(file);
  try {
    fs.mkdirSync(slot);
  } catch {
    return false;
  }
  fs.writeFileSync(owner, String(pid));
  return true;
}

/** Whether the process that claimed `file`'s slot is still running (or not yet known). */
function ownerAlive(file: string): boolean {
  const { owner } = slotOf(file);
  if (!fs.existsSync(owner)) return true;
  try {
    process.kill(Number(fs.readFileSync(owner, 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/** Synthesizes `file` into its slot and records the outcome; never throws. */
function synthesize(file: string): void {
  const { dir, done } = slotOf(file);
  let deployment: Deployment | undefined;
  let synthError: string | undefined;
  try {
    // Loaded only where it is used: the global setup, which starts the synth, does not load the app.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createApp } = require('../../lib/app') as typeof import('../../lib/app');
    const built = createApp(shippedConfig(file), {
      outdir: dir,
      context: { ...projectContext(), 'aws:cdk:bundling-stacks': [] },
    });
    deployment = built.deployment;
    built.app.synth();
  } catch (e) {
    synthError = e instanceof Error ? e.message : String(e);
  }
  const outcome: SynthOutcome = {
    stackIds: deployment
      ? Object.values(deployment)
          .flat()
          .map((s) => s.node.id)
      : [],
    synthFailed: synthError !== undefined,
    synthError,
  };
  fs.writeFileSync(`${done}.tmp`, JSON.stringify(outcome));
  fs.renameSync(`${done}.tmp`, done);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The checked assembly of `file` (e.g. `config/demo.json`), synthesized at most once per test run. */
export function shippedAssembly(file: string): ShippedAssembly {
  const config = shippedConfig(file);
  const { slot, dir, done } = slotOf(file);
  if (claim(file)) synthesize(file);
  const deadline = Date.now() + 600_000;
  while (!fs.existsSync(done)) {
    // Checked before the outcome once more: the owner may have written it just before it ended.
    const alive = ownerAlive(file);
    if (fs.existsSync(done)) break;
    if (!alive) throw new Error(`the process synthesizing ${file} in ${slot} ended without an outcome`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for the shared synth of ${file} in ${slot}`);
    sleep(200);
  }
  const outcome = JSON.parse(fs.readFileSync(done, 'utf8')) as SynthOutcome;
  return { config, dir, ...outcome };
}

/** The stacks of `assembly`, in the order the app builds them. */
export function shippedStacks(assembly: ShippedAssembly): ShippedStack[] {
  const cloud = new CloudAssembly(assembly.dir);
  return assembly.stackIds.map((id) => {
    const artifact = cloud.getStackArtifact(id);
    return { id, artifact, template: artifact.template as ShippedStack['template'] };
  });
}

/**
 * For the global setup: claims the slots of `files` and synthesizes them one after the other in a
 * background process, while the test files that do not need them run. Returns its process ID.
 */
export function startShippedSynth(files: readonly string[]): number | undefined {
  const claimed = files.filter((file) => claim(file));
  if (claimed.length === 0) return undefined;
  const child = spawn(process.execPath, ['--require', path.join(REPO_ROOT, 'bin', 'register.cjs'), __filename, ...claimed], {
    cwd: REPO_ROOT,
    env: { ...process.env, HIPAA_CRM_TEST_RUN_DIR: runDir() },
    stdio: 'ignore',
  });
  child.unref();
  for (const file of claimed) fs.writeFileSync(slotOf(file).owner, String(child.pid));
  return child.pid;
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) synthesize(file);
}
