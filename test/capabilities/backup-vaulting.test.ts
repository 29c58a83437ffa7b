/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  BACKUP_ROLE_MANAGED_POLICIES,
  BackupVaulting,
  backupVaultingSettings,
  vaultLockSettings,
} from '../../lib/capabilities/backup-vaulting';
import type { DeploymentConfig } from '../../lib/config/schema';
import { deploymentNames } from '../../lib/vocabulary';
import { flat, isCrossStackRef, KEY_IDS } from '../helpers/cfn-values';
import { ORGANIZATION_CONFIG, rawConfig, shippedConfig } from '../helpers/config';
import { ConfiguredStack, logicalIdOfL2, standInKeys, templateApp } from '../helpers/stand-ins';

type Resource = { Type: string; Properties: Record<string, any>; [k: string]: unknown };
type Resources = Record<string, Resource>;
type Rule = Record<string, any>;

/** Stateful resources and their pinned logical IDs. */
const PINNED = { BackupVault: 'AWS::Backup::BackupVault', BackupPlan: 'AWS::Backup::BackupPlan', BackupRole: 'AWS::IAM::Role' };

const ADDITIONAL_VAULT = 'arn:aws:backup:us-east-1:444455556666:backup-vault:acme-air-gapped';

/** The capability in its own stack, with the Keys stack's keys as stand-ins. */
function build(file: string, backupOverrides: Record<string, unknown> = {}) {
  const raw = rawConfig(file);
  const config = shippedConfig(file, { backup: { ...(raw.backup as object), ...backupOverrides } });
  const app = templateApp();
  const keys = standInKeys(app, config);
  const stack = new ConfiguredStack(app, 'Backup', config);
  const vaulting = new BackupVaulting(stack, 'Vaulting', {
    ...backupVaultingSettings(config),
    backupKey: keys.backupKey,
    phiKey: keys.phiKey,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;
  return { config, stack, vaulting, resources };
}

const rulesOf = (resources: Resources): Rule[] => resources.BackupPlan.Properties.BackupPlan.BackupPlanRule;
const scheduledRulesOf = (resources: Resources) => rulesOf(resources).filter((r) => !r.EnableContinuousBackup);
/** `[start, end)` of a daily rule's start window, in minutes after midnight UTC. */
const startWindowOf = (rule: Rule): [number, number] => {
  const [minute, hour] = (rule.ScheduleExpression as string)
    .replace(/^cron\(/, '')
    .split(' ')
    .map(Number);
  const start = hour * 60 + minute;
  return [start, start + rule.StartWindowMinutes];
};

describe.each([
  ['config/demo.json', 'GOVERNANCE', { MinRetentionDays: 35, MaxRetentionDays: 400 }],
  ['config/production.example.json', 'COMPLIANCE', { MinRetentionDays: 35, MaxRetentionDays: 2600, ChangeableForDays: 3 }],
])('BackupVaulting from %s', (file, lockMode, lockConfiguration) => {
  let config: DeploymentConfig;
  let built: ReturnType<typeof build>;
  let resources: Resources;

  beforeAll(() => {
    built = build(file);
    ({ config, resources } = built);
  });

  const drVaultArn = () =>
    `arn:<AWS::Partition>:backup:${config.regions.dr}:<AWS::AccountId>:backup-vault:${config.name}-backup-vault-dr`;

  test('stateful resources keep their pinned logical IDs; the vault is retained', () => {
    for (const [id, type] of Object.entries(PINNED)) expect(resources[id]?.Type).toBe(type);
    expect(resources.BackupVault).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    expect([built.vaulting.vault, built.vaulting.plan, built.vaulting.role].map(logicalIdOfL2)).toEqual(Object.keys(PINNED));
  });

  describe('primary vault', () => {
    const vault = () => resources.BackupVault.Properties;

    test('has the deterministic name and is encrypted with the backup key it is given', () => {
      expect(vault().BackupVaultName).toBe(`${config.name}-backup-vault`);
      expect(isCrossStackRef(vault().EncryptionKeyArn, KEY_IDS.backup, 'Arn')).toBe(true);
    });

    test(`carries the configured Vault Lock (${lockMode})`, () => {
      expect(config.backup.vaultLock.mode).toBe(lockMode);
      expect(vault().LockConfiguration).toEqual(lockConfiguration);
    });

    test('denies deleting recovery points, shortening their lifecycle and replacing the access policy to everyone', () => {
      expect(vault().AccessPolicy.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Resource: '*',
          Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle', 'backup:PutBackupVaultAccessPolicy'],
        }),
      );
    });
  });

  describe('backup plan', () => {
    test('has the deterministic name and stores every rule in the primary vault', () => {
      expect(resources.BackupPlan.Properties.BackupPlan.BackupPlanName).toBe(`${config.name}-backup-plan`);
      for (const rule of rulesOf(resources))
        expect(rule.TargetBackupVault).toEqual({ 'Fn::GetAtt': ['BackupVault', 'BackupVaultName'] });
    });

    test('has one continuous rule: point-in-time recovery for 35 days, not copied, never archived', () => {
      const continuous = rulesOf(resources).filter((r) => r.EnableContinuousBackup === true);
      expect(continuous).toHaveLength(1);
      expect(continuous[0].Lifecycle).toEqual({ DeleteAfterDays: 35 });
      expect(continuous[0].CopyActions).toBeUndefined();
    });

    test('has a daily and a monthly snapshot rule with the configured retentions', () => {
      const byName = Object.fromEntries(scheduledRulesOf(resources).map((r) => [r.RuleName, r]));
      expect(Object.keys(byName).sort()).toEqual(['daily', 'monthly']);
      expect(byName.daily).toMatchObject({
        ScheduleExpression: 'cron(0 5 * * ? *)',
        Lifecycle: { DeleteAfterDays: config.backup.dailyRetentionDays },
      });
      expect(byName.monthly).toMatchObject({
        ScheduleExpression: 'cron(0 5 1 * ? *)',
        Lifecycle: { DeleteAfterDays: config.backup.monthlyRetentionDays },
      });
    });

    test('copies every scheduled recovery point to the DR vault, by ARN, with the same retention', () => {
      for (const rule of scheduledRulesOf(resources)) {
        expect(rule.CopyActions).toHaveLength(1);
        expect(flat(rule.CopyActions[0].DestinationBackupVaultArn)).toBe(drVaultArn());
        expect(rule.CopyActions[0].Lifecycle).toEqual(rule.Lifecycle);
      }
    });

    test('the DR vault ARN the plan copies into names the DR vault of the deployment (DrRegionStore) in the DR region', () => {
      // test/capabilities/dr-region-store.test.ts asserts that the DR vault carries this name.
      expect(drVaultArn()).toBe(
        `arn:<AWS::Partition>:backup:${config.regions.dr}:<AWS::AccountId>:backup-vault:${deploymentNames(config.name).drBackupVault}`,
      );
      expect(config.regions.dr).not.toBe(config.regions.primary);
    });

    test('never moves recovery points to cold storage, and keeps each within the Vault Lock bounds', () => {
      const lifecycles = rulesOf(resources).flatMap((r) => [r.Lifecycle, ...(r.CopyActions ?? []).map((c: Rule) => c.Lifecycle)]);
      for (const lifecycle of lifecycles) {
        expect(lifecycle.MoveToColdStorageAfterDays).toBeUndefined();
        expect(lifecycle.DeleteAfterDays).toBeGreaterThanOrEqual(lockConfiguration.MinRetentionDays);
        expect(lifecycle.DeleteAfterDays).toBeLessThanOrEqual(lockConfiguration.MaxRetentionDays);
      }
    });

    test('sets every start and completion window explicitly', () => {
      for (const rule of rulesOf(resources)) {
        expect(rule.StartWindowMinutes).toBeGreaterThanOrEqual(60);
        expect(rule.CompletionWindowMinutes).toBeGreaterThan(rule.StartWindowMinutes);
      }
    });

    test('the continuous window never overlaps a snapshot window (overlapping rules keep only one backup)', () => {
      const [continuous] = rulesOf(resources).filter((r) => r.EnableContinuousBackup);
      const [cStart, cEnd] = startWindowOf(continuous);
      for (const rule of scheduledRulesOf(resources)) {
        const [start, end] = startWindowOf(rule);
        expect(end <= cStart || start >= cEnd).toBe(true);
      }
    });

    test('tags every recovery point with the deployment and its rule', () => {
      for (const rule of rulesOf(resources)) {
        expect(rule.RecoveryPointTags).toEqual({ 'hipaa-crm:deployment': config.name, 'hipaa-crm:backup-rule': rule.RuleName });
      }
    });
  });

  describe('backup role', () => {
    const role = () => resources.BackupRole.Properties;
    const keyPolicy = () => {
      const [policy] = Object.values(resources).filter(
        (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles?.some((x: any) => x.Ref === 'BackupRole'),
      );
      return policy.Properties.PolicyDocument.Statement as Rule[];
    };

    test('can be assumed by AWS Backup only', () => {
      expect(role().AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'backup.amazonaws.com' } },
      ]);
    });

    test('has the AWS managed policies AWS Backup documents for RDS and S3 backup and restore, and no other', () => {
      expect(role().ManagedPolicyArns.map(flat)).toEqual([
        'arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
        'arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
        'arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup',
        'arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore',
      ]);
      expect(role().ManagedPolicyArns).toHaveLength(BACKUP_ROLE_MANAGED_POLICIES.length);
    });

    test('acknowledges exactly those four managed policies, on the role only', () => {
      const acknowledged = built.stack.node
        .findAll()
        .flatMap((c) =>
          c.node.metadata
            .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
            .flatMap((m) => Object.keys(m.data as Record<string, string>).map((id) => [c.node.path, id])),
        )
        .filter(([, id]) => id.includes('IAM4'));
      expect(acknowledged).toHaveLength(4);
      for (const [path] of acknowledged) expect(path).toBe('Backup/Vaulting/Role/Resource');
    });

    test('may use the phi and backup keys it is given, grants only for AWS resources', () => {
      const statements = keyPolicy();
      const use = statements.find((s) => s.Sid === 'UseDataAndVaultKeys')!;
      expect(use.Resource).toHaveLength(2);
      expect(use.Resource.some((r: unknown) => isCrossStackRef(r, KEY_IDS.phi, 'Arn'))).toBe(true);
      expect(use.Resource.some((r: unknown) => isCrossStackRef(r, KEY_IDS.backup, 'Arn'))).toBe(true);
      expect(use.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']));
      const grant = statements.find((s) => s.Sid === 'GrantDataAndVaultKeysToAwsServices')!;
      expect(grant).toMatchObject({ Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
      expect(grant.Resource).toEqual(use.Resource);
    });

    test('may use the DR vault key only by its backup-dr alias, in the DR region', () => {
      const alias = { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [`alias/${config.name}/backup-dr`] } };
      for (const sid of ['UseDrVaultKey', 'GrantDrVaultKeyToAwsServices']) {
        const statement = keyPolicy().find((s) => s.Sid === sid)!;
        const account = config.account ?? '<AWS::AccountId>';
        expect(flat(statement.Resource)).toBe(`arn:<AWS::Partition>:kms:${config.regions.dr}:${account}:key/*`);
        expect(statement.Condition).toMatchObject(alias);
      }
      expect(keyPolicy().find((s) => s.Sid === 'GrantDrVaultKeyToAwsServices')!.Condition.Bool).toEqual({
        'kms:GrantIsForAWSResource': 'true',
      });
    });

    test('allows nothing but KMS use in its own policy', () => {
      for (const statement of keyPolicy()) {
        expect(statement.Effect).toBe('Allow');
        for (const action of [statement.Action].flat())
          expect(action).toMatch(
            /^kms:(Decrypt|DescribeKey|GenerateDataKey|GenerateDataKeyWithoutPlaintext|ReEncryptFrom|ReEncryptTo|CreateGrant)$/,
          );
      }
    });
  });
});

describe('an additional copy vault (another account, e.g. logically air-gapped)', () => {
  test('receives a copy of every scheduled recovery point, with the same retention, besides the DR vault', () => {
    const { resources } = build('config/production.example.json', { additionalCopyVaultArn: ADDITIONAL_VAULT });
    for (const rule of scheduledRulesOf(resources)) {
      expect(rule.CopyActions).toHaveLength(2);
      expect(flat(rule.CopyActions[0].DestinationBackupVaultArn)).toMatch(/:backup-vault:acme-crm-prod-backup-vault-dr$/);
      expect(rule.CopyActions[1]).toEqual({ DestinationBackupVaultArn: ADDITIONAL_VAULT, Lifecycle: rule.Lifecycle });
    }
    expect(rulesOf(resources).find((r) => r.EnableContinuousBackup)?.CopyActions).toBeUndefined();
  });

  test('is not copied to when the config names none', () => {
    const { resources } = build('config/production.example.json');
    for (const rule of scheduledRulesOf(resources)) {
      expect(rule.CopyActions.map((c: Rule) => flat(c.DestinationBackupVaultArn))).not.toContain(ADDITIONAL_VAULT);
    }
  });
});

describe('accounts apart (organization): the air-gapped copy', () => {
  const lag = (region: string) => `arn:<AWS::Partition>:backup:${region}:333333333333:backup-vault:acme-crm-org-backup-vault-lag`;
  let resources: Resources;
  beforeAll(() => ({ resources } = build(ORGANIZATION_CONFIG)));
  const policy = () =>
    Object.values(resources).find(
      (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles?.some((x: any) => x.Ref === 'BackupRole'),
    )!.Properties.PolicyDocument.Statement as Rule[];

  test('every daily and monthly recovery point is copied to the DR vault and to each air-gapped vault, same retention', () => {
    for (const rule of scheduledRulesOf(resources)) {
      expect(rule.CopyActions.map((c: Rule) => flat(c.DestinationBackupVaultArn))).toEqual([
        expect.stringMatching(/:<AWS::AccountId>:backup-vault:acme-crm-org-backup-vault-dr$/),
        lag('us-east-1'),
        lag('us-west-2'),
      ]);
      for (const copy of rule.CopyActions) expect(copy.Lifecycle).toEqual(rule.Lifecycle);
    }
    expect(rulesOf(resources).find((r) => r.EnableContinuousBackup)?.CopyActions).toBeUndefined();
  });

  test('the backup role has the fixed name the vault policy and key admit; without organization it has none', () => {
    expect(resources.BackupRole.Properties.RoleName).toBe(deploymentNames('acme-crm-org').backupRole);
    for (const file of ['config/demo.json', 'config/production.example.json']) {
      expect(build(file).resources.BackupRole.Properties.RoleName).toBeUndefined();
    }
  });

  test("the role may use the backup account's keys in the backup regions (the copy's destination key), grants for AWS resources only", () => {
    const keys = ['us-east-1', 'us-west-2'].map((r) => `arn:<AWS::Partition>:kms:${r}:333333333333:key/*`);
    const use = policy().find((st) => st.Sid === 'UseAirGappedVaultKeys')!;
    const grant = policy().find((st) => st.Sid === 'GrantAirGappedVaultKeysToAwsServices')!;
    expect([use.Resource].flat().map(flat)).toEqual(keys);
    expect([grant.Resource].flat().map(flat)).toEqual(keys);
    expect(grant).toMatchObject({ Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
    expect(use.Action).not.toContain('kms:CreateGrant');
  });

  test('without organization the role has no grant on another account', () => {
    const { resources: single } = build('config/production.example.json');
    expect(JSON.stringify(single)).not.toContain('AirGapped');
    expect(JSON.stringify(single)).not.toContain('333333333333');
  });
});

describe('vaultLockSettings', () => {
  test('translates the lock of both vaults; changeableFor only when the config sets it', () => {
    const production = vaultLockSettings(shippedConfig('config/production.example.json'));
    expect(production.lockMode).toBe('COMPLIANCE');
    expect([production.minRetention.toDays(), production.maxRetention.toDays(), production.changeableFor?.toDays()]).toEqual([
      35, 2600, 3,
    ]);
    const demo = vaultLockSettings(shippedConfig('config/demo.json'));
    expect(demo.lockMode).toBe('GOVERNANCE');
    expect(demo.changeableFor).toBeUndefined();
  });
});
