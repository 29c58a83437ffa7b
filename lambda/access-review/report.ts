/**
 * Builds the access-review report (the evidence) from what was collected. Pure and deterministic:
 * users are sorted by username, dates are ISO 8601 UTC.
 */
import { EVIDENCE_PREFIXES } from '../../lib/vocabulary';
import { decideFlags, FLAGS, isPrivileged, type Flag } from './flags';
import type { RawUser, SignInLookup } from './types';

export const REPORT_SCHEMA = 'hipaa-crm/access-review/v1';

export interface ReportParameters {
  readonly deployment: string;
  readonly userPoolId: string;
  readonly inactiveDays: number;
  /** Groups whose role grants the `admin` scope. */
  readonly privilegedGroups: readonly string[];
  readonly generatedAt: Date;
}

export interface ReportedUser {
  readonly sub: string | null;
  readonly username: string;
  readonly enabled: boolean;
  readonly status: string;
  readonly createdAt: string | null;
  readonly lastModifiedAt: string | null;
  /** Null when the lookup failed. */
  readonly groups: readonly string[] | null;
  readonly mfa: { readonly methods: readonly string[]; readonly preferred: string | null } | null;
  readonly lastSignIn: { readonly status: SignInLookup['status']; readonly at?: string; readonly reason?: string };
  readonly flags: readonly Flag[];
  readonly lookupErrors: RawUser['lookupErrors'];
}

export interface AccessReviewReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly generatedAt: string;
  readonly deployment: string;
  readonly userPoolId: string;
  readonly hipaaControls: readonly string[];
  readonly note: string;
  readonly parameters: { readonly inactiveDays: number; readonly privilegedGroups: readonly string[] };
  /** False when the pool has no threat protection: inactivity could not be reviewed. */
  readonly signInHistoryAvailable: boolean;
  readonly counts: {
    readonly users: number;
    readonly enabled: number;
    readonly disabled: number;
    readonly flaggedUsers: number;
    readonly privilegedUsers: number;
    readonly byFlag: Readonly<Record<Flag, number>>;
  };
  readonly flagDescriptions: typeof FLAGS;
  /** Members of the highest-privilege groups, listed apart for the reviewer. */
  readonly privilegedUsers: readonly {
    readonly sub: string | null;
    readonly username: string;
    readonly groups: readonly string[];
  }[];
  readonly users: readonly ReportedUser[];
}

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

export function buildReport(rawUsers: readonly RawUser[], params: ReportParameters): AccessReviewReport {
  const policy = { now: params.generatedAt, inactiveDays: params.inactiveDays };
  const sorted = [...rawUsers].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  const users: ReportedUser[] = sorted.map((u) => ({
    sub: u.sub ?? null,
    username: u.username,
    enabled: u.enabled,
    status: u.status,
    createdAt: iso(u.createdAt),
    lastModifiedAt: iso(u.lastModifiedAt),
    groups: u.groups ? [...u.groups] : null,
    mfa: u.mfa ? { methods: [...u.mfa.methods], preferred: u.mfa.preferred ?? null } : null,
    lastSignIn:
      u.lastSignIn.status === 'found'
        ? { status: 'found', at: u.lastSignIn.at.toISOString() }
        : u.lastSignIn.status === 'unavailable'
          ? { status: 'unavailable', reason: u.lastSignIn.reason }
          : { status: u.lastSignIn.status },
    flags: decideFlags(u, policy),
    lookupErrors: u.lookupErrors,
  }));

  const byFlag = Object.fromEntries(Object.keys(FLAGS).map((f) => [f, 0])) as Record<Flag, number>;
  for (const u of users) for (const f of u.flags) byFlag[f]++;
  const privilegedUsers = sorted
    .filter((u) => isPrivileged(u, params.privilegedGroups))
    .map((u) => ({
      sub: u.sub ?? null,
      username: u.username,
      groups: (u.groups ?? []).filter((g) => params.privilegedGroups.includes(g)),
    }));

  return {
    schema: REPORT_SCHEMA,
    generatedAt: params.generatedAt.toISOString(),
    deployment: params.deployment,
    userPoolId: params.userPoolId,
    hipaaControls: ['164.308(a)(3)(ii)(B)', '164.308(a)(4)(ii)(C)'],
    note:
      'Workforce accounts of the CRM, listed by Cognito sub and username. Usernames may be e-mail addresses: ' +
      'they are workforce identifiers, not PHI. No other user attributes are collected.',
    parameters: { inactiveDays: params.inactiveDays, privilegedGroups: [...params.privilegedGroups] },
    signInHistoryAvailable: !rawUsers.some(
      (u) => u.lastSignIn.status === 'unavailable' && u.lastSignIn.reason === 'UserPoolAddOnNotEnabledException',
    ),
    counts: {
      users: users.length,
      enabled: users.filter((u) => u.enabled).length,
      disabled: users.filter((u) => !u.enabled).length,
      flaggedUsers: users.filter((u) => u.flags.length > 0).length,
      privilegedUsers: privilegedUsers.length,
      byFlag,
    },
    flagDescriptions: FLAGS,
    privilegedUsers,
    users,
  };
}

/** Where a review is stored: `access-reviews/<yyyy>/<yyyy-mm-dd>-access-review.{json,md}` (UTC date). */
export function reportKeys(generatedAt: Date): { readonly json: string; readonly markdown: string } {
  const date = generatedAt.toISOString().slice(0, 10);
  const base = `${EVIDENCE_PREFIXES.accessReviews}${date.slice(0, 4)}/${date}-access-review`;
  return { json: `${base}.json`, markdown: `${base}.md` };
}
