/* eslint-disable @typescript-eslint/no-explicit-any -- raw config JSON */
import { BackupAssurance, backupAssuranceSettings } from '../../lib/capabilities/backup-assurance';
import type { DeploymentConfig } from '../../lib/config/schema';
import { VALIDATOR_ENV } from '../../lambda/shared/restore-validation-contract';
import { deploymentNames, LOGICAL_IDS, STACK_IDS, SUBNET_GROUPS } from '../../lib/vocabulary';
import { isCrossStackRef } from '../helpers/cfn-values';
import { ORGANIZATION_CONFIG, rawConfig, SHIPPED_CONFIGS, shippedConfig } from '../helpers/config';
import { shippedAssembly, shippedStacks } from '../helpers/shipped-assembly';
import {
  ACCOUNT,
  refersToStack,
  standIns,
  StackTemplate,
  type CfnResource,
  type PrimaryStandIns,
} from '../helpers/operations-stand-ins';

/** The capability in an Operations stack; what it checks and reports into, in stand-ins of their stacks. */
function build(file: string) {
  const { config, stack, primary: p } = standIns(file);
  const ops = stack('Operations', 'operations');
  const assurance = new BackupAssurance(ops, 'BackupAssurance', {
    ...backupAssuranceSettings(config),
    vpc: p.vpc,
    database: p.database,
    documentsBucket: p.documentsBucket,
    phiKey: p.phiKey,
    backupVault: p.backupVault,
    backupPlan: p.backupPlan,
    restoreRole: p.backupRole,
    evidenceBucket: p.evidenceBucket,
    securityTopic: p.securityTopic,
    auditKey: p.auditKey,
  });
  return { config, primary: p, assurance, t: new StackTemplate(ops) };
}

interface Selection {
  readonly ProtectedResourceArns: unknown[];
  readonly IamRoleArn: unknown;
  readonly ValidationWindowHours: number;
  readonly RestoreMetadataOverrides: Record<string, unknown>;
}
interface EventRule {
  readonly EventPattern?: { source: string[]; 'detail-type': string[]; detail: Record<string, unknown[]> };
  readonly Targets: { Arn: unknown; DeadLetterConfig?: unknown }[];
}

