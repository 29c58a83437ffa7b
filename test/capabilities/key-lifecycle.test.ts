import * as sns from 'aws-cdk-lib/aws-sns';
import { DrKeyLifecycle, drKeyLifecycleSettings, KeyLifecycle, keyLifecycleSettings } from '../../lib/capabilities/key-lifecycle';
import type { DeploymentConfig } from '../../lib/config/schema';
import { CryptoErasure } from '../../lib/constructs/crypto-erasure';
import { s3PrefixListId } from '../../lib/constructs/s3-prefix-list';
import { LOGICAL_IDS, SUBNET_GROUPS } from '../../lib/vocabulary';
import { SHIPPED_CONFIGS } from '../helpers/config';
import { standIns, StackTemplate, type DrStandIns, type PrimaryStandIns, type Statement } from '../helpers/operations-stand-ins';

const refersTo = (value: unknown, logicalId: string) => JSON.stringify(value).includes(logicalId);
const actions = (s: Statement) => [s.Action].flat();

describe.each(SHIPPED_CONFIGS)('KeyLifecycle from %s', (file) => {
  let config: DeploymentConfig;
  let p: PrimaryStandIns;
  let lifecycle: KeyLifecycle;
  let t: StackTemplate;

  beforeAll(() => {
    const built = standIns(file);
    ({ config, primary: p } = built);
    const ops = built.stack('Operations', 'operations');
    lifecycle = new KeyLifecycle(ops, 'KeyLifecycle', {
      ...keyLifecycleSettings(config),
      keys: [p.phiKey, p.auditKey, p.backupKey, p.certificateSigningKey],
      certificateSigningKey: p.certificateSigningKey,
      evidenceBucket: p.evidenceBucket,
      auditKey: p.auditKey,
      securityTopic: p.securityTopic,
      backupVault: p.backupVault,
      vpc: p.vpc,
    });
    t = new StackTemplate(ops);
  });

  test('the rotation enforcer checks every key of this region: phi, audit, backup and the signing key', () => {
    const keyStatements = t
      .statements(t.of(lifecycle.keyRotation.handler.policy))
      .filter((st) => actions(st).includes('kms:GetKeyRotationStatus'));
    expect(keyStatements).toHaveLength(1);
    const resources = JSON.stringify(keyStatements[0].Resource);
    for (const id of ['PhiKey', 'AuditKey', 'BackupKey', 'CertificateSigningKey']) expect(resources).toContain(id);
    expect(resources).toContain(p.keys.stackName);
    expect(t.of(lifecycle.keyRotation.rule).Properties.ScheduleExpression).toBe(config.keys.rotationCheckSchedule);
  });

  test('the rotation enforcer runs in the workload subnets by default and writes its evidence through the S3 gateway endpoint', () => {
    const handler = lifecycle.keyRotation.handler;
    expect(t.of(handler.function).Properties.FunctionName).toBe(`${config.name}-key-rotation`);
    const network = new StackTemplate(p.network);
    const workload = p.vpc.selectSubnets({ subnetGroupName: SUBNET_GROUPS.workload }).subnets.map((subnet) => network.id(subnet));
    const vpcConfig = t.of(handler.function).Properties.VpcConfig as { SubnetIds: unknown[] };
    expect(vpcConfig.SubnetIds.map((subnet) => workload.find((id) => JSON.stringify(subnet).includes(id)))).toEqual(workload);
    const groupId = t.id(handler.securityGroup!);
    const toPrefixLists = t
      .ofType('AWS::EC2::SecurityGroupEgress')
      .map(([, rule]) => rule.Properties)
      .filter((rule) => JSON.stringify(rule.GroupId).includes(groupId) && rule.DestinationPrefixListId);
    expect(toPrefixLists).toEqual([
      expect.objectContaining({ DestinationPrefixListId: s3PrefixListId(config.regions.primary), FromPort: 443, ToPort: 443 }),
    ]);
  });

  test('crypto-erasure: a state machine over one function whose role has the name the key policies trust', () => {
    const machines = t.ofType('AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(1);
    expect(machines[0][1].Properties.StateMachineName).toBe(`${config.name}-crypto-erasure`);
    const erasure = lifecycle.cryptoErasure.handler;
    expect(t.of(erasure.function).Properties.FunctionName).toBe(`${config.name}-crypto-erasure`);
    expect(t.of(erasure.role).Properties.RoleName).toBe(`${config.name}-crypto-erasure`);
    expect(CryptoErasure.roleName(config.name)).toBe(`${config.name}-crypto-erasure`);
    const pins = [
      [lifecycle.keyRotation.handler.logGroup, LOGICAL_IDS.operations.keyRotationLogGroup],
      [erasure.logGroup, LOGICAL_IDS.operations.cryptoErasureLogGroup],
      [lifecycle.cryptoErasure.stateMachineLogGroup, LOGICAL_IDS.operations.cryptoErasureStateMachineLogGroup],
    ] as const;
    for (const [group, id] of pins) {
      expect(t.id(group)).toBe(id);
      expect(t.resources[id].Type).toBe('AWS::Logs::LogGroup');
    }
  });
});

describe.each(SHIPPED_CONFIGS)('DrKeyLifecycle from %s', (file) => {
  let config: DeploymentConfig;
  let dr: DrStandIns;
  let lifecycle: DrKeyLifecycle;
  let t: StackTemplate;

  beforeAll(() => {
    const built = standIns(file);
    ({ config, dr } = built);
    const ops = built.stack('DrOperations', 'dr-operations', config.regions.dr);
    lifecycle = new DrKeyLifecycle(ops, 'KeyLifecycle', {
      ...drKeyLifecycleSettings(config),
      keys: [dr.phiDrKey, dr.auditDrKey, dr.backupDrKey],
      evidenceBucket: dr.evidenceReplica,
      auditKey: dr.auditDrKey,
      alarmTopic: new sns.Topic(ops, 'Topic', { masterKey: dr.auditDrKey }),
    });
    t = new StackTemplate(ops);
  });

  test('one function: the DR rotation enforcer, outside any VPC (the DR region has none)', () => {
    const functions = t.ofType('AWS::Lambda::Function');
    expect(functions.map(([, f]) => f.Properties.FunctionName)).toEqual([`${config.name}-key-rotation-dr`]);
    expect(functions[0][1].Properties.VpcConfig).toBeUndefined();
    expect(t.id(lifecycle.keyRotation.handler.logGroup)).toBe(LOGICAL_IDS.drOperations.keyRotationLogGroup);
    const group = t.resources[LOGICAL_IDS.drOperations.keyRotationLogGroup];
    expect(group.Type).toBe('AWS::Logs::LogGroup');
    expect(refersTo(group.Properties.KmsKeyId, 'AuditDrKey')).toBe(true);
  });

  test('checks exactly the three DR keys and writes its evidence into the DR evidence replica', () => {
    const statements = t.ofType('AWS::IAM::ManagedPolicy').flatMap(([, policy]) => t.statements(policy));
    const keyUse = statements.filter((s) => actions(s).includes('kms:GetKeyRotationStatus'));
    expect(keyUse).toHaveLength(1);
    for (const id of ['PhiDrKey', 'AuditDrKey', 'BackupDrKey']) expect(refersTo(keyUse[0].Resource, id)).toBe(true);
    expect(refersTo(keyUse[0].Resource, 'PhiKey"')).toBe(false);
    const put = statements.filter((s) => actions(s).includes('s3:PutObject'));
    expect(put).toHaveLength(1);
    expect(refersTo(put[0].Resource, 'EvidenceReplicaBucket')).toBe(true);
    expect(JSON.stringify(put[0].Resource)).toContain('/key-rotation/*');
    expect(JSON.stringify(statements)).not.toMatch(/kms:(DisableKey|ScheduleKeyDeletion)/);
  });
});
