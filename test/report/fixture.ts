/** The report model built from the fixture assembly (test/assembly/fixture.ts) and the demo config. */
import type { ValidatedAssembly } from '../../lib/assembly/model';
import { readAssembly } from '../../lib/assembly/read';
import { buildReportModel, type ReportModel } from '../../lib/report/model';
import { controlTowerGuardRules, hipaaRuleApplicability, packRules } from '../../lib/report/rule-packs';
import { FIXTURE_DIR } from '../assembly/fixture';
import { shippedConfig } from '../helpers/config';

export { FIXTURE_DIR, fixtureCopy } from '../assembly/fixture';

export const NOW = new Date('2026-03-01T12:00:00Z');

/** The assembly in `dir`, as the report reads it (its validation report required). */
export function reportAssembly(dir: string): ValidatedAssembly {
  return readAssembly(dir, { requireValidationReport: true });
}

export function modelOf(assembly: ValidatedAssembly, configOverrides: Record<string, unknown> = {}): ReportModel {
  return buildReportModel({
    assembly,
    config: shippedConfig('config/demo.json', configOverrides),
    configFile: 'config/demo.json',
    packRules: packRules(),
    applicability: hipaaRuleApplicability(assembly),
    guardRules: controlTowerGuardRules(),
    now: NOW,
  });
}

export function fixtureModel(configOverrides: Record<string, unknown> = {}): ReportModel {
  return modelOf(reportAssembly(FIXTURE_DIR), configOverrides);
}
