/**
 * The small fixture assembly under test/fixtures/report-assembly (stacks Keys and Data of deployment
 * crm-demo, one acknowledged finding), and the report model built from it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAssembly, type CloudAssembly } from '../../lib/report/assembly';
import { buildReportModel, type ReportModel } from '../../lib/report/model';
import { controlTowerGuardRules, hipaaRuleApplicability, packRules } from '../../lib/report/rule-packs';
import { REPO_ROOT, shippedConfig } from '../helpers/config';

export const FIXTURE_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'report-assembly');
export const NOW = new Date('2026-03-01T12:00:00Z');

/** A copy of the fixture assembly in a temporary directory, changed by `change` (file name -> JSON). */
export function fixtureCopy(change: (file: string, json: Record<string, unknown>) => void = () => undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-fixture-'));
  for (const file of fs.readdirSync(FIXTURE_DIR)) {
    const json = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8')) as Record<string, unknown>;
    change(file, json);
    fs.writeFileSync(path.join(dir, file), JSON.stringify(json));
  }
  return dir;
}

export function modelOf(assembly: CloudAssembly, configOverrides: Record<string, unknown> = {}): ReportModel {
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
  return modelOf(readAssembly(FIXTURE_DIR), configOverrides);
}
