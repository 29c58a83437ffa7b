/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  RESTORE_TEST_RECOVERY_POINT_TYPES,
  RestoreTesting,
  type RestoreTestingProps,
} from '../../lib/constructs/restore-testing';
import { RESTORE_TESTING_SELECTIONS } from '../../lib/vocabulary';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

const VAULT_ARN = 'arn:aws:backup:us-east-1:111122223333:backup-vault:crm-demo-backup-vault';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/crm-demo-backup';
const DB_ARN = 'arn:aws:rds:us-east-1:111122223333:db:crm-demo-crm';
const BUCKET_ARN = 'arn:aws:s3:::crm-demo-phi-documents';

/**
 * Override keys AWS Backup documents as overridable, copied from "Restore testing inferred metadata"
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html).
 * Anything else would be ignored or fail the restore.
 */
const DOCUMENTED_RDS_INSTANCE_OVERRIDES = [
  'allocatedStorage',
  'availabilityZones',
  'dbInstanceClass',
  'dbName',
  'dbParameterGroupName',
  'dbSubnetGroupName',
  'domain',
  'domainIamRoleName',
  'enableCloudwatchLogsExports',
  'enableIamDatabaseAuthentication',
  'iops',
  'licensemodel',
  'multiAz',
  'optionGroupName',
  'port',
  'processorFeatures',
  'publiclyAccessible',
  'storageType',
  'vpcSecurityGroupIds',
];
const DOCUMENTED_S3_OVERRIDES = ['encryptionType', 'kmsKey', 'restoreACLs'];

function setup(
  overrides: Partial<RestoreTestingProps> = {},
  /** A second plan in the same stack, given the first (the air-gapped copy's plan). */
  second?: (first: RestoreTesting) => Partial<RestoreTestingProps>,
) {
  const stack = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'Ops', {
    env: { account: '111122223333', region: 'us-east-1' },
  });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const phiKey = new kms.Key(stack, 'PhiKey', { enableKeyRotation: true });
  const props: RestoreTestingProps = {
    deployment: 'crm-demo',
    schedule: 'cron(0 5 ? * SUN *)',
    startWindowHours: 8,
    validationWindowHours: 6,
    vaultArn: VAULT_ARN,
    restoreRoleArn: ROLE_ARN,
    vpc,
    databaseInstanceArn: DB_ARN,
    databasePort: 5433,
    databaseSubnetGroupName: 'crm-demo-data-subnets',
    databaseParameterGroupName: 'crm-demo-postgres-params',
    documentsBucketArn: BUCKET_ARN,
    documentsKey: phiKey,
    ...overrides,
  };
  const first = new RestoreTesting(stack, 'RestoreTesting', props);
  const testing = second ? new RestoreTesting(stack, 'AirGappedRestoreTesting', { ...props, ...second(first) }) : first;
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const id = (e: { node: { defaultChild?: unknown } } | CfnElement) =>
    stack.resolve((('logicalId' in e ? e : e.node.defaultChild) as CfnElement).logicalId) as string;
  return { stack, testing, template, resources, id, phiKey };
}

