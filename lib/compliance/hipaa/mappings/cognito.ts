/**
 * Amazon Cognito: unique user identification, MFA, password policy, admin-only sign-up, threat protection,
 * token lifetimes and the role groups.
 */
import { asArray, isRecord, isTrue, literalText, prop, str } from '../../../assembly/template-facts';
import type { ResourceSpecMapping } from './mapping';

export const COGNITO_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::Cognito::UserPool',
    specs: ['164.312(a)(2)(i)'],
    describe: (r) =>
      `one account per user, identified by ${asArray(prop(r, 'UsernameAttributes')).join(', ') || 'a unique user name'}`,
  },
  {
    type: 'AWS::Cognito::UserPool',
    specs: ['164.312(d)'],
    describe: (r) =>
      prop(r, 'MfaConfiguration') === 'ON'
        ? `MFA required for every user (${asArray(prop(r, 'EnabledMfas')).join(', ')})`
        : undefined,
  },
  {
    type: 'AWS::Cognito::UserPool',
    specs: ['164.308(a)(5)(ii)(D)'],
    describe: (r) => {
      const p = prop(r, 'Policies.PasswordPolicy');
      if (!isRecord(p)) return undefined;
      return (
        `passwords of at least ${literalText(p.MinimumLength)} characters` +
        (p.PasswordHistorySize !== undefined ? `, last ${literalText(p.PasswordHistorySize)} not reused` : '') +
        (p.TemporaryPasswordValidityDays !== undefined
          ? `, temporary passwords valid ${literalText(p.TemporaryPasswordValidityDays)} day(s)`
          : '')
      );
    },
  },
  {
    type: 'AWS::Cognito::UserPool',
    specs: ['164.308(a)(4)(ii)(C)'],
    describe: (r) =>
      isTrue(prop(r, 'AdminCreateUserConfig.AllowAdminCreateUserOnly'))
        ? 'accounts are created by administrators only'
        : undefined,
  },
  {
    type: 'AWS::Cognito::UserPool',
    specs: ['164.308(a)(5)(ii)(C)'],
    describe: (r) =>
      prop(r, 'UserPoolAddOns.AdvancedSecurityMode') === 'ENFORCED' ? 'threat protection enforced on every sign-in' : undefined,
  },
  {
    type: 'AWS::Cognito::UserPoolRiskConfigurationAttachment',
    specs: ['164.308(a)(5)(ii)(C)'],
    describe: (r) => {
      const compromised = prop(r, 'CompromisedCredentialsRiskConfiguration.Actions.EventAction');
      const high = prop(r, 'AccountTakeoverRiskConfiguration.Actions.HighAction.EventAction');
      const parts = [
        compromised ? `compromised credentials: ${literalText(compromised)}` : '',
        high ? `high-risk sign-ins: ${literalText(high)}` : '',
      ];
      return parts.some(Boolean) ? parts.filter(Boolean).join(', ') : undefined;
    },
  },
  {
    type: 'AWS::Cognito::UserPoolClient',
    specs: ['164.312(a)(2)(iii)'],
    describe: (r) => {
      const units = prop(r, 'TokenValidityUnits');
      const unit = (k: string, d: string) => (isRecord(units) && units[k] ? String(units[k]) : d);
      const access = prop(r, 'AccessTokenValidity');
      const refresh = prop(r, 'RefreshTokenValidity');
      if (access === undefined && refresh === undefined) return undefined;
      return (
        (access !== undefined ? `access tokens expire after ${literalText(access)} ${unit('AccessToken', 'hours')}` : '') +
        (refresh !== undefined
          ? `${access !== undefined ? ', ' : ''}refresh tokens after ${literalText(refresh)} ${unit('RefreshToken', 'days')}`
          : '')
      );
    },
  },
  {
    type: 'AWS::Cognito::UserPoolGroup',
    specs: ['164.308(a)(4)(ii)(B)'],
    describe: (r) =>
      `role group "${literalText(prop(r, 'GroupName'))}"${str(prop(r, 'Description')) ? `: ${str(prop(r, 'Description'))}` : ''}`,
  },
  {
    type: 'AWS::Cognito::UserPoolResourceServer',
    specs: ['164.308(a)(4)(ii)(B)'],
    describe: (r) => `defines the ${asArray(prop(r, 'Scopes')).length} scopes the roles grant`,
  },
  {
    type: 'AWS::Cognito::LogDeliveryConfiguration',
    specs: ['164.308(a)(5)(ii)(C)', '164.312(b)'],
    describe: (r) => {
      const sources = asArray(prop(r, 'LogConfigurations')).map((c) => (isRecord(c) ? literalText(c.EventSource) : ''));
      return `exports ${sources.join(', ')} events for review`;
    },
  },
];
