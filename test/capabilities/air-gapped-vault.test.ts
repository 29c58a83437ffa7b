/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AirGappedVault, airGappedVaultSettings } from '../../lib/capabilities/air-gapped-vault';
import { organizationSettings } from '../../lib/config/organization';
import { deploymentNames, LOGICAL_IDS, TAG } from '../../lib/vocabulary';
import { crossAccountTrustProblems } from '../../lib/assembly/cross-account';
import { ORGANIZATION_CONFIG, SHIPPED_CONFIGS, shippedConfig } from '../helpers/config';
import { templateApp } from '../helpers/stand-ins';

type Resource = { Type: string; Properties: Record<string, any>; [k: string]: unknown };
type Statement = { Sid?: string; Effect: string; Principal: any; Action: string | string[]; Condition?: Record<string, any> };

const config = shippedConfig(ORGANIZATION_CONFIG);
const organization = organizationSettings(config)!;
const names = deploymentNames(config.name);
const WORKLOAD = organization.workloadAccount;
const BACKUP = organization.backupAccount;
const REGION = organization.backupRegions[0];
const ORG = { 'aws:PrincipalOrgID': organization.organizationId, 'aws:PrincipalAccount': WORKLOAD };
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const backupSlr = (account: string) => role(account, 'aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup');

function build() {
  const app = templateApp();
  const stack = new Stack(app, 'BackupAccount', { env: { account: BACKUP, region: REGION } });
  const vault = new AirGappedVault(stack, 'Default', airGappedVaultSettings(config)!);
  return { stack, vault, resources: Template.fromStack(stack).toJSON().Resources as Record<string, Resource> };
}

const { stack, resources } = build();
const ids = LOGICAL_IDS.backupAccount;
const keyPolicy = (): Statement[] => resources[ids.airGappedKey].Properties.KeyPolicy.Statement;
const vaultProps = () => resources[ids.airGappedVault].Properties;
const actionsOf = (s: Statement) => [s.Action].flat();

describe('settings', () => {
  test('none without organization: a single-account deployment builds nothing', () => {
    for (const file of SHIPPED_CONFIGS) expect(airGappedVaultSettings(shippedConfig(file))).toBeUndefined();
  });

  test("the vault's retentions are the Vault Lock's, so every daily and monthly copy fits them", () => {
    const settings = airGappedVaultSettings(config)!;
    expect(settings).toMatchObject({ minRetentionDays: 35, maxRetentionDays: 2600, workloadAccount: WORKLOAD });
    expect(settings.minRetentionDays).toBeLessThanOrEqual(config.backup.dailyRetentionDays);
    expect(settings.maxRetentionDays).toBeGreaterThanOrEqual(config.backup.monthlyRetentionDays);
  });

  test.each([
    [6, 2600],
    [40, 39],
  ])('min %p, max %p is refused (AWS Backup: at least 7 days, min <= max)', (min, max) => {
    const s = new Stack(templateApp(), 'S', { env: { account: BACKUP, region: REGION } });
    const props = { ...airGappedVaultSettings(config)!, minRetentionDays: min, maxRetentionDays: max };
    expect(() => new AirGappedVault(s, 'V', props)).toThrow(/7 <= minRetentionDays <= maxRetentionDays/);
  });
});

