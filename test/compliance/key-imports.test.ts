/**
 * The Control Tower rules read each template with the imports of this app's KMS keys resolved to the key
 * (lib/compliance/key-imports.ts): a resource keyed from another stack passes without an acknowledgement,
 * and one whose key was removed still fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, type IPolicyValidationContext } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { exportedKeyArns, keyArnStandIn, resolveKeyImports } from '../../lib/compliance/key-imports';
import { OffloadedRound, type OffloadedCheck } from '../../lib/compliance/offloaded-validation';
import { cfnGuardPlan, PROJECT_RULES_DIR } from '../../lib/compliance/plugins';

/** A Keys stack with a key and a Logs stack whose log groups and queue use it; `KeyRemoved` lost its key by an override. */
function synthesize() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-imports-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const key = new kms.Key(new Stack(app, 'Keys'), 'Key');
  const stack = new Stack(app, 'Logs');
  new logs.LogGroup(stack, 'Kept', { encryptionKey: key, retention: logs.RetentionDays.SIX_YEARS });
  const removed = new logs.LogGroup(stack, 'KeyRemoved', { encryptionKey: key, retention: logs.RetentionDays.SIX_YEARS });
  (removed.node.defaultChild as logs.CfnLogGroup).addPropertyDeletionOverride('KmsKeyId');
  new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key });
  // Another export of the Keys stack that is not a key's ARN (its ID): left as written.
  new logs.LogGroup(stack, 'Named', {
    logGroupName: key.keyId,
    encryptionKey: key,
    retention: logs.RetentionDays.SIX_YEARS,
  });
  const assembly = app.synth();
  const templatePaths = ['Keys', 'Logs'].map((id) => path.join(outdir, assembly.getStackArtifact(id).templateFile));
  return { outdir, templatePaths, logs: JSON.parse(fs.readFileSync(templatePaths[1], 'utf8')) };
}

const synthesized = synthesize();
const [keysTemplate, logsTemplate] = synthesized.templatePaths;

describe('resolveKeyImports', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-imports-copies-'));
  const copies = resolveKeyImports(synthesized.templatePaths, dir);
  const copy = JSON.parse(fs.readFileSync(copies.get(logsTemplate)!, 'utf8'));
  const keyId = Object.keys(JSON.parse(fs.readFileSync(keysTemplate, 'utf8')).Resources).find((id) => id.startsWith('Key'))!;
  const resource = (prefix: string) =>
    Object.entries(copy.Resources as Record<string, { Properties: Record<string, unknown> }>).find(([id]) =>
      id.startsWith(prefix),
    )![1].Properties;

  test('knows only the exports that are the ARN of a key of their template', () => {
    expect([...exportedKeyArns(synthesized.templatePaths).values()]).toEqual([keyArnStandIn(keysTemplate, keyId)]);
  });

  test('copies only the templates that import such a key, under the same file name', () => {
    expect([...copies.keys()]).toEqual([logsTemplate]);
    expect(path.basename(copies.get(logsTemplate)!)).toBe(path.basename(logsTemplate));
  });

  test('resolves every import of the key, and nothing else', () => {
    const arn = keyArnStandIn(keysTemplate, keyId);
    expect(resource('Kept').KmsKeyId).toBe(arn);
    expect(resource('Queue').KmsMasterKeyId).toBe(arn);
    expect(resource('Named').KmsKeyId).toBe(arn);
    expect(resource('Named').LogGroupName).toEqual({ 'Fn::ImportValue': expect.any(String) });
    // The removed key stays removed; the original template is untouched.
    expect(resource('KeyRemoved').KmsKeyId).toBeUndefined();
    expect(JSON.stringify(synthesized.logs)).toContain('Fn::ImportValue');
    expect(copy.Outputs).toEqual(synthesized.logs.Outputs);
  });
});

describe('the offloaded cfn-guard round', () => {
  const context = {
    templatePaths: synthesized.templatePaths,
    stackTemplates: synthesized.templatePaths.map((templatePath) => ({
      stackConstructPath: path.basename(templatePath, '.template.json'),
      templatePath,
    })),
  } as unknown as IPolicyValidationContext;
  const module = require.resolve('@cdklabs/cdk-validator-cfnguard');
  const controlTower: OffloadedCheck = {
    module,
    exportName: 'CfnGuardValidator',
    runs: (c) => cfnGuardPlan(c.templatePaths, 1)[0],
  };
  const project: OffloadedCheck = {
    module,
    exportName: 'CfnGuardValidator',
    props: { controlTowerRulesEnabled: false, rules: [PROJECT_RULES_DIR] },
  };
  const round = new OffloadedRound([controlTower, project]);
  round.start(context);
  const findings = (check: OffloadedCheck) =>
    round
      .collect(context, (c) => c === check)
      .flatMap((r) => r.violations)
      .flatMap((v) =>
        v.violatingResources.map((r) => [v.ruleName, (r.resourceLogicalId ?? '').replace(/[0-9A-F]{8}$/, ''), r.templatePath]),
      )
      .filter(([rule]) => /log_group_encrypted|sqs_queue_encrypted/.test(rule ?? ''))
      .sort();

  test('the Control Tower rules pass the resources keyed from the Keys stack and fail the one whose key was removed, naming the real template', () => {
    expect(findings(controlTower)).toEqual([['cloudwatch_log_group_encrypted_check', 'KeyRemoved', logsTemplate]]);
  });

  test('the project rule, on the template as written, fails the same resource', () => {
    expect(findings(project)).toEqual([['project_log_group_encrypted_six_years', 'KeyRemoved', logsTemplate]]);
  });
});
