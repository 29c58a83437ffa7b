/**
 * The HIPAA report as data: for every specification of the catalogue, the resources that implement
 * it, the checks that verify it and the exceptions acknowledged against it, plus summary figures and
 * the policies from the config. Pure: everything it reads is passed in, so it is tested on a fixture.
 */
import { deploymentNames } from '../vocabulary';
import { AssemblyIndex } from '../assembly/assembly-index';
import type { CloudAssembly, ValidatedAssembly } from '../assembly/model';
import { AssemblyError } from '../assembly/read';
import { literalText, prop, str } from '../assembly/template-facts';
import { parseHipaaCitations, resolveCitation } from '../compliance/hipaa/citations';
import { CONTROL_TOWER_OBJECTIVE_SPECS } from '../compliance/hipaa/control-tower-objectives';
import { PROJECT_GUARDS } from '../compliance/hipaa/project-guards';
import { specsForResource } from '../compliance/hipaa/resource-specs';
import {
  EVIDENCE_ELSEWHERE,
  HIPAA_SPECIFICATIONS,
  implementationSpecsOf,
  implementedHere,
  RESPONSIBILITIES,
  type HipaaSpec,
  type Responsibility,
} from '../compliance/hipaa/specifications';
import { eligibilityOf } from '../compliance/hipaa-eligible-services';
import { acknowledgedFindings, COMPLIANCE_PLUGIN_NAMES, openFindings, type Finding } from '../compliance/report';
import { sandboxRelaxations, sandboxRemainders, type RelaxedControl, type Remainder } from '../config/profile';
import type { DeploymentConfig } from '../config/schema';
import { HIPAA_CONFIG_RULES } from '../constructs/config-rules';
import { labelOf, policiesFrom, type Policies, type ResourceLabel } from './policies';
import type { ProjectRule } from './project-rules';
import { accountsSection, type AccountsSection } from './accounts';
import type { Applicability, GuardRule, PackRule } from './rule-packs';

export interface ImplementingResource extends ResourceLabel {
  readonly how: string;
  /** For a standard: the implementation specification this resource implements. */
  readonly via?: string;
}

export type CheckKind = 'rule pack' | 'cfn-guard' | 'project rule' | 'AWS Config rule' | 'project guard';

export interface VerifyingCheck {
  readonly kind: CheckKind;
  /** The rule id as the tool reports it. */
  readonly id: string;
  readonly title: string;
  /** What it covers here ("17 resources", "runs on every synth", ...). */
  readonly coverage: string;
  /** For a standard: the implementation specification this check verifies. */
  readonly via?: string;
}

export interface ExceptionEntry {
  /** The resource, when its construct path maps to a template resource. */
  readonly resource?: ResourceLabel;
  readonly constructPath: string;
  readonly plugin: string;
  readonly rule: string;
  /** The HIPAA citation of the acknowledgement, as written. */
  readonly citation?: string;
  /** The reason without its `[HIPAA ...]` prefix. */
  readonly reason: string;
}

export interface SpecSection {
  readonly spec: HipaaSpec;
  /** Its own, then (for a standard) those of its implementation specifications, each once. */
  readonly resources: readonly ImplementingResource[];
  /** Its own, then (for a standard) those of its implementation specifications, each once. */
  readonly checks: readonly VerifyingCheck[];
  readonly exceptions: readonly ExceptionEntry[];
  /** Whose it is, in words (RESPONSIBILITIES). */
  readonly owner: string;
  /** Where the evidence lives for what this deployment does not implement (absent for infrastructure). */
  readonly evidenceElsewhere?: string;
}

export interface CheckFigure {
  readonly source: string;
  readonly rules: number;
  /** Rules that evaluate at least one resource here, where known. */
  readonly applicable?: number;
}

