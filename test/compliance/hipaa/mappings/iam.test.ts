import { claimsOf } from './claims';

const mfaTrust = {
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 'sts:AssumeRole',
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    },
  ],
};

describe('AWS::IAM::Role', () => {
  test('the break-glass role is the emergency access procedure, MFA-only and time-limited', () => {
    expect(
      claimsOf('AWS::IAM::Role', {
        RoleName: 'crm-demo-break-glass',
        AssumeRolePolicyDocument: mfaTrust,
        MaxSessionDuration: 3600,
      }),
    ).toEqual({
      '164.312(a)(2)(ii)': 'emergency access role, assumable only with MFA, sessions of at most 3600 seconds',
      '164.312(d)': 'can be assumed only with MFA',
      '164.312(a)(1)': 'role assumable by AWS arn:aws:iam::111122223333:root only',
    });
  });

  test('the break-glass role is recognized by its pinned logical ID too; another role is not emergency access', () => {
    expect(claimsOf('AWS::IAM::Role', {}, 'BreakGlassRole')).toEqual({ '164.312(a)(2)(ii)': 'emergency access role' });
    expect(claimsOf('AWS::IAM::Role', { RoleName: 'crm-demo-restore-validator' })).toEqual({});
    expect(claimsOf('AWS::IAM::Role', { RoleName: 'break-glass' })).toEqual({});
  });

  test('a service role is assumable by its service only, without MFA', () => {
    const trust = { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    expect(claimsOf('AWS::IAM::Role', { AssumeRolePolicyDocument: trust })).toEqual({
      '164.312(a)(1)': 'role assumable by lambda.amazonaws.com only',
    });
  });

  test('the crypto-erasure role, by its fixed name, is disposal; another role is not', () => {
    expect(claimsOf('AWS::IAM::Role', { RoleName: 'crm-demo-crypto-erasure' })).toEqual({
      '164.310(d)(2)(i)':
        "crypto-erasure role: the PHI and backup keys' policies let it disable them and schedule their deletion",
    });
    expect(claimsOf('AWS::IAM::Role', { RoleName: 'crypto-erasure-reader' })).toEqual({});
  });
});
