import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DrKeyLifecycle, drKeyLifecycleSettings, KeyLifecycle, keyLifecycleSettings } from '../../lib/capabilities/key-lifecycle';
import type { DeploymentConfig } from '../../lib/config/schema';
import { CryptoErasure } from '../../lib/constructs/crypto-erasure';
import { s3PrefixListId } from '../../lib/constructs/s3-prefix-list';
import { deploymentNames, LOGICAL_IDS, STACK_IDS, SUBNET_GROUPS } from '../../lib/vocabulary';
import { ORGANIZATION_CONFIG, SHIPPED_CONFIGS, shippedConfig } from '../helpers/config';
import { shippedAssembly, shippedStacks } from '../helpers/shipped-assembly';
import {
  ACCOUNT,
  standIns,
  StackTemplate,
  type DrStandIns,
  type PrimaryStandIns,
  type Statement,
} from '../helpers/operations-stand-ins';

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
      erasableKeys: [p.phiKey, p.backupKey],
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

  test('crypto-erasure may disable and schedule deletion of the phi and backup keys it receives only, never the audit or signing key', () => {
    const keys = new StackTemplate(p.keys);
    const destructive = (key: kms.IKey) =>
      keys
        .statements(keys.of(key), 'KeyPolicy')
        .filter(
          (s) => s.Principal?.AWS === '*' && actions(s).some((a) => a === 'kms:DisableKey' || a === 'kms:ScheduleKeyDeletion'),
        );
    expect(destructive(p.phiKey).length).toBeGreaterThan(0);
    expect(destructive(p.backupKey).length).toBeGreaterThan(0);
    expect(destructive(p.auditKey)).toEqual([]);
    expect(destructive(p.certificateSigningKey)).toEqual([]);
    for (const s of [...destructive(p.phiKey), ...destructive(p.backupKey)]) {
      expect(s.Condition!.ArnEquals['aws:PrincipalArn']).toBe(`arn:aws:iam::${ACCOUNT}:role/${config.name}-crypto-erasure`);
    }
    const erasureSids = (key: kms.IKey) =>
      keys
        .statements(keys.of(key), 'KeyPolicy')
        .map((s) => s.Sid)
        .filter((sid) => sid?.startsWith('AllowCryptoErasure'));
    for (const key of [p.phiKey, p.backupKey]) {
      expect(erasureSids(key)).toEqual([
        'AllowCryptoErasureToInspectAndDisable',
        'AllowCryptoErasureToScheduleDeletion',
        'AllowCryptoErasureCanary',
      ]);
    }
    // Named, not referenced: the Keys stack comes first and cannot import from the Operations stack.
    expect(JSON.stringify(keys.resources)).not.toContain('Fn::ImportValue');
  });

  test('the signing key it receives lets exactly the crypto-erasure role sign, ECDSA_SHA_256 only', () => {
    const keys = new StackTemplate(p.keys);
    const signing = keys.statements(keys.of(p.certificateSigningKey), 'KeyPolicy').filter((s) => actions(s).includes('kms:Sign'));
    expect(signing).toEqual([
      {
        Sid: 'AllowSigningByTheCertificateSigner',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'kms:Sign',
        Resource: '*',
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/${config.name}-crypto-erasure` },
          StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:SigningAlgorithm': 'ECDSA_SHA_256' },
        },
      },
    ]);
    for (const key of [p.phiKey, p.auditKey, p.backupKey]) {
      expect(JSON.stringify(keys.statements(keys.of(key), 'KeyPolicy'))).not.toContain('kms:Sign"');
    }
  });
});

test('the audit key among the erasable keys is refused: the audit trail can never be put in scope of an erasure', () => {
  const built = standIns('config/demo.json');
  const p = built.primary;
  expect(
    () =>
      new KeyLifecycle(built.stack('Operations', 'operations'), 'KeyLifecycle', {
        ...keyLifecycleSettings(built.config),
        keys: [p.phiKey, p.auditKey, p.backupKey, p.certificateSigningKey],
        erasableKeys: [p.phiKey, p.auditKey],
        certificateSigningKey: p.certificateSigningKey,
        evidenceBucket: p.evidenceBucket,
        auditKey: p.auditKey,
        securityTopic: p.securityTopic,
        backupVault: p.backupVault,
        vpc: p.vpc,
      }),
  ).toThrow(/allowCryptoErasureBy: .*the audit key is not erasable/);
});

describe('KeyLifecycle with accounts apart', () => {
  test('the single-account configs name no air-gapped key; the organization config its backup account and regions', () => {
    for (const file of SHIPPED_CONFIGS) expect(keyLifecycleSettings(shippedConfig(file)).airGappedBackup).toBeUndefined();
    expect(keyLifecycleSettings(shippedConfig(ORGANIZATION_CONFIG)).airGappedBackup).toEqual({
      account: '333333333333',
      regions: ['us-east-1', 'us-west-2'],
    });
  });

  test("crypto-erasure may assume the backup account's erasure role and is told the air-gapped key of each backup region", () => {
    // Read from the organization example as the app builds it (the shared assembly), not a stand-in stack.
    const config = shippedConfig(ORGANIZATION_CONFIG);
    const names = deploymentNames(config.name);
    const operations = shippedStacks(shippedAssembly(ORGANIZATION_CONFIG)).find((st) => st.id === STACK_IDS.operations);
    const resources = Object.values(operations?.template.Resources ?? {});
    const fn = resources.find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.FunctionName === names.cryptoErasureFunction,
    );
    const role = 'arn:aws:iam::333333333333:role/acme-crm-org-lag-key-erasure';
    const assume = resources
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
      .flatMap((r) => (r.Properties?.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement)
      .filter((st) => [st.Action].flat().some((a) => String(a).startsWith('sts:')));
    expect(assume).toEqual([expect.objectContaining({ Action: 'sts:AssumeRole', Resource: role })]);
    const variables = (fn?.Properties as { Environment: { Variables: Record<string, string> } }).Environment.Variables;
    expect(JSON.parse(variables.EXTERNAL_KEYS)).toEqual(
      ['us-east-1', 'us-west-2'].map((region) => ({
        account: '333333333333',
        region,
        alias: 'alias/acme-crm-org/backup-lag',
        dataClass: 'backup-lag',
        roleArn: role,
      })),
    );
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
