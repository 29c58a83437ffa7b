import {
  GetRecoveryPointRestoreMetadataCommand,
  GetRestoreTestingSelectionCommand,
  ListRecoveryPointsByBackupVaultCommand,
} from '@aws-sdk/client-backup';
import {
  buildRestoreMetadata,
  chooseRecoveryPoint,
  deletionTarget,
  DrillError,
  isDrillCopyName,
  mergeRestoreMetadata,
  resolveDrillPlan,
  restoredCopyName,
} from '../../../scripts/drill/plan';
import {
  ACCOUNT,
  CONTINUOUS_RP,
  demoConfig,
  DRILL_BUCKET,
  DRILL_BUCKET_ARN,
  DRILL_DB,
  DRILL_DB_ARN,
  LIVE_BUCKET_ARN,
  LIVE_DB_ARN,
  mockDeployment,
  NOW,
  planFor,
  realClients,
  REGION,
  RESTORE_ROLE,
  S3_RP,
  SNAPSHOT_RP,
  VAULT,
  type Mocks,
} from './fixtures';

describe('restoredCopyName', () => {
  test('database copies are <name>-drill-<yyyymmddhhmm>, buckets add the account (bucket names are global)', () => {
    expect(restoredCopyName('crm-demo', 'database', ACCOUNT, NOW)).toBe(DRILL_DB);
    expect(restoredCopyName('crm-demo', 'documents', ACCOUNT, NOW)).toBe(DRILL_BUCKET);
  });

  test('stays within the RDS (63) and S3 (63) name limits for the longest deployment name', () => {
    const longest = 'a'.repeat(20);
    expect(restoredCopyName(longest, 'database', ACCOUNT, NOW).length).toBeLessThanOrEqual(63);
    expect(restoredCopyName(longest, 'documents', ACCOUNT, NOW).length).toBeLessThanOrEqual(63);
  });

  test('a deployment name with "--" cannot name an RDS instance: refused as a config error', () => {
    expect(() => restoredCopyName('crm--demo', 'database', ACCOUNT, NOW)).toThrow(DrillError);
  });

  test("isDrillCopyName recognises only this deployment's drill copies", () => {
    expect(isDrillCopyName(DRILL_DB, 'crm-demo', 'database')).toBe(true);
    expect(isDrillCopyName(DRILL_BUCKET, 'crm-demo', 'documents')).toBe(true);
    expect(isDrillCopyName('crm-demo-database', 'crm-demo', 'database')).toBe(false);
    expect(isDrillCopyName(`crm-demo-drill-${'1'.repeat(12)}`, 'crm-other', 'database')).toBe(false);
    expect(isDrillCopyName(DRILL_BUCKET, 'crm-demo', 'database')).toBe(false);
  });
});

describe('chooseRecoveryPoint', () => {
  test('prefers a continuous recovery point (latest restorable time) over a newer snapshot', () => {
    const chosen = chooseRecoveryPoint(
      [
        {
          RecoveryPointArn: SNAPSHOT_RP,
          ResourceArn: LIVE_DB_ARN,
          Status: 'COMPLETED',
          CreationDate: new Date('2026-03-01T05:00:00Z'),
        },
        {
          RecoveryPointArn: CONTINUOUS_RP,
          ResourceArn: LIVE_DB_ARN,
          Status: 'AVAILABLE',
          CreationDate: new Date('2026-01-01T00:00:00Z'),
        },
      ],
      LIVE_DB_ARN,
    );
    expect(chosen).toMatchObject({ arn: CONTINUOUS_RP, continuous: true });
  });

  test("otherwise the newest completed snapshot; unfinished, stopped or other resources' points never", () => {
    const chosen = chooseRecoveryPoint(
      [
        {
          RecoveryPointArn: 'rp-old',
          ResourceArn: LIVE_DB_ARN,
          Status: 'COMPLETED',
          CreationDate: new Date('2026-02-01T00:00:00Z'),
        },
        {
          RecoveryPointArn: 'rp-new',
          ResourceArn: LIVE_DB_ARN,
          Status: 'COMPLETED',
          CreationDate: new Date('2026-02-28T00:00:00Z'),
        },
        {
          RecoveryPointArn: 'rp-creating',
          ResourceArn: LIVE_DB_ARN,
          Status: 'CREATING',
          CreationDate: new Date('2026-03-01T00:00:00Z'),
        },
        { RecoveryPointArn: CONTINUOUS_RP, ResourceArn: LIVE_DB_ARN, Status: 'STOPPED' },
        {
          RecoveryPointArn: 'rp-other',
          ResourceArn: `${LIVE_DB_ARN}-2`,
          Status: 'COMPLETED',
          CreationDate: new Date('2026-03-01T01:00:00Z'),
        },
      ],
      LIVE_DB_ARN,
    );
    expect(chosen?.arn).toBe('rp-new');
  });

  test('nothing usable: undefined', () => {
    expect(
      chooseRecoveryPoint([{ RecoveryPointArn: 'rp', ResourceArn: LIVE_DB_ARN, Status: 'PARTIAL' }], LIVE_DB_ARN),
    ).toBeUndefined();
  });
});

