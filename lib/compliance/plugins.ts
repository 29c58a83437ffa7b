import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
import { resolveKeyImports } from './key-imports';
import { controlTowerRulesFor, templateResourceTypes } from './control-tower-rules';
import { OffloadedRound, type OffloadedCheck, type OffloadedRun } from './offloaded-validation';

/**
 * Registers every compliance check on the app. A finding that is not acknowledged on its own
 * resource (see `acknowledge.ts`) fails synth; `bin/app.ts` also fails on warning-level findings.
 *
 * The two slow checks run unchanged on worker threads, so they use the other cores while the rule packs
 * run: the Control Tower rules (the cfn-guard binary, on each template with the rules that can apply to
 * it, templates shared out over the cores) and CloudFormation's own template validation (CDK's `CloudFormationValidatePlugin`,
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
  reuseWorker: true,
};

/** The project's own promises as cfn-guard rules (lib/compliance/project-rules), run on every template. */
export const PROJECT_RULES_DIR = path.join(__dirname, 'project-rules');

/**
 * cfn-guard: the Control Tower rules, in one check per core (two to four), each with its share of the
 * templates; and the project's rules over every template.
 */
function cfnGuardChecks(shards = Math.min(4, Math.max(2, os.availableParallelism()))): OffloadedCheck[] {
  const module = require.resolve('@cdklabs/cdk-validator-cfnguard');
  const controlTower = Array.from({ length: shards }, (_, shard) => ({
    module,
    exportName: 'CfnGuardValidator',
    runs: (context: IPolicyValidationContext) => cfnGuardPlan(context.templatePaths, shards)[shard],
  }));
  const project = {
    module,
    exportName: 'CfnGuardValidator',
    props: { controlTowerRulesEnabled: false, rules: [PROJECT_RULES_DIR], maxBuffer: GUARD_OUTPUT_LIMIT },
  };
  return [...controlTower, project];
}

let lastPlan: { key: string; plan: OffloadedRun[][] } | undefined;

/**
 * The cfn-guard runs for `templatePaths`, shared out over `shards`: one per template, with the Control
 * Tower rules that can report on it (control-tower-rules.ts), the heaviest first to the least loaded
 * shard. A template that no rule can report on is not run. A template that imports a key of this app's
 * key stacks is read with those imports resolved to the key (key-imports.ts): the rules then see the
 * customer-managed key CloudFormation will use, with no acknowledgement.
 */
export function cfnGuardPlan(templatePaths: readonly string[], shards: number): OffloadedRun[][] {
  const key = JSON.stringify([templatePaths, shards]);
  if (lastPlan?.key === key) return lastPlan.plan;
  const copiesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-key-imports-'));
  // The copies are read by the round's workers before synth returns; nothing needs them after the process.
  process.once('exit', () => fs.rmSync(copiesDir, { recursive: true, force: true }));
  const copies = resolveKeyImports(templatePaths, copiesDir);
  const runs = templatePaths
    .map((templatePath) => {
      const rules = controlTowerRulesFor(templateResourceTypes(templatePath));
      const weight = fs.statSync(templatePath).size * rules.length;
      const props = { controlTowerRulesEnabled: false, rules, maxBuffer: GUARD_OUTPUT_LIMIT };
      const copy = copies.get(templatePath);
      const run: OffloadedRun = {
        templatePaths: [templatePath],
        props,
        ...(copy && { copies: new Map([[templatePath, copy]]) }),
      };
      return { run, weight };
    })
    .filter(({ run }) => (run.props as { rules: string[] }).rules.length > 0)
    .sort((a, b) => b.weight - a.weight || a.run.templatePaths[0].localeCompare(b.run.templatePaths[0]));
  const plan = Array.from({ length: shards }, () => ({ runs: [] as OffloadedRun[], weight: 0 }));
  for (const { run, weight } of runs) {
    const lightest = plan.reduce((a, b) => (b.weight < a.weight ? b : a));
    lightest.runs.push(run);
    lightest.weight += weight;
  }
  lastPlan = { key, plan: plan.map((p) => p.runs) };
  return lastPlan.plan;
}

/** The resource types in `app` so far, and the one CDK adds at synth. */
function resourceTypes(app: App): string[] {
  const types = app.node.findAll().flatMap((c) => (CfnResource.isCfnResource(c) ? [c.cfnResourceType] : []));
  return [...new Set([...types, 'AWS::CDK::Metadata'])].sort();
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
