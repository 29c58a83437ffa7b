import type { Stack } from 'aws-cdk-lib';
import type { DeploymentConfig } from '../../lib/config/schema';
import { OperationsStack } from '../../lib/stacks/operations-stack';
import { deploymentNames, LOGICAL_IDS, STACK_IDS } from '../../lib/vocabulary';
import { flat, KEY_IDS } from '../helpers/cfn-values';
import { SHIPPED_CONFIGS, shippedConfig } from '../helpers/config';
import { shippedAssembly } from '../helpers/shipped-assembly';
import {
  ACCOUNT,
  shippedResources,
  standIns,
  StackTemplate,
  type PrimaryStandIns,
  type Statement,
} from '../helpers/operations-stand-ins';

/** The stack as the app wires it, receiving stand-ins of the Keys, Network, Data, Backup, Identity and Audit stacks. */
function build(file: string) {
  const { app, config, primary: p } = standIns(file);
  const operations = new OperationsStack(app, STACK_IDS.operations, {
    stackName: deploymentNames(config.name).stack('operations'),
    env: { account: ACCOUNT, region: config.regions.primary },
    config,
    userPool: p.userPool,
    evidenceBucket: p.evidenceBucket,
    securityTopic: p.securityTopic,
    vpc: p.vpc,
    database: p.database,
    documentsBucket: p.documentsBucket,
    backupVault: p.backupVault,
    backupPlan: p.backupPlan,
    backupRole: p.backupRole,
    phiKey: p.phiKey,
    auditKey: p.auditKey,
    backupKey: p.backupKey,
    certificateSigningKey: p.certificateSigningKey,
  });
  return { config, primary: p, operations, t: new StackTemplate(operations) };
}

describe.each(SHIPPED_CONFIGS)('Operations stack from %s', (file) => {
  let config: DeploymentConfig;
  let p: PrimaryStandIns;
  let operations: OperationsStack;
  let t: StackTemplate;

  beforeAll(() => {
    ({ config, primary: p, operations, t } = build(file));
  });

  const functions = () => t.ofType('AWS::Lambda::Function').map(([, r]) => r.Properties);

  test('holds six functions: in the VPC unless they must call Cognito or another region', () => {
    const names = functions().map((f) => f.FunctionName);
    expect(names.sort()).toEqual(
      ['access-review', 'crypto-erasure', 'integrity-canary', 'key-rotation', 'restore-validator', 'session-revocation'].map(
        (n) => `${config.name}-${n}`,
      ),
    );
    const inVpc = functions()
      .filter((f) => f.VpcConfig)
      .map((f) => f.FunctionName);
    expect(inVpc.sort()).toEqual(['integrity-canary', 'key-rotation', 'restore-validator'].map((n) => `${config.name}-${n}`));
  });

  test('the backup checks run in the workload subnets of the Network stack, each with its own security group', () => {
    for (const name of ['integrity-canary', 'key-rotation', 'restore-validator']) {
      const fn = functions().find((f) => f.FunctionName === `${config.name}-${name}`)!;
      const vpc = fn.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: { 'Fn::GetAtt': [string, string] }[] };
      expect(vpc.SubnetIds.length).toBe(config.network.availabilityZones.length);
      for (const subnet of vpc.SubnetIds) expect(JSON.stringify(subnet)).toContain(p.network.stackName);
      expect(vpc.SecurityGroupIds).toHaveLength(1);
      expect(vpc.SecurityGroupIds[0]['Fn::GetAtt'][1]).toBe('GroupId');
    }
    expect(operations.dependencies).toContain(p.network);
  });

  test('depends on exactly the stacks whose resources it receives', () => {
    const names = (stacks: Stack[]) => stacks.map((s) => s.stackName).sort();
    expect(names(operations.dependencies)).toEqual(names([p.keys, p.network, p.data, p.backup, p.identity, p.audit]));
  });

  test('the capabilities build their parts in the stack itself: paths, logical IDs and derived names stay as deployed', () => {
    for (const capability of [operations.accessGovernance, operations.backupAssurance, operations.keyLifecycle]) {
      expect(capability.node.children).toEqual([]);
    }
    const handlers = {
      SessionRevocation: operations.accessGovernance.sessionRevocation.handler,
      AccessReview: operations.accessGovernance.accessReview.handler,
      RestoreValidation: operations.backupAssurance.restoreValidation.handler,
      IntegrityCanary: operations.backupAssurance.integrityCanary.handler,
      KeyRotation: operations.keyLifecycle.keyRotation.handler,
      CryptoErasure: operations.keyLifecycle.cryptoErasure.handler,
    };
    for (const [part, handler] of Object.entries(handlers)) {
      expect(handler.function.node.path).toBe(`${STACK_IDS.operations}/${part}/Handler/Function`);
    }
    const ids = LOGICAL_IDS.operations;
    const pinned = {
      [ids.sessionRevocationLogGroup]: handlers.SessionRevocation.logGroup,
      [ids.accessReviewLogGroup]: handlers.AccessReview.logGroup,
      [ids.restoreValidatorLogGroup]: handlers.RestoreValidation.logGroup,
      [ids.integrityCanaryLogGroup]: handlers.IntegrityCanary.logGroup,
      [ids.keyRotationLogGroup]: handlers.KeyRotation.logGroup,
      [ids.cryptoErasureLogGroup]: handlers.CryptoErasure.logGroup,
      [ids.cryptoErasureStateMachineLogGroup]: operations.keyLifecycle.cryptoErasure.stateMachineLogGroup,
    };
    for (const [id, group] of Object.entries(pinned)) {
      expect(t.id(group)).toBe(id);
      expect(t.resources[id]).toMatchObject({ Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'RetainExceptOnCreate' });
    }
  });

  test('no secret in any environment variable', () => {
    for (const fn of functions()) {
      const text = JSON.stringify(fn.Environment ?? {});
      expect(text).not.toMatch(/secret|password|token|SecretsManager/i);
    }
  });
});

