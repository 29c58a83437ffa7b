/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { LockedBackupVault } from '../../lib/constructs/locked-backup-vault';
import { VAULT_EMPTIER_RESOURCE_TYPE } from '../../lib/constructs/vault-emptier';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

function build(disposable: boolean) {
  const stack = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'Vaults', {
    env: { account: '111122223333', region: 'us-east-1' },
  });
  const locked = new LockedBackupVault(stack, 'Locked', {
    backupVaultName: 'test-vault',
    encryptionKey: new kms.Key(stack, 'Key'),
    lockMode: 'GOVERNANCE',
    minRetention: Duration.days(35),
    maxRetention: Duration.days(400),
    disposable,
  });
  const template = Template.fromStack(stack);
  const vaultId = stack.getLogicalId(locked.vault.node.defaultChild as any);
  return { stack, locked, template, vaultId };
}

const disposable = build(true);
const of = (type: string) => Object.entries(disposable.template.findResources(type)) as [string, any][];

describe('VaultEmptier', () => {
  test('only a disposable (sandbox) vault has one', () => {
    expect(build(false).template.findResources(VAULT_EMPTIER_RESOURCE_TYPE)).toEqual({});
    expect(build(false).locked.emptier).toBeUndefined();
    expect(of(VAULT_EMPTIER_RESOURCE_TYPE)).toHaveLength(1);
  });

  test('names its vault by a GetAtt, so CloudFormation deletes it before the vault', () => {
    const [[, emptier]] = of(VAULT_EMPTIER_RESOURCE_TYPE);
    expect(emptier.Properties.BackupVaultName).toEqual({ 'Fn::GetAtt': [disposable.vaultId, 'BackupVaultName'] });
    // No DependsOn repeating the GetAtt (cfn-lint W3005), and none on the handler's role either.
    expect(emptier.DependsOn).toBeUndefined();
    const [[, fn]] = of('AWS::Lambda::Function');
    expect(fn.DependsOn).toBeUndefined();
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Timeout: 14 * 60 });
  });

  test("the handler's role lists this vault and deletes this account's recovery points only", () => {
    const [[, role]] = of('AWS::IAM::Role');
    const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['backup:ListRecoveryPointsByBackupVault'],
        Resource: { 'Fn::GetAtt': [disposable.vaultId, 'BackupVaultArn'] },
      },
      {
        Effect: 'Allow',
        Action: ['backup:DeleteRecoveryPoint'],
        Resource: 'arn:aws:backup:us-east-1:111122223333:recovery-point:*',
      },
      {
        Effect: 'Allow',
        Action: ['iam:CreateServiceLinkedRole'],
        Resource: 'arn:aws:iam::111122223333:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup',
        Condition: { StringEquals: { 'iam:AWSServiceName': 'backup.amazonaws.com' } },
      },
    ]);
  });

  test('acknowledges only the no-VPC finding, on the handler only', () => {
    const handler = disposable.stack.node
      .findChild(`${VAULT_EMPTIER_RESOURCE_TYPE}CustomResourceProvider`)
      .node.findChild('Handler');
    const acks = JSON.stringify(handler.node.metadata.map((m) => m.data));
    expect(acks).toContain('cdk-validator-cfnguard::lambda_inside_vpc_check');
    expect(acks).toContain('[HIPAA 164.312(e)(1)]');
    expect(acks).toContain('holdsPhi: false');
    const role = disposable.stack.node.findChild(`${VAULT_EMPTIER_RESOURCE_TYPE}CustomResourceProvider`).node.findChild('Role');
    expect(JSON.stringify(role.node.metadata.map((m) => m.data))).not.toContain('cdk-validator-cfnguard::');
  });
});
