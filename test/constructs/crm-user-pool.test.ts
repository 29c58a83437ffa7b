import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import { CrmUserPool, mfaProblems, prefixDomainName, type CrmUserPoolProps } from '../../lib/constructs/crm-user-pool';
import { projectApp } from '../helpers/app';

const PROPS: CrmUserPoolProps = {
  userPoolName: 'test-users',
  domainPrefix: 'test-signin',
  temporaryPasswordValidity: Duration.days(2),
  signInUrl: 'https://crm.example.com',
};

function setup(props: Partial<CrmUserPoolProps> = {}) {
  const stack = new Stack(projectApp(), 'Id', { env: { account: '111122223333', region: 'eu-west-1' } });
  const pool = new CrmUserPool(stack, 'Users', { ...PROPS, ...props });
  return { stack, pool, cfn: pool.userPool.node.defaultChild as cognito.CfnUserPool };
}

describe('CrmUserPool', () => {
  test('the passkey relying party is the prefix sign-in domain of its region', () => {
    const { stack, pool } = setup();
    expect(pool.passkeyRelyingPartyId).toBe('test-signin.auth.eu-west-1.amazoncognito.com');
    expect(prefixDomainName('x', 'us-east-1')).toBe('x.auth.us-east-1.amazoncognito.com');
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPool', {
      WebAuthnRelyingPartyID: 'test-signin.auth.eu-west-1.amazoncognito.com',
      Policies: { PasswordPolicy: { TemporaryPasswordValidityDays: 2 } },
    });
  });

  test('without passkeys: password first factor only, no WebAuthn settings, MFA still TOTP', () => {
    const { stack, pool } = setup({ passkeys: false });
    expect(pool.passkeyRelyingPartyId).toBeUndefined();
    const [props] = Object.values(Template.fromStack(stack).findResources('AWS::Cognito::UserPool')).map((r) => r.Properties);
    expect(props.Policies.SignInPolicy).toEqual({ AllowedFirstAuthFactors: ['PASSWORD'] });
    expect(props.WebAuthnRelyingPartyID).toBeUndefined();
    expect(props.WebAuthnFactorConfiguration).toBeUndefined();
    expect(props).toMatchObject({ MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
  });

  test.each(['my-aws-crm', 'amazon-crm', 'cognito-crm'])(
    'refuses the domain prefix %s, which Cognito would reject at deploy',
    (p) => {
      expect(() => setup({ domainPrefix: p })).toThrow(/domain prefix .* set identity.domainPrefix/);
    },
  );

  describe('re-checks MFA at synth, whatever an escape hatch did', () => {
    test.each([
      ['no factor (CDK synthesizes it, Cognito rejects it at deploy)', (c: cognito.CfnUserPool) => (c.enabledMfas = [])],
      ['SMS added', (c: cognito.CfnUserPool) => (c.enabledMfas = ['SOFTWARE_TOKEN_MFA', 'SMS_MFA'])],
      ['MFA optional', (c: cognito.CfnUserPool) => (c.mfaConfiguration = 'OPTIONAL')],
      ['an SMS role', (c: cognito.CfnUserPool) => (c.smsConfiguration = { snsCallerArn: 'arn:aws:iam::111122223333:role/sms' })],
    ])('%s fails synth', (_, breakIt) => {
      const { stack, cfn } = setup();
      breakIt(cfn);
      expect(() => Template.fromStack(stack)).toThrow(/MfaConfiguration|EnabledMfas|SmsConfiguration/);
    });

    test('mfaProblems lists nothing for the pool as built', () => {
      expect(mfaProblems(setup().cfn)).toEqual([]);
    });
  });
});
