/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { LockedBackupVault, type LockedBackupVaultProps } from '../../lib/constructs/locked-backup-vault';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

function build(overrides: Partial<LockedBackupVaultProps> = {}) {
  const stack = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'Vaults', {
    env: { account: '111122223333', region: 'us-east-1' },
  });
  const key = new kms.Key(stack, 'Key');
  const locked = new LockedBackupVault(stack, 'Locked', {
    backupVaultName: 'test-vault',
    encryptionKey: key,
    lockMode: 'GOVERNANCE',
    minRetention: Duration.days(35),
    maxRetention: Duration.days(400),
    ...overrides,
  });
  const [[logicalId, vault]] = Object.entries(Template.fromStack(stack).findResources('AWS::Backup::BackupVault')) as [
    string,
    any,
  ][];
  return { stack, key, locked, logicalId, vault };
}

describe('LockedBackupVault', () => {
  test('is named as asked and encrypted with the given customer-managed key', () => {
    const { stack, key, vault } = build();
    expect(vault.Properties.BackupVaultName).toBe('test-vault');
    expect(vault.Properties.EncryptionKeyArn).toEqual({
      'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'],
    });
  });

  test('is retained on stack deletion and on replacement', () => {
    expect(build().vault).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
  });

  test('GOVERNANCE: locked with the retention bounds and no lock date (a lock date would make it COMPLIANCE)', () => {
    expect(build().vault.Properties.LockConfiguration).toEqual({ MinRetentionDays: 35, MaxRetentionDays: 400 });
  });

  test('COMPLIANCE: locked with the retention bounds and the grace period after which it is immutable', () => {
    const { vault } = build({ lockMode: 'COMPLIANCE', changeableFor: Duration.days(3), maxRetention: Duration.days(2600) });
    expect(vault.Properties.LockConfiguration).toEqual({ MinRetentionDays: 35, MaxRetentionDays: 2600, ChangeableForDays: 3 });
  });

  test('refuses COMPLIANCE without a grace period, and a grace period in GOVERNANCE mode', () => {
    expect(() => build({ lockMode: 'COMPLIANCE' })).toThrow(/COMPLIANCE Vault Lock needs changeableFor/);
    expect(() => build({ lockMode: 'GOVERNANCE', changeableFor: Duration.days(3) })).toThrow(
      /changeableFor applies to COMPLIANCE mode only/,
    );
  });

  test('refuses a grace period under the 72 hours AWS Backup enforces', () => {
    expect(() => build({ lockMode: 'COMPLIANCE', changeableFor: Duration.days(2) })).toThrow(/72-hour cooling-off period/);
  });

  test('denies every principal deleting recovery points, shortening their lifecycle or replacing the access policy', () => {
    // Exactly the statement AWS Config's backup-recovery-point-manual-deletion-disabled looks for:
    // the three actions, wildcard principal and resource, no condition.
    expect(build().vault.Properties.AccessPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyRecoveryPointDeletionAndPolicyChanges',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle', 'backup:PutBackupVaultAccessPolicy'],
          Resource: '*',
        },
      ],
    });
  });

  test('leaves removing the access policy possible, so that it never becomes permanent', () => {
    const statements = build().vault.Properties.AccessPolicy.Statement as { Action: string[] }[];
    expect(statements.flatMap((s) => s.Action)).not.toContain('backup:DeleteBackupVaultAccessPolicy');
  });
});

describe('LockedBackupVault, disposable (sandbox profile only)', () => {
  test('has no Vault Lock and no deny policy, and is deleted with its stack', () => {
    const { vault } = build({ disposable: true });
    expect(vault.DeletionPolicy).toBe('Delete');
    expect(vault.Properties.LockConfiguration).toBeUndefined();
    expect(vault.Properties.AccessPolicy).toBeUndefined();
  });

  test('without it, the vault is locked, denies deletion and is retained', () => {
    const { vault } = build();
    expect(vault.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(vault.Properties.LockConfiguration).toBeDefined();
    expect(JSON.stringify(vault.Properties.AccessPolicy)).toMatch(/Deny/);
  });
});