export interface ReportSummary {
  readonly stacks: readonly {
    readonly id: string;
    readonly stackName: string;
    readonly region?: string;
    readonly resources: number;
  }[];
  readonly resources: number;
  readonly resourceTypes: number;
  readonly specs: number;
  readonly byResponsibility: Readonly<Record<Responsibility, number>>;
  readonly specsWithResources: number;
  readonly specsWithChecks: number;
  /** Specifications implemented here (infrastructure, shared) and those of them with resources and a check. */
  readonly implementedHere: number;
  readonly implementedHereCovered: number;
  /** Specifications implemented here without implementing resources or an automated check (must be empty). */
  readonly coverageGaps: readonly { readonly id: string; readonly missing: readonly ('resources' | 'checks')[] }[];
  readonly checks: readonly CheckFigure[];
  /** Plugins that COMPLIANCE_PLUGIN_NAMES expects but the validation report does not mention. */
  readonly pluginsWithoutReport: readonly string[];
  readonly openFindings: number;
  readonly acknowledged: number;
  readonly acknowledgedResources: number;
  /** Resource types outside AWS's HIPAA eligible services (must be empty). */
  readonly ineligibleTypes: readonly string[];
}

export interface ReportModel {
  readonly deployment: string;
  readonly holdsPhi: boolean;
  /**
   * The sandbox profile's relaxed controls and what remains after `cdk destroy` (lib/config/profile.ts);
   * absent in production.
   */
  readonly sandbox?: { readonly relaxed: readonly RelaxedControl[]; readonly remainders: readonly Remainder[] };
  readonly regions: { readonly primary: string; readonly dr: string };
  /** Which account each stack deploys into, and every grant to a principal of another account. */
  readonly accounts: AccountsSection;
  readonly generatedAt: string;
  readonly assemblyDir: string;
  readonly configFile: string;
  readonly summary: ReportSummary;
  readonly openFindings: readonly Finding[];
  readonly sections: readonly SpecSection[];
  /** Acknowledgements whose citation is not in the catalogue, or that cite none. Never dropped. */
  readonly otherExceptions: readonly ExceptionEntry[];
  readonly policies: Policies;
  /** Limits of this run the reader must know (stacks whose rule applicability is unknown, ...). */
  readonly notes: readonly string[];
}

export interface ReportInput {
  readonly assembly: ValidatedAssembly;
  readonly config: DeploymentConfig;
  readonly configFile: string;
  readonly packRules: readonly PackRule[];
  readonly applicability: Applicability;
  readonly guardRules: readonly GuardRule[];
  /** The project's own cfn-guard rules (lib/compliance/project-rules). */
  readonly projectRules: readonly ProjectRule[];
  readonly now: Date;
}

/** The assembly must be the one this config synthesizes, or the policies would describe another deployment. */
export function assertAssemblyMatchesConfig(assembly: CloudAssembly, config: DeploymentConfig, configFile: string): void {
  const foreign = assembly.stacks.filter((s) => !s.stackName.startsWith(deploymentNames(config.name).stackPrefix));
  if (foreign.length) {
    throw new AssemblyError(
      `The assembly in ${assembly.dir} is not deployment "${config.name}" of ${configFile}: stack(s) ` +
        `${foreign.map((s) => s.stackName).join(', ')}. Synthesize with the same config (npx cdk synth -c config=${configFile} -o <dir>) ` +
        'or pass the config the assembly was built from.',
    );
  }
}

const ACK_CITATION = /^\[HIPAA ([^\]]+)\]\s*/;

