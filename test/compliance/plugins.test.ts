import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledge } from '../../lib/compliance/acknowledge';
import { registerCompliancePlugins } from '../../lib/compliance/plugins';
import { COMPLIANCE_PLUGIN_NAMES, openFindings, readValidationReport } from '../../lib/compliance/report';

test('every registered rule pack is live: each one reports a deliberately non-compliant bucket', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugins-'));
  const app = new App({ outdir });
  new s3.CfnBucket(new Stack(app, 'Bad'), 'Unencrypted');
  registerCompliancePlugins(app);
  expect(() => app.synth()).toThrow(/HIPAA\.Security/);
  const reporting = new Set(openFindings(readValidationReport(outdir)).map((f) => f.plugin));
  for (const plugin of COMPLIANCE_PLUGIN_NAMES) expect(reporting).toContain(plugin);
});

test('an acknowledgement without its plugin prefix is refused: it would never reach the validation report', () => {
  const stack = new Stack(new App(), 'S');
  const bucket = new s3.CfnBucket(stack, 'B');
  expect(() => acknowledge(bucket, { ruleId: 'AwsSolutions-S1', control: '164.312(b)', reason: 'x'.repeat(80) })).toThrow(
    /rule id "AwsSolutions-S1" must be "<Plugin>::<Rule>"/,
  );
});
