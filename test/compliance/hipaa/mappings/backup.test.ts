import { claimsOf, claimsOfStacks } from './claims';

const dailyRule = { RuleName: 'daily', Lifecycle: { DeleteAfterDays: 35 } };
const drVaultArn = 'arn:aws:backup:us-west-2:111122223333:backup-vault:crm-demo-backup-vault-dr';

describe('AWS::Backup::BackupPlan', () => {
  test('a backup plan is the data backup plan, with each rule and how long it keeps', () => {
    expect(
      claimsOf('AWS::Backup::BackupPlan', {
        BackupPlan: { BackupPlanRule: [dailyRule, { RuleName: 'continuous', EnableContinuousBackup: true }] },
      }),
    ).toEqual({ '164.308(a)(7)(ii)(A)': 'rules: daily kept 35 days; continuous (continuous) kept ? days' });
    expect(claimsOf('AWS::Backup::BackupPlan', { BackupPlan: { BackupPlanRule: [] } })).toEqual({});
  });

  test('a plan copying recovery points to another vault is the disaster-recovery plan; one without copies is not', () => {
    const how = 'copies the recovery points of 1 rule(s) to another vault';
    const copying = { ...dailyRule, CopyActions: [{ DestinationBackupVaultArn: drVaultArn }] };
    expect(claimsOf('AWS::Backup::BackupPlan', { BackupPlan: { BackupPlanRule: [copying, dailyRule] } })).toMatchObject({
      '164.308(a)(7)(ii)(B)': how,
      '164.310(d)(2)(iv)': how,
    });
    expect(Object.keys(claimsOf('AWS::Backup::BackupPlan', { BackupPlan: { BackupPlanRule: [dailyRule] } }))).toEqual([
      '164.308(a)(7)(ii)(A)',
    ]);
  });
});

describe('AWS::Backup::BackupSelection, BackupVault, restore testing and audit', () => {
  test('a selection puts resources into the backup plan', () => {
    expect(claimsOf('AWS::Backup::BackupSelection', { BackupSelection: { Resources: ['arn:db', 'arn:bucket'] } })).toEqual({
      '164.308(a)(7)(ii)(A)': 'selects 2 resource(s) by ARN for the backup plan',
    });
  });

  test('a vault holds recovery points, encrypted with its key, behind Vault Lock and a deny-deletes policy', () => {
    expect(
      claimsOf('AWS::Backup::BackupVault', {
        BackupVaultName: 'crm-demo-backup-vault',
        EncryptionKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k',
        LockConfiguration: { MinRetentionDays: 35, MaxRetentionDays: 400, ChangeableForDays: 3 },
        AccessPolicy: { Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: ['backup:DeleteRecoveryPoint'] }] },
      }),
    ).toEqual({
      '164.312(a)(2)(iv)': 'backup vault encrypted with KMS key arn:aws:kms:us-east-1:111122223333:key/k',
      '164.312(c)(1)': 'Vault Lock COMPLIANCE (retention 35-400 days); denies backup:DeleteRecoveryPoint to every principal',
      '164.308(a)(7)(ii)(A)': 'holds recovery points (vault crm-demo-backup-vault)',
    });
    expect(
      claimsOf('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 1, MaxRetentionDays: 2 } }),
    ).toMatchObject({
      '164.312(c)(1)': 'Vault Lock GOVERNANCE (retention 1-2 days)',
    });
    expect(Object.keys(claimsOf('AWS::Backup::BackupVault', { BackupVaultName: 'v' }))).toEqual(['164.308(a)(7)(ii)(A)']);
  });

  test('a vault that a backup plan copies into is the disaster-recovery vault; another vault is not', () => {
    const how = 'receives the copies of scheduled recovery points in us-west-2';
    const claims = claimsOfStacks([
      {
        id: 'Backup',
        template: {
          Resources: {
            BackupVault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'crm-demo-backup-vault' } },
            Plan: {
              Type: 'AWS::Backup::BackupPlan',
              Properties: {
                BackupPlan: { BackupPlanRule: [{ ...dailyRule, CopyActions: [{ DestinationBackupVaultArn: drVaultArn }] }] },
              },
            },
          },
        },
      },
      {
        id: 'Dr',
        region: 'us-west-2',
        template: {
          Resources: {
            BackupDrVault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'crm-demo-backup-vault-dr' } },
          },
        },
      },
    ]);
    expect(claims['Dr/BackupDrVault']).toMatchObject({ '164.308(a)(7)(ii)(B)': how, '164.310(d)(2)(iv)': how });
    expect(Object.keys(claims['Backup/BackupVault'])).not.toContain('164.308(a)(7)(ii)(B)');
  });

  test('a vault a plan rule stores its recovery points in is data backup and storage, by reference or by name', () => {
    const how = 'stores the recovery points of the backup plan: retrievable exact copies under Vault Lock';
    const claims = claimsOfStacks([
      {
        id: 'Backup',
        template: {
          Resources: {
            BackupVault: {
              Type: 'AWS::Backup::BackupVault',
              Properties: { BackupVaultName: 'crm-demo-backup-vault', LockConfiguration: { MinRetentionDays: 35 } },
            },
            NamedVault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'named-vault' } },
            OtherVault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'other-vault' } },
            Plan: {
              Type: 'AWS::Backup::BackupPlan',
              Properties: {
                BackupPlan: {
                  BackupPlanRule: [
                    { ...dailyRule, TargetBackupVault: { 'Fn::GetAtt': ['BackupVault', 'BackupVaultName'] } },
                    { ...dailyRule, TargetBackupVault: 'named-vault' },
                  ],
                },
              },
            },
          },
        },
      },
      // The same logical ID in another stack is another vault.
      { id: 'Other', template: { Resources: { BackupVault: { Type: 'AWS::Backup::BackupVault', Properties: {} } } } },
    ]);
    expect(claims['Backup/BackupVault']['164.310(d)(2)(iv)']).toBe(how);
    expect(claims['Backup/NamedVault']['164.310(d)(2)(iv)']).toBe(
      'stores the recovery points of the backup plan: retrievable exact copies',
    );
    expect(claims['Backup/OtherVault']['164.310(d)(2)(iv)']).toBeUndefined();
    expect(claims['Other/BackupVault']['164.310(d)(2)(iv)']).toBeUndefined();
  });

  test('restore testing, its selections, the audit framework and its report plan are testing and revision', () => {
    expect(claimsOf('AWS::Backup::RestoreTestingPlan', { ScheduleExpression: 'cron(0 5 ? * SUN *)' })).toEqual({
      '164.308(a)(7)(ii)(D)': 'restore tests on cron(0 5 ? * SUN *)',
    });
    expect(claimsOf('AWS::Backup::RestoreTestingSelection', { ProtectedResourceType: 'RDS' })).toEqual({
      '164.308(a)(7)(ii)(D)': 'restores the RDS recovery points in every test',
    });
    expect(claimsOf('AWS::Backup::Framework', { FrameworkControls: [{}, {}, {}] })).toEqual({
      '164.308(a)(7)(ii)(D)': 'Backup Audit Manager framework with 3 controls',
    });
    expect(claimsOf('AWS::Backup::ReportPlan', { ReportSetting: { ReportTemplate: 'RESTORE_JOB_REPORT' } })).toEqual({
      '164.308(a)(7)(ii)(D)': 'delivers the RESTORE_JOB_REPORT report',
    });
  });
});