describe('RestoreTesting', () => {
  test('the plan restores the latest continuous or snapshot recovery point of the primary vault on the schedule', () => {
    const { testing, resources, id } = setup();
    expect(resources[id(testing.plan)].Properties).toEqual({
      RestoreTestingPlanName: 'crm_demo_restore_tests',
      ScheduleExpression: 'cron(0 5 ? * SUN *)',
      StartWindowHours: 8,
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        IncludeVaults: [VAULT_ARN],
        RecoveryPointTypes: ['CONTINUOUS', 'SNAPSHOT'],
        SelectionWindowDays: 7,
      },
    });
    expect(RESTORE_TEST_RECOVERY_POINT_TYPES).toEqual(['CONTINUOUS', 'SNAPSHOT']);
  });

  test("the air-gapped copy's plan: its own name, only the shared air-gapped vault, snapshots only, the main plan's security group", () => {
    const lag = 'arn:aws:backup:us-east-1:333333333333:backup-vault:crm-demo-backup-vault-lag';
    let main: RestoreTesting | undefined;
    const { testing, resources, id } = setup({}, (first) => {
      main = first;
      return {
        planName: 'crm_demo_restore_tests_lag',
        vaultArn: lag,
        recoveryPointTypes: ['SNAPSHOT'],
        restoreSecurityGroup: first.restoreSecurityGroup,
      };
    });
    expect(resources[id(testing.plan)].Properties).toEqual(
      expect.objectContaining({
        RestoreTestingPlanName: 'crm_demo_restore_tests_lag',
        RecoveryPointSelection: expect.objectContaining({ IncludeVaults: [lag], RecoveryPointTypes: ['SNAPSHOT'] }),
      }),
    );
    expect(testing.restoreSecurityGroup).toBe(main?.restoreSecurityGroup);
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroup')).toHaveLength(1);
  });

  test('exposes the plan ARN for the validator rule and the selection names for the drill', () => {
    const { stack, testing, id } = setup();
    expect(stack.resolve(testing.planArn)).toEqual({ 'Fn::GetAtt': [id(testing.plan), 'RestoreTestingPlanArn'] });
    expect(testing.selectionNames).toEqual(RESTORE_TESTING_SELECTIONS);
  });

  test('database: the live instance, restored into the data subnet group, its own security group, private, IAM auth', () => {
    const { testing, resources, id } = setup();
    const selection = resources[id(testing.databaseSelection)].Properties;
    expect(selection).toEqual({
      RestoreTestingPlanName: { Ref: id(testing.plan) },
      RestoreTestingSelectionName: 'phi_database',
      ProtectedResourceType: 'RDS',
      ProtectedResourceArns: [DB_ARN],
      IamRoleArn: ROLE_ARN,
      ValidationWindowHours: 6,
      RestoreMetadataOverrides: {
        dbSubnetGroupName: 'crm-demo-data-subnets',
        vpcSecurityGroupIds: {
          'Fn::Join': ['', ['["', { 'Fn::GetAtt': [id(testing.restoreSecurityGroup), 'GroupId'] }, '"]']],
        },
        multiAz: 'false',
        publiclyAccessible: 'false',
        enableIamDatabaseAuthentication: 'true',
        port: '5433',
        dbParameterGroupName: 'crm-demo-postgres-params',
      },
    });
  });

  test('database: uses only override keys AWS Backup documents for RDS instances', () => {
    const { testing, resources, id } = setup({ databaseInstanceClass: 'db.t4g.medium' });
    const keys = Object.keys(resources[id(testing.databaseSelection)].Properties.RestoreMetadataOverrides);
    expect(keys).toContain('dbInstanceClass');
    for (const key of keys) expect(DOCUMENTED_RDS_INSTANCE_OVERRIDES).toContain(key);
  });

  test('database: without a parameter group or class, those overrides are left out (the backed-up values apply)', () => {
    const { testing, resources, id } = setup({ databaseParameterGroupName: undefined });
    const overrides = resources[id(testing.databaseSelection)].Properties.RestoreMetadataOverrides;
    expect(overrides).not.toHaveProperty('dbParameterGroupName');
    expect(overrides).not.toHaveProperty('dbInstanceClass');
  });

  test('documents: the PHI bucket, restored into a new bucket encrypted with the PHI key, without ACLs', () => {
    const { stack, testing, resources, id, phiKey } = setup();
    const selection = resources[id(testing.documentsSelection)].Properties;
    expect(selection).toEqual({
      RestoreTestingPlanName: { Ref: id(testing.plan) },
      RestoreTestingSelectionName: 'phi_documents',
      ProtectedResourceType: 'S3',
      ProtectedResourceArns: [BUCKET_ARN],
      IamRoleArn: ROLE_ARN,
      ValidationWindowHours: 6,
      RestoreMetadataOverrides: { encryptionType: 'SSE-KMS', kmsKey: stack.resolve(phiKey.keyArn), restoreACLs: 'false' },
    });
    for (const key of Object.keys(selection.RestoreMetadataOverrides)) expect(DOCUMENTED_S3_OVERRIDES).toContain(key);
  });

  test('the restored copies security group admits nothing and sends nothing until the validator is granted', () => {
    const { testing, template, id } = setup();
    const sg = template.toJSON().Resources[id(testing.restoreSecurityGroup)].Properties;
    expect(sg.SecurityGroupIngress).toBeUndefined();
    // CDK's placeholder rule for "no egress": a single ICMP rule to an address that does not exist.
    expect(sg.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' })]);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test.each([
    ['startWindowHours', 0],
    ['startWindowHours', 169],
    ['validationWindowHours', 0],
    ['validationWindowHours', 169],
    ['selectionWindowDays', 366],
    ['databasePort', 80],
  ] as const)('refuses %s = %d (outside what AWS Backup and RDS accept)', (name, value) => {
    expect(() => setup({ [name]: value })).toThrow(name);
  });
});
