/**
 * Validation plugins run on worker threads: how `registerCompliancePlugins` (plugins.ts) keeps the slow
 * compliance checks off the main thread while the others run there.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';

/**
 * A validation plugin that a worker thread constructs and runs: `new (require(module)[exportName])(props)`,
 * once over all of a round's templates, or once per run that `runs` plans for them.
 */
export interface OffloadedCheck {
  readonly module: string;
  readonly exportName: string;
  /** The props of the plugin that validates a round's templates; runs may bring their own. */
  readonly props?: unknown;
  /**
   * The check's work for a round, as runs over subsets of its templates, each with its own plugin
   * props if it needs them; the check's report is every run's findings. @default one run over every template
   */
  readonly runs?: (context: IPolicyValidationContext) => readonly OffloadedRun[];
  /**
   * Keep the worker, and the plugin it built, for the next app this process synthesizes (the tests
   * synthesize several): CloudFormationValidatePlugin takes about 5 s of CPU to set up its engine and
   * under 1 s to validate another app with it. @default false
   */
  readonly reuseWorker?: boolean;
}

/** One validation of some of a round's templates. */
export interface OffloadedRun {
  readonly templatePaths: readonly string[];
  /** The plugin's props for this run. @default the check's props */
  readonly props?: unknown;
  /**
   * Copies the run validates in place of some of its templates (original path → copy path): the findings
   * name the original templates. @default the templates themselves
   */
  readonly copies?: ReadonlyMap<string, string>;
}

/** What a plugin's `validate` needs from the context, without the construct tree (it cannot cross threads). */
type WorkerContext = Omit<IPolicyValidationContext, 'appConstruct'>;

/** What the main thread sends a worker: the runs of its check. */
interface WorkerRun {
  readonly context: WorkerContext;
  readonly props?: unknown;
}

/**
 * Runs in the worker thread: loads the plugin and, given the check's props, constructs it (given resource
 * types, warms it up on a stub template of those types: CloudFormationValidatePlugin keeps its engine for
 * templates of no other types). It waits for the runs, validates each (with a plugin of the run's own
 * props if it has them), replies with their findings together on `port` and wakes the main thread, which
 * waits synchronously (plugins are synchronous) on `flag`.
 */
const WORKER_SOURCE = `
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { workerData } = require('node:worker_threads');
const { port, flag, check, warmUpTypes } = workerData;
function reply(message) {
  port.postMessage(message);
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
let Plugin;
let plugin;
try {
  Plugin = require(check.module)[check.exportName];
  if (check.props !== undefined) plugin = new Plugin(check.props);
  if (plugin && warmUpTypes) warmUp(plugin, warmUpTypes);
} catch (e) {
  reply({ error: (e && e.stack) || String(e) });
}
port.on('message', (runs) => {
  if (!Plugin) return;
  try {
    const reports = runs.map((run) => (run.props === undefined ? plugin : new Plugin(run.props)).validate(run.context));
    reply({ report: reports.length === 1 ? reports[0] : {
      success: reports.every((r) => r.success),
      violations: reports.flatMap((r) => r.violations),
    } });
  } catch (e) {
    reply({ error: (e && e.stack) || String(e) });
  }
});
`;

/** How long a check may take before its plugin fails (and synth with it). */
const WORKER_TIMEOUT_MS = 15 * 60 * 1000;

/** Workers kept for the next app of this process (`reuseWorker`), by check. */
const reusable = new Map<OffloadedCheck, Job>();

/** One check on its own worker thread: started ahead, given its templates by `run`, collected by `report`. */
class Job {
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;
  /** Copy path → original template path of the runs in progress. */
  private originals = new Map<string, string>();

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
      // The check's plan (`runs`) stays on this thread: a function cannot cross.
      workerData: {
        port: port2,
        flag: this.flag,
        check: { module: check.module, exportName: check.exportName, props: check.props },
        warmUpTypes,
      },
      transferList: [port2],
    });
    // An unused job (an app that is never synthesized) never keeps the process alive.
    this.worker.unref();
    this.port.unref();
  }

  run(context: IPolicyValidationContext): this {
    const { templatePaths, stackTemplates, accountId, region } = context;
    const planned = this.check.runs?.(context) ?? [{ templatePaths }];
    const runs: WorkerRun[] = planned.map((run) => {
      const read = (templatePath: string) => run.copies?.get(templatePath) ?? templatePath;
      return {
        context: {
          templatePaths: run.templatePaths.map(read),
          stackTemplates: stackTemplates
            .filter((t) => run.templatePaths.includes(t.templatePath))
            .map((t) => ({ ...t, templatePath: read(t.templatePath) })),
          accountId,
          region,
        },
        props: run.props,
      };
    });
    this.originals = new Map(planned.flatMap((run) => [...(run.copies ?? [])].map(([original, copy]) => [copy, original])));
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(runs);
    return this;
  }

  /** Stops the check: its result is no longer wanted (a kept worker is not kept any more). */
  cancel(): void {
    if (reusable.get(this.check) === this) reusable.delete(this.check);
    this.port.close();
    void this.worker.terminate();
  }

  /** The check's report; throws (a plugin failure, which fails synth) if it threw or did not finish. */
  report(): PolicyValidationPluginReport {
    const waited = Atomics.wait(this.flag, 0, 0, WORKER_TIMEOUT_MS);
    const message = receiveMessageOnPort(this.port)?.message as
      { report?: PolicyValidationPluginReport; error?: string } | undefined;
    const finished = waited !== 'timed-out' && message?.report !== undefined;
    if (finished && this.check.reuseWorker) reusable.set(this.check, this);
    else this.cancel();
    if (waited === 'timed-out' || !message) throw new Error(`${this.check.exportName} did not finish on its worker thread`);
    if (!message.report) throw new Error(`${this.check.exportName} failed: ${message.error}`);
    return this.namingOriginals(message.report);
  }

  /** `report` with every copy's path replaced by its original's: CDK finds the stack of a finding by its template path. */
  private namingOriginals(report: PolicyValidationPluginReport): PolicyValidationPluginReport {
    if (this.originals.size === 0) return report;
    let text = JSON.stringify(report);
    const inJson = (s: string) => JSON.stringify(s).slice(1, -1);
    for (const [copy, original] of this.originals) text = text.split(inJson(copy)).join(inJson(original));
    return JSON.parse(text) as PolicyValidationPluginReport;
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

  /** Starts `check`'s worker now, warmed up for `types`, for the next round (or takes the one kept for it). */
  prepare(check: OffloadedCheck, types: readonly string[]): void {
    this.ahead.get(check)?.cancel();
    this.ahead.set(check, this.kept(check) ?? new Job(check, types));
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
    return ready ?? this.kept(check) ?? new Job(check);
  }

  /** The worker kept for `check` by an earlier app of this process, taken out of the keep. */
  private kept(check: OffloadedCheck): Job | undefined {
    const job = check.reuseWorker ? reusable.get(check) : undefined;
    reusable.delete(check);
    return job;
  }
}