describe.each(SHIPPED_CONFIGS)('BackupAssurance from %s', (file) => {
  let config: DeploymentConfig;
  let p: PrimaryStandIns;
  let assurance: BackupAssurance;
  let t: StackTemplate;

  beforeAll(() => {
    ({ config, primary: p, assurance, t } = build(file));
  });

  const selection = (type: 'RDS' | 'S3') =>
    t.only('AWS::Backup::RestoreTestingSelection', (r) => r.Properties.ProtectedResourceType === type)[1]
      .Properties as unknown as Selection;
  const rules = () => t.ofType('AWS::Events::Rule').map(([id, r]) => [id, r.Properties as unknown as EventRule] as const);

  test('the plan draws from the primary vault of the Backup stack on the configured schedule', () => {
    const plan = t.only('AWS::Backup::RestoreTestingPlan')[1].Properties as {
      ScheduleExpression: string;
      StartWindowHours: number;
      RecoveryPointSelection: { IncludeVaults: unknown[] };
    };
    expect(plan.ScheduleExpression).toBe(config.backup.restoreTesting.schedule);
    expect(plan.StartWindowHours).toBe(config.backup.restoreTesting.startWindowHours);
    expect(plan.RecoveryPointSelection.IncludeVaults).toHaveLength(1);
    expect(refersToStack(plan.RecoveryPointSelection.IncludeVaults[0], p.backup)).toBe(true);
  });

  test('the selections name the live database and documents bucket of the Data stack, restored by the backup role', () => {
    const database = selection('RDS');
    const documents = selection('S3');
    for (const sel of [database, documents]) {
      expect(sel.ProtectedResourceArns).toHaveLength(1);
      expect(refersToStack(sel.ProtectedResourceArns[0], p.data)).toBe(true);
      expect(refersToStack(sel.IamRoleArn, p.backup)).toBe(true);
      expect(sel.ValidationWindowHours).toBe(config.backup.restoreTesting.validationWindowHours);
    }
    expect(JSON.stringify(database.ProtectedResourceArns[0])).toMatch(/PhiDatabase/);
    expect(JSON.stringify(documents.ProtectedResourceArns[0])).toMatch(/PhiDocumentsBucket/);
  });

  test('a restored database lands in the data subnet group of the Data stack, behind the restore security group', () => {
    const overrides = selection('RDS').RestoreMetadataOverrides;
    const [subnetGroupKey] = Object.keys(overrides).filter((k) => /subnetgroupname/i.test(k));
    expect(refersToStack(overrides[subnetGroupKey], p.data)).toBe(true);
    expect(JSON.stringify(overrides[subnetGroupKey])).toMatch(/PhiDatabaseSubnetGroup/);
    const [sgKey] = Object.keys(overrides).filter((k) => /securitygroupids/i.test(k));
    expect(JSON.stringify(overrides[sgKey])).toContain(t.id(assurance.restoreTesting.restoreSecurityGroup));
  });

  test("finished restore jobs trigger the validator, which is told this plan's ARN to keep only its tests", () => {
    const validatorId = t.id(assurance.restoreValidation.handler.function);
    expect(t.of(assurance.restoreValidation.handler.function).Properties.FunctionName).toBe(`${config.name}-restore-validator`);
    const toValidator = rules()
      .filter(([, r]) => r.EventPattern?.['detail-type']?.includes('Restore Job State Change'))
      .filter(([, r]) => r.Targets.some((target) => JSON.stringify(target.Arn).includes(validatorId)));
    expect(toValidator).toHaveLength(1);
    const pattern = toValidator[0][1].EventPattern!;
    expect(pattern.source).toEqual(['aws.backup']);
    expect(pattern.detail.status).toContain('COMPLETED');
    expect(pattern.detail.restoreTestingPlanArn).toBeUndefined();
    const { Environment } = t.of(assurance.restoreValidation.handler.function).Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    const env = Environment.Variables;
    expect(JSON.stringify(env.RESTORE_TESTING_PLAN_ARN)).toContain(t.id(assurance.restoreTesting.plan));
  });

  test('the canary writes into the live database: ingress on its security group, IAM auth as hipaa_canary only', () => {
    const ingress = t.of(assurance.integrityCanary.databaseIngress).Properties;
    expect(refersToStack(ingress.GroupId, p.data)).toBe(true);
    expect(ingress.FromPort).toBe(p.database.port);
    const connect = t.statements(t.of(assurance.integrityCanary.handler.policy)).filter((st) => st.Action === 'rds-db:connect');
    expect(connect).toHaveLength(1);
    expect(JSON.stringify(connect[0].Resource)).toMatch(/dbuser:.*hipaa_canary/);
    expect(refersToStack(connect[0].Resource, p.data)).toBe(true);
  });

  test('failed backup, copy and restore jobs notify the security topic', () => {
    const notificationRules = Object.values(assurance.backupJobNotifications.rules).map(
      (rule) => t.of(rule).Properties as unknown as EventRule,
    );
    const detailTypes = notificationRules.flatMap((r) => r.EventPattern!['detail-type']).sort();
    expect(detailTypes).toEqual(['Backup Job State Change', 'Copy Job State Change', 'Restore Job State Change']);
    for (const r of notificationRules) {
      expect(r.Targets).toHaveLength(1);
      expect(isCrossStackRef(r.Targets[0].Arn, 'SecurityTopic', 'Ref')).toBe(true);
      expect(r.Targets[0].DeadLetterConfig).toBeDefined();
    }
  });

  test('Backup Audit Manager reports go to the evidence bucket of the Audit stack', () => {
    type ReportPlan = {
      ReportSetting: { ReportTemplate: string };
      ReportDeliveryChannel: { S3BucketName: unknown; S3KeyPrefix: string };
    };
    const plans = t.ofType('AWS::Backup::ReportPlan').map(([, r]) => r.Properties as unknown as ReportPlan);
    expect(plans.map((plan) => plan.ReportSetting.ReportTemplate).sort()).toEqual([
      'BACKUP_JOB_REPORT',
      'CONTROL_COMPLIANCE_REPORT',
      'COPY_JOB_REPORT',
      'RESTORE_JOB_REPORT',
    ]);
    for (const plan of plans) {
      expect(refersToStack(plan.ReportDeliveryChannel.S3BucketName, p.audit)).toBe(true);
      expect(plan.ReportDeliveryChannel.S3KeyPrefix).toMatch(/^backup-reports/);
    }
    const framework = t.only('AWS::Backup::Framework')[1].Properties as {
      FrameworkControls: { ControlName: string; ControlInputParameters?: unknown }[];
    };
    const rto = framework.FrameworkControls.find((c) => c.ControlName === 'RESTORE_TIME_FOR_RESOURCES_MEET_TARGET')!;
    expect(JSON.stringify(rto.ControlInputParameters)).toContain(String(config.backup.targets.rtoMinutes));
  });

  test("the audit key it receives (the evidence bucket's key) lets Backup Audit Manager write its reports, generate and decrypt only", () => {
    const sid = 'AllowBackupAuditManagerReportsOfThisAccount';
    const keys = new StackTemplate(p.keys);
    const holders = [p.phiKey, p.auditKey, p.backupKey].filter((key) =>
      keys.statements(keys.of(key), 'KeyPolicy').some((s) => s.Sid === sid),
    );
    expect(holders).toEqual([p.auditKey]);
    expect(keys.statements(keys.of(p.auditKey), 'KeyPolicy').filter((s) => s.Sid === sid)).toEqual([
      {
        Sid: sid,
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: {
          ArnEquals: {
            'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports`,
          },
          StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': `s3.${config.regions.primary}.amazonaws.com` },
        },
      },
    ]);
  });

  test('the validator and canary log groups keep their pinned logical IDs', () => {
    const pins: [CfnResource, string][] = [
      [t.of(assurance.restoreValidation.handler.logGroup), LOGICAL_IDS.operations.restoreValidatorLogGroup],
      [t.of(assurance.integrityCanary.handler.logGroup), LOGICAL_IDS.operations.integrityCanaryLogGroup],
    ];
    for (const [group, id] of pins) {
      expect(t.resources[id]).toBe(group);
      expect(group.Type).toBe('AWS::Logs::LogGroup');
      expect(group.DeletionPolicy).toBe('RetainExceptOnCreate');
    }
  });

  test('the validator and the canary run in the workload subnets by default, each with its own security group', () => {
    const network = new StackTemplate(p.network);
    const workload = p.vpc.selectSubnets({ subnetGroupName: SUBNET_GROUPS.workload }).subnets.map((subnet) => network.id(subnet));
    for (const handler of [assurance.restoreValidation.handler, assurance.integrityCanary.handler]) {
      const vpcConfig = t.of(handler.function).Properties.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
      expect(vpcConfig.SubnetIds.map((subnet) => workload.find((id) => JSON.stringify(subnet).includes(id)))).toEqual(workload);
      expect(vpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [t.id(handler.securityGroup!), 'GroupId'] }]);
    }
  });
});

