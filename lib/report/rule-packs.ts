/**
 * The checks the compliance plugins run (lib/compliance/plugins.ts), read from the installed packs
 * at runtime so the report never drifts from them:
 * - cdk-nag rules with the HIPAA control IDs each one cites (the `(Control IDs: ...)` of its message);
 * - which HIPAA.Security rules evaluate which resources of this assembly (re-evaluated over the
 *   templates, for applicability only: the validation report is the verdict);
 * - the cfn-guard Control Tower rules with their metadata (resource types, objectives, Config rule).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NagRuleCompliance,
  NIST80053R5Checks,
  type IApplyRule,
  type NagPack,
} from 'cdk-nag';
import type { CloudAssembly, ResourceRef } from '../assembly/model';
import { isRecord } from '../assembly/template-facts';
import { parseHipaaCitations } from '../compliance/hipaa/citations';

/** One rule of a cdk-nag pack. */
export interface PackRule {
  /** Pack name as the validation report prints it, e.g. `HIPAA.Security`. */
  readonly pack: string;
  /** e.g. `HIPAA.Security-S3BucketReplicationEnabled`. */
  readonly ruleId: string;
  /** The rule's finding message. */
  readonly info: string;
  /** HIPAA citations of the message (only the HIPAA pack cites any). */
  readonly hipaaControls: readonly string[];
}

/**
 * `applyRule` and `checkResource` are protected: a pack's `checkResource` calls `applyRule` once per
 * rule for any resource, which is how the packs are enumerated without copying their tables.
 */
interface PackInternals {
  applyRule(params: IApplyRule): void;
  checkResource(node: CfnResource): void;
}

function internals(pack: NagPack, applyRule: (params: IApplyRule) => void): PackInternals {
  const p = pack as unknown as PackInternals;
  p.applyRule = applyRule;
  return p;
}

function ruleId(pack: NagPack, params: IApplyRule): string {
  return `${pack.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`;
}

/** The packs the compliance plugins register, in their order. */
function packs(): NagPack[] {
  return [new HIPAASecurityChecks(), new NIST80053R5Checks(), new AwsSolutionsChecks()];
}

/** Every rule of the registered cdk-nag packs. */
export function packRules(): PackRule[] {
  // The recorder never evaluates the rule, so the resource passed through is never read.
  const probe = {} as CfnResource;
  return packs().flatMap((pack) => {
    const rules = new Map<string, PackRule>();
    internals(pack, (params) => {
      const id = ruleId(pack, params);
      rules.set(id, { pack: pack.readPackName, ruleId: id, info: params.info, hipaaControls: parseHipaaCitations(params.info) });
    }).checkResource(probe);
    return [...rules.values()];
  });
}

/** Which HIPAA.Security rules evaluate which resources of the assembly. */
export interface Applicability {
  /** Rule id -> the resources it evaluates (applies to; pass or fail). */
  readonly evaluated: ReadonlyMap<string, readonly ResourceRef[]>;
  /** Stacks whose template could not be loaded for evaluation, with the reason. */
  readonly skipped: readonly { readonly stack: string; readonly reason: string }[];
}

/** Replaces intrinsics CfnInclude cannot load by a placeholder string (values do not matter here). */
function sanitize(value: unknown, unsupported: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => sanitize(v, unsupported));
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && unsupported.has(keys[0])) return `report-placeholder-${keys[0]}`;
  return Object.fromEntries(keys.map((k) => [k, sanitize(value[k], unsupported)]));
}

/**
 * Loads every template (CfnInclude) and runs each HIPAA.Security rule on each resource, recording
 * where the rule is applicable. Cross-stack references (`Fn::GetStackOutput`) cannot be loaded and
 * become placeholders: no rule's applicability depends on them. A template that still cannot be
 * loaded is reported in `skipped`, never silently dropped.
 */
