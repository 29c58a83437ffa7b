/**
 * Reads every user of the pool with their groups, MFA settings and latest successful sign-in.
 * Listing the users must succeed (otherwise there is no review and the invocation fails); a failed
 * lookup for one user is recorded on that user and the review goes on.
 */
import {
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  paginateAdminListGroupsForUser,
  paginateListUsers,
  type CognitoIdentityProviderClient,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { errorName, isAwsError } from '../shared/errors';
import { mapLimit } from '../shared/map-limit';
import type { Lookup, RawUser, SignInLookup } from './types';

export interface CollectOptions {
  readonly userPoolId: string;
  /** Users looked up at the same time. @default 4 */
  readonly concurrency?: number;
  /** Auth events read per user to find the latest successful sign-in. @default 20 */
  readonly authEventsPerUser?: number;
}

/** Raised by AdminListUserAuthEvents when the pool has no threat protection. */
const NO_THREAT_PROTECTION = 'UserPoolAddOnNotEnabledException';

export async function collectUsers(cognito: CognitoIdentityProviderClient, options: CollectOptions): Promise<RawUser[]> {
  const listed: UserType[] = [];
  // Only `sub` is requested: the review needs no e-mail addresses, names or phone numbers.
  for await (const page of paginateListUsers(
    { client: cognito, pageSize: 60 },
    { UserPoolId: options.userPoolId, AttributesToGet: ['sub'] },
  )) {
    listed.push(...(page.Users ?? []));
  }
  const state = { threatProtection: true };
  return mapLimit(listed, options.concurrency ?? 4, (user) => describeUser(cognito, options, user, state));
}

async function describeUser(
  cognito: CognitoIdentityProviderClient,
  options: CollectOptions,
  user: UserType,
  state: { threatProtection: boolean },
): Promise<RawUser> {
  const username = user.Username ?? '';
  const lookupErrors: { lookup: Lookup; error: string }[] = [];
  const attempt = async <T>(lookup: Lookup, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (error) {
      lookupErrors.push({ lookup, error: errorName(error) });
      return undefined;
    }
  };

  const groups = await attempt('groups', () => listGroups(cognito, options.userPoolId, username));
  const mfa = await attempt('mfa', () => mfaSettings(cognito, options.userPoolId, username));
  let lastSignIn: SignInLookup = { status: 'unavailable', reason: NO_THREAT_PROTECTION };
  if (state.threatProtection) {
    try {
      lastSignIn = await latestSignIn(cognito, options.userPoolId, username, options.authEventsPerUser ?? 20);
    } catch (error) {
      // Pool-wide, not a failure of this user: stop asking for the remaining users.
      if (isAwsError(error, NO_THREAT_PROTECTION)) state.threatProtection = false;
      else lookupErrors.push({ lookup: 'sign-in', error: errorName(error) });
      lastSignIn = { status: 'unavailable', reason: errorName(error) };
    }
  }

  return {
    username,
    sub: user.Attributes?.find((a) => a.Name === 'sub')?.Value,
    enabled: user.Enabled ?? false,
    status: user.UserStatus ?? 'UNKNOWN',
    createdAt: user.UserCreateDate,
    lastModifiedAt: user.UserLastModifiedDate,
    groups,
    mfa,
    lastSignIn,
    lookupErrors,
  };
}

async function listGroups(cognito: CognitoIdentityProviderClient, userPoolId: string, username: string): Promise<string[]> {
  const groups: string[] = [];
  for await (const page of paginateAdminListGroupsForUser(
    { client: cognito, pageSize: 60 },
    { UserPoolId: userPoolId, Username: username },
  )) {
    for (const g of page.Groups ?? []) if (g.GroupName) groups.push(g.GroupName);
  }
  return groups.sort();
}

async function mfaSettings(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
): Promise<{ methods: string[]; preferred?: string }> {
  // AdminGetUser also returns the attributes (e-mail ...): only the MFA fields are kept.
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  return { methods: [...(user.UserMFASettingList ?? [])].sort(), preferred: user.PreferredMfaSetting };
}

/** Reads one page of auth events (newest first) and keeps the latest successful sign-in. */
async function latestSignIn(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
  maxResults: number,
): Promise<SignInLookup> {
  const page = await cognito.send(
    new AdminListUserAuthEventsCommand({ UserPoolId: userPoolId, Username: username, MaxResults: maxResults }),
  );
  const signIns = (page.AuthEvents ?? [])
    .filter((e) => e.EventType === 'SignIn' && e.EventResponse === 'Pass' && e.CreationDate)
    .map((e) => e.CreationDate!.getTime());
  if (signIns.length) return { status: 'found', at: new Date(Math.max(...signIns)) };
  return page.NextToken ? { status: 'not-in-recent-events' } : { status: 'never' };
}
