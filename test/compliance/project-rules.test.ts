/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, changed in place */
/**
 * The project's promises as cfn-guard rules (lib/compliance/project-rules) read the synthesized template:
 * a control weakened through the construct or through an escape hatch (`addPropertyOverride`) changes
 * the template, and the rule fails. Each case weakens one property of the shipped demo templates.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type { IPolicyValidationContext } from 'aws-cdk-lib';
import { PROJECT_RULES_DIR } from '../../lib/compliance/plugins';
import { shippedAssembly } from '../helpers/shipped-assembly';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> };

const validator = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: [PROJECT_RULES_DIR] });

/** The rules that fail on the demo app's templates, or on one of them changed by `weaken`. */
function failedRules(stackId?: string, weaken?: (t: Template) => void): string[] {
  const { dir } = shippedAssembly('config/demo.json');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'project-rules-'));
  const templatePaths = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.template.json'))
    // Rules read one template at a time: a weakened stack is checked alone.
    .filter((f) => stackId === undefined || f === `${stackId}.template.json`)
    .map((f) => {
      const template = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Template;
      if (weaken && f === `${stackId}.template.json`) weaken(template);
      const file = path.join(out, f);
      fs.writeFileSync(file, JSON.stringify(template));
      return file;
    });
  const context = {
    templatePaths,
    stackTemplates: templatePaths.map((templatePath) => ({ templatePath, stackConstructPath: path.basename(templatePath) })),
  } as unknown as IPolicyValidationContext;
  return [...new Set(validator.validate(context).violations.map((v) => v.ruleName))].sort();
}

const ofType = (t: Template, type: string) => Object.values(t.Resources).filter((r) => r.Type === type);

// The unchanged templates of every shipped config pass these rules: they run with every other check in
// the shared synth, whose zero open findings test/compliance/app-compliance.test.ts asserts.
test('an unchanged template keeps every promise', () => {
  expect(failedRules('App', () => undefined)).toEqual([]);
});

test.each<[string, string, (t: Template) => void, string]>([
  [
    'the trail made single-region',
    'Audit',
    (t) => (ofType(t, 'AWS::CloudTrail::Trail')[0].Properties!.IsMultiRegionTrail = false),
    'project_trail_all_regions_logging',
  ],
  [
    'a NAT gateway added',
    'Network',
    (t) => (t.Resources.Nat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: 'subnet-1' } }),
    'project_no_nat_gateway',
  ],
  [
    'a route to a NAT gateway',
    'Network',
    (t) =>
      (t.Resources.ToNat = {
        Type: 'AWS::EC2::Route',
        Properties: { RouteTableId: 'rtb-1', DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1' },
      }),
    'project_no_route_to_nat',
  ],
  [
    'the password minimum lowered to 8',
    'Identity',
    (t) => (ofType(t, 'AWS::Cognito::UserPool')[0].Properties!.Policies.PasswordPolicy.MinimumLength = 8),
    'project_user_pool_mfa_and_password',
  ],
  [
    'MFA off',
    'Identity',
    (t) => (ofType(t, 'AWS::Cognito::UserPool')[0].Properties!.MfaConfiguration = 'OFF'),
    'project_user_pool_mfa_and_password',
  ],
  [
    'SMS MFA',
    'Identity',
    (t) => ofType(t, 'AWS::Cognito::UserPool')[0].Properties!.EnabledMfas.push('SMS_MFA'),
    'project_user_pool_mfa_and_password',
  ],
  [
    'a managed rule group switched to Count',
    'App',
    (t) => {
      const rule = ofType(t, 'AWS::WAFv2::WebACL')[0].Properties!.Rules.find((r: any) => r.Statement.ManagedRuleGroupStatement);
      rule.OverrideAction = { Count: {} };
    },
    'project_waf_managed_groups_block',
  ],
  [
    'the TLS policy set to ELBSecurityPolicy-2016-08',
    'App',
    (t) => {
      const https = ofType(t, 'AWS::ElasticLoadBalancingV2::Listener').find((l) => l.Properties!.Protocol === 'HTTPS')!;
      https.Properties!.SslPolicy = 'ELBSecurityPolicy-2016-08';
    },
    'project_https_listener_tls13',
  ],
  [
    'the HTTP listener forwarding instead of redirecting',
    'App',
    (t) => {
      const http = ofType(t, 'AWS::ElasticLoadBalancingV2::Listener').find((l) => l.Properties!.Protocol === 'HTTP')!;
      http.Properties!.DefaultActions = [{ Type: 'forward', TargetGroupArn: 'arn:aws:elasticloadbalancing:x' }];
    },
    'project_http_listener_redirects_only',
  ],
])('%s fails exactly its rule', (_, stackId, weaken, rule) => {
  expect(failedRules(stackId, weaken)).toEqual([rule]);
});

test('each rule names the HIPAA specification it keeps', () => {
  const text = fs.readFileSync(path.join(PROJECT_RULES_DIR, 'promises.guard'), 'utf8');
  const rules = [...text.matchAll(/^rule (\w+)/gm)].map((m) => m[1]);
  expect(rules.length).toBeGreaterThanOrEqual(7);
  const blocks = text.split(/^rule /m).slice(1);
  for (const block of blocks) expect(block).toMatch(/\[HIPAA 164\.3\d\d\([a-z]\)/);
});
