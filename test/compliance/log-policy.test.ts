import {
  App,
  AspectPriority,
  Aspects,
  CustomResourceProvider,
  CustomResourceProviderRuntime,
  RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LambdaLogGroups, LogPolicyCheck } from '../../lib/compliance/log-policy';
import { STATEFUL_REMOVAL_POLICY } from '../../lib/compliance/retention';
import { SHIPPED_CONFIGS } from '../helpers/config';
import { shippedAssembly, shippedStacks } from '../helpers/shipped-assembly';

describe.each(SHIPPED_CONFIGS)('log policy across every stack of %s', (file) => {
  const all = shippedStacks(shippedAssembly(file)).flatMap((stack) =>
    Object.entries(stack.template.Resources).map(([id, r]) => ({ stack: stack.id, id, r })),
  );

  test('every log group, without exception, is KMS-encrypted, kept at least 6 years and retained', () => {
    const groups = all.filter((x) => x.r.Type === 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(10);
    for (const { stack, id, r } of groups) {
      const where = `${stack}/${id}`;
      expect({ where, retention: (r.Properties!.RetentionInDays as number) >= 2192 }).toEqual({ where, retention: true });
      expect({ where, deletion: r.DeletionPolicy }).toEqual({ where, deletion: 'RetainExceptOnCreate' });
      expect({ where, kms: r.Properties!.KmsKeyId !== undefined }).toEqual({ where, kms: true });
    }
  });

  test("Cognito's user activity goes to S3, not to a log group: no stack delivers Cognito logs to CloudWatch Logs", () => {
    const deliveries = all.filter((x) => x.r.Type === 'AWS::Cognito::LogDeliveryConfiguration');
    expect(deliveries.map((d) => `${d.stack}/${d.id}`)).toEqual(['Audit/SignInLogDelivery']);
    expect(JSON.stringify(deliveries[0].r.Properties)).not.toContain('CloudWatchLogsConfiguration');
  });

  test('every Lambda function, CDK helper functions included, logs into one of those log groups', () => {
    const functions = all.filter((x) => x.r.Type === 'AWS::Lambda::Function');
    expect(functions.map((f) => f.id)).toEqual(expect.arrayContaining([expect.stringMatching(/^CustomVpcRestrictDefaultSG/)]));
    const groupIds = new Set(all.filter((x) => x.r.Type === 'AWS::Logs::LogGroup').map((x) => x.id));
    for (const { id, r } of functions) {
      const target = (r.Properties!.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup;
      expect({ id, ref: groupIds.has(target?.Ref ?? '') }).toEqual({ id, ref: true });
    }
  });
});

describe('LogPolicyCheck', () => {
  function checked(build: (stack: Stack) => void, disposable = false) {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'S');
    build(stack);
    Aspects.of(stack).add(new LogPolicyCheck(disposable), { priority: AspectPriority.READONLY });
    return Annotations.fromStack(stack);
  }

  test('refuses an unencrypted log group, one kept under 6 years, and one not retained', () => {
    const annotations = checked((stack) => {
      new logs.LogGroup(stack, 'Plain', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    });
    const messages = annotations.findError('/S/Plain/Resource', Match.anyValue()).map((e) => String(e.entry.data));
    expect(messages).toEqual([
      expect.stringMatching(/is not encrypted with a KMS key/),
      expect.stringMatching(/keeps logs 365 days, under six years/),
      expect.stringMatching(/is not retained when its stack is deleted/),
    ]);
  });

  test('accepts an encrypted, 6-year, retained log group; refuses one without a key, and a plain Retain', () => {
    const annotations = checked((stack) => {
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      const retained = { retention: logs.RetentionDays.SIX_YEARS, removalPolicy: STATEFUL_REMOVAL_POLICY };
      new logs.LogGroup(stack, 'Good', { ...retained, encryptionKey: key });
      new logs.LogGroup(stack, 'Unencrypted', retained);
      new logs.LogGroup(stack, 'PlainRetain', { ...retained, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    });
    expect(annotations.findError('/S/Good/Resource', Match.anyValue())).toEqual([]);
    expect(annotations.findError('/S/Unencrypted/Resource', Match.anyValue()).map((e) => String(e.entry.data))).toEqual([
      expect.stringMatching(/is not encrypted with a KMS key/),
    ]);
    expect(annotations.findError('/S/PlainRetain/Resource', Match.anyValue()).map((e) => String(e.entry.data))).toEqual([
      expect.stringMatching(/retained even when its own creation rolls back/),
    ]);
  });

  test('in the sandbox profile, requires every log group to be deleted with its stack instead', () => {
    const annotations = checked((stack) => {
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      const sixYears = { retention: logs.RetentionDays.SIX_YEARS, encryptionKey: key };
      new logs.LogGroup(stack, 'Deleted', { ...sixYears, removalPolicy: RemovalPolicy.DESTROY });
      new logs.LogGroup(stack, 'Retained', { ...sixYears, removalPolicy: STATEFUL_REMOVAL_POLICY });
    }, true);
    expect(annotations.findError('/S/Deleted/Resource', Match.anyValue())).toEqual([]);
    expect(annotations.findError('/S/Retained/Resource', Match.anyValue()).map((e) => String(e.entry.data))).toEqual([
      expect.stringMatching(/is not deleted with its stack in the sandbox profile/),
    ]);
  });
});

test('LambdaLogGroups gives a CustomResourceProvider handler an encrypted, retained log group', () => {
  const handlerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'provider-'));
  fs.writeFileSync(path.join(handlerDir, 'index.js'), 'exports.handler = async () => ({});');
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'S');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  CustomResourceProvider.getOrCreateProvider(stack, 'Custom::Thing', {
    codeDirectory: handlerDir,
    runtime: CustomResourceProviderRuntime.NODEJS_22_X,
  });
  Aspects.of(stack).add(new LambdaLogGroups({ keyFor: () => key, retentionDays: 2557 }), { priority: AspectPriority.MUTATING });
  const template = Template.fromStack(stack);
  const groups = template.findResources('AWS::Logs::LogGroup');
  expect(Object.values(groups)).toEqual([
    expect.objectContaining({
      DeletionPolicy: 'RetainExceptOnCreate',
      Properties: { KmsKeyId: { 'Fn::GetAtt': ['Key961B73FD', 'Arn'] }, RetentionInDays: 2557 },
    }),
  ]);
  template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: Object.keys(groups)[0] } } });
  // The Ref orders the log group first; a DependsOn on it would be redundant (cfn-lint W3005).
  const [handler] = Object.values(template.findResources('AWS::Lambda::Function'));
  expect(handler.DependsOn ?? []).not.toContain(Object.keys(groups)[0]);
});