test('backupAssuranceSettings: the air-gapped copy only with organization; its restore tests take only the vault of the primary region', () => {
  expect(backupAssuranceSettings(shippedConfig(ORGANIZATION_CONFIG)).airGappedCopy).toEqual({
    backupAccount: '333333333333',
    primaryRegionVaultArn: expect.stringMatching(/:backup:us-east-1:333333333333:backup-vault:acme-crm-org-backup-vault-lag$/),
  });
  const raw = rawConfig(ORGANIZATION_CONFIG);
  const organization = raw.organization as Record<string, any>;
  const drOnly = shippedConfig(ORGANIZATION_CONFIG, {
    organization: { ...organization, backup: { ...organization.backup, regions: ['us-west-2'] } },
  });
  // A vault in the DR region only: no plan of the primary region can restore from it.
  expect(backupAssuranceSettings(drOnly).airGappedCopy).toEqual({
    backupAccount: '333333333333',
    primaryRegionVaultArn: undefined,
  });
  for (const file of SHIPPED_CONFIGS) expect(backupAssuranceSettings(shippedConfig(file)).airGappedCopy).toBeUndefined();
});

describe('restore tests of the air-gapped copy, in the organization example as the app builds it', () => {
  const names = deploymentNames('acme-crm-org');
  const operations = shippedStacks(shippedAssembly(ORGANIZATION_CONFIG)).find((st) => st.id === STACK_IDS.operations);
  const resources = Object.values(operations?.template.Resources ?? {}) as { Type: string; Properties: Record<string, any> }[];
  const plans = resources.filter((r) => r.Type === 'AWS::Backup::RestoreTestingPlan');
  const lagPlan = plans.find((r) => r.Properties.RestoreTestingPlanName === names.airGappedRestoreTestingPlan);

  test('a plan of its own restores snapshots from the shared air-gapped vault only; the main plan from the primary vault only', () => {
    expect(plans).toHaveLength(2);
    expect(lagPlan?.Properties.RecoveryPointSelection).toEqual(
      expect.objectContaining({
        IncludeVaults: [
          {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':backup:us-east-1:333333333333:backup-vault:acme-crm-org-backup-vault-lag'],
            ],
          },
        ],
        RecoveryPointTypes: ['SNAPSHOT'],
      }),
    );
    const main = plans.find((r) => r.Properties.RestoreTestingPlanName === names.restoreTestingPlan);
    expect(main?.Properties.RecoveryPointSelection.IncludeVaults).toHaveLength(1);
    expect(JSON.stringify(main?.Properties.RecoveryPointSelection.IncludeVaults)).not.toContain('backup-vault-lag');
    // Both the database and the documents are restored from the copy.
    const selections = resources.filter((r) => r.Type === 'AWS::Backup::RestoreTestingSelection');
    expect(selections.map((r) => r.Properties.ProtectedResourceType).sort()).toEqual(['RDS', 'RDS', 'S3', 'S3']);
  });

  test('the validator validates the jobs of both plans', () => {
    const validator = resources.find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === names.restoreValidatorFunction,
    );
    const variables = validator?.Properties.Environment.Variables as Record<string, unknown>;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([VALIDATOR_ENV.restoreTestingPlanArn, VALIDATOR_ENV.airGappedRestoreTestingPlanArn]),
    );
    expect(variables[VALIDATOR_ENV.airGappedRestoreTestingPlanArn]).not.toEqual(variables[VALIDATOR_ENV.restoreTestingPlanArn]);
  });
});
