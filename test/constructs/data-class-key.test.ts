import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CRYPTO_ERASURE_CANARY_CONTEXT, DataClassKey } from '../../lib/constructs/data-class-key';
import { projectApp } from '../helpers/app';

const ENV = { account: '111122223333', region: 'eu-west-1' };

function keyPolicyStatements(build: (key: DataClassKey) => void): { Sid?: string }[] {
  const stack = new Stack(projectApp(), 'Keys', { env: ENV });
  const key = new DataClassKey(stack, 'Audit', { deployment: 't', dataClass: 'audit', description: 'audit trail' });
  build(key);
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'));
  return resource.Properties.KeyPolicy.Statement;
}

describe('DataClassKey.allowLogDeliveryToBuckets', () => {
  const sid = 'AllowLogDeliveryToEncryptLogFilesOfThisAccount';

  test('lets the log delivery service generate data keys, for log deliveries of this account and region only', () => {
    const statements = keyPolicyStatements((key) => key.allowLogDeliveryToBuckets());
    expect(statements.filter((s) => s.Sid === sid)).toEqual([
      {
        Sid: sid,
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111122223333' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:logs:eu-west-1:111122223333:*' },
        },
      },
    ]);
  });

  test('a key that is not asked to grants the delivery service nothing', () => {
    const statements = keyPolicyStatements(() => undefined);
    expect(JSON.stringify(statements)).not.toContain('delivery.logs.amazonaws.com');
  });
});

describe('DataClassKey.allowCryptoErasureBy', () => {
  const ROLE = 'arn:aws:iam::111122223333:role/crm-demo-crypto-erasure';
  type Statement = { Sid?: string; Principal?: unknown; Action?: unknown; Condition?: unknown };

  function erasableKeyPolicy(dataClass: 'phi' | 'backup' | 'phi-dr' | 'backup-dr', pendingWindowDays = 30): Statement[] {
    const stack = new Stack(projectApp(), 'Keys', { env: ENV });
    const key = new DataClassKey(stack, 'Key', {
      deployment: 'crm-demo',
      dataClass,
      description: 'erasable',
      pendingWindow: Duration.days(pendingWindowDays),
    });
    key.allowCryptoErasureBy(ROLE);
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'));
    return resource.Properties.KeyPolicy.Statement;
  }
  const onlyTheRole = { ArnEquals: { 'aws:PrincipalArn': ROLE }, StringEquals: { 'kms:CallerAccount': '111122223333' } };

  test('lets exactly the erasure role of this account describe, list tags and disable the key', () => {
    expect(erasableKeyPolicy('phi').find((s) => s.Sid === 'AllowCryptoErasureToInspectAndDisable')).toEqual({
      Sid: 'AllowCryptoErasureToInspectAndDisable',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:DescribeKey', 'kms:DisableKey', 'kms:ListResourceTags'],
      Resource: '*',
      Condition: onlyTheRole,
    });
  });

  test('schedules deletion only with at least the key’s own waiting period', () => {
    expect(erasableKeyPolicy('backup', 21).find((s) => s.Sid === 'AllowCryptoErasureToScheduleDeletion')).toEqual({
      Sid: 'AllowCryptoErasureToScheduleDeletion',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:ScheduleKeyDeletion',
      Resource: '*',
      Condition: { ...onlyTheRole, NumericGreaterThanOrEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': 21 } },
    });
  });

  test('encrypts and decrypts only the canary (its encryption context), never a data key of the data', () => {
    expect(erasableKeyPolicy('phi-dr').find((s) => s.Sid === 'AllowCryptoErasureCanary')).toEqual({
      Sid: 'AllowCryptoErasureCanary',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:Encrypt'],
      Resource: '*',
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': ROLE },
        StringEquals: {
          'kms:CallerAccount': '111122223333',
          [`kms:EncryptionContext:${Object.keys(CRYPTO_ERASURE_CANARY_CONTEXT)[0]}`]: 'crypto-erasure-canary',
        },
      },
    });
  });

  test('grants nothing else to the erasure role', () => {
    const granted = erasableKeyPolicy('backup-dr')
      .filter((s) => JSON.stringify(s.Condition ?? {}).includes(ROLE))
      .flatMap((s) => [s.Action].flat())
      .sort();
    expect(granted).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:DisableKey',
      'kms:Encrypt',
      'kms:ListResourceTags',
      'kms:ScheduleKeyDeletion',
    ]);
  });

  test.each(['audit', 'audit-dr'] as const)('refuses the %s key: the audit trail can never be erased', (dataClass) => {
    const stack = new Stack(projectApp(), 'Keys', { env: ENV });
    const key = new DataClassKey(stack, 'Key', { deployment: 'crm-demo', dataClass, description: 'audit' });
    expect(() => key.allowCryptoErasureBy(ROLE)).toThrow(new RegExp(`the ${dataClass} key is not erasable`));
  });

  test('a key that is not asked to grants the erasure role nothing', () => {
    const statements = keyPolicyStatements(() => undefined);
    expect(JSON.stringify(statements)).not.toMatch(/DisableKey|ScheduleKeyDeletion|aws:PrincipalArn/);
  });
});
