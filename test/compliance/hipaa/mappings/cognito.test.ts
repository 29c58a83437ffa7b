import { claimsOf } from './claims';

describe('AWS::Cognito::UserPool', () => {
  const pool = {
    UsernameAttributes: ['email'],
    MfaConfiguration: 'ON',
    EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    Policies: { PasswordPolicy: { MinimumLength: 14, PasswordHistorySize: 24, TemporaryPasswordValidityDays: 1 } },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
  };

  test('a pool with mandatory MFA, a password policy, admin-only sign-up and threat protection meets each control', () => {
    expect(claimsOf('AWS::Cognito::UserPool', pool)).toEqual({
      '164.312(a)(2)(i)': 'one account per user, identified by email',
      '164.312(d)': 'MFA required for every user (SOFTWARE_TOKEN_MFA)',
      '164.308(a)(5)(ii)(D)': 'passwords of at least 14 characters, last 24 not reused, temporary passwords valid 1 day(s)',
      '164.308(a)(4)(ii)(C)': 'accounts are created by administrators only',
      '164.308(a)(5)(ii)(C)': 'threat protection enforced on every sign-in',
    });
  });

  test('optional MFA is not authentication, self sign-up is not access establishment, audit-only threat protection is not log-in monitoring', () => {
    const weak = claimsOf('AWS::Cognito::UserPool', {
      ...pool,
      MfaConfiguration: 'OPTIONAL',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
      Policies: {},
    });
    expect(Object.keys(weak)).toEqual(['164.312(a)(2)(i)']);
  });

  test('a pool without username attributes identifies users by a unique user name', () => {
    expect(claimsOf('AWS::Cognito::UserPool', {})).toEqual({
      '164.312(a)(2)(i)': 'one account per user, identified by a unique user name',
    });
  });
});

describe('the other Cognito resources', () => {
  test('a risk configuration that acts on compromised credentials and high-risk sign-ins is log-in monitoring', () => {
    expect(
      claimsOf('AWS::Cognito::UserPoolRiskConfigurationAttachment', {
        CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' } },
        AccountTakeoverRiskConfiguration: { Actions: { HighAction: { EventAction: 'MFA_REQUIRED', Notify: true } } },
      }),
    ).toEqual({ '164.308(a)(5)(ii)(C)': 'compromised credentials: BLOCK, high-risk sign-ins: MFA_REQUIRED' });
    expect(claimsOf('AWS::Cognito::UserPoolRiskConfigurationAttachment', {})).toEqual({});
  });

  test('token lifetimes of an app client are automatic logoff, in their units', () => {
    expect(
      claimsOf('AWS::Cognito::UserPoolClient', {
        AccessTokenValidity: 15,
        RefreshTokenValidity: 720,
        TokenValidityUnits: { AccessToken: 'minutes', RefreshToken: 'minutes' },
      }),
    ).toEqual({ '164.312(a)(2)(iii)': 'access tokens expire after 15 minutes, refresh tokens after 720 minutes' });
    expect(claimsOf('AWS::Cognito::UserPoolClient', { RefreshTokenValidity: 1 })).toEqual({
      '164.312(a)(2)(iii)': 'refresh tokens after 1 days',
    });
    expect(claimsOf('AWS::Cognito::UserPoolClient', {})).toEqual({});
  });

  test('role groups and the resource server are access authorization', () => {
    expect(claimsOf('AWS::Cognito::UserPoolGroup', { GroupName: 'front-desk', Description: 'Scheduling and check-in' })).toEqual({
      '164.308(a)(4)(ii)(B)': 'role group "front-desk": Scheduling and check-in',
    });
    expect(claimsOf('AWS::Cognito::UserPoolResourceServer', { Scopes: [{}, {}] })).toEqual({
      '164.308(a)(4)(ii)(B)': 'defines the 2 scopes the roles grant',
    });
  });

  test('exporting user activity is log-in monitoring and an audit control', () => {
    const how = 'exports userAuthEvents events for review';
    expect(
      claimsOf('AWS::Cognito::LogDeliveryConfiguration', { LogConfigurations: [{ EventSource: 'userAuthEvents' }] }),
    ).toEqual({
      '164.308(a)(5)(ii)(C)': how,
      '164.312(b)': how,
    });
  });
});