describe('restore metadata', () => {
  test('merging compares keys without case and keeps the first spelling', () => {
    expect(mergeRestoreMetadata({ DBSubnetGroupName: 'live' }, { dbsubnetgroupname: 'isolated', Port: '5432' })).toEqual({
      DBSubnetGroupName: 'isolated',
      Port: '5432',
    });
  });

  test('the selection overrides win over the recovery point, the drill name and safety switches win over both', () => {
    const metadata = buildRestoreMetadata({
      type: 'RDS',
      recoveryPointMetadata: {
        DBInstanceIdentifier: 'crm-demo-database',
        DBSubnetGroupName: 'crm-demo-live-data',
        VpcSecurityGroupIds: '["sg-live"]',
        DeletionProtection: 'true',
        MultiAZ: 'true',
      },
      overrides: {
        dbsubnetgroupname: 'isolated-data',
        vpcsecuritygroupids: '["sg-restore"]',
        dbinstanceidentifier: 'crm-demo-database',
      },
      restoredName: DRILL_DB,
      liveName: 'crm-demo-database',
    });
    expect(metadata).toEqual({
      DBInstanceIdentifier: DRILL_DB,
      DBSubnetGroupName: 'isolated-data',
      VpcSecurityGroupIds: '["sg-restore"]',
      DeletionProtection: 'false',
      MultiAZ: 'true',
    });
  });

  test('keys are spelled as the recovery point spells them, else as AWS Backup documents them', () => {
    const metadata = buildRestoreMetadata({
      type: 'RDS',
      recoveryPointMetadata: { DBInstanceIdentifier: 'crm-demo-database', multiaz: 'true' },
      // The restore testing selection's spelling (case-insensitive there).
      overrides: { multiAz: 'false', enableIamDatabaseAuthentication: 'true', dbSubnetGroupName: 'isolated', someNewKey: 'x' },
      restoredName: DRILL_DB,
      liveName: 'crm-demo-database',
    });
    expect(metadata).toEqual({
      DBInstanceIdentifier: DRILL_DB,
      multiaz: 'false',
      EnableIAMDatabaseAuthentication: 'true',
      DBSubnetGroupName: 'isolated',
      someNewKey: 'x',
    });
  });

  test('RDS switches the recovery point does not mention are not added (an unknown key could fail the restore)', () => {
    const metadata = buildRestoreMetadata({
      type: 'RDS',
      recoveryPointMetadata: { DBInstanceIdentifier: 'crm-demo-database' },
      overrides: {},
      restoredName: DRILL_DB,
      liveName: 'crm-demo-database',
    });
    expect(metadata).toEqual({ DBInstanceIdentifier: DRILL_DB });
  });

  test('S3 restores go to a new, encrypted, drill-named bucket, never the live one', () => {
    const metadata = buildRestoreMetadata({
      type: 'S3',
      recoveryPointMetadata: { DestinationBucketName: 'crm-demo-phi', NewBucket: 'false', Encrypted: 'false' },
      overrides: { encryptionType: 'SSE-KMS', kmsKey: 'arn:aws:kms:us-east-1:111122223333:key/phi' },
      restoredName: DRILL_BUCKET,
      liveName: 'crm-demo-phi',
    });
    expect(metadata).toEqual({
      EncryptionType: 'SSE-KMS',
      DestinationBucketName: DRILL_BUCKET,
      NewBucket: 'true',
      Encrypted: 'true',
      KMSKey: 'arn:aws:kms:us-east-1:111122223333:key/phi',
    });
  });

  test('without an encryption override, S3 objects keep their original encryption', () => {
    const metadata = buildRestoreMetadata({
      type: 'S3',
      recoveryPointMetadata: {},
      overrides: {},
      restoredName: DRILL_BUCKET,
      liveName: 'crm-demo-phi',
    });
    expect(metadata).toMatchObject({ EncryptionType: 'original', Encrypted: 'true' });
  });

  test('a drill name equal to the live name is refused', () => {
    expect(() =>
      buildRestoreMetadata({ type: 'RDS', recoveryPointMetadata: {}, overrides: {}, restoredName: 'live', liveName: 'live' }),
    ).toThrow(/refusing to restore/);
  });
});

