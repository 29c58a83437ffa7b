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
import { OffloadedRound, type OffloadedCheck } from './offloaded-validation';

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
