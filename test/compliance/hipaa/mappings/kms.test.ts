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
});
