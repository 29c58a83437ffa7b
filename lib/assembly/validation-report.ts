/**
 * The format of `validation-report.json`, which CDK writes into the cloud assembly after every
 * validation plugin ran (lib/compliance/plugins.ts registers them). What its findings mean for the
 * build is lib/compliance/report.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const VALIDATION_REPORT_FILE = 'validation-report.json';

export interface ViolatingConstruct {
  readonly constructPath: string;
}

export interface Violation {
  readonly ruleName: string;
  readonly description: string;
  readonly severity?: string;
  readonly violatingConstructs: readonly ViolatingConstruct[];
}

export interface SuppressedViolation extends Violation {
  readonly acknowledgedId: string;
  readonly reason: string;
  readonly acknowledgedAt: string;
}

export interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: string;
  /** Set by CDK when the plugin itself failed (threw): `{ error }`. */
  readonly metadata?: { readonly error?: string };
  readonly violations: readonly Violation[];
  readonly suppressedViolations?: readonly SuppressedViolation[];
}

export interface ValidationReport {
  readonly pluginReports: readonly PluginReport[];
}

/** Whether the assembly in `assemblyDir` has a validation report (it has none when no plugin ran). */
export function hasValidationReport(assemblyDir: string): boolean {
  return fs.existsSync(path.join(assemblyDir, VALIDATION_REPORT_FILE));
}

export function readValidationReport(assemblyDir: string): ValidationReport {
  const file = path.join(assemblyDir, VALIDATION_REPORT_FILE);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: no validation plugin ran, so nothing was checked`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ValidationReport;
}
