import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  CfnResource,
  CloudFormationValidatePlugin,
  Validations,
  type App,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
} from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';

/**
 * Registers every compliance check on the app. A finding that is not acknowledged on its own
 * resource (see `acknowledge.ts`) fails synth; `bin/app.ts` also fails on warning-level findings.
 *
 * The two slow checks run unchanged on worker threads, so they use the other cores while the rule packs
 * run: the Control Tower rules (the cfn-guard binary, with every rule on every template, in groups of
 * rule directories) and CloudFormation's own template validation (CDK's `CloudFormationValidatePlugin`,
 * which this registration takes the place of, so it runs once). Each reports exactly what it reports
 * in-process (test/compliance/plugins.test.ts compares them).
 */
export function registerCompliancePlugins(app: App): void {
  const round = new OffloadedRound([...cfnGuardChecks(), CLOUDFORMATION_VALIDATE]);
  // Its engine takes seconds to set up for the resource types it will see: done while CDK synthesizes.
  round.prepare(CLOUDFORMATION_VALIDATE, resourceTypes(app));
  const [first, ...packs] = [new HIPAASecurityChecks(app), new NIST80053R5Checks(app), new AwsSolutionsChecks(app)];
  // Reported in this order, as before: the rule packs, the Control Tower rules, CloudFormation's validation.
  Validations.of(app).addPlugins(
    new StartsRound(first, round),
    ...packs,
    new OffloadedCfnGuard(round),
    new OffloadedCloudFormationValidate(round),
  );
}

/** cfn-guard prints every rule's result as JSON: more than spawnSync's default 1 MiB for a few large stacks. */
const GUARD_OUTPUT_LIMIT = 256 * 1024 * 1024;

const CLOUDFORMATION_VALIDATE: OffloadedCheck = {
  module: require.resolve('aws-cdk-lib'),
  exportName: 'CloudFormationValidatePlugin',
  props: {},
};

function cfnGuardChecks(): OffloadedCheck[] {
  return cfnGuardRuleGroups().map((rules) => ({
    module: require.resolve('@cdklabs/cdk-validator-cfnguard'),
    exportName: 'CfnGuardValidator',
    props: { controlTowerRulesEnabled: false, rules, maxBuffer: GUARD_OUTPUT_LIMIT },
  }));
}

/** The resource types in `app` so far, and the one CDK adds at synth. */
function resourceTypes(app: App): string[] {
  const types = app.node.findAll().flatMap((c) => (CfnResource.isCfnResource(c) ? [c.cfnResourceType] : []));
  return [...new Set([...types, 'AWS::CDK::Metadata'])].sort();
}

/** The Control Tower rules directory of cdk-validator-cfnguard (what `controlTowerRulesEnabled` runs). */
export function controlTowerRulesDir(): string {
  return path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard')), '..', 'rules', 'control-tower', 'cfn-guard');
}

/** Every rule file under `dir`. */
export function ruleFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? ruleFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * The Control Tower rule directories in one group per core (two to four), each with about as many
 * rule files; together they hold every rule file once. cfn-guard evaluates each rule file on its own,
 * so the groups find exactly what one run over the whole directory finds.
 */
export function cfnGuardRuleGroups(groups = Math.min(4, Math.max(2, os.availableParallelism()))): string[][] {
  const root = controlTowerRulesDir();
  const dirs = fs
    .readdirSync(root)
    .map((d) => ({ dir: path.join(root, d), files: ruleFiles(path.join(root, d)).length }))
    .sort((a, b) => b.files - a.files || a.dir.localeCompare(b.dir));
  const split = Array.from({ length: groups }, () => ({ dirs: [] as string[], files: 0 }));
  for (const { dir, files } of dirs) {
    const lightest = split.reduce((a, b) => (b.files < a.files ? b : a));
    lightest.dirs.push(dir);
    lightest.files += files;
  }
  return split.filter((g) => g.dirs.length > 0).map((g) => g.dirs.sort());
}

/** A validation plugin that a worker thread constructs and runs: `new (require(module)[exportName])(props)`. */
export interface OffloadedCheck {
  readonly module: string;
  readonly exportName: string;
  readonly props: unknown;
}

/** What a plugin's `validate` needs from the context, without the construct tree (it cannot cross threads). */
type WorkerContext = Omit<IPolicyValidationContext, 'appConstruct'>;

/**
 * Runs in the worker thread: constructs the plugin (given resource types, warms it up on a stub template
 * of those types: CloudFormationValidatePlugin keeps its engine for templates of no other types), waits
 * for the context, validates it, replies on `port` and wakes the main thread, which waits synchronously
 * (plugins are synchronous) on `flag`.
 */
const WORKER_SOURCE = `
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { workerData } = require('node:worker_threads');
const { port, flag, check, warmUpTypes } = workerData;
function reply(message) {
  port.postMessage(message);
  port.close();
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
function warmUp(plugin, types) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validation-warm-up-'));
  try {
    const templatePath = path.join(dir, 'WarmUp.template.json');
    const resources = Object.fromEntries(types.map((type, i) => ['R' + i, { Type: type }]));
    fs.writeFileSync(templatePath, JSON.stringify({ Resources: resources }));
    plugin.validate({ templatePaths: [templatePath], stackTemplates: [{ stackConstructPath: 'WarmUp', templatePath }] });
  } catch {
    // Only a head start: the real validation sets up whatever it needs.
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
let plugin;
try {
  plugin = new (require(check.module)[check.exportName])(check.props);
  if (warmUpTypes) warmUp(plugin, warmUpTypes);
} catch (e) {
  reply({ error: (e && e.stack) || String(e) });
}
port.once('message', (context) => {
  if (!plugin) return;
  try {
    reply({ report: plugin.validate(context) });
  } catch (e) {
    reply({ error: (e && e.stack) || String(e) });
  }
});
`;