describe('resolveDrillPlan', () => {
  let mocks: Mocks;
  beforeEach(() => {
    mocks = mockDeployment();
  });
  afterEach(() => mocks.restore());

  test("reads the selection of the deployment's restore testing plan and the primary vault, and builds the database plan", async () => {
    const plan = await resolveDrillPlan(realClients().backup, {
      config: demoConfig(),
      account: ACCOUNT,
      resource: 'database',
      now: NOW,
    });

    expect(mocks.backup.commandCalls(GetRestoreTestingSelectionCommand)[0].args[0].input).toEqual({
      RestoreTestingPlanName: 'crm_demo_restore_tests',
      RestoreTestingSelectionName: 'phi_database',
    });
    expect(mocks.backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[0].args[0].input).toMatchObject({
      BackupVaultName: VAULT,
      ByResourceArn: LIVE_DB_ARN,
    });
    expect(mocks.backup.commandCalls(GetRecoveryPointRestoreMetadataCommand)[0].args[0].input).toEqual({
      BackupVaultName: VAULT,
      RecoveryPointArn: CONTINUOUS_RP,
    });
    expect(plan).toMatchObject({
      region: REGION,
      resourceType: 'RDS',
      protectedResourceArn: LIVE_DB_ARN,
      iamRoleArn: RESTORE_ROLE,
      restoredName: DRILL_DB,
      validatorFunctionName: 'crm-demo-restore-validator',
      targets: { rpoMinutes: 60, rtoMinutes: 240 },
      recoveryPoint: { arn: CONTINUOUS_RP, continuous: true },
    });
    // The overrides of the scheduled restore tests (isolated subnets, dedicated security group) win.
    expect(plan.metadata).toMatchObject({
      DBInstanceIdentifier: DRILL_DB,
      DBSubnetGroupName: 'crm-demo-isolated-data',
      VpcSecurityGroupIds: '["sg-0restoretest"]',
      DeletionProtection: 'false',
    });
  });

  test('the documents plan restores the newest bucket recovery point into a new drill bucket', async () => {
    const plan = await resolveDrillPlan(realClients().backup, {
      config: demoConfig(),
      account: ACCOUNT,
      resource: 'documents',
      now: NOW,
    });
    expect(plan).toMatchObject({ resourceType: 'S3', restoredName: DRILL_BUCKET, recoveryPoint: { arn: S3_RP } });
    expect(plan.metadata).toMatchObject({ DestinationBucketName: DRILL_BUCKET, NewBucket: 'true', EncryptionType: 'SSE-KMS' });
  });

  describe('--from air-gapped (config organization)', () => {
    const BACKUP_ACCOUNT = '333333333333';
    const organized = (regions: string[]) =>
      demoConfig({
        account: ACCOUNT,
        organization: {
          organizationId: 'o-a1b2c3d4e5',
          managementAccount: '111111111111',
          workloadOuId: 'ou-ab12-cd34ef56',
          logArchive: { account: '222222222222' },
          backup: { account: BACKUP_ACCOUNT, regions },
        },
      });

    test("reads the backup account's vault shared with this account, by its owner's account ID", async () => {
      const plan = await resolveDrillPlan(realClients().backup, {
        config: organized(['us-west-2', 'us-east-1']),
        account: ACCOUNT,
        resource: 'database',
        now: NOW,
        from: 'air-gapped',
      });
      const inVault = { BackupVaultName: 'crm-demo-backup-vault-lag', BackupVaultAccountId: BACKUP_ACCOUNT };
      expect(mocks.backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[0].args[0].input).toMatchObject(inVault);
      expect(mocks.backup.commandCalls(GetRecoveryPointRestoreMetadataCommand)[0].args[0].input).toMatchObject(inVault);
      expect(plan).toMatchObject({ vaultName: 'crm-demo-backup-vault-lag', vaultAccountId: BACKUP_ACCOUNT });
    });

    test('refuses (exit 2, nothing asked of AWS) without a vault in the primary region, or without organization', async () => {
      const attempt = (config: ReturnType<typeof demoConfig>) =>
        resolveDrillPlan(realClients().backup, { config, account: ACCOUNT, resource: 'database', now: NOW, from: 'air-gapped' });
      await expect(attempt(organized(['us-west-2']))).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringMatching(/air-gapped vaults are in us-west-2, not in the primary region us-east-1/),
      });
      await expect(attempt(demoConfig())).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/organization/) });
      expect(mocks.backup.calls()).toHaveLength(0);
    });
  });

  test('no completed recovery point: the drill fails (exit 1) and says so', async () => {
    mocks.backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [{ RecoveryPointArn: SNAPSHOT_RP, ResourceArn: LIVE_DB_ARN, Status: 'CREATING' }],
    });
    const plan = resolveDrillPlan(realClients().backup, {
      config: demoConfig(),
      account: ACCOUNT,
      resource: 'database',
      now: NOW,
    });
    await expect(plan).rejects.toThrow(/no completed recovery point of .* in vault crm-demo-backup-vault \(1 listed\)/);
    await expect(plan).rejects.toMatchObject({ exitCode: 1 });
    expect(mocks.backup.commandCalls(GetRecoveryPointRestoreMetadataCommand)).toHaveLength(0);
  });

  test('a wildcard selection is refused: the drill must know which resource it restores', async () => {
    mocks.backup.on(GetRestoreTestingSelectionCommand).resolves({
      RestoreTestingSelection: {
        RestoreTestingPlanName: 'p',
        RestoreTestingSelectionName: 'phi_database',
        ProtectedResourceType: 'RDS',
        ProtectedResourceArns: ['*'],
        IamRoleArn: RESTORE_ROLE,
        CreationTime: NOW,
      },
    });
    await expect(
      resolveDrillPlan(realClients().backup, { config: demoConfig(), account: ACCOUNT, resource: 'database', now: NOW }),
    ).rejects.toThrow(/must name exactly one RDS resource ARN, found \[\*\]/);
  });

  test('a selection of another resource type is refused', async () => {
    mocks.backup.on(GetRestoreTestingSelectionCommand).resolves({
      RestoreTestingSelection: {
        RestoreTestingPlanName: 'p',
        RestoreTestingSelectionName: 'phi_database',
        ProtectedResourceType: 'Aurora',
        ProtectedResourceArns: [LIVE_DB_ARN],
        IamRoleArn: RESTORE_ROLE,
        CreationTime: NOW,
      },
    });
    await expect(
      resolveDrillPlan(realClients().backup, { config: demoConfig(), account: ACCOUNT, resource: 'database', now: NOW }),
    ).rejects.toThrow(/protects Aurora, expected RDS/);
  });
});

