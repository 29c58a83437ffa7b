import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DeploymentKeys, deploymentKeysSettings } from '../../lib/capabilities/deployment-keys';
import { LOGICAL_IDS } from '../../lib/vocabulary';
import { ORGANIZATION_CONFIG, shippedConfig } from '../helpers/config';
import { envOf, logicalIdOfL2, templateApp } from '../helpers/stand-ins';

describe('DeploymentKeys from config/production.example.json', () => {
  const config = shippedConfig('config/production.example.json');
  const stack = new Stack(templateApp(), 'Keys', { env: envOf(config) });
  const keysConstruct = new DeploymentKeys(stack, 'Keys', deploymentKeysSettings(config));
  const template = Template.fromStack(stack);
  const keys = template.findResources('AWS::KMS::Key');

  test('one key per data class and the certificate-signing key, with pinned logical IDs', () => {
    // Changing these replaces the keys, which makes everything encrypted under them unreadable.
    expect(Object.keys(keys).sort()).toEqual(['AuditKey', 'BackupKey', 'CertificateSigningKey', 'PhiKey']);
    expect(keys.CertificateSigningKey.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(template.findResources('AWS::KMS::Alias')[LOGICAL_IDS.keys.certificateSigningAlias].Properties).toEqual({
      AliasName: 'alias/acme-crm-prod/certificate-signing',
      TargetKeyId: { 'Fn::GetAtt': ['CertificateSigningKey', 'Arn'] },
    });
    expect(logicalIdOfL2(keysConstruct.phiKey)).toBe(LOGICAL_IDS.keys.phi);
    expect(logicalIdOfL2(keysConstruct.auditKey)).toBe(LOGICAL_IDS.keys.audit);
    expect(logicalIdOfL2(keysConstruct.backupKey)).toBe(LOGICAL_IDS.keys.backup);
    expect(logicalIdOfL2(keysConstruct.certificateSigningKey)).toBe(LOGICAL_IDS.keys.certificateSigning);
  });

  test.each(['phi', 'audit', 'backup'])(
    'the %s key rotates on the configured period, waits the configured window, and is retained',
    (dataClass) => {
      template.hasResource('AWS::KMS::Key', {
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          EnableKeyRotation: true,
          RotationPeriodInDays: 180,
          PendingWindowInDays: 30,
          // The deployment tag comes from the app (see test/app.test.ts).
          Tags: Match.arrayWith([{ Key: 'hipaa-crm:data-class', Value: dataClass }]),
        }),
      });
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/acme-crm-prod/${dataClass}` });
    },
  );

  test('every key policy limits kms:CreateGrant to AWS services acting for a resource (CT.KMS.PR.3)', () => {
    for (const key of Object.values(keys)) {
      expect(key.Properties.KeyPolicy.Statement).toContainEqual({
        Sid: 'DenyGrantsExceptForAwsResources',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      });
    }
  });

  test('only the audit key lets CloudWatch Logs use it, and only for log groups of this account and region', () => {
    const logsStatements = Object.entries(keys).flatMap(([id, key]) =>
      (key.Properties.KeyPolicy.Statement as { Sid?: string }[])
        .filter((s) => s.Sid === 'AllowCloudWatchLogsOfThisAccount')
        .map((s) => ({ id, s })),
    );
    expect(logsStatements.map((x) => x.id)).toEqual(['AuditKey']);
    expect(logsStatements[0].s).toMatchObject({
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Condition: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111122223333:log-group:*',
        },
      },
    });
  });

  test('only the audit key lets EventBridge rules of this account write to encrypted dead-letter queues', () => {
    const statements = Object.entries(keys).flatMap(([id, key]) =>
      (key.Properties.KeyPolicy.Statement as { Sid?: string }[])
        .filter((s) => s.Sid === 'AllowEventBridgeDeadLettersOfThisAccount')
        .map((s) => ({ id, s })),
    );
    expect(statements.map((x) => x.id)).toEqual(['AuditKey']);
    expect(statements[0].s).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:events:us-east-1:111122223333:rule/*' } },
    });
  });

  test("each key policy holds only the key's own statements: every consumer grants itself the rest", () => {
    // Where each moved grant is asserted: security-notifications, activity-audit, threat-detection,
    // sign-in-audit, backup-assurance and key-lifecycle (test/capabilities/), on the key they receive.
    const sids = Object.fromEntries(
      Object.entries(keys).map(([id, key]) => [
        id,
        (key.Properties.KeyPolicy.Statement as { Sid?: string }[]).map((s) => s.Sid ?? 'root'),
      ]),
    );
    expect(sids).toEqual({
      PhiKey: ['root', 'DenyGrantsExceptForAwsResources'],
      AuditKey: [
        'root',
        'DenyGrantsExceptForAwsResources',
        'AllowCloudWatchLogsOfThisAccount',
        'AllowEventBridgeDeadLettersOfThisAccount',
      ],
      BackupKey: ['root', 'DenyGrantsExceptForAwsResources'],
      CertificateSigningKey: ['root', 'DenyGrantsExceptForAwsResources'],
    });
  });

  test('no key policy grants anything to a principal outside the account: the account root is the only AWS principal', () => {
    // Roles created after the keys are granted by their consumers, each narrowed to its exact ARN in this
    // account (test/constructs/key-policy-grants.test.ts checks every grant).
    for (const key of Object.values(keys)) {
      for (const s of key.Properties.KeyPolicy.Statement as { Effect: string; Principal: { AWS?: unknown } }[]) {
        if (s.Effect !== 'Allow' || !s.Principal.AWS) continue;
        expect(JSON.stringify(s.Principal.AWS)).toMatch(/^"arn:aws:iam::111122223333:root"$/);
      }
    }
  });
});

describe('deploymentKeysSettings', () => {
  test('translates the key timing', () => {
    const config = shippedConfig('config/production.example.json');
    const settings = deploymentKeysSettings(config);
    expect(settings.deployment).toBe('acme-crm-prod');
    expect(settings.rotationPeriod.toDays()).toBe(config.keys.rotationPeriodDays);
    expect(settings.pendingWindow.toDays()).toBe(config.keys.pendingWindowDays);
  });
});

describe('accounts apart: the source keys of the copies into the backup account', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized JSON
  const statementsOf = (file: string): Record<string, any[]> => {
    const config = shippedConfig(file);
    const stack = new Stack(templateApp(), 'Keys', { env: envOf(config) });
    new DeploymentKeys(stack, 'Keys', deploymentKeysSettings(config));
    const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
    return Object.fromEntries(Object.entries(keys).map(([id, k]) => [id, k.Properties.KeyPolicy.Statement]));
  };
  const slr = 'arn:aws:iam::333333333333:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup';
  const organized = statementsOf(ORGANIZATION_CONFIG);

  test.each(['PhiKey', 'BackupKey'])(
    "the %s lets the backup account's AWS Backup (exact role, organization, account) decrypt and grant, nothing more",
    (id) => {
      const copy = organized[id].filter((s) => s.Sid?.startsWith('AllowBackupAccountAwsBackupToCopy'));
      expect(copy).toHaveLength(2);
      for (const s of copy) {
        expect(s.Principal).toEqual({ AWS: '*' });
        expect(s.Condition.ArnEquals).toEqual({ 'aws:PrincipalArn': [slr] });
        expect(s.Condition.StringEquals).toEqual({
          'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
          'aws:PrincipalAccount': '333333333333',
        });
      }
      expect(copy[0].Action).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']);
      expect(copy[1]).toMatchObject({ Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
    },
  );

  test('the audit and signing keys grant the backup account nothing; single-account keys grant no other account', () => {
    expect(JSON.stringify([organized.AuditKey, organized.CertificateSigningKey])).not.toContain('333333333333');
    for (const file of ['config/demo.json', 'config/production.example.json']) {
      expect(JSON.stringify(statementsOf(file))).not.toMatch(/AllowBackupAccount|PrincipalOrgID/);
    }
  });
});
