import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { acknowledge } from '../../lib/compliance/acknowledge';
import { controlTowerRulesFor, templateResourceTypes } from '../../lib/compliance/control-tower-rules';
import { cfnGuardPlan, PROJECT_RULES_DIR, registerCompliancePlugins } from '../../lib/compliance/plugins';
import {
  acknowledgedFindings,
  COMPLIANCE_PLUGIN_NAMES,
  openFindings,
  readValidationReport,
  type ValidationReport,
} from '../../lib/compliance/report';

const CLOUDFORMATION_VALIDATE = 'CloudFormation Validate';

/** A stack that every check has something to say about, synthesized with `register`'s plugins. */
function synthesizeBadStack(register: (app: App) => void, builtinCloudFormationValidation = true): ValidationReport {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugins-'));
  const app = new App({ outdir, builtinCloudFormationValidation });
  const stack = new Stack(app, 'Bad');
  new s3.CfnBucket(stack, 'Unencrypted');
  new logs.CfnLogGroup(stack, 'Logs', { retentionInDays: 1 });
  // Against the project's own rules (lib/compliance/project-rules): the isolated network has no NAT gateway.
  new CfnResource(stack, 'Nat', { type: 'AWS::EC2::NatGateway', properties: { SubnetId: 'subnet-1' } });
  // Not a property of a bucket: only CloudFormation's own validation sees it.
  new CfnResource(stack, 'Typo', { type: 'AWS::S3::Bucket', properties: { BucketNme: 'typo' } });
  // Acknowledged findings too, from a rule pack and from the Control Tower rules.
  const reason = 'Deliberately left in place: the report of this test stack must also list acknowledged findings.';
  acknowledge(stack.node.findChild('Unencrypted'), { ruleId: 'AwsSolutions::AwsSolutions-S1', control: '164.312(b)', reason });
  acknowledge(stack.node.findChild('Logs'), {
    ruleId: 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
    control: '164.312(a)(2)(iv)',
    reason,
  });
  register(app);
  expect(() => app.synth()).toThrow(/HIPAA\.Security/);
  return readValidationReport(outdir);
}

/** What a report says, in a stable order (the plugins' own order of findings is not part of it). */
function content(report: ValidationReport) {
  const sorted = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
  return report.pluginReports.map((p) => ({
    plugin: p.pluginName,
    conclusion: p.conclusion,
    open: sorted(openFindings({ pluginReports: [p] })),
    acknowledged: sorted(acknowledgedFindings({ pluginReports: [p] })),
  }));
}

/** The project's registration, synthesized once and read by the tests below (each synth takes seconds). */
let offloaded: ValidationReport;
beforeAll(() => {
  offloaded = synthesizeBadStack(registerCompliancePlugins);
});

test('every registered check is live: each one reports the deliberately non-compliant stack', () => {
  const report = offloaded;
  const reporting = new Set(openFindings(report).map((f) => f.plugin));
  for (const plugin of [...COMPLIANCE_PLUGIN_NAMES, CLOUDFORMATION_VALIDATE]) expect(reporting).toContain(plugin);
  expect(openFindings(report)).toContainEqual(
    expect.objectContaining({
      plugin: CLOUDFORMATION_VALIDATE,
      constructPath: 'Bad/Typo',
      description: expect.stringMatching(/BucketNme/),
    }),
  );
  // The project's rules run with the Control Tower rules.
  expect(openFindings(report)).toContainEqual(
    expect.objectContaining({ plugin: 'cdk-validator-cfnguard', rule: 'project_no_nat_gateway', constructPath: 'Bad/Nat' }),
  );
  // CDK does not add its own CloudFormation validation next to the registered one.
  expect(report.pluginReports.filter((p) => p.pluginName === CLOUDFORMATION_VALIDATE)).toHaveLength(1);
});

test('off the main thread, every rule pack and cfn-guard reports exactly what it reports in-process', () => {
  // The plugins as they run in-process. CloudFormation's own validation is the same plugin class on its
  // worker (its findings: the test above); setting up its engine in-process too would cost 5 s of CPU.
  const inProcess = synthesizeBadStack(
    (app) =>
      Validations.of(app).addPlugins(
        new HIPAASecurityChecks(app),
        new NIST80053R5Checks(app),
        new AwsSolutionsChecks(app),
        new CfnGuardValidator({ controlTowerRulesEnabled: true, rules: [PROJECT_RULES_DIR] }),
      ),
    false,
  );
  expect(content(offloaded).filter((p) => p.plugin !== CLOUDFORMATION_VALIDATE)).toEqual(content(inProcess));
  const acknowledged = acknowledgedFindings(offloaded).map((f) => `${f.plugin} ${f.constructPath}`);
  expect(acknowledged).toEqual(expect.arrayContaining(['AwsSolutions Bad/Unencrypted', 'cdk-validator-cfnguard Bad/Logs']));
  expect(content(offloaded).map((p) => p.plugin)).toEqual([...COMPLIANCE_PLUGIN_NAMES, CLOUDFORMATION_VALIDATE]);
});

test('cfn-guard runs once per template that a rule can apply to, with those rules, each template on one shard', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-plan-'));
  const template = (name: string, ...types: string[]) => {
    const file = path.join(dir, `${name}.template.json`);
    fs.writeFileSync(file, JSON.stringify({ Resources: Object.fromEntries(types.map((Type, i) => [`R${i}`, { Type }])) }));
    return file;
  };
  const buckets = template('Buckets', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy');
  const logs = template('Logs', 'AWS::Logs::LogGroup');
  const metadataOnly = template('MetadataOnly', 'AWS::CDK::Metadata');
  for (const shards of [2, 3]) {
    const plan = cfnGuardPlan([buckets, logs, metadataOnly], shards);
    expect(plan).toHaveLength(shards);
    const runs = plan.flat();
    expect(runs.map((r) => r.templatePaths).sort()).toEqual([[buckets], [logs]]);
    for (const run of runs) {
      expect(run.props).toEqual({
        controlTowerRulesEnabled: false,
        rules: controlTowerRulesFor(templateResourceTypes(run.templatePaths[0])),
        maxBuffer: expect.any(Number),
      });
    }
    // Both templates have rules of their own, so each shard that runs has one of them.
    expect(plan.filter((p) => p.length > 0)).toHaveLength(2);
  }
});

test('an acknowledgement without its plugin prefix is refused: it would never reach the validation report', () => {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'S');
  const bucket = new s3.CfnBucket(stack, 'B');
  expect(() => acknowledge(bucket, { ruleId: 'AwsSolutions-S1', control: '164.312(b)', reason: 'x'.repeat(80) })).toThrow(
    /rule id "AwsSolutions-S1" must be "<Plugin>::<Rule>"/,
  );
});
