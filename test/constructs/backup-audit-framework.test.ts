/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BackupAuditFramework, type BackupAuditFrameworkProps } from '../../lib/constructs/backup-audit-framework';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

function setup(overrides: Partial<BackupAuditFrameworkProps> = {}) {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const stack = new Stack(app, 'Ops', { env: { account: '111122223333', region: 'us-east-1' } });
  const auditKey = new kms.Key(stack, 'AuditKey', { enableKeyRotation: true });
  const evidence = new s3.Bucket(stack, 'Evidence', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: auditKey,
    enforceSSL: true,
  });
  const audit = new BackupAuditFramework(stack, 'BackupAudit', {
    deployment: 'crm-demo',
    dailyRetentionDays: 35,
    minimumRecoveryPointRetentionDays: 35,
    vaultLockMinRetentionDays: 35,
    vaultLockMaxRetentionDays: 400,
    copyRegion: 'us-west-2',
    maxRestoreMinutes: 240,
    vaultName: 'crm-demo-backup-vault',
    evidenceBucket: evidence,
    ...overrides,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const id = (e: CfnElement) => stack.resolve(e.logicalId) as string;
  const controls = () => resources[id(audit.framework)].Properties.FrameworkControls as any[];
  const control = (name: string) => {
    const found = controls().filter((c) => c.ControlName === name);
    expect(found).toHaveLength(1);
    return found[0];
  };
  return { stack, audit, resources, id, controls, control, evidence };
}

const BY_TYPE = { ComplianceResourceTypes: ['RDS', 'S3'] };

describe('BackupAuditFramework controls', () => {
  test('has exactly the nine controls', () => {
    const { controls, resources, id, audit } = setup();
    expect(controls().map((c) => c.ControlName)).toEqual([
      'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN',
      'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
      'BACKUP_RECOVERY_POINT_ENCRYPTED',
      'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED',
      'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK',
      'BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION',
      'BACKUP_LAST_RECOVERY_POINT_CREATED',
      'RESTORE_TIME_FOR_RESOURCES_MEET_TARGET',
      'BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK',
    ]);
    expect(resources[id(audit.framework)].Properties.FrameworkName).toBe('crm_demo_backup_controls');
  });

  test.each([
    ['BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN', undefined, BY_TYPE],
    [
      'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
      { requiredFrequencyUnit: 'days', requiredFrequencyValue: '1', requiredRetentionDays: '35' },
      undefined,
    ],
    ['BACKUP_RECOVERY_POINT_ENCRYPTED', undefined, undefined],
    [
      'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED',
      undefined,
      { ComplianceResourceIds: ['crm-demo-backup-vault'], ComplianceResourceTypes: ['AWS::Backup::BackupVault'] },
    ],
    ['BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK', { minRetentionDays: '35', maxRetentionDays: '400' }, BY_TYPE],
    ['BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION', { crossRegionList: 'us-west-2' }, BY_TYPE],
    ['BACKUP_LAST_RECOVERY_POINT_CREATED', { recoveryPointAgeUnit: 'hours', recoveryPointAgeValue: '36' }, BY_TYPE],
    ['RESTORE_TIME_FOR_RESOURCES_MEET_TARGET', { maxRestoreTime: '240' }, BY_TYPE],
    ['BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK', { requiredRetentionDays: '35' }, undefined],
  ])('%s: parameters %j, scope %j', (name, parameters, scope) => {
    const { control } = setup();
    const c = control(name);
    const actual = Object.fromEntries((c.ControlInputParameters ?? []).map((p: any) => [p.ParameterName, p.ParameterValue]));
    expect(actual).toEqual(parameters ?? {});
    expect(c.ControlScope).toEqual(scope);
  });

  test('parameters follow the config: retention, vault lock bounds, DR region, RTO, recovery point age', () => {
    const { control } = setup({
      dailyRetentionDays: 90,
      minimumRecoveryPointRetentionDays: 30,
      vaultLockMinRetentionDays: 30,
      vaultLockMaxRetentionDays: 3650,
      copyRegion: 'eu-west-1',
      maxRestoreMinutes: 600,
      maxRecoveryPointAgeHours: 26,
    });
    const params = (name: string) =>
      Object.fromEntries(control(name).ControlInputParameters.map((p: any) => [p.ParameterName, p.ParameterValue]));
    expect(params('BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK').requiredRetentionDays).toBe('90');
    expect(params('BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK')).toEqual({ requiredRetentionDays: '30' });
    expect(params('BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK')).toEqual({
      minRetentionDays: '30',
      maxRetentionDays: '3650',
    });
    expect(params('BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION')).toEqual({ crossRegionList: 'eu-west-1' });
    expect(params('RESTORE_TIME_FOR_RESOURCES_MEET_TARGET')).toEqual({ maxRestoreTime: '600' });
    expect(params('BACKUP_LAST_RECOVERY_POINT_CREATED').recoveryPointAgeValue).toBe('26');
  });

  test('with copy accounts (the backup account), the cross-account copy control checks RDS and S3 go there too', () => {
    const { control, controls } = setup({ copyAccounts: ['333333333333'] });
    expect(controls()).toHaveLength(10);
    expect(control('BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT')).toEqual({
      ControlName: 'BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT',
      ControlInputParameters: [{ ParameterName: 'crossAccountList', ParameterValue: '333333333333' }],
      ControlScope: BY_TYPE,
    });
    expect(
      setup({ copyAccounts: [] })
        .controls()
        .map((c) => c.ControlName),
    ).not.toContain('BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT');
  });

  test('with a backup plan ID, the frequency and retention check evaluates that plan only', () => {
    const { control } = setup({ backupPlanId: 'plan-1234' });
    expect(control('BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK').ControlScope).toEqual({
      ComplianceResourceIds: ['plan-1234'],
      ComplianceResourceTypes: ['AWS::Backup::BackupPlan'],
    });
  });

  test.each([0, 745, 1.5])('refuses a recovery point age of %d hours', (hours) => {
    expect(() => setup({ maxRecoveryPointAgeHours: hours })).toThrow('maxRecoveryPointAgeHours');
  });
});

describe('BackupAuditFramework reports', () => {
  test('control compliance of the framework and the backup, copy and restore job reports, into backup-reports/', () => {
    const { stack, audit, resources, id, evidence } = setup();
    const bucket = JSON.parse(JSON.stringify(stack.resolve(evidence.bucketName)));
    const channel = { S3BucketName: bucket, S3KeyPrefix: 'backup-reports', Formats: ['CSV', 'JSON'] };
    expect(resources[id(audit.complianceReport)].Properties).toMatchObject({
      ReportPlanName: 'crm_demo_control_compliance',
      ReportDeliveryChannel: channel,
      ReportSetting: {
        ReportTemplate: 'CONTROL_COMPLIANCE_REPORT',
        FrameworkArns: [{ 'Fn::GetAtt': [id(audit.framework), 'FrameworkArn'] }],
      },
    });
    const jobs = Object.entries(audit.jobReports).map(([template, plan]) => [template, resources[id(plan)].Properties]);
    expect(jobs.map(([t, p]) => [t, p.ReportPlanName, p.ReportSetting])).toEqual([
      ['BACKUP_JOB_REPORT', 'crm_demo_backup_jobs', { ReportTemplate: 'BACKUP_JOB_REPORT' }],
      ['COPY_JOB_REPORT', 'crm_demo_copy_jobs', { ReportTemplate: 'COPY_JOB_REPORT' }],
      ['RESTORE_JOB_REPORT', 'crm_demo_restore_jobs', { ReportTemplate: 'RESTORE_JOB_REPORT' }],
    ]);
    for (const [, plan] of jobs) expect((plan as any).ReportDeliveryChannel).toEqual(channel);
  });

  test("the evidence bucket lets only Backup Audit Manager's service-linked role put reports, under backup-reports/", () => {
    const { stack, resources, evidence } = setup();
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::S3::BucketPolicy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const delivery = statements.filter((s) => s.Sid === 'AllowBackupAuditManagerReports');
    expect(delivery).toEqual([
      {
        Sid: 'AllowBackupAuditManagerReports',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [JSON.parse(JSON.stringify(stack.resolve(evidence.bucketArn))), '/backup-reports/*']] },
        Condition: {
          ArnEquals: {
            'aws:PrincipalArn':
              'arn:aws:iam::111122223333:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports',
          },
          StringEquals: { 'aws:PrincipalAccount': '111122223333', 's3:x-amz-acl': 'bucket-owner-full-control' },
        },
      },
    ]);
  });

  test('refuses a bucket whose policy it cannot change', () => {
    const stack = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'X', { env: { region: 'us-east-1' } });
    expect(() => setup({ evidenceBucket: s3.Bucket.fromBucketName(stack, 'Imported', 'some-bucket') })).toThrow(
      'cannot be changed',
    );
  });
});
