/**
 * `npm run lint:cfn`: synthesizes every deployment config (`config/*.json` but the generated schema),
 * each into its own cloud assembly, and runs cfn-lint over every stack template against the stack's
 * own region, with the checks `.cfnlintrc` sets. Synth is offline: no AWS credentials. The synths and
 * the lints share a pool of one process per core, synths first (they take longest), each lint starting
 * as soon as its assembly is written.
 *
 * cfn-lint is a Python tool, installed apart from npm (the pinned version: .ci/cfn-lint-requirements.txt);
 * when it is not on PATH this stops before synthesizing, saying how to install it. `npm ci`,
 * `npm run synth` and `npm test` never need it.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAssembly } from '../../lib/assembly/read';
import { DEFAULT_CONFIG_PATH } from '../../lib/config/load';

export const REPO_ROOT = path.join(__dirname, '..', '..');
const CONFIG_DIR = 'config';
/** The generated JSON Schema of the configs (npm run config:schema), not a deployment. */
const SCHEMA_FILE = 'schema.json';
/** The checks cfn-lint ignores, each with its reason; the only configuration it reads (not ~/.cfnlintrc). */
export const CFN_LINT_CONFIG = '.cfnlintrc';
/** The cfn-lint version CI installs, as a pip requirements file. */
export const REQUIREMENTS_FILE = '.ci/cfn-lint-requirements.txt';

/** Exit codes: 0 every template is clean; 1 a synth failed or cfn-lint found something; 2 no cfn-lint. */
export const EXIT = { clean: 0, findings: 1, noCfnLint: 2 } as const;

/** Every deployment config, `config/<name>.json`, sorted: a config added to config/ is linted too. */
export function deploymentConfigs(root: string = REPO_ROOT): string[] {
  return fs
    .readdirSync(path.join(root, CONFIG_DIR))
    .filter((file) => file.endsWith('.json') && file !== SCHEMA_FILE)
    .sort()
    .map((file) => `${CONFIG_DIR}/${file}`);
}

export interface Synth {
  readonly config: string;
  /** Where the assembly goes: `cdk.out` for the default config, as `npm run synth` writes it. */
  readonly assemblyDir: string;
  readonly command: readonly string[];
  readonly label: string;
}

/**
 * How a config is synthesized: the default one with the README's `npm run synth` (into `cdk.out`), any
 * other into `cdk.out.<name>` (dots become dashes: `npm run synth:production-example` writes
 * `cdk.out.production-example`), with every compliance check, as the synth scripts of package.json do.
 */
export function synthOf(config: string): Synth {
  if (config === DEFAULT_CONFIG_PATH) {
    return { config, assemblyDir: 'cdk.out', command: ['npm', 'run', 'synth'], label: `synth ${config} (npm run synth)` };
  }
  const assemblyDir = `cdk.out.${path.basename(config, '.json').replace(/\./g, '-')}`;
  return {
    config,
    assemblyDir,
    command: ['npx', 'cdk', 'synth', '--no-notices', '--quiet', '-c', `config=${config}`, '-o', assemblyDir],
    label: `synth ${config}`,
  };
}

/** One cfn-lint run: the templates of an assembly's stacks in one region. */
export interface Lint {
  readonly config: string;
  readonly region: string | undefined;
  readonly templates: readonly string[];
  readonly command: readonly string[];
  readonly label: string;
}

/**
 * The cfn-lint runs of an assembly: one per region its stacks are in (cfn-lint checks resource types,
 * properties and values against the region's CloudFormation schemas), nested templates included.
 */
export function lintsOf(synth: Synth, root: string = REPO_ROOT): Lint[] {
  const assembly = readAssembly(path.join(root, synth.assemblyDir), { hint: `${synth.label} failed` });
  const byRegion = new Map<string | undefined, string[]>();
  for (const stack of assembly.stacks) {
    const files = [stack.templateFile, ...stack.nestedTemplates.map((nested) => nested.templateFile)];
    byRegion.set(stack.region, [
      ...(byRegion.get(stack.region) ?? []),
      ...files.map((file) => path.join(synth.assemblyDir, file)),
    ]);
  }
  return [...byRegion].map(([region, templates]) => ({
    config: synth.config,
    region,
    templates,
    // Without a region, cfn-lint checks against its default (us-east-1).
    command: ['cfn-lint', '--config-file', CFN_LINT_CONFIG, ...templates, ...(region ? ['--regions', region] : [])],
    label: `cfn-lint ${synth.config}${region ? ` (${region})` : ''}: ${templates.length} templates`,
  }));
}

/** The version pinned in the requirements file, e.g. `1.58.0`. */
export function pinnedVersion(root: string = REPO_ROOT): string {
  const text = fs.readFileSync(path.join(root, REQUIREMENTS_FILE), 'utf8');
  const pin = /^cfn-lint==(\S+)$/m.exec(text);
  if (!pin) throw new Error(`${REQUIREMENTS_FILE} pins no cfn-lint version (a line cfn-lint==<version>)`);
  return pin[1];
}

/** The installed cfn-lint's version, or undefined when there is no cfn-lint on `env.PATH`. */
export function installedVersion(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const run = spawnSync('cfn-lint', ['--version'], { env, encoding: 'utf8' });
  if (run.error || run.status !== 0) return undefined;
  return /(\d+\.\d+\.\d+\S*)/.exec(run.stdout)?.[1] ?? 'unknown';
}