describe('deletionTarget', () => {
  test("accepts the restore job's drill-named copy", () => {
    expect(deletionTarget(planFor('database'), DRILL_DB_ARN)).toEqual({ kind: 'RDS', arn: DRILL_DB_ARN, identifier: DRILL_DB });
    expect(deletionTarget(planFor('documents'), DRILL_BUCKET_ARN)).toEqual({
      kind: 'S3',
      arn: DRILL_BUCKET_ARN,
      bucket: DRILL_BUCKET,
    });
  });

  test.each([
    ['the live database', 'database', LIVE_DB_ARN, /is the live resource/],
    ['the live bucket', 'documents', LIVE_BUCKET_ARN, /is the live resource/],
    [
      'an instance without the drill marker',
      'database',
      `arn:aws:rds:${REGION}:${ACCOUNT}:db:crm-demo-reporting`,
      /not this drill's copy/,
    ],
    [
      "another drill's copy",
      'database',
      `arn:aws:rds:${REGION}:${ACCOUNT}:db:crm-demo-drill-202601011200`,
      /not this drill's copy/,
    ],
    ['a copy in another account', 'database', `arn:aws:rds:${REGION}:999988887777:db:${DRILL_DB}`, /not in account/],
    ['a cluster ARN', 'database', `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:${DRILL_DB}`, /not an RDS resource ARN/],
    ['no created resource', 'database', undefined, /reports no created resource/],
  ] as const)('refuses %s', (_what, resource, arn, reason) => {
    const target = deletionTarget(planFor(resource), arn);
    expect(target).toBeInstanceOf(Error);
    expect((target as Error).message).toMatch(reason);
  });

  test('refuses the live resource even if it were named like a drill copy', () => {
    const plan = { ...planFor('database'), protectedResourceArn: DRILL_DB_ARN };
    expect(deletionTarget(plan, DRILL_DB_ARN)).toBeInstanceOf(Error);
  });
});
