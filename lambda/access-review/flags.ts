/**
 * The findings an access reviewer must act on (HIPAA 164.308(a)(3)(ii)(B) workforce clearance,
 * 164.308(a)(4)(ii)(C) access establishment and modification). Pure: same user, same day, same flags.
 */
import type { RawUser } from './types';

export const FLAGS = {
  /** No second factor set up (the pool requires MFA, so the user has not completed enrolment). */
  NO_MFA: 'No MFA method set up',
  /** Enabled, but no successful sign-in for `inactiveDays` (or never, and created that long ago). */
  INACTIVE: 'Enabled but unused for the inactivity period',
  /** Never completed a sign-in (temporary password never changed, or no successful sign-in on record). */
  NEVER_SIGNED_IN: 'Never signed in',
  /** Disabled, yet still a member of groups: re-enabling would restore the old roles. */
  DISABLED_IN_GROUPS: 'Disabled but still in groups',
  /** Some lookups failed: the reviewer must check this user by hand. */
  REVIEW_INCOMPLETE: 'Review incomplete (a lookup failed)',
} as const;

export type Flag = keyof typeof FLAGS;

export interface FlagPolicy {
  /** When the review runs. */
  readonly now: Date;
  /** Days without a successful sign-in after which an enabled account is flagged. */
  readonly inactiveDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function decideFlags(user: RawUser, policy: FlagPolicy): Flag[] {
  const flags: Flag[] = [];
  const olderThanPeriod = (d: Date) => policy.now.getTime() - d.getTime() > policy.inactiveDays * DAY_MS;
  const neverSignedIn = user.status === 'FORCE_CHANGE_PASSWORD' || user.lastSignIn.status === 'never';

  if (user.mfa && user.mfa.methods.length === 0 && !user.mfa.preferred) flags.push('NO_MFA');
  if (user.enabled) {
    const lastSignIn = user.lastSignIn.status === 'found' ? user.lastSignIn.at : undefined;
    if (lastSignIn ? olderThanPeriod(lastSignIn) : neverSignedIn && user.createdAt && olderThanPeriod(user.createdAt)) {
      flags.push('INACTIVE');
    }
  }
  if (neverSignedIn) flags.push('NEVER_SIGNED_IN');
  if (!user.enabled && (user.groups?.length ?? 0) > 0) flags.push('DISABLED_IN_GROUPS');
  if (user.lookupErrors.length > 0) flags.push('REVIEW_INCOMPLETE');
  return flags;
}

/** Whether the user belongs to one of the highest-privilege groups (roles with the `admin` scope). */
export function isPrivileged(user: RawUser, privilegedGroups: readonly string[]): boolean {
  return (user.groups ?? []).some((g) => privilegedGroups.includes(g));
}
