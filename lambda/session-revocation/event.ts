/**
 * Strict validation of the CloudTrail events (via EventBridge) that end or change a user's access.
 * The EventBridge rule already filters on these fields; checking again here means a mis-wired rule,
 * a replayed or hand-made event can never make the function sign out a user of another pool.
 */

/** Cognito admin calls after which a user's existing sessions must end (HIPAA 164.308(a)(3)(ii)(C)). */
export const REVOCATION_TRIGGERS = [
  'AdminDisableUser',
  'AdminDeleteUser',
  'AdminRemoveUserFromGroup',
  // A role change: tokens issued before it still carry the old groups until they expire.
  'AdminAddUserToGroup',
] as const;
// AdminUserGlobalSignOut is deliberately absent: the function calls it, so listening to it would loop.

export type RevocationTrigger = (typeof REVOCATION_TRIGGERS)[number];

/** Why an event was ignored; logged and counted, never thrown (a retry would not change the answer). */
export type IgnoreReason =
  | 'not-a-cloudtrail-api-call'
  | 'unexpected-event-source'
  | 'unexpected-event-name'
  | 'failed-api-call'
  | 'other-user-pool'
  | 'no-usable-user-identifier';

export type ParsedEvent =
  | {
      readonly kind: 'revoke';
      readonly trigger: RevocationTrigger;
      /** CloudTrail event ID: correlates the log line with the trail, which records who did what. */
      readonly eventId?: string;
      /** What to pass as `Username` to the Cognito API: the username, or the `sub` when CloudTrail hid it. */
      readonly userIdentifier: string;
      /** The user's `sub` when the event carries it. */
      readonly sub?: string;
    }
  | { readonly kind: 'ignore'; readonly reason: IgnoreReason; readonly eventId?: string; readonly eventName?: string };

/** Cognito replaces sensitive request values in CloudTrail with markers like these. */
const HIDDEN_VALUE = /^HIDDEN_(DUE_TO|FOR)_SECURITY_REASONS$/;
const SUB = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Cognito usernames are 1-128 characters without control characters or whitespace runs.
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Decides what to do with one EventBridge event; never throws. */
export function parseRevocationEvent(event: unknown, expectedUserPoolId: string): ParsedEvent {
  if (!isObject(event) || event['detail-type'] !== 'AWS API Call via CloudTrail' || !isObject(event.detail)) {
    return { kind: 'ignore', reason: 'not-a-cloudtrail-api-call' };
  }
  const detail = event.detail;
  const eventId = str(detail.eventID);
  const eventName = str(detail.eventName);
  if (event.source !== 'aws.cognito-idp' || detail.eventSource !== 'cognito-idp.amazonaws.com') {
    return { kind: 'ignore', reason: 'unexpected-event-source', eventId, eventName };
  }
  if (!eventName || !(REVOCATION_TRIGGERS as readonly string[]).includes(eventName)) {
    return { kind: 'ignore', reason: 'unexpected-event-name', eventId, eventName };
  }
  // A call that failed (AccessDenied, UserNotFound, ...) changed nothing.
  if (detail.errorCode !== undefined && detail.errorCode !== null) {
    return { kind: 'ignore', reason: 'failed-api-call', eventId, eventName };
  }
  const request = isObject(detail.requestParameters) ? detail.requestParameters : {};
  if (request.userPoolId !== expectedUserPoolId) {
    return { kind: 'ignore', reason: 'other-user-pool', eventId, eventName };
  }
  const username = str(request.username);
  const additional = isObject(detail.additionalEventData) ? detail.additionalEventData : {};
  const subCandidate = str(additional.sub);
  const sub = subCandidate && SUB.test(subCandidate) ? subCandidate : undefined;
  // The sub also identifies a local user in the admin API when CloudTrail hides the username.
  const userIdentifier = username && !HIDDEN_VALUE.test(username) && USERNAME.test(username) ? username : sub;
  if (!userIdentifier) {
    return { kind: 'ignore', reason: 'no-usable-user-identifier', eventId, eventName };
  }
  return { kind: 'revoke', trigger: eventName as RevocationTrigger, eventId, userIdentifier, sub };
}
