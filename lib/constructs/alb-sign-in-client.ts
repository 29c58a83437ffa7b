import { Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface AlbSignInClientProps {
  readonly userPool: cognito.IUserPool;
  /** Public DNS name of the CRM behind the load balancer, e.g. `crm.example.com`. */
  readonly domainName: string;
  /** Resource-server scopes the client may request, in addition to `openid` and `email`. */
  readonly scopes: readonly cognito.OAuthScope[];
  /** Lifetime of access tokens (5-60 minutes). */
  readonly accessTokenValidity: Duration;
  /** Lifetime of ID tokens (5-60 minutes). */
  readonly idTokenValidity: Duration;
  /** Lifetime of refresh tokens: the longest a session can last without signing in again. */
  readonly refreshTokenValidity: Duration;
  /**
   * How long a rotated-out refresh token still works, for a client that retries (0-60 seconds).
   * @default Duration.seconds(0) - a refresh token works exactly once
   */
  readonly refreshTokenRotationGracePeriod?: Duration;
}

/**
 * The confidential app client the load balancer signs users in with (its `authenticate-cognito`
 * action), plus its managed-login style.
 *
 * - Authorization-code grant only (no implicit grant, no client credentials), with a client secret
 *   only the load balancer knows, the callback `https://<domain>/oauth2/idpresponse` and only the
 *   user pool's own sign-in (no federation).
 * - ExplicitAuthFlows is only ALLOW_USER_AUTH (choice-based sign-in, which managed login needs to
 *   offer passkeys): no plain user-password, admin or custom flows. Every API sign-in still needs
 *   the secret and MFA.
 * - Refresh tokens rotate on every use; token revocation is on, so the Operations stack's session
 *   revocation (global sign-out, RevokeToken) ends sessions.
 * - Sign-in errors do not reveal whether an account exists.
 *
 * Automatic logoff (HIPAA 164.312(a)(2)(iii)), how the pieces combine:
 * - Access and ID tokens live 15 minutes (config), so a revoked user loses access within that time.
 * - The load balancer's session cookie carries the tokens and refreshes them with the refresh token;
 *   its session timeout should not exceed the refresh-token lifetime (one shift, <= 12 h), after
 *   which the user signs in again with MFA. Neither is an inactivity timer.
 * - The 15-minute inactivity logoff is the CRM's: it tracks the last user interaction in its own
 *   session, and after 15 idle minutes expires the load balancer cookie (AWSELBAuthSessionCookie-*)
 *   and redirects to the Cognito logout endpoint with the logout URL below, so the next request
 *   starts a fresh sign-in.
 */
export class AlbSignInClient extends Construct {
  readonly client: cognito.UserPoolClient;
  readonly branding: cognito.CfnManagedLoginBranding;
  /** The OAuth callback of the load balancer. */
  readonly callbackUrl: string;
  /** Where Cognito's logout endpoint may send the user back to. */
  readonly logoutUrl: string;

  constructor(scope: Construct, id: string, props: AlbSignInClientProps) {
    super(scope, id);
    this.callbackUrl = `https://${props.domainName}/oauth2/idpresponse`;
    this.logoutUrl = `https://${props.domainName}/`;

    this.client = new cognito.UserPoolClient(this, 'Resource', {
      userPool: props.userPool,
      generateSecret: true,
      authFlows: { user: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, ...props.scopes],
        callbackUrls: [this.callbackUrl],
        logoutUrls: [this.logoutUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      // The claims the load balancer forwards to the CRM: who the user is, nothing more.
      readAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      authSessionValidity: Duration.minutes(3),
      accessTokenValidity: props.accessTokenValidity,
      idTokenValidity: props.idTokenValidity,
      refreshTokenValidity: props.refreshTokenValidity,
      refreshTokenRotationGracePeriod: props.refreshTokenRotationGracePeriod ?? Duration.seconds(0),
    });

    // Managed login shows an error page to an app client that has no style; this one is Cognito's.
    this.branding = new cognito.CfnManagedLoginBranding(this, 'Branding', {
      userPoolId: props.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
  }
}