describe('AWS::Backup::LogicallyAirGappedBackupVault', () => {
  test('an air-gapped vault the plan copies into backs up, recovers and keeps intact; its key encrypts', () => {
    const claims = claimsOfStacks([
      {
        id: 'Backup',
        template: {
          Resources: {
            Plan: {
              Type: 'AWS::Backup::BackupPlan',
              Properties: {
                BackupPlan: {
                  BackupPlanRule: [
                    {
                      RuleName: 'daily',
                      CopyActions: [
                        { DestinationBackupVaultArn: 'arn:aws:backup:us-west-2:333333333333:backup-vault:crm-backup-vault-lag' },
                      ],
                    },
                  ],
                },
              },
            },
          },
        },
      },
      {
        id: 'BackupAccount',
        region: 'us-west-2',
        template: {
          Resources: {
            Vault: {
              Type: 'AWS::Backup::LogicallyAirGappedBackupVault',
              Properties: {
                BackupVaultName: 'crm-backup-vault-lag',
                MinRetentionDays: 35,
                MaxRetentionDays: 2600,
                EncryptionKeyArn: 'arn:aws:kms:us-west-2:333333333333:key/k',
              },
            },
          },
        },
      },
    ])['BackupAccount/Vault'];
    const how =
      'logically air-gapped vault crm-backup-vault-lag in us-west-2, compliance-locked by AWS (retention 35-2600 days), receives a copy of every scheduled recovery point from another account';
    expect(claims).toEqual({
      '164.312(a)(2)(iv)': 'logically air-gapped vault encrypted with KMS key arn:aws:kms:us-west-2:333333333333:key/k',
      '164.308(a)(7)(ii)(A)': how,
      '164.308(a)(7)(ii)(B)': how,
      '164.310(d)(2)(iv)': how,
      '164.312(c)(1)': how,
    });
  });
});