function exceptionsOf(assembly: ValidatedAssembly, index: AssemblyIndex): { entry: ExceptionEntry; specId?: string }[] {
  return acknowledgedFindings(assembly.validation).map((a) => {
    const cited = ACK_CITATION.exec(a.reason)?.[1];
    const spec = cited
      ? parseHipaaCitations(`HIPAA ${cited}`)
          .map(resolveCitation)
          .find((s) => s !== undefined)
      : undefined;
    const resource = index.byConstructPath(a.constructPath);
    return {
      specId: spec?.id,
      entry: {
        resource: resource && labelOf(resource),
        constructPath: a.constructPath,
        plugin: a.plugin,
        rule: a.rule,
        citation: cited,
        reason: a.reason.replace(ACK_CITATION, ''),
      },
    };
  });
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** The specification a Control Tower rule gives evidence for, and on what grounds. */
function guardRuleSpecs(rule: GuardRule): { specs: string[]; basis: string } {
  const configRule = HIPAA_CONFIG_RULES.find((c) => c.identifier === rule.configRuleIdentifier);
  if (configRule) {
    const spec = resolveCitation(configRule.control);
    return { specs: spec ? [spec.id] : [], basis: `as its AWS Config rule ${configRule.name}` };
  }
  const specs = [...new Set(rule.objectives.flatMap((o) => CONTROL_TOWER_OBJECTIVE_SPECS[o.id] ?? []))];
  return { specs, basis: `by objective ${rule.objectives.map((o) => `${o.id} ${o.name}`).join(', ')}` };
}

/**
 * A specification's own resources and checks, then, for a standard, those of its implementation
 * specifications (marked `via`): a standard is met by meeting them. Each resource and check once.
 */
function rolledUp(
  spec: HipaaSpec,
  resourcesBySpec: ReadonlyMap<string, readonly ImplementingResource[]>,
  checksBySpec: ReadonlyMap<string, readonly VerifyingCheck[]>,
): { resources: ImplementingResource[]; checks: VerifyingCheck[] } {
  const resources = [...(resourcesBySpec.get(spec.id) ?? [])];
  const checks = [...(checksBySpec.get(spec.id) ?? [])];
  for (const child of spec.kind === 'standard' ? implementationSpecsOf(spec.id) : []) {
    for (const r of resourcesBySpec.get(child.id) ?? []) {
      if (!resources.some((x) => x.stack === r.stack && x.logicalId === r.logicalId)) resources.push({ ...r, via: child.id });
    }
    for (const c of checksBySpec.get(child.id) ?? []) {
      if (!checks.some((x) => x.kind === c.kind && x.id === c.id)) checks.push({ ...c, via: child.id });
    }
  }
  return { resources, checks };
}

export function buildReportModel(input: ReportInput): ReportModel {
  const { assembly, config, packRules, applicability, guardRules, projectRules } = input;
  const index = new AssemblyIndex(assembly);
  const typesPresent = new Map<string, number>();
  for (const r of index.resources) typesPresent.set(r.type, (typesPresent.get(r.type) ?? 0) + 1);
  const notes: string[] = [];

  const resourcesBySpec = new Map<string, ImplementingResource[]>();
  for (const r of index.resources) {
    for (const impl of specsForResource(r, index)) {
      resourcesBySpec.set(impl.spec, [...(resourcesBySpec.get(impl.spec) ?? []), { ...labelOf(r), how: impl.how }]);
    }
  }

  const checksBySpec = new Map<string, VerifyingCheck[]>();
  const addCheck = (spec: string, check: VerifyingCheck) => {
    const list = checksBySpec.get(spec) ?? [];
    if (!list.some((c) => c.kind === check.kind && c.id === check.id)) list.push(check);
    checksBySpec.set(spec, list);
  };

  const unknownApplicability = applicability.skipped.length > 0;
  if (unknownApplicability) {
    notes.push(
      `HIPAA.Security rule applicability could not be worked out for stack(s) ${applicability.skipped
        .map((s) => `${s.stack} (${s.reason})`)
        .join(', ')}: rules citing a specification are listed whether or not they apply here.`,
    );
  }
  const hipaaRules = packRules.filter((r) => r.pack === 'HIPAA.Security');
  for (const rule of hipaaRules) {
    const evaluated = applicability.evaluated.get(rule.ruleId)?.length ?? 0;
    if (evaluated === 0 && !unknownApplicability) continue;
    for (const control of rule.hipaaControls) {
      const spec = resolveCitation(control);
      if (!spec) continue;
      addCheck(spec.id, {
        kind: 'rule pack',
        id: rule.ruleId,
        // The pack's message describes the finding; say what the rule flags.
        title: `flags: ${rule.info.replace(/\s*-\s*\(Control IDs?:.*$/, '')}`,
        coverage: evaluated ? `evaluates ${plural(evaluated, 'resource')} here` : 'applicability unknown',
      });
    }
  }

  let applicableGuardRules = 0;
  for (const rule of guardRules) {
    const covered = rule.resourceTypes.reduce((n, t) => n + (typesPresent.get(t) ?? 0), 0);
    if (covered === 0) continue;
    applicableGuardRules++;
    const { specs, basis } = guardRuleSpecs(rule);
    for (const s of specs) {
      addCheck(s, {
        kind: 'cfn-guard',
        id: rule.ruleName,
        title: `[${rule.controlId}] ${rule.title}`,
        coverage: `evaluates ${plural(covered, 'resource')} of type ${rule.resourceTypes.filter((t) => typesPresent.has(t)).join(', ')} here; mapped ${basis}`,
      });
    }
  }

  let applicableProjectRules = 0;
  for (const rule of projectRules) {
    const present = rule.resourceTypes.filter((t) => typesPresent.has(t));
    const covered = present.reduce((n, t) => n + (typesPresent.get(t) ?? 0), 0);
    // A rule with a `when` clause checks nothing where none of its resources exist; one without one
    // (no NAT gateway) holds whatever the template has.
    if (rule.conditional && covered === 0) continue;
    applicableProjectRules++;
    const specs = rule.hipaaControls.map(resolveCitation).filter((s): s is HipaaSpec => s !== undefined);
    for (const spec of specs) {
      addCheck(spec.id, {
        kind: 'project rule',
        id: rule.ruleName,
        title: rule.promise,
        coverage:
          `cfn-guard, ${rule.file}, on every template of every synth; ` +
          (covered
            ? `reads ${plural(covered, 'resource')} of type ${present.join(', ')} here`
            : `no ${rule.resourceTypes.join(', ') || 'resource'} here, as it requires`),
      });
    }
  }
  const untaggedRules = projectRules.filter((r) => !r.hipaaControls.some((c) => resolveCitation(c)));
  if (untaggedRules.length) {
    notes.push(
      `Project rule(s) ${untaggedRules.map((r) => r.ruleName).join(', ')} cite no specification of the catalogue ` +
        '(their messages must start with [HIPAA 164.x]): they are not counted as checks of any specification.',
    );
  }

  const configRules = index.resources.filter((r) => r.type === 'AWS::Config::ConfigRule');
  for (const rule of configRules) {
    const identifier = str(prop(rule, 'Source.SourceIdentifier')) ?? '';
    const cited = parseHipaaCitations(str(prop(rule, 'Description')) ?? '');
    const controls = cited.length ? cited : HIPAA_CONFIG_RULES.filter((c) => c.identifier === identifier).map((c) => c.control);
    for (const control of controls) {
      const spec = resolveCitation(control);
      if (!spec) continue;
      addCheck(spec.id, {
        kind: 'AWS Config rule',
        id: literalText(prop(rule, 'ConfigRuleName')) || identifier || rule.logicalId,
        title: (str(prop(rule, 'Description')) ?? identifier).replace(/^\[HIPAA [^\]]*\]\s*/, ''),
        coverage: `deployed in ${rule.stack} (${rule.logicalId}); evaluates the live resources continuously`,
      });
    }
  }

  const ineligibleTypes = [...typesPresent.keys()].filter((t) => !eligibilityOf(t).allowed).sort();
  for (const guard of PROJECT_GUARDS) {
    const coverage =
      guard.symbol === 'EligibleServicesGuard'
        ? `runs on every synth; re-checked by this report: ${typesPresent.size} resource types, ${ineligibleTypes.length ? `NOT ELIGIBLE: ${ineligibleTypes.join(', ')}` : 'all eligible'}`
        : 'runs on every synth';
    for (const s of guard.specs)
      addCheck(s, {
        kind: 'project guard',
        id: `${guard.source}#${guard.symbol}`,
        title: `${guard.name}: ${guard.what}`,
        coverage,
      });
  }

  const exceptionsBySpec = new Map<string, ExceptionEntry[]>();
  const otherExceptions: ExceptionEntry[] = [];
  const exceptions = exceptionsOf(assembly, index);
  for (const { entry, specId } of exceptions) {
    if (specId) exceptionsBySpec.set(specId, [...(exceptionsBySpec.get(specId) ?? []), entry]);
    else otherExceptions.push(entry);
  }

  const sections = HIPAA_SPECIFICATIONS.map((spec): SpecSection => {
    const { resources, checks } = rolledUp(spec, resourcesBySpec, checksBySpec);
    return {
      spec,
      resources,
      checks,
      exceptions: exceptionsBySpec.get(spec.id) ?? [],
      owner: RESPONSIBILITIES[spec.responsibility],
      evidenceElsewhere: EVIDENCE_ELSEWHERE[spec.id],
    };
  });
  const coverageGaps = sections
    .filter((s) => implementedHere(s.spec))
    .map((s) => ({
      id: s.spec.id,
      missing: [...(s.resources.length ? [] : ['resources' as const]), ...(s.checks.length ? [] : ['checks' as const])],
    }))
    .filter((g) => g.missing.length > 0);

  const byResponsibility = Object.fromEntries(Object.keys(RESPONSIBILITIES).map((r) => [r, 0])) as Record<Responsibility, number>;
  for (const s of HIPAA_SPECIFICATIONS) byResponsibility[s.responsibility]++;
  const open = openFindings(assembly.validation);
  const reported = new Set(assembly.validation.pluginReports.map((p) => p.pluginName));
  const countRules = (pack: string) => packRules.filter((r) => r.pack === pack).length;

  const summary: ReportSummary = {
    stacks: assembly.stacks.map((s) => ({
      id: s.id,
      stackName: s.stackName,
      region: s.region,
      resources: index.resources.filter((r) => r.stack === s.id).length,
    })),
    resources: index.resources.length,
    resourceTypes: typesPresent.size,
    specs: HIPAA_SPECIFICATIONS.length,
    byResponsibility,
    specsWithResources: sections.filter((s) => s.resources.length > 0).length,
    specsWithChecks: sections.filter((s) => s.checks.length > 0).length,
    implementedHere: sections.filter((s) => implementedHere(s.spec)).length,
    implementedHereCovered: sections.filter((s) => implementedHere(s.spec)).length - coverageGaps.length,
    coverageGaps,
    checks: [
      {
        source: 'cdk-nag HIPAA.Security',
        rules: countRules('HIPAA.Security'),
        applicable: unknownApplicability
          ? undefined
          : hipaaRules.filter((r) => (applicability.evaluated.get(r.ruleId)?.length ?? 0) > 0).length,
      },
      { source: 'cdk-nag NIST.800.53.R5', rules: countRules('NIST.800.53.R5') },
      { source: 'cdk-nag AwsSolutions', rules: countRules('AwsSolutions') },
      { source: 'cfn-guard Control Tower rules', rules: guardRules.length, applicable: applicableGuardRules },
      { source: 'cfn-guard project rules', rules: projectRules.length, applicable: applicableProjectRules },
      { source: 'AWS Config rules deployed (runtime)', rules: configRules.length },
      { source: 'Project guards', rules: PROJECT_GUARDS.length },
    ],
    pluginsWithoutReport: COMPLIANCE_PLUGIN_NAMES.filter((p) => !reported.has(p)),
    openFindings: open.length,
    acknowledged: exceptions.length,
    acknowledgedResources: new Set(exceptions.map((e) => e.entry.constructPath)).size,
    ineligibleTypes,
  };
  if (coverageGaps.length) {
    notes.push(
      `${plural(coverageGaps.length, 'specification')} this deployment implements (infrastructure or shared) ` +
        `lack implementing resources or an automated check: ${coverageGaps.map((g) => `${g.id} (no ${g.missing.join(', no ')})`).join('; ')}.`,
    );
  }
  if (summary.pluginsWithoutReport.length) {
    notes.push(
      `The validation report has no entry from ${summary.pluginsWithoutReport.join(', ')}: a plugin with nothing to report ` +
        'is left out of it, so this alone does not prove it ran (test/compliance/plugins.test.ts does).',
    );
  }

  return {
    deployment: config.name,
    holdsPhi: config.holdsPhi,
    sandbox: sandboxRelaxations(config).disposable
      ? { relaxed: sandboxRelaxations(config).relaxed, remainders: sandboxRemainders(config) }
      : undefined,
    regions: config.regions,
    accounts: accountsSection(assembly, config),
    generatedAt: input.now.toISOString(),
    assemblyDir: assembly.dir,
    configFile: input.configFile,
    summary,
    openFindings: open,
    sections,
    otherExceptions,
    policies: policiesFrom(config, index, input.now),
    notes,
  };
}