/** How long a check may take before its plugin fails (and synth with it). */
const WORKER_TIMEOUT_MS = 15 * 60 * 1000;

/** One check on its own worker thread: started ahead, given its templates by `run`, collected by `report`. */
class Job {
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;

  constructor(
    readonly check: OffloadedCheck,
    warmUpTypes?: readonly string[],
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Plain JavaScript packages: no TypeScript loader in the worker.
      execArgv: [],
      workerData: { port: port2, flag: this.flag, check, warmUpTypes },
      transferList: [port2],
    });
    // An unused job (an app that is never synthesized) never keeps the process alive.
    this.worker.unref();
  }

  run({ templatePaths, stackTemplates, accountId, region }: IPolicyValidationContext): this {
    this.port.postMessage({ templatePaths, stackTemplates, accountId, region } satisfies WorkerContext);
    return this;
  }

  /** Stops the check: its result is no longer wanted. */
  cancel(): void {
    this.port.close();
    void this.worker.terminate();
  }

  /** The check's report; throws (a plugin failure, which fails synth) if it threw or did not finish. */
  report(): PolicyValidationPluginReport {
    const waited = Atomics.wait(this.flag, 0, 0, WORKER_TIMEOUT_MS);
    const message = receiveMessageOnPort(this.port)?.message as
      { report?: PolicyValidationPluginReport; error?: string } | undefined;
    this.cancel();
    if (waited === 'timed-out' || !message) throw new Error(`${this.check.exportName} did not finish on its worker thread`);
    if (!message.report) throw new Error(`${this.check.exportName} failed: ${message.error}`);
    return message.report;
  }
}

/**
 * The offloaded checks of one app. Each validation round (one `app.synth()`) starts every check on its
 * own worker thread when the first plugin validates; each plugin then collects its own. A plugin that
 * finds no check running for its templates runs its checks then and there, still off the main thread.
 */
export class OffloadedRound {
  private running: Job[] = [];
  private templates = '';
  private readonly ahead = new Map<OffloadedCheck, Job>();

  constructor(private readonly checks: readonly OffloadedCheck[]) {}

  /** Starts `check`'s worker now, warmed up for `types`, for the next round. */
  prepare(check: OffloadedCheck, types: readonly string[]): void {
    this.ahead.get(check)?.cancel();
    this.ahead.set(check, new Job(check, types));
  }

  start(context: IPolicyValidationContext): void {
    for (const stale of this.running) stale.cancel();
    this.running = this.checks.map((check) => this.job(check).run(context));
    this.templates = JSON.stringify(context.stackTemplates);
  }

  /** The reports of the checks that `which` selects, for `context`'s templates. */
  collect(context: IPolicyValidationContext, which: (check: OffloadedCheck) => boolean): PolicyValidationPluginReport[] {
    let mine = this.templates === JSON.stringify(context.stackTemplates) ? this.running.filter((j) => which(j.check)) : [];
    this.running = this.running.filter((j) => !mine.includes(j));
    if (mine.length === 0) mine = this.checks.filter(which).map((check) => this.job(check).run(context));
    return mine.map((j) => j.report());
  }

  private job(check: OffloadedCheck): Job {
    const ready = this.ahead.get(check);
    this.ahead.delete(check);
    return ready ?? new Job(check);
  }
}

/** A rule pack that starts the round's offloaded checks before it validates. */
class StartsRound implements IPolicyValidationPlugin {
  constructor(
    private readonly pack: IPolicyValidationPlugin,
    private readonly round: OffloadedRound,
  ) {}

  get name(): string {
    return this.pack.name;
  }
  get version(): string | undefined {
    return this.pack.version;
  }
  get ruleIds(): string[] | undefined {
    return this.pack.ruleIds;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.round.start(context);
    return this.pack.validate(context);
  }
}

/** cdk-validator-cfnguard with the Control Tower rules: every group's findings, in one report. */
class OffloadedCfnGuard implements IPolicyValidationPlugin {
  private readonly reference = new CfnGuardValidator({ controlTowerRulesEnabled: true });
  readonly name = this.reference.name;
  readonly version = this.reference.version;
  readonly ruleIds = this.reference.ruleIds;

  constructor(private readonly round: OffloadedRound) {}

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const reports = this.round.collect(context, (c) => c.exportName === 'CfnGuardValidator');
    return { success: reports.every((r) => r.success), violations: reports.flatMap((r) => r.violations) };
  }
}

/**
 * CDK's CloudFormation template validation. Being a `CloudFormationValidatePlugin`, it takes the place of
 * the one CDK adds itself, under the same name, so CDK treats its findings the same way.
 */
class OffloadedCloudFormationValidate extends CloudFormationValidatePlugin {
  constructor(private readonly round: OffloadedRound) {
    super();
  }

  override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const [report] = this.round.collect(context, (c) => c === CLOUDFORMATION_VALIDATE);
    return report;
  }
}
