import { CERTIFICATE_SIGNING_DATA_CLASS, TAG } from '../../../../lib/vocabulary';
import { claimsOf } from './claims';

describe('AWS::KMS::Key', () => {
  test('a rotating key is the encryption control, with its data class and rotation period', () => {
    expect(
      claimsOf('AWS::KMS::Key', {
        EnableKeyRotation: true,
        RotationPeriodInDays: 180,
        Tags: [{ Key: TAG.dataClass, Value: 'phi' }],
      }),
    ).toEqual({ '164.312(a)(2)(iv)': 'customer-managed key for data class phi, automatic rotation every 180 days' });
    expect(claimsOf('AWS::KMS::Key', { EnableKeyRotation: 'true' })).toEqual({
      '164.312(a)(2)(iv)': 'customer-managed key, automatic rotation',
    });
  });

  test('a key without rotation is not claimed as the encryption control', () => {
    expect(claimsOf('AWS::KMS::Key', { EnableKeyRotation: false })).toEqual({});
  });

  test('the certificate-signing key is the disposal control (it signs certificates of destruction), not encryption', () => {
    const signing = {
      KeyUsage: 'SIGN_VERIFY',
      KeySpec: 'ECC_NIST_P256',
      EnableKeyRotation: true,
      Tags: [{ Key: TAG.dataClass, Value: CERTIFICATE_SIGNING_DATA_CLASS }],
    };
    expect(claimsOf('AWS::KMS::Key', signing)).toEqual({
      '164.310(d)(2)(i)': 'asymmetric ECC_NIST_P256 key that signs the certificates of destruction',
    });
    expect(claimsOf('AWS::KMS::Key', { ...signing, Tags: [{ Key: TAG.dataClass, Value: 'phi' }] })).toEqual({});
  });

  test('a key whose policy lets the crypto-erasure role schedule its deletion is disposal, with the waiting period it demands', () => {
    const erasureBy = (role: unknown, window?: number) => ({
      EnableKeyRotation: true,
      Tags: [{ Key: TAG.dataClass, Value: 'phi' }],
      KeyPolicy: {
        Statement: [
          { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' },
          {
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'kms:ScheduleKeyDeletion',
            Resource: '*',
            Condition: {
              ArnEquals: { 'aws:PrincipalArn': role },
              ...(window ? { NumericGreaterThanEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': window } } : {}),
            },
          },
        ],
      },
    });
    const role = { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':role/crm-demo-crypto-erasure']] };
    expect(claimsOf('AWS::KMS::Key', erasureBy(role, 30))['164.310(d)(2)(i)']).toBe(
      'phi key that crypto-erasure destroys: its policy lets the crypto-erasure role disable it and schedule its deletion (waiting at least 30 days)',
    );
    expect(claimsOf('AWS::KMS::Key', erasureBy(role))['164.310(d)(2)(i)']).toMatch(/schedule its deletion$/);
    // kms:* to everyone, or deletion by another role, is not the erasure control.
    expect(claimsOf('AWS::KMS::Key', erasureBy('arn:aws:iam::111122223333:role/admin', 30))['164.310(d)(2)(i)']).toBeUndefined();
  });
});
