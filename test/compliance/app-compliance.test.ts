/**
 * The whole app, as `npm run synth` builds it, must pass every rule pack with zero open findings,
 * and every exception must be on one resource with a reason that names a HIPAA control.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApp } from '../../lib/app';
import {
  acknowledgedFindings,
  openFindings,
  readValidationReport,
  type ValidationReport,
} from '../../lib/compliance/report';
import { shippedConfig, SHIPPED_CONFIGS } from '../helpers/config';

function synthReport(file: string): { report: ValidationReport; stackIds: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'compliance-'));
  // Same context as cdk.json: CloudFormation's own template checks count as errors too.
  const { app, deployment } = createApp(shippedConfig(file), {
    outdir,
    context: { '@aws-cdk/core:validateAgainstDefaultRules': true },
  });
  try {
    app.synth();
  } catch {
    // Synth throws when a plugin fails; the report is written first, and the tests below show its findings.
  }
  return { report: readValidationReport(outdir), stackIds: Object.values(deployment).map((s) => s.node.id) };
}

/**
 * aws-cdk-lib acknowledges this one itself, on the stack, whenever a VPC uses literal AZs. Our AZs are
 * literal on purpose: they come from the config so that synth needs no AWS lookup.
 */
const ACKNOWLEDGED_BY_CDK_ITSELF = ['CloudFormation-Validate::W3010'];

function ours(report: ValidationReport) {
  return acknowledgedFindings(report).filter((a) => !ACKNOWLEDGED_BY_CDK_ITSELF.includes(a.acknowledgedId));
}

describe.each(SHIPPED_CONFIGS)('compliance of %s', (file) => {
  const { report, stackIds } = synthReport(file);

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
