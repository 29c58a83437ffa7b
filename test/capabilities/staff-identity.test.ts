/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
/**
 * The staff identity capability: the user pool and its sign-in client, the role matrix from the config
 * (groups and scopes) and the break-glass role.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { StaffIdentity, roleGroupLogicalId, staffIdentitySettings } from '../../lib/capabilities/staff-identity';
import { DENIED_PHI_ACTIONS, RESTORE_ACCESS_ACTIONS } from '../../lib/constructs/break-glass-role';
import type { DeploymentConfig } from '../../lib/config/schema';
import { CRM_SCOPES, DEFAULT_ROLES, type RoleConfig } from '../../lib/config/schema-identity';
import { flat } from '../helpers/cfn-values';
import { rawConfig, shippedConfig, SHIPPED_CONFIGS } from '../helpers/config';
import { ConfiguredStack, logicalIdOfL2, templateApp } from '../helpers/stand-ins';

type Resource = { Type: string; Properties: Record<string, any>; [k: string]: unknown };
type Resources = Record<string, Resource>;

/** Stateful resources and their pinned logical IDs. */
const PINNED = {
  UserPool: 'AWS::Cognito::UserPool',
  UserPoolDomain: 'AWS::Cognito::UserPoolDomain',
  UserPoolRiskConfiguration: 'AWS::Cognito::UserPoolRiskConfigurationAttachment',
  CrmResourceServer: 'AWS::Cognito::UserPoolResourceServer',
  AlbClient: 'AWS::Cognito::UserPoolClient',
  AlbClientBranding: 'AWS::Cognito::ManagedLoginBranding',
  BreakGlassRole: 'AWS::IAM::Role',
} as const;

/** A practice with its own job functions, to show the matrix comes from the config. */
const CUSTOM_ROLES: RoleConfig[] = [
  { name: 'nurse', description: 'Triage and vitals', scopes: ['patients.read', 'clinical.read', 'clinical.write'] },
  { name: 'auditor', description: 'External HIPAA auditor', scopes: ['audit.read'] },
];

/** The capability in its own stack (it receives nothing but settings). */
function build(file: string, roles?: RoleConfig[]) {
  const identity = (rawConfig(file).identity ?? {}) as Record<string, unknown>;
  const config = roles ? shippedConfig(file, { identity: { ...identity, roles } }) : shippedConfig(file);
  const stack = new ConfiguredStack(templateApp(), 'Identity', config);
  const staff = new StaffIdentity(stack, 'Staff', staffIdentitySettings(config));
  return { config, staff, resources: Template.fromStack(stack).toJSON().Resources as Resources };
}

