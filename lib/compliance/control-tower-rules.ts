/**
 * The Control Tower rules that cdk-validator-cfnguard runs (`controlTowerRulesEnabled`), indexed by the
 * resource types each one names, so that each template is checked with the rules that can apply to it.
 *
 * Every rule selects the resources it checks by type (`Resources.*[ Type == ... ]`) and skips a template
 * that has none of them; cfn-guard evaluates each data file on its own. A rule file that names none of a
 * template's types therefore cannot report on it, and leaving it out changes no finding. A rule file that
 * names no type at all is kept for every template. test/compliance/control-tower-rules.test.ts checks both
 * with the real cfn-guard binary. Measured on the demo app (2026-12-06): 17 s of cfn-guard for every rule on
 * every template, 4 s this way, with the same 28 failed checks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The directory of the Control Tower guard rules bundled with cdk-validator-cfnguard. */
export function controlTowerRulesDir(): string {
  return path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard')), '..', 'rules', 'control-tower', 'cfn-guard');
}

/** Every rule file under `dir`. */
export function ruleFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? ruleFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/** Each of the guard rule `files` and the resource types its text names. */
export function ruleTypesIndex(files: readonly string[]): ReadonlyMap<string, ReadonlySet<string>> {
  return new Map([...files].sort().map((file) => [file, new Set(fs.readFileSync(file, 'utf8').match(RESOURCE_TYPE) ?? [])]));
}

let bundled: ReadonlyMap<string, ReadonlySet<string>> | undefined;
/** Each Control Tower rule file and the resource types its text names. */
export function controlTowerRuleTypes(): ReadonlyMap<string, ReadonlySet<string>> {
  bundled ??= ruleTypesIndex(ruleFiles(controlTowerRulesDir()));
  return bundled;
}

/** The rule files of `index` (by default the Control Tower rules) that can report on a template with resources of `types`. */
export function controlTowerRulesFor(types: Iterable<string>, index = controlTowerRuleTypes()): string[] {
  const present = new Set(types);
  return [...index].filter(([, named]) => named.size === 0 || [...named].some((type) => present.has(type))).map(([file]) => file);
}

/** The resource types of a synthesized template. */
export function templateResourceTypes(templatePath: string): string[] {
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as { Resources?: Record<string, { Type?: string }> };
  return [...new Set(Object.values(template.Resources ?? {}).flatMap((r) => (r.Type ? [r.Type] : [])))].sort();
}