export function hipaaRuleApplicability(assembly: CloudAssembly): Applicability {
  const evaluated = new Map<string, ResourceRef[]>();
  const skipped: { stack: string; reason: string }[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hipaa-report-'));
  try {
    // Never synthesized: the app only hosts the included templates.
    const app = new App({ outdir: path.join(tmp, 'out'), autoSynth: false });
    const pack = new HIPAASecurityChecks();
    let current: ResourceRef | undefined;
    const checker = internals(pack, (params) => {
      let applies: boolean;
      try {
        applies = params.rule(params.node) !== NagRuleCompliance.NOT_APPLICABLE;
      } catch {
        applies = true; // the real run reports a rule that throws as a finding on this resource
      }
      if (applies && current) {
        const id = ruleId(pack, params);
        evaluated.set(id, [...(evaluated.get(id) ?? []), current]);
      }
    });
    for (const stack of assembly.stacks) {
      const unsupported = new Set(['Fn::GetStackOutput']);
      const { Resources, Parameters, Conditions, Mappings } = stack.template;
      for (let attempt = 0; ; attempt++) {
        const file = path.join(tmp, `${stack.id}-${attempt}.json`);
        const template = { Resources, Parameters, Conditions, Mappings };
        fs.writeFileSync(file, JSON.stringify(sanitize(template, unsupported)));
        try {
          const include = new CfnInclude(new Stack(app, `${stack.id}${attempt}`), 'Template', { templateFile: file });
          for (const logicalId of Object.keys(Resources ?? {})) {
            current = { stack: stack.id, logicalId };
            checker.checkResource(include.getResource(logicalId));
          }
          current = undefined;
          break;
        } catch (e) {
          const fn = /Unsupported CloudFormation function '([^']+)'/.exec((e as Error).message)?.[1];
          if (fn && !unsupported.has(fn) && attempt < 10) {
            unsupported.add(fn);
            continue;
          }
          skipped.push({ stack: stack.id, reason: (e as Error).message.split('\n')[0] });
          break;
        }
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { evaluated, skipped };
}

/** One cfn-guard Control Tower rule, from its guard file and metadata. */
export interface GuardRule {
  /** Rule name as the validation report prints it, e.g. `s3_bucket_default_encryption_kms_check`. */
  readonly ruleName: string;
  /** Control Tower control, e.g. `CT.S3.PR.10`. */
  readonly controlId: string;
  readonly title: string;
  readonly resourceTypes: readonly string[];
  readonly objectives: readonly { readonly id: string; readonly name: string }[];
  /** The AWS Config managed rule the control corresponds to, if any. */
  readonly configRuleIdentifier?: string;
}

interface GuardMetadata {
  readonly Id?: string;
  readonly DisplayName?: string;
  readonly EvaluatedResourceTypes?: string[];
  readonly Objectives?: { Id: string; Name: string }[];
  readonly ConfigRuleIdentifier?: string;
}

/** The directory of the Control Tower rules bundled with the cfn-guard validator plugin. */
export function controlTowerRulesDir(): string {
  return path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard')), '..', 'rules', 'control-tower');
}

/** Every Control Tower rule the cfn-guard validator runs (`controlTowerRulesEnabled: true`). */
export function controlTowerGuardRules(dir: string = controlTowerRulesDir()): GuardRule[] {
  const guardDir = path.join(dir, 'cfn-guard');
  const rules: GuardRule[] = [];
  for (const service of fs.readdirSync(guardDir).sort()) {
    for (const file of fs.readdirSync(path.join(guardDir, service)).sort()) {
      if (!file.endsWith('.guard')) continue;
      const text = fs.readFileSync(path.join(guardDir, service, file), 'utf8');
      const ruleName = /^#\s*Rule (?:Identifier|Name):\s*\n#\s*(\S+)/m.exec(text)?.[1];
      if (!ruleName) continue;
      const metaFile = path.join(dir, 'metadata', service, file.replace(/\.guard$/, '.metadata.json'));
      const meta: GuardMetadata = fs.existsSync(metaFile) ? (JSON.parse(fs.readFileSync(metaFile, 'utf8')) as GuardMetadata) : {};
      rules.push({
        ruleName,
        controlId:
          meta.Id ??
          file
            .replace(/\.guard$/, '')
            .toUpperCase()
            .replace(/-/g, '.'),
        title: meta.DisplayName ?? ruleName,
        resourceTypes: meta.EvaluatedResourceTypes ?? [],
        objectives: (meta.Objectives ?? []).map((o) => ({ id: o.Id, name: o.Name })),
        configRuleIdentifier: meta.ConfigRuleIdentifier,
      });
    }
  }
  return rules;
}
