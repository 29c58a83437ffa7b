/**
 * Ends every session of a user whose access was removed or changed: `AdminUserGlobalSignOut` revokes
 * the user's refresh tokens (no new tokens can be obtained) and the access tokens for Cognito APIs.
 * Tokens already issued stay valid for resource servers until they expire, which is why the token
 * lifetimes are short (15 minutes by default).
 */
import {
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { errorName, isAwsError } from '../shared/errors';
import type { RevocationTrigger } from './event';

export interface RevocationRequest {
  readonly trigger: RevocationTrigger;
  readonly userIdentifier: string;
  readonly sub?: string;
}

export type RevocationResult =
  /** Refresh tokens revoked. */
  | 'signed-out'
  /** The user was deleted: deletion itself invalidates every token, nothing to call. */
  | 'ended-by-deletion'
  /** The user no longer exists (deleted since): nothing left to revoke. */
  | 'user-not-found';

export interface RevocationOutcome {
  readonly result: RevocationResult;
  /** The user's `sub`, for the log (never the username, which may be an e-mail address). */
  readonly sub?: string;
  /** Why the `sub` could not be looked up, when it could not. */
  readonly subLookupError?: string;
}

/**
 * Revokes the user's sessions. Throws on any Cognito error other than "user not found" (throttling,
 * internal errors, missing permissions) so that Lambda retries and, after the last retry, the event
 * lands in the dead-letter queue for an operator.
 */
export async function revokeSessions(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  request: RevocationRequest,
): Promise<RevocationOutcome> {
  if (request.trigger === 'AdminDeleteUser') return { result: 'ended-by-deletion', sub: request.sub };
  try {
    await cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: request.userIdentifier }));
  } catch (error) {
    if (isAwsError(error, 'UserNotFoundException')) return { result: 'user-not-found', sub: request.sub };
    throw error;
  }
  if (request.sub) return { result: 'signed-out', sub: request.sub };
  return { result: 'signed-out', ...(await lookupSub(cognito, userPoolId, request.userIdentifier)) };
}

/** Best effort: the sessions are already revoked, a failed lookup must not cause a retry. */
async function lookupSub(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
): Promise<{ sub?: string; subLookupError?: string }> {
  try {
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
    const sub = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
    return sub ? { sub } : { subLookupError: 'NoSubAttribute' };
  } catch (error) {
    return { subLookupError: errorName(error) };
  }
}
