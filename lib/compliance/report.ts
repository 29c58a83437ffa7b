/**
 * Reads `validation-report.json`, which CDK writes into the cloud assembly after every plugin ran.
 * Open findings (any severity) fail the build; acknowledged ones are listed with their reasons.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const VALIDATION_REPORT_FILE = 'validation-report.json';

interface ViolatingConstruct {
  readonly constructPath: string;
}
interface Violation {
  readonly ruleName: string;
  readonly description: string;
  readonly severity?: string;
  readonly violatingConstructs: readonly ViolatingConstruct[];
}
interface SuppressedViolation extends Violation {
  readonly acknowledgedId: string;
  readonly reason: string;
  readonly acknowledgedAt: string;
}
interface PluginReport {
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

/** One finding on one construct. */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly constructPath: string;
  readonly description: string;
}

/** A finding acknowledged on a construct, with the recorded reason. */
export interface AcknowledgedFinding extends Finding {
  readonly acknowledgedId: string;
  readonly acknowledgedAt: string;
  readonly reason: string;
}

export function readValidationReport(assemblyDir: string): ValidationReport {
  const file = path.join(assemblyDir, VALIDATION_REPORT_FILE);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: no validation plugin ran, so nothing was checked`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ValidationReport;
}

export function openFindings(report: ValidationReport): Finding[] {
  return report.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) =>
      v.violatingConstructs.map((c) => ({
        plugin: p.pluginName,
        rule: v.ruleName,
        severity: v.severity ?? 'unknown',
        constructPath: c.constructPath,
        description: v.description,
      })),
    ),
  );
}

export function acknowledgedFindings(report: ValidationReport): AcknowledgedFinding[] {
  return report.pluginReports.flatMap((p) =>
    (p.suppressedViolations ?? []).flatMap((v) =>
      v.violatingConstructs.map((c) => ({
        plugin: p.pluginName,
        rule: v.ruleName,
        severity: v.severity ?? 'unknown',
        constructPath: c.constructPath,
        description: v.description,
        acknowledgedId: v.acknowledgedId,
        acknowledgedAt: v.acknowledgedAt,
        reason: v.reason,
      })),
    ),
  );
}

/** Plugins that concluded "failure" with no open finding: they failed to run, so nothing was checked. */
export function failedPlugins(report: ValidationReport): { plugin: string; error: string }[] {
  return report.pluginReports
    .filter((p) => p.conclusion === 'failure' && p.violations.length === 0)
    .map((p) => ({ plugin: p.pluginName, error: p.metadata?.error ?? 'no reason given' }));
}

/**
 * The plugins `registerCompliancePlugins` adds, by the name they report under. A plugin with nothing
 * to report is left out of the report, so the report alone cannot prove a plugin ran: a test
 * (test/compliance/plugins.test.ts) proves each of them reports a known-bad resource.
 */
export const COMPLIANCE_PLUGIN_NAMES = ['HIPAA.Security', 'NIST.800.53.R5', 'AwsSolutions', 'cdk-validator-cfnguard'] as const;

/**
 * Fails (exit code 1) when any finding is open, warnings included (CDK itself only stops synth on
 * error-level findings), or when a plugin failed to run.
 */
export function assertNoOpenFindings(assemblyDir: string): void {
  const report = readValidationReport(assemblyDir);
  const open = openFindings(report);
  const failed = failedPlugins(report);
  const acked = acknowledgedFindings(report);
  if (open.length || failed.length) {
    for (const f of open) console.error(`OPEN ${f.severity} ${f.plugin} ${f.rule} at ${f.constructPath}: ${f.description}`);
    for (const f of failed) console.error(`FAILED ${f.plugin}: ${f.error}`);
    console.error(`Compliance checks failed: ${open.length} open finding(s), ${failed.length} plugin(s) that did not run.`);
    process.exit(1);
  }
  console.error(
    `Compliance: ${COMPLIANCE_PLUGIN_NAMES.join(', ')} and CloudFormation validation: 0 open findings, ${acked.length} acknowledged ` +
      `(reasons in ${path.join(assemblyDir, VALIDATION_REPORT_FILE)}; list them with npm run acks).`,
  );
}
