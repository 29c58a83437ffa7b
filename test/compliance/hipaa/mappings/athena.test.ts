import { claimsOf } from './claims';

describe('AWS::Athena', () => {
  test('a saved named query supports the activity review', () => {
    expect(claimsOf('AWS::Athena::NamedQuery', { Name: 'sign-ins-by-user' })).toEqual({
      '164.308(a)(1)(ii)(D)': 'saved Athena review query "sign-ins-by-user"',
    });
  });

  test('a workgroup whose results are encrypted supports the activity review; one whose results are not does not', () => {
    expect(
      claimsOf('AWS::Athena::WorkGroup', {
        WorkGroupConfiguration: { ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_KMS' } } },
      }),
    ).toEqual({ '164.308(a)(1)(ii)(D)': 'workgroup for audit reviews, results encrypted' });
    expect(claimsOf('AWS::Athena::WorkGroup', { WorkGroupConfiguration: { ResultConfiguration: {} } })).toEqual({});
  });
});
