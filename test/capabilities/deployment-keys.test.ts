/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DeploymentKeys, deploymentKeysSettings } from '../../lib/capabilities/deployment-keys';
import { deploymentNames, LOGICAL_IDS } from '../../lib/vocabulary';
import { KEY_IDS } from '../helpers/cfn-values';
import { shippedConfig } from '../helpers/config';
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
        DeletionPolicy: 'Retain',
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

  test('only the audit key lets CloudWatch alarms and EventBridge publish to encrypted topics of this account and region', () => {
    const sids = ['AllowCloudWatchAlarmsToPublishToTopicsOfThisAccount', 'AllowEventBridgeToPublishToTopicsOfThisAccount'];
    const statements = Object.entries(keys).flatMap(([id, key]) =>
      (key.Properties.KeyPolicy.Statement as { Sid?: string }[])
        .filter((s) => sids.includes(s.Sid ?? ''))
        .map((s) => ({ id, s })),
    );
    expect(statements.map((x) => x.id)).toEqual(['AuditKey', 'AuditKey']);
    const topicsOfThisAccount = { 'kms:EncryptionContext:aws:sns:topicArn': 'arn:aws:sns:us-east-1:111122223333:*' };
    expect(statements.map((x) => x.s)).toEqual([
      {
        Sid: sids[0],
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' }, ArnLike: topicsOfThisAccount },
      },
      {
        Sid: sids[1],
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        // SNS documents aws:SourceAccount / aws:SourceArn as unsupported for EventBridge to encrypted topics.
        Condition: { ArnLike: topicsOfThisAccount },
      },
    ]);
  });

  test('only the audit key lets CloudTrail use it, for the deployment trail only, and account principals decrypt its logs', () => {
    const sids = [
      'AllowCloudTrailToEncryptLogsOfTheTrail',
      'AllowCloudTrailToDescribeKeyAndDecryptForTheTrail',
      'AllowPrincipalsOfThisAccountToDecryptCloudTrailLogs',
    ];
    const statements = Object.entries(keys).flatMap(([id, key]) =>
      (key.Properties.KeyPolicy.Statement as { Sid?: string }[])
        .filter((s) => sids.includes(s.Sid ?? ''))
        .map((s) => ({ id, s })),
    );
    expect(statements.map((x) => x.id)).toEqual(['AuditKey', 'AuditKey', 'AuditKey']);
    const thisTrail = { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111122223333:trail/acme-crm-prod-audit-trail' };
    expect(statements.map((x) => x.s)).toEqual([
      {
        Sid: sids[0],
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: {
          StringEquals: thisTrail,
          ArnLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111122223333:trail/*' },
        },
      },
      {
        Sid: sids[1],
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: thisTrail },
      },
      {
        // Delegated to IAM (the account, not "*"): a reader still needs an IAM grant.
        Sid: sids[2],
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:CallerAccount': '111122223333' },
          Null: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'false' },
        },
      },
    ]);
    // The trail the key names is the deployment's trail name, which the Audit stack gives its trail.
    expect(deploymentNames(config.name).trail).toBe('acme-crm-prod-audit-trail');
  });

  test("only the audit key lets the log delivery service encrypt log files (Cognito's sign-in log), for this account and region only", () => {
    const statements = Object.entries(keys).flatMap(([id, key]) =>
      (key.Properties.KeyPolicy.Statement as { Principal?: { Service?: unknown } }[])
        .filter((s) => JSON.stringify(s.Principal?.Service ?? '').includes('delivery.logs.amazonaws.com'))
        .map((s) => ({ id, s })),
    );
    expect(statements.map((x) => x.id)).toEqual(['AuditKey']);
    expect(statements[0].s).toEqual({
      Sid: 'AllowLogDeliveryToEncryptLogFilesOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': '111122223333' },
        ArnLike: { 'aws:SourceArn': 'arn:aws:logs:us-east-1:111122223333:*' },
      },
    });
  });

  test('no key policy grants anything to a principal outside the account', () => {
    type Statement = { Sid?: string; Effect: string; Principal: { AWS?: unknown }; Condition?: any };
    for (const key of Object.values(keys)) {
      for (const s of key.Properties.KeyPolicy.Statement as Statement[]) {
        if (s.Effect !== 'Allow' || !s.Principal.AWS) continue;
        if (s.Principal.AWS === '*') {
          // Only roles created after the keys, each named by its exact ARN in this account: the Backup Audit
          // Manager report role, and the crypto-erasure role (Operations stack).
          expect(s.Condition.ArnEquals['aws:PrincipalArn']).toMatch(
            /^arn:aws:iam::111122223333:role\/(aws-service-role\/reports\.backup\.amazonaws\.com\/AWSServiceRoleForBackupReports|acme-crm-prod-crypto-erasure)$/,
          );
          expect(s.Condition.StringEquals['kms:CallerAccount']).toBe('111122223333');
          continue;
        }
        expect(JSON.stringify(s.Principal.AWS)).toMatch(/arn:.*:iam::111122223333:root/);
      }
    }
  });

  test('crypto-erasure may disable and schedule deletion of the phi and backup keys only, never the audit key', () => {
    const destructive = (id: string) =>
      (keys[id].Properties.KeyPolicy.Statement as any[]).filter(
        (s) =>
          s.Principal?.AWS === '*' &&
          [s.Action].flat().some((a: string) => a === 'kms:DisableKey' || a === 'kms:ScheduleKeyDeletion'),
      );
    expect(destructive(KEY_IDS.phi).length).toBeGreaterThan(0);
    expect(destructive(KEY_IDS.backup).length).toBeGreaterThan(0);
    expect(destructive(KEY_IDS.audit)).toEqual([]);
    expect(destructive('CertificateSigningKey')).toEqual([]);
    for (const s of [...destructive(KEY_IDS.phi), ...destructive(KEY_IDS.backup)]) {
      expect(s.Condition.ArnEquals['aws:PrincipalArn']).toBe('arn:aws:iam::111122223333:role/acme-crm-prod-crypto-erasure');
    }
  });

  test('only the audit key lets Backup Audit Manager write reports (the evidence bucket), generate and decrypt only', () => {
    const holders = Object.entries(keys).filter(([, key]) =>
      (key.Properties.KeyPolicy.Statement as { Sid?: string }[]).some(
        (s) => s.Sid === 'AllowBackupAuditManagerReportsOfThisAccount',
      ),
    );
    expect(holders.map(([id]) => id)).toEqual([KEY_IDS.audit]);
    const statement = (holders[0][1].Properties.KeyPolicy.Statement as any[]).find(
      (s) => s.Sid === 'AllowBackupAuditManagerReportsOfThisAccount',
    );
    expect(statement.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });
});

describe('deploymentKeysSettings', () => {
  test('translates the key timing and whether AWS Config delivers under the audit key', () => {
    const config = shippedConfig('config/production.example.json');
    const settings = deploymentKeysSettings(config);
    expect(settings.deployment).toBe('acme-crm-prod');
    expect(settings.rotationPeriod.toDays()).toBe(config.keys.rotationPeriodDays);
    expect(settings.pendingWindow.toDays()).toBe(config.keys.pendingWindowDays);
    expect(settings.configDelivery).toBe(config.detection.config);
  });
});
