/**
 * The whole app, as `npm run synth` builds it, must pass every rule pack with zero open findings,
 * and every exception must be on one resource with a reason that names a HIPAA control.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApp } from '../../lib/app';
import { acknowledgedFindings, openFindings, readValidationReport, type ValidationReport } from '../../lib/compliance/report';
import { projectContext } from '../helpers/app';
import { shippedConfig, SHIPPED_CONFIGS } from '../helpers/config';

interface SynthResult {
  readonly report: ValidationReport;
  readonly stackIds: string[];
  /** Context lookups the app asked for: each one would need AWS credentials at synth. */
  readonly missingContext: unknown[];
}

function synthReport(file: string): SynthResult {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'compliance-'));
  // Exactly the context of cdk.json: CloudFormation's own template checks count as errors too.
  const { app, deployment } = createApp(shippedConfig(file), { outdir, context: projectContext() });
  try {
    app.synth();
  } catch {
    // Synth throws when a plugin fails; the report is written first, and the tests below show its findings.
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { missing?: unknown[] };
  return {
    report: readValidationReport(outdir),
    stackIds: Object.values(deployment).map((s) => s.node.id),
    missingContext: manifest.missing ?? [],
  };
}

function ours(report: ValidationReport) {
  return acknowledgedFindings(report);
}

describe.each(SHIPPED_CONFIGS)('compliance of %s', (file) => {
  const { report, stackIds, missingContext } = synthReport(file);

  test('synthesizes offline: no context lookup that would need AWS credentials', () => {
    expect(missingContext).toEqual([]);
  });

  test('zero open findings, of any severity, from any plugin', () => {
    expect(openFindings(report)).toEqual([]);
  });

  test('every acknowledgement sits on one resource, never on a stack or the app', () => {
    for (const a of ours(report)) {
      expect(stackIds).not.toContain(a.acknowledgedAt);
      expect(a.acknowledgedAt).toContain('/');
      expect(a.constructPath.startsWith(`${a.acknowledgedAt}/`) || a.constructPath === a.acknowledgedAt).toBe(true);
    }
  });

  test('every acknowledgement names the HIPAA control and explains itself', () => {
    expect(ours(report).length).toBeGreaterThan(0);
    for (const a of ours(report)) {
      expect(a.reason).toMatch(/^\[HIPAA 164\.(308|310|312|314|316)\(/);
      expect(a.reason.length).toBeGreaterThan(60);
    }
  });
});