/**
 * Contracts of the stacks it receives from, read in the shared whole-app assembly of the demo config
 * (synthesized once per test run; the contracts do not depend on the config).
 */
describe('what the Operations stack relies on in the other stacks (shipped assembly of config/demo.json)', () => {
  const file = 'config/demo.json';
  const config = shippedConfig(file);

  test('the security topic accepts alarms of this account, and the audit key lets CloudWatch encrypt for it', () => {
    const audit = shippedResources(file, STACK_IDS.audit);
    const topicStatements = Object.values(audit)
      .filter((r) => r.Type === 'AWS::SNS::TopicPolicy')
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const alarmPublish = topicStatements.filter((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(alarmPublish).toHaveLength(1);
    expect(alarmPublish[0]).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'SecurityTopic' } });
    expect(flat(alarmPublish[0].Condition!.ArnLike['aws:SourceArn'])).toMatch(
      new RegExp(`^arn:<AWS::Partition>:cloudwatch:${config.regions.primary}:(<AWS::AccountId>|\\d{12}):alarm:\\*$`),
    );
    const keys = shippedResources(file, STACK_IDS.keys);
    const keyStatements = (keys[KEY_IDS.audit].Properties.KeyPolicy as { Statement: Statement[] }).Statement;
    expect(keyStatements).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });

  test("no IAM policy in any stack allows disabling or deleting a key: only the erasable keys' policies do", () => {
    const stackIds = shippedAssembly(file).stackIds;
    expect(stackIds).toHaveLength(10);
    for (const stackId of stackIds) {
      for (const [id, r] of Object.entries(shippedResources(file, stackId))) {
        if (!r.Type.startsWith('AWS::IAM::')) continue;
        const text = JSON.stringify(r.Properties);
        expect({ id, disables: /kms:(DisableKey|ScheduleKeyDeletion|\*)"/.test(text) }).toEqual({ id, disables: false });
      }
    }
  });
});
