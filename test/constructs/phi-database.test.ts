import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PhiDatabase, type PhiDatabaseProps } from '../../lib/constructs/phi-database';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

function build(overrides: Partial<PhiDatabaseProps> = {}, keyStack?: (app: ReturnType<typeof projectApp>) => Stack) {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const stack = new Stack(app, 'Db', { env: { account: '111122223333', region: 'us-east-1' } });
  const keysIn = keyStack ? keyStack(app) : stack;
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Workload', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const database = new PhiDatabase(stack, 'Database', {
    vpc,
    subnets: { subnetGroupName: 'Data' },
    instanceIdentifier: 'test-crm',
    engineVersion: '16.6',
    instanceType: new ec2.InstanceType('t4g.medium'),
    allocatedStorageGiB: 20,
    maxAllocatedStorageGiB: 100,
    databaseName: 'crm',
    encryptionKey: new kms.Key(keysIn, 'Phi'),
    logEncryptionKey: new kms.Key(keysIn, 'Audit'),
    logRetention: logs.RetentionDays.SIX_YEARS,
    ...overrides,
  });
  return { app, stack, vpc, database };
}

const acknowledgedIds = (root: Stack) =>
  root.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.keys(m.data as Record<string, string>));

describe('PhiDatabase', () => {
  test('listens on 5433 by default, or on the given port, and grants clients that literal port', () => {
    for (const [port, expected] of [[undefined, 5433] as const, [6543, 6543] as const]) {
      const { stack, vpc, database } = build({ port });
      const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
      database.allowConnectionsFrom(client, 'test client');
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::RDS::DBInstance', { Port: String(expected) });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: expected,
        ToPort: expected,
        Description: 'test client',
        SourceSecurityGroupId: {
          'Fn::GetAtt': [stack.getLogicalId(client.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'],
        },
      });
    }
  });

  test('RDS manages and rotates the master password, in a secret under the PHI key; no rotation function, no transform', () => {
    const { stack, database } = build();
    const template = Template.fromStack(stack);
    const [instanceId] = Object.keys(template.findResources('AWS::RDS::DBInstance'));
    const [phiKeyId] = Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.startsWith('Phi'));
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      ManageMasterUserPassword: true,
      MasterUsername: 'crm_admin',
      MasterUserSecret: { KmsKeyId: { 'Fn::GetAtt': [phiKeyId, 'Arn'] } },
      MasterUserPassword: Match.absent(),
    });
    expect(stack.resolve(database.masterUserSecretArn)).toEqual({ 'Fn::GetAtt': [instanceId, 'MasterUserSecret.SecretArn'] });
    const json = template.toJSON();
    expect(json.Transform).toBeUndefined();
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::SecretsManager::RotationSchedule', 'AWS::Serverless::Application']) {
      expect(Object.keys(template.findResources(type))).toEqual([]);
    }
  });

  test('does not acknowledge the RDSInBackupPlan rule: the stack that holds it must put it in a backup selection', () => {
    const ids = acknowledgedIds(build().stack);
    expect(ids.filter((id) => /RDSInBackupPlan/.test(id))).toEqual([]);
  });

  test('acknowledges no KMS guard rule, whether the keys are in this stack or another (the guard rules read the resolved key)', () => {
    const sameStack = build().stack;
    expect(acknowledgedIds(sameStack)).not.toContain('cdk-validator-cfnguard::rds_storage_encrypted_kms_key_check');
    expect(acknowledgedIds(sameStack)).not.toContain('cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check');

    const otherStack = build(
      {},
      (app) => new Stack(app, 'Keys', { env: { account: '111122223333', region: 'us-east-1' } }),
    ).stack;
    expect(acknowledgedIds(otherStack)).not.toContain('cdk-validator-cfnguard::rds_storage_encrypted_kms_key_check');
    expect(acknowledgedIds(otherStack)).not.toContain('cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check');
  });
});

describe('PhiDatabase.allowConnectionsFrom a client in another stack', () => {
  test('creates both rules in the client stack, so the database stack never references it', () => {
    const { app, stack, vpc, database } = build();
    const clientStack = new Stack(app, 'Client', { env: { account: '111122223333', region: 'us-east-1' } });
    const client = new ec2.SecurityGroup(clientStack, 'Client', { vpc, allowAllOutbound: false });
    database.allowConnectionsFrom(client, 'cross-stack client');
    const clientSg = { 'Fn::GetAtt': [clientStack.getLogicalId(client.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] };
    const db = Template.fromStack(stack);
    const other = Template.fromStack(clientStack);
    other.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: clientSg,
      FromPort: 5433,
      ToPort: 5433,
    });
    other.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: clientSg, FromPort: 5433, ToPort: 5433 });
    expect(JSON.stringify(db.toJSON())).not.toContain('cross-stack client');
    expect(stack.dependencies).not.toContain(clientStack);
  });
});
