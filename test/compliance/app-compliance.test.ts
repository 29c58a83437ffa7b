/**
 * The whole app, as `npm run synth` builds it, must pass every rule pack with zero open findings,
 * and every exception must be on one resource with a reason that names a HIPAA control.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acknowledgedFindings, failedPlugins, openFindings, readValidationReport } from '../../lib/compliance/report';
import { ALL_SHIPPED_CONFIGS } from '../helpers/config';
import { shippedAssembly } from '../helpers/shipped-assembly';

describe.each(ALL_SHIPPED_CONFIGS)('compliance of %s', (file) => {
  // Synthesized with exactly the context of cdk.json: CloudFormation's own template checks count too.
  const { dir, stackIds } = shippedAssembly(file);
  const report = readValidationReport(dir);
  const acknowledged = acknowledgedFindings(report);

  test('synthesizes offline: no context lookup that would need AWS credentials', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { missing?: unknown[] };
    expect(manifest.missing ?? []).toEqual([]);
  });

  test('zero open findings, of any severity, from any plugin, and every plugin ran', () => {
    expect(openFindings(report)).toEqual([]);
    expect(failedPlugins(report)).toEqual([]);
  });

  test('every acknowledgement sits on one resource, never on a stack or the app', () => {
    for (const a of acknowledged) {
      expect(stackIds).not.toContain(a.acknowledgedAt);
      expect(a.acknowledgedAt).toContain('/');
      expect(a.constructPath.startsWith(`${a.acknowledgedAt}/`) || a.constructPath === a.acknowledgedAt).toBe(true);
    }
  });

  test('every acknowledgement names the HIPAA control and explains itself', () => {
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) {
      expect(a.reason).toMatch(/^\[HIPAA 164\.(308|310|312|314|316)\(/);
      expect(a.reason.length).toBeGreaterThan(60);
    }
  });
});