export function missingCfnLintMessage(pinned: string): string {
  return [
    'cfn-lint is not installed (no `cfn-lint` on PATH): npm run lint:cfn needs it; npm ci, npm run synth and npm test do not.',
    `Install the version CI uses (${REQUIREMENTS_FILE}) with Python 3, for example in a virtual environment:`,
    `  python3 -m venv ~/.venvs/cfn-lint && ~/.venvs/cfn-lint/bin/pip install -r ${REQUIREMENTS_FILE}`,
    '  export PATH="$HOME/.venvs/cfn-lint/bin:$PATH"',
    `(or pipx install cfn-lint==${pinned}), then run npm run lint:cfn again.`,
  ].join('\n');
}

export interface Task {
  readonly label: string;
  readonly command: readonly string[];
  /** Synths run before lints whenever both wait: they take longest. */
  readonly kind: 'synth' | 'lint';
  /** Tasks that become ready when this one succeeds. */
  readonly then?: () => Task[];
}

export interface Outcome {
  readonly task: Task;
  readonly ok: boolean;
  readonly output: string;
  readonly seconds: number;
}

/**
 * Runs `initial` and the tasks they lead to, at most `slots` at once, synths first; reports each
 * outcome as it comes. A failed task's follow-ups are not run.
 */
export async function runTasks(
  initial: readonly Task[],
  slots: number,
  execute: (task: Task) => Promise<Omit<Outcome, 'task'>>,
  report: (outcome: Outcome) => void,
): Promise<Outcome[]> {
  const waiting = [...initial];
  const outcomes: Outcome[] = [];
  let running = 0;
  return new Promise((resolve) => {
    const next = (): void => {
      while (running < slots && waiting.length > 0) {
        const synth = waiting.findIndex((t) => t.kind === 'synth');
        const [task] = waiting.splice(synth >= 0 ? synth : 0, 1);
        running++;
        void execute(task)
          .catch((e: unknown) => ({ ok: false, output: `${(e as Error).message}\n`, seconds: 0 }))
          .then((result) => {
            const outcome = { task, ...result };
            outcomes.push(outcome);
            report(outcome);
            if (outcome.ok && task.then) {
              try {
                waiting.push(...task.then());
              } catch (e) {
                const failed = { task, ok: false, output: `${(e as Error).message}\n`, seconds: 0 };
                outcomes.push(failed);
                report(failed);
              }
            }
            running--;
            if (running === 0 && waiting.length === 0) resolve(outcomes);
            else next();
          });
      }
    };
    if (waiting.length === 0) resolve(outcomes);
    else next();
  });
}

/** Runs a command in the repository, its output (stdout and stderr, interleaved) kept for the report. */
export function executeCommand(task: Task, env: NodeJS.ProcessEnv, cwd: string = REPO_ROOT): Promise<Omit<Outcome, 'task'>> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const [command, ...args] = task.command;
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    child.on('error', (e) => resolve({ ok: false, output: `${output}${e.message}\n`, seconds: seconds() }));
    child.on('close', (code) => resolve({ ok: code === 0, output, seconds: seconds() }));
  });
}

/** The whole check; returns the exit code. */
export async function lintCfn(options: {
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly slots?: number;
  readonly out?: (text: string) => void;
}): Promise<number> {
  const root = options.root ?? REPO_ROOT;
  const out = options.out ?? ((text: string) => process.stdout.write(text));
  // Offline and quiet, as the synth scripts of package.json run the CDK CLI.
  const env = { ...(options.env ?? process.env), CDK_DISABLE_CLI_TELEMETRY: '1', CDK_DISABLE_VERSION_CHECK: '1' };
  const pinned = pinnedVersion(root);
  const installed = installedVersion(env);
  if (!installed) {
    out(`${missingCfnLintMessage(pinned)}\n`);
    return EXIT.noCfnLint;
  }
  if (installed !== pinned) {
    out(`Note: cfn-lint ${installed} is installed; CI uses ${pinned} (${REQUIREMENTS_FILE}): findings may differ.\n`);
  }
  const configs = deploymentConfigs(root);
  const synths = configs.map(synthOf);
  const lints: Lint[] = [];
  const tasks: Task[] = synths.map((synth) => ({
    label: synth.label,
    command: synth.command,
    kind: 'synth',
    then: () => {
      const found = lintsOf(synth, root);
      lints.push(...found);
      return found.map((lint): Task => ({ label: lint.label, command: lint.command, kind: 'lint' }));
    },
  }));
  const slots = options.slots ?? Math.max(1, os.availableParallelism());
  out(`cfn-lint ${installed} over ${configs.join(', ')}, ${slots} at a time\n`);
  const outcomes = await runTasks(
    tasks,
    slots,
    (task) => executeCommand(task, env, root),
    ({ task, ok, output, seconds }) => {
      out(`\n--- ${task.label}: ${seconds.toFixed(1)} s wall${ok ? '' : ', FAILED'}\n`);
      if (output.trim()) out(output.endsWith('\n') ? output : `${output}\n`);
    },
  );
  const failed = outcomes.filter((o) => !o.ok);
  const templates = lints.reduce((n, lint) => n + lint.templates.length, 0);
  if (failed.length > 0) {
    out(`\ncfn-lint: FAILED: ${failed.map((o) => o.task.label).join('; ')}\n`);
    return EXIT.findings;
  }
  out(`\ncfn-lint ${installed}: ${templates} templates of ${configs.length} configs, no findings\n`);
  return EXIT.clean;
}
