import { Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { STATEFUL_REMOVAL_POLICY } from '../compliance/retention';

export interface CrmUserPoolProps {
  /** Name of the user pool. */
  readonly userPoolName: string;
  /**
   * Prefix of the Cognito sign-in domain `<prefix>.auth.<region>.amazoncognito.com`. Cognito refuses
   * prefixes that contain `aws`, `amazon` or `cognito`.
   */
  readonly domainPrefix: string;
  /** How long an administrator-issued temporary password stays valid (whole days, 1-7). */
  readonly temporaryPasswordValidity: Duration;
  /** Where invited users sign in, named in the invitation e-mail, e.g. `https://crm.example.com`. */
  readonly signInUrl: string;
  /**
   * Offer passkeys (WebAuthn, user verification required) as a first factor in managed login.
   * @default true
   */
  readonly passkeys?: boolean;
}

/** The relying party of passkeys registered in managed login on a Cognito prefix domain. */
export function prefixDomainName(domainPrefix: string, region: string): string {
  return `${domainPrefix}.auth.${region}.amazoncognito.com`;
}

/** What is wrong with the MFA settings of a rendered user pool: MFA must be ON, with TOTP and never SMS. */
export function mfaProblems(pool: cognito.CfnUserPool): string[] {
  const problems: string[] = [];
  const factors = pool.enabledMfas ?? [];
  if (pool.mfaConfiguration !== 'ON') problems.push(`MfaConfiguration must be ON, not ${pool.mfaConfiguration}`);
  if (!factors.includes('SOFTWARE_TOKEN_MFA')) problems.push('EnabledMfas must include SOFTWARE_TOKEN_MFA (TOTP)');
  if (factors.includes('SMS_MFA')) problems.push('EnabledMfas must not include SMS_MFA');
  if (pool.smsConfiguration !== undefined) problems.push('no SmsConfiguration (SMS role) may be set');
  return problems;
}

/**
 * The Cognito user pool of the CRM's staff, secure by default and not configurable otherwise:
 *
 * - Unique user identification (HIPAA 164.312(a)(2)(i)): accounts are created by administrators
 *   only, the e-mail address is the user name (case-insensitive) and a changed address only takes
 *   effect once verified.
 * - Person authentication (164.312(d)): MFA is REQUIRED with TOTP only. SMS is never offered (SIM
 *   swap, interception), so no SMS role exists. Device remembering is off, so no sign-in skips MFA.
 *   Passkeys with user verification count as multi-factor and are offered as a first factor.
 * - Passwords of at least 14 characters with all four character classes, none of the last 24
 *   reused; temporary passwords expire after the given days; recovery by verified e-mail only.
 * - Threat protection (Plus feature plan) enforced: compromised credentials and high-risk sign-ins
 *   are blocked, medium-risk sign-ins are challenged for MFA.
 * - Deletion protection, and retained when the stack is deleted.
 *
 * The sign-in pages are Cognito managed login (version 2, the only one that offers passkeys) on a
 * prefix domain.
 */
export class CrmUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  readonly riskConfiguration: cognito.CfnUserPoolRiskConfigurationAttachment;
  /** The passkey relying party ID, when passkeys are offered. */
  readonly passkeyRelyingPartyId?: string;

  constructor(scope: Construct, id: string, props: CrmUserPoolProps) {
    super(scope, id);
    if (/aws|amazon|cognito/.test(props.domainPrefix)) {
      throw new Error(
        `CrmUserPool: Cognito refuses the domain prefix "${props.domainPrefix}" (it contains "aws", "amazon" or "cognito"); ` +
          'set identity.domainPrefix in the config',
      );
    }
    const passkeys = props.passkeys ?? true;

    this.userPool = new cognito.UserPool(this, 'Resource', {
      userPoolName: props.userPoolName,
      selfSignUpEnabled: false,
      userInvitation: {
        emailSubject: 'Your CRM account',
        emailBody:
          `An account was created for you. Sign in at ${props.signInUrl} with the user name {username} and the ` +
          `temporary password {####}. You will set your own password and an authenticator app on first sign-in.`,
      },
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false, email: false },
      enableSmsRole: false,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: 24,
        tempPasswordValidity: props.temporaryPasswordValidity,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      signInPolicy: { allowedFirstAuthFactors: { password: true, passkey: passkeys } },
      passkeyUserVerification: passkeys ? cognito.PasskeyUserVerification.REQUIRED : undefined,
      deletionProtection: true,
      removalPolicy: STATEFUL_REMOVAL_POLICY,
    });

    const cfnPool = this.userPool.node.defaultChild as cognito.CfnUserPool;
    // CDK renders SMS verification texts by default; no SMS is ever sent, so none are configured.
    cfnPool.smsVerificationMessage = undefined;
    cfnPool.addPropertyDeletionOverride('VerificationMessageTemplate.SmsMessage');
    // CDK accepts MFA REQUIRED with no factor (it fails at deploy) and escape hatches bypass props:
    // re-check the rendered resource at synth.
    this.node.addValidation({ validate: () => mfaProblems(cfnPool) });

    if (passkeys) {
      // A passkey is bound to its relying party, which must be the host of the sign-in page or a
      // parent of it. The pages are managed login on the prefix domain, so the RP ID is that domain:
      // the CRM's own name (config.domain.name) cannot be, as the browser would refuse it on
      // *.amazoncognito.com. A custom sign-in domain (e.g. auth.<crm domain>) would need a us-east-1
      // certificate and an existing A record on the CRM name before the App stack has created it;
      // moving to one later changes the RP ID, and users re-register their passkeys (password and
      // TOTP keep working). Set on the L1 because CDK caps the ID at 63 characters, CloudFormation
      // at 127.
      this.passkeyRelyingPartyId = prefixDomainName(props.domainPrefix, Stack.of(this).region);
      cfnPool.webAuthnRelyingPartyId = this.passkeyRelyingPartyId;
      // A passkey with user verification (biometric or PIN) is something you have plus something you
      // are or know, so it satisfies the REQUIRED MFA on its own.
      cfnPool.webAuthnFactorConfiguration = 'MULTI_FACTOR_WITH_USER_VERIFICATION';
    }

    // Notifying users of risky sign-ins needs an SES identity; the actions alone need none.
    const noNotify = (eventAction: string) => ({ eventAction, notify: false });
    this.riskConfiguration = new cognito.CfnUserPoolRiskConfigurationAttachment(this, 'RiskConfiguration', {
      userPoolId: this.userPool.userPoolId,
      clientId: 'ALL',
      compromisedCredentialsRiskConfiguration: { actions: { eventAction: 'BLOCK' } },
      accountTakeoverRiskConfiguration: {
        actions: {
          lowAction: noNotify('MFA_IF_CONFIGURED'),
          mediumAction: noNotify('MFA_REQUIRED'),
          highAction: noNotify('BLOCK'),
        },
      },
    });

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
  }
}
