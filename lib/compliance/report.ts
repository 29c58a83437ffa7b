/**
 * What the findings of `validation-report.json` (read by lib/assembly/validation-report.ts) mean for
 * the build: open findings (any severity) fail it; acknowledged ones are listed with their reasons.
 */
import * as path from 'node:path';
import { readValidationReport, VALIDATION_REPORT_FILE, type ValidationReport } from '../assembly/validation-report';

// The report's format and reader belong to the cloud assembly (lib/assembly); callers keep importing them from here.
export { readValidationReport, VALIDATION_REPORT_FILE, type ValidationReport };

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