describe.each([
  ['config/demo.json', 'crm-demo-signin'],
  ['config/production.example.json', 'acme-crm-signin'],
])('StaffIdentity from %s', (file, domainPrefix) => {
  let config: DeploymentConfig;
  let staff: StaffIdentity;
  let resources: Resources;

  beforeAll(() => {
    ({ config, staff, resources } = build(file));
  });

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const pool = () => resources.UserPool.Properties;
  const client = () => resources.AlbClient.Properties;

  describe('stateful resources', () => {
    test('keep their pinned logical IDs', () => {
      for (const [id, type] of Object.entries(PINNED)) expect(resources[id]?.Type).toBe(type);
    });

    test('the user pool is retained on deletion and on replacement', () => {
      expect(resources.UserPool).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    });

    test('exposes the pinned resources', () => {
      expect(logicalIdOfL2(staff.userPool)).toBe('UserPool');
      expect(logicalIdOfL2(staff.userPoolDomain)).toBe('UserPoolDomain');
      expect(logicalIdOfL2(staff.albClient)).toBe('AlbClient');
      expect(logicalIdOfL2(staff.resourceServer)).toBe('CrmResourceServer');
      expect(logicalIdOfL2(staff.breakGlassRole)).toBe('BreakGlassRole');
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
});

const groupsOf = (resources: Resources) =>
  Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Cognito::UserPoolGroup')
    .map(([id, r]) => ({ id, ...r.Properties }) as { id: string; [property: string]: any });

describe.each(SHIPPED_CONFIGS)('role matrix from %s', (file) => {
  describe.each([
    ['the default roles', undefined],
    ['custom roles', CUSTOM_ROLES],
  ])('with %s', (_, custom) => {
    let config: DeploymentConfig;
    let staff: StaffIdentity;
    let resources: Resources;
    beforeAll(() => ({ config, staff, resources } = build(file, custom)));

    test('the config holds the roles under test', () => {
      expect(config.identity.roles).toEqual(custom ?? DEFAULT_ROLES);
    });

    test('one group per role, named after it, with a pinned logical ID and precedence by order', () => {
      expect(
        groupsOf(resources).map(({ id, GroupName, Precedence, UserPoolId }) => ({ id, GroupName, Precedence, UserPoolId })),
      ).toEqual(
        config.identity.roles.map((r, i) => ({
          id: roleGroupLogicalId(r.name),
          GroupName: r.name,
          Precedence: i,
          UserPoolId: { Ref: 'UserPool' },
        })),
      );
    });

    test("each group's description states its job and exactly the scopes the role grants", () => {
      const byName = Object.fromEntries(groupsOf(resources).map((g) => [g.GroupName, g.Description as string]));
      for (const role of config.identity.roles) {
        const granted = byName[role.name].split('Grants: ')[1].split(' ');
        expect(byName[role.name].startsWith(role.description)).toBe(true);
        expect(granted).toEqual(role.scopes.map((s) => `crm/${s}`));
      }
    });

    test('hands the same matrix to the CRM, which enforces it', () => {
      expect(staff.roleScopes).toEqual(
        Object.fromEntries(config.identity.roles.map((r) => [r.name, r.scopes.map((s) => `crm/${s}`)])),
      );
      expect(Object.keys(staff.roleGroups)).toEqual(config.identity.roles.map((r) => r.name));
    });
  });

  test('roles whose names would share a logical ID are refused', () => {
    const clashing: RoleConfig[] = [
      { name: 'tier-1', description: 'a', scopes: ['patients.read'] },
      { name: 'tier1', description: 'b', scopes: ['patients.read'] },
    ];
    expect(() => build(file, clashing)).toThrow(/share the logical ID RoleGroupTier1/);
  });
});

describe.each(SHIPPED_CONFIGS)('break-glass role from %s', (file) => {
  let config: DeploymentConfig;
  let resources: Resources;
  beforeAll(() => ({ config, resources } = build(file)));
  const role = () => resources.BreakGlassRole.Properties;

  test('has the deterministic name the audit alarm matches, and one-hour sessions', () => {
    expect(role().RoleName).toBe(`${config.name}-break-glass`);
    expect(role().MaxSessionDuration).toBe(3600);
  });

  test('only principals of this account with MFA under one hour old may assume it', () => {
    const statements = role().AssumeRolePolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Condition: {
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
      },
    });
    expect(Object.keys(statements[0].Condition).sort()).toEqual(['Bool', 'NumericLessThan']);
    expect(flat(statements[0].Principal.AWS)).toBe(`arn:<AWS::Partition>:iam::${config.account ?? '<AWS::AccountId>'}:root`);
  });

  test('reads everything through ReadOnlyAccess, with no inline policy', () => {
    expect(role().ManagedPolicyArns.map(flat)).toEqual(['arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess']);
    expect(role().Policies).toBeUndefined();
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy')).toEqual([]);
  });

  test('may restore staff accounts in this user pool only, and may never read PHI directly', () => {
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');
    expect(policies).toHaveLength(1);
    const policy = policies[0].Properties;
    expect(policy.Roles).toEqual([{ Ref: 'BreakGlassRole' }]);
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Sid: 'RestoreStaffAccess',
        Effect: 'Allow',
        Action: [...RESTORE_ACCESS_ACTIONS].sort(),
        Resource: { 'Fn::GetAtt': ['UserPool', 'Arn'] },
      },
      { Sid: 'NeverReadPhiDirectly', Effect: 'Deny', Action: [...DENIED_PHI_ACTIONS].sort(), Resource: '*' },
    ]);
    expect(RESTORE_ACCESS_ACTIONS).not.toContain('cognito-idp:AdminSetUserPassword');
    expect(DENIED_PHI_ACTIONS).toEqual(expect.arrayContaining(['kms:Decrypt', 's3:GetObject', 'rds-db:connect']));
  });
});
