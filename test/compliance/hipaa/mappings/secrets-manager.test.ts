import { claimsOf } from './claims';

describe('AWS Secrets Manager', () => {
  test('a secret with a KMS key is encrypted at rest', () => {
    expect(claimsOf('AWS::SecretsManager::Secret', { KmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k' })).toEqual({
      '164.312(a)(2)(iv)': 'secret encrypted with KMS key arn:aws:kms:us-east-1:111122223333:key/k',
    });
    expect(claimsOf('AWS::SecretsManager::Secret', {})).toEqual({});
  });

  test('a rotation schedule is password management, by period or by schedule', () => {
    expect(claimsOf('AWS::SecretsManager::RotationSchedule', { RotationRules: { AutomaticallyAfterDays: 30 } })).toEqual({
      '164.308(a)(5)(ii)(D)': 'rotates the secret automatically every 30 days',
    });
    expect(claimsOf('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } })).toEqual({
      '164.308(a)(5)(ii)(D)': 'rotates the secret automatically (rate(7 days))',
    });
  });
});
