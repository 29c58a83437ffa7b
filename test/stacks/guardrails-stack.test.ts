/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Aspects, Tags } from 'aws-cdk-lib';
import { EligibleServicesGuard } from '../../lib/compliance/eligible-services-guard';
import { registerCompliancePlugins } from '../../lib/compliance/plugins';
import { failedPlugins, openFindings, readValidationReport } from '../../lib/compliance/report';
import { cdkExecutionRoleArns } from '../../lib/constructs/organization-guardrails';
import { GuardrailsStack } from '../../lib/stacks/guardrails-stack';
import { TAG } from '../../lib/vocabulary';
import { projectContext } from '../helpers/app';

/** The statements themselves: test/constructs/organization-guardrails.test.ts. */
describe('Guardrails stack (management account), checked like every stack of the app', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-'));
  const app = new App({ outdir, context: { ...projectContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new GuardrailsStack(app, 'Guardrails', {
    env: { account: '999988887777', region: 'us-east-1' },
    guardrails: {
      deployment: 'crm-demo',
      organizationId: 'o-a1b2c3d4e5',
      workloadOuId: 'ou-ab12-cd34ef56',
      allowedRegions: ['us-east-1', 'us-west-2'],
      erasureRoleArns: ['arn:aws:iam::111122223333:role/crm-demo-crypto-erasure'],
      deployerRoleArns: cdkExecutionRoleArns({ accounts: ['111122223333'], regions: ['us-east-1', 'us-west-2'] }),
    },
  });
  // As lib/app.ts does for every stack of a deployment.
  Tags.of(app).add(TAG.deployment, 'crm-demo');
  Aspects.of(app).add(new EligibleServicesGuard());
  registerCompliancePlugins(app);
  let assembly: ReturnType<App['synth']> | undefined;
  try {
    assembly = app.synth();
  } catch {
    // Synth throws when a plugin fails; the report is written first and the tests show its findings.
  }
  const report = readValidationReport(outdir);
  const template = JSON.parse(fs.readFileSync(path.join(outdir, `${stack.artifactId}.template.json`), 'utf8'));

  test('zero open findings, of any severity, from every plugin, and none failed to run', () => {
    expect(assembly).toBeDefined();
    expect(failedPlugins(report)).toEqual([]);
    expect(openFindings(report)).toEqual([]);
  });

  test('AWS Organizations passes the HIPAA-eligible-services guard as control plane (it stores no PHI)', () => {
    const errors = assembly!.getStackArtifact(stack.artifactId).messages.filter((m) => m.level === 'error');
    expect(errors).toEqual([]);
  });

  test('two policies with short, stable logical IDs, tagged with the deployment', () => {
    const resources = template.Resources as Record<string, any>;
    expect(
      Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::Organizations::Policy')
        .map(([id]) => id),
    ).toEqual(['DataPolicy', 'AccountPolicy']);
    expect(resources.DataPolicy.Properties.Tags).toEqual([{ Key: TAG.deployment, Value: 'crm-demo' }]);
    expect(Object.keys(stack.policies).sort()).toEqual(['account', 'data']);
    // For cfn-lint (/tmp/cfnlint-venv/bin/cfn-lint <file>); the test itself does not run it.
    fs.writeFileSync(path.join(os.tmpdir(), 'guardrails-stack.template.json'), JSON.stringify(template, null, 1));
  });
});
