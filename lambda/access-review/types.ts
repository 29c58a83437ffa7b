/** What the access review learns about one user from Cognito, before any judgement. */

/** The user's latest successful sign-in, from the threat-protection auth-event history. */
export type SignInLookup =
  | { readonly status: 'found'; readonly at: Date }
  /** No successful sign-in in the whole retained auth-event history. */
  | { readonly status: 'never' }
  /** The most recent auth events hold no successful sign-in, older ones were not read. */
  | { readonly status: 'not-in-recent-events' }
  /** Not known: threat protection off, or the lookup failed (see `lookupErrors`). */
  | { readonly status: 'unavailable'; readonly reason: string };

export type Lookup = 'groups' | 'mfa' | 'sign-in';

export interface RawUser {
  /** Cognito username: a workforce identifier (it may be an e-mail address), not PHI. */
  readonly username: string;
  readonly sub?: string;
  readonly enabled: boolean;
  /** Cognito `UserStatus`, e.g. `CONFIRMED`, `FORCE_CHANGE_PASSWORD`. */
  readonly status: string;
  readonly createdAt?: Date;
  readonly lastModifiedAt?: Date;
  /** Group (role) names; undefined when the lookup failed. */
  readonly groups?: readonly string[];
  /** MFA methods set up and the preferred one; undefined when the lookup failed. */
  readonly mfa?: { readonly methods: readonly string[]; readonly preferred?: string };
  readonly lastSignIn: SignInLookup;
  /** Lookups that failed for this user (AWS error names); the review of this user is incomplete. */
  readonly lookupErrors: readonly { readonly lookup: Lookup; readonly error: string }[];
}
