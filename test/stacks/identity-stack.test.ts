/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { type Deployment } from '../../lib/app';
import { CRM_SCOPES } from '../../lib/config/schema-identity';
import type { DeploymentConfig } from '../../lib/config/schema';
import { flat, isCrossStackRef } from '../helpers/cfn-values';
import { resourcesOf, shippedDeployment } from '../helpers/deployment';

type Resource = { Type: string; Properties: Record<string, any>; [k: string]: unknown };
type Resources = Record<string, Resource>;

const logicalIdOf = (element: CfnElement): string => Stack.of(element).resolve(element.logicalId) as string;

/** Stateful resources of the Identity stack and their pinned logical IDs. */
const PINNED = {
  UserPool: 'AWS::Cognito::UserPool',
  UserPoolDomain: 'AWS::Cognito::UserPoolDomain',
  UserPoolRiskConfiguration: 'AWS::Cognito::UserPoolRiskConfigurationAttachment',
  CrmResourceServer: 'AWS::Cognito::UserPoolResourceServer',
  AlbClient: 'AWS::Cognito::UserPoolClient',
  AlbClientBranding: 'AWS::Cognito::ManagedLoginBranding',
  BreakGlassRole: 'AWS::IAM::Role',
} as const;

describe.each([
  ['config/demo.json', 'crm-demo-signin'],
  ['config/production.example.json', 'acme-crm-signin'],
])('Identity stack from %s', (file, domainPrefix) => {
  let config: DeploymentConfig;
  let deployment: Deployment;
  let resources: Resources;

  beforeAll(() => {
    ({ config, deployment } = shippedDeployment(file));
    resources = resourcesOf(deployment.identity);
  });

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const pool = () => resources.UserPool.Properties;
  const client = () => resources.AlbClient.Properties;

  describe('stateful resources', () => {
    test('keep their pinned logical IDs', () => {
      for (const [id, type] of Object.entries(PINNED)) expect(resources[id]?.Type).toBe(type);
    });

    test('the user pool is retained on deletion and on replacement', () => {
      expect(resources.UserPool).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    test('the stack exposes the pinned resources to the App and Operations stacks', () => {
      const identity = deployment.identity;
      expect(logicalIdOf(identity.userPool.node.defaultChild as CfnElement)).toBe('UserPool');
      expect(logicalIdOf(identity.userPoolDomain.node.defaultChild as CfnElement)).toBe('UserPoolDomain');
      expect(logicalIdOf(identity.albClient.node.defaultChild as CfnElement)).toBe('AlbClient');
      expect(logicalIdOf(identity.resourceServer.node.defaultChild as CfnElement)).toBe('CrmResourceServer');
      expect(logicalIdOf(identity.breakGlassRole.node.defaultChild as CfnElement)).toBe('BreakGlassRole');
    });

    test('no SMS role, no Lambda, no custom resource: the only IAM role is the break-glass role', () => {
      expect(ofType('AWS::IAM::Role').map(([id]) => id)).toEqual(['BreakGlassRole']);
      expect(ofType('AWS::Lambda::Function')).toEqual([]);
      expect(Object.values(resources).filter((r) => r.Type.startsWith('Custom::'))).toEqual([]);
    });
  });

  describe('user pool', () => {
    test('requires MFA, with TOTP and never SMS', () => {
      expect(pool().MfaConfiguration).toBe('ON');
      expect(pool().EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
      expect(pool().EnabledMfas).not.toContain('SMS_MFA');
      for (const sms of ['SmsConfiguration', 'SmsAuthenticationMessage', 'SmsVerificationMessage']) {
        expect(pool()[sms]).toBeUndefined();
      }
      expect(pool().VerificationMessageTemplate.SmsMessage).toBeUndefined();
    });

    test('never skips MFA on a remembered device', () => {
      expect(pool().DeviceConfiguration).toBeUndefined();
    });

    test('accounts are created by administrators only; the invitation points at the CRM', () => {
      expect(pool().AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
      expect(pool().AdminCreateUserConfig.InviteMessageTemplate.EmailMessage).toContain(`https://${config.domain.name}`);
    });

    test('the e-mail address is the case-insensitive user name, required and verified before a change applies', () => {
      expect(pool()).toMatchObject({
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        AutoVerifiedAttributes: ['email'],
        UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
        Schema: [{ Name: 'email', Required: true, Mutable: true }],
      });
      expect(pool().AliasAttributes).toBeUndefined();
    });

    test('passwords: 14+ characters, all four classes, no reuse of the last 24, temporary ones expire per config', () => {
      expect(pool().Policies.PasswordPolicy).toEqual({
        MinimumLength: 14,
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
        PasswordHistorySize: 24,
        TemporaryPasswordValidityDays: config.identity.temporaryPasswordDays,
      });
    });

    test('accounts are recovered by verified e-mail only', () => {
      expect(pool().AccountRecoverySetting).toEqual({ RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] });
    });

    test('threat protection is enforced on the Plus plan, blocking compromised credentials and high risk', () => {
      expect(pool().UserPoolTier).toBe('PLUS');
      expect(pool().UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
      const risk = resources.UserPoolRiskConfiguration.Properties;
      expect(risk).toMatchObject({
        UserPoolId: { Ref: 'UserPool' },
        ClientId: 'ALL',
        CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' } },
        AccountTakeoverRiskConfiguration: {
          Actions: {
            LowAction: { EventAction: 'MFA_IF_CONFIGURED' },
            MediumAction: { EventAction: 'MFA_REQUIRED' },
            HighAction: { EventAction: 'BLOCK' },
          },
        },
      });
    });

    test('has deletion protection', () => {
      expect(pool().DeletionProtection).toBe('ACTIVE');
    });

    test('offers passkeys with user verification, counted as MFA, bound to the sign-in domain', () => {
      expect(pool().Policies.SignInPolicy).toEqual({ AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] });
      expect(pool().WebAuthnUserVerification).toBe('required');
      expect(pool().WebAuthnFactorConfiguration).toBe('MULTI_FACTOR_WITH_USER_VERIFICATION');
      expect(pool().WebAuthnRelyingPartyID).toBe(`${domainPrefix}.auth.${config.regions.primary}.amazoncognito.com`);
    });
  });

  describe('sign-in domain', () => {
    test(`is the prefix domain ${domainPrefix} with managed login version 2 (passkeys)`, () => {
      expect(resources.UserPoolDomain.Properties).toEqual({
        Domain: domainPrefix,
        ManagedLoginVersion: 2,
        UserPoolId: { Ref: 'UserPool' },
      });
      expect(resources.AlbClientBranding.Properties).toEqual({
        UserPoolId: { Ref: 'UserPool' },
        ClientId: { Ref: 'AlbClient' },
        UseCognitoProvidedValues: true,
      });
    });
  });

  describe('load balancer client', () => {
    test('is confidential and allows the authorization-code grant only', () => {
      expect(client()).toMatchObject({
        UserPoolId: { Ref: 'UserPool' },
        GenerateSecret: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        SupportedIdentityProviders: ['COGNITO'],
      });
    });

    test('no password, admin, custom or plain refresh-token flow: only choice-based sign-in for managed login', () => {
      expect(client().ExplicitAuthFlows).toEqual(['ALLOW_USER_AUTH']);
    });

    test('calls back to the load balancer of the configured domain only', () => {
      expect(client().CallbackURLs).toEqual([`https://${config.domain.name}/oauth2/idpresponse`]);
      expect(client().LogoutURLs).toEqual([`https://${config.domain.name}/`]);
    });

    test('requests openid, email and every CRM scope of the resource server', () => {
      expect(client().AllowedOAuthScopes.map(flat)).toEqual([
        'openid',
        'email',
        ...CRM_SCOPES.map((s) => `<CrmResourceServer>/${s}`),
      ]);
      expect(resources.CrmResourceServer.Properties).toMatchObject({ Identifier: 'crm', UserPoolId: { Ref: 'UserPool' } });
      expect(resources.CrmResourceServer.Properties.Scopes.map((s: any) => s.ScopeName)).toEqual([...CRM_SCOPES]);
    });

    test('tokens live as configured, in minutes; refresh tokens rotate on every use, without grace', () => {
      expect(client()).toMatchObject({
        AccessTokenValidity: config.identity.accessTokenMinutes,
        IdTokenValidity: config.identity.idTokenMinutes,
        RefreshTokenValidity: config.identity.refreshTokenHours * 60,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
        RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 },
        AuthSessionValidity: 3,
      });
      expect(client().AccessTokenValidity).toBeLessThanOrEqual(15);
    });

    test('revokes tokens, hides whether a user exists and reads only the e-mail claims', () => {
      expect(client()).toMatchObject({ EnableTokenRevocation: true, PreventUserExistenceErrors: 'ENABLED' });
      expect(client().ReadAttributes).toEqual(['email', 'email_verified']);
    });
  });

  describe('user-activity log', () => {
    test('the stack has no log group and no log delivery: the Audit stack exports the activity of this pool to S3', () => {
      expect(ofType('AWS::Logs::LogGroup')).toEqual([]);
      expect(ofType('AWS::Cognito::LogDeliveryConfiguration')).toEqual([]);
      const auditResources = resourcesOf(deployment.audit);
      expect(isCrossStackRef(auditResources.SignInLogDelivery.Properties.UserPoolId, 'UserPool', 'Ref')).toBe(true);
    });
  });
});