describe('vault', () => {
  test('create-only values pinned: logical IDs, name, key and retentions; retained', () => {
    expect(Object.fromEntries(Object.values(ids).map((id) => [id, resources[id]?.Type]))).toEqual({
      [ids.airGappedKey]: 'AWS::KMS::Key',
      [ids.airGappedKeyAlias]: 'AWS::KMS::Alias',
      [ids.airGappedVault]: 'AWS::Backup::LogicallyAirGappedBackupVault',
      [ids.airGappedVaultShare]: 'AWS::RAM::ResourceShare',
      [ids.airGappedKeyErasureRole]: 'AWS::IAM::Role',
    });
    expect(vaultProps()).toMatchObject({
      BackupVaultName: names.airGappedVault,
      MinRetentionDays: 35,
      MaxRetentionDays: 2600,
      EncryptionKeyArn: { 'Fn::GetAtt': [ids.airGappedKey, 'Arn'] },
    });
    expect(resources[ids.airGappedVault]).toMatchObject({
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
    expect(resources[ids.airGappedKeyAlias].Properties.AliasName).toBe(names.airGappedKeyAlias);
    expect(resources[ids.airGappedKey]).toMatchObject({
      DeletionPolicy: expect.stringMatching(/^Retain/),
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('access policy: only CopyIntoBackupVault is allowed, only to the workload backup role in the organization', () => {
    const statements: Statement[] = vaultProps().AccessPolicy.Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: '*',
        Action: 'backup:CopyIntoBackupVault',
        Condition: { StringEquals: ORG, ArnEquals: { 'aws:PrincipalArn': role(WORKLOAD, names.backupRole) } },
      }),
    ]);
    expect(statements.find((s) => s.Effect === 'Deny')).toMatchObject({
      Principal: '*',
      Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle', 'backup:PutBackupVaultAccessPolicy'],
    });
  });

  test('shared with the workload account only, never outside the organization', () => {
    expect(resources[ids.airGappedVaultShare].Properties).toEqual({
      Name: names.airGappedVault,
      AllowExternalPrincipals: false,
      Principals: [WORKLOAD],
      ResourceArns: [{ 'Fn::GetAtt': [ids.airGappedVault, 'BackupVaultArn'] }],
    });
  });

  test('no statement lets another account in without the organization and an exact role', () => {
    expect(crossAccountTrustProblems(resources as never, BACKUP, REGION)).toEqual([]);
  });
});

describe('key', () => {
  test('tagged with its data class; alias from the vocabulary', () => {
    const tags = resources[ids.airGappedKey].Properties.Tags as { Key: string; Value: string }[];
    expect(tags).toContainEqual({ Key: TAG.dataClass, Value: 'backup-lag' });
  });

  test('only the erasure role may disable it or schedule its deletion (besides the account root delegation)', () => {
    const destroying = keyPolicy().filter(
      (s) => s.Effect === 'Allow' && actionsOf(s).some((a) => /^kms:(\*|DisableKey|ScheduleKeyDeletion)$/.test(a)),
    );
    expect(destroying.map((s) => s.Sid ?? 'root')).toEqual([
      'root',
      'AllowCryptoErasureToInspectAndDisable',
      'AllowCryptoErasureToScheduleDeletion',
    ]);
    expect(destroying[0].Principal).toEqual({ AWS: `arn:aws:iam::${BACKUP}:root` });
    for (const s of destroying.slice(1)) {
      expect(s.Condition!.ArnEquals).toEqual({ 'aws:PrincipalArn': role(BACKUP, names.airGappedKeyErasureRole) });
      expect(s.Condition!.StringEquals).toMatchObject({ 'kms:CallerAccount': BACKUP });
    }
  });

  test('AWS Backup of the backup account may use it and grant it to AWS resources only', () => {
    const slr = keyPolicy().filter((s) => s.Sid?.startsWith('AllowAwsBackupOfThisAccount'));
    expect(slr).toHaveLength(2);
    for (const s of slr) {
      expect(s.Condition!.ArnEquals).toEqual({ 'aws:PrincipalArn': backupSlr(BACKUP) });
      expect(s.Condition!.StringEquals).toEqual({ 'kms:CallerAccount': BACKUP });
    }
    expect(slr[1]).toMatchObject({ Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
  });

  test('the workload backup role through AWS Backup only, and the workload AWS Backup to restore; nothing destructive', () => {
    const workload = keyPolicy().filter((s) => JSON.stringify(s.Condition ?? {}).includes(WORKLOAD));
    expect(workload.map((s) => s.Sid)).toEqual([
      'AllowWorkloadBackupRoleToCopyInAndRestore',
      'AllowWorkloadBackupRoleToCopyInAndRestoreGrants',
      'AllowWorkloadAwsBackupToRestore',
      'AllowWorkloadAwsBackupToRestoreGrants',
    ]);
    for (const s of workload) {
      expect(s.Principal).toEqual({ AWS: '*' });
      expect(s.Condition!.StringEquals).toEqual(ORG);
      expect(
        actionsOf(s).every((a) => !/Disable|Delete|Put|Schedule|\*$/.test(a) || /ReEncrypt\*|GenerateDataKey\*/.test(a)),
      ).toBe(true);
    }
    expect(workload[0].Condition!.ArnEquals).toEqual({ 'aws:PrincipalArn': [role(WORKLOAD, names.backupRole)] });
    expect(workload[0].Condition!.StringLike).toEqual({ 'kms:ViaService': 'backup.*.amazonaws.com' });
    expect(workload[2].Condition!.ArnEquals).toEqual({ 'aws:PrincipalArn': [backupSlr(WORKLOAD)] });
    expect(workload[3].Condition!.Bool).toEqual({ 'kms:GrantIsForAWSResource': 'true' });
  });
});

describe('erasure role', () => {
  const erasureRole = () => resources[ids.airGappedKeyErasureRole].Properties;

  test('has its fixed name and is trusted only by the workload crypto-erasure role, in the organization', () => {
    expect(erasureRole().RoleName).toBe(names.airGappedKeyErasureRole);
    expect(erasureRole().AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: '*' },
        Condition: { ArnEquals: { 'aws:PrincipalArn': role(WORKLOAD, names.cryptoErasureRole) }, StringEquals: ORG },
      },
    ]);
  });

  test("its one IAM permission is reading this region's CloudTrail (verify finds the key's events there); the key policy grants the rest", () => {
    expect(erasureRole().Policies).toBeUndefined();
    expect(erasureRole().ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(resources).filter((r) => r.Type.startsWith('AWS::IAM::') && r.Type !== 'AWS::IAM::Role');
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.Roles).toEqual([{ Ref: ids.airGappedKeyErasureRole }]);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'FindKeyEventsInCloudTrail',
        Effect: 'Allow',
        Action: 'cloudtrail:LookupEvents',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': REGION } },
      },
    ]);
  });
});

test('the stack holds only these resources', () => {
  expect(
    Object.values(resources)
      .map((r) => r.Type)
      .sort(),
  ).toEqual([
    'AWS::Backup::LogicallyAirGappedBackupVault',
    'AWS::IAM::ManagedPolicy',
    'AWS::IAM::Role',
    'AWS::KMS::Alias',
    'AWS::KMS::Key',
    'AWS::RAM::ResourceShare',
  ]);
  expect(stack.account).toBe(BACKUP);
});
