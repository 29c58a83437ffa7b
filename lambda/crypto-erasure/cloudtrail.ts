/**
 * CloudTrail evidence of the key operations: DisableKey and ScheduleKeyDeletion (our calls) and
 * DeleteKey (the AWS service event KMS records when the waiting period ends), looked up in event
 * history of the key's region. LookupEvents takes one attribute besides the time range, so it filters
 * on the event name and this module matches the key (the event's resources, or its request/response
 * key ID). Failed calls (an `errorCode` in the event) are not evidence and are skipped.
 *
 * Event history is typically visible within about 5 minutes of the call, but that is not guaranteed:
 * callers retry (`CloudTrailEventsNotYetVisible`).
 */
import { paginateLookupEvents, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { ErasureTrailEvent } from '../shared/key-lifecycle-contract';

export type KeyEventName = 'DisableKey' | 'ScheduleKeyDeletion' | 'DeleteKey';

/** Pages (50 events each) read per lookup: bounds the time a busy account can take. */
export const MAX_LOOKUP_PAGES = 20;
/** Looked up from this long before the run started, in case of clock skew between us and CloudTrail. */
export const LOOKUP_SKEW_MS = 5 * 60_000;

export interface KeyEvent extends ErasureTrailEvent {
  /** Key identifiers the event names (resource ARNs, request/response key IDs). */
  readonly keyRefs: readonly string[];
  readonly failed: boolean;
  readonly eventSource?: string;
}

interface RawCloudTrailEvent {
  readonly errorCode?: unknown;
  readonly eventType?: unknown;
  readonly userIdentity?: { readonly arn?: unknown; readonly invokedBy?: unknown };
  readonly requestParameters?: { readonly keyId?: unknown } | null;
  readonly responseElements?: { readonly keyId?: unknown } | null;
  readonly resources?: readonly { readonly ARN?: unknown }[];
}

function parseRaw(text: string | undefined): RawCloudTrailEvent {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as RawCloudTrailEvent) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Events named `eventName` in the client's region between `since` and now. */
export async function lookupKeyEvents(cloudTrail: CloudTrailClient, eventName: KeyEventName, since: Date): Promise<KeyEvent[]> {
  const events: KeyEvent[] = [];
  let pages = 0;
  for await (const page of paginateLookupEvents(
    { client: cloudTrail },
    {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
      StartTime: new Date(since.getTime() - LOOKUP_SKEW_MS),
      MaxResults: 50,
    },
  )) {
    for (const e of page.Events ?? []) {
      if (!e.EventId) continue;
      const raw = parseRaw(e.CloudTrailEvent);
      const keyRefs = [
        ...(e.Resources ?? []).map((r) => r.ResourceName),
        ...(raw.resources ?? []).map((r) => str(r.ARN)),
        str(raw.requestParameters?.keyId),
        str(raw.responseElements?.keyId),
      ].filter((r): r is string => !!r);
      events.push({
        eventName: e.EventName ?? eventName,
        eventId: e.EventId,
        ...(e.EventTime ? { eventTime: e.EventTime.toISOString() } : {}),
        ...((str(raw.userIdentity?.arn) ?? str(raw.userIdentity?.invokedBy))
          ? { principal: str(raw.userIdentity?.arn) ?? str(raw.userIdentity?.invokedBy) }
          : {}),
        ...(str(raw.eventType) ? { eventType: str(raw.eventType) } : {}),
        ...(e.EventSource ? { eventSource: e.EventSource } : {}),
        keyRefs,
        failed: raw.errorCode !== undefined && raw.errorCode !== null,
      });
    }
    if (++pages >= MAX_LOOKUP_PAGES) break;
  }
  return events;
}

/** The successful KMS events among `events` that name the key (by ARN or key ID). */
export function eventsForKey(events: readonly KeyEvent[], keyArn: string, keyId: string): ErasureTrailEvent[] {
  return events
    .filter((e) => !e.failed && (e.eventSource === undefined || e.eventSource === 'kms.amazonaws.com'))
    .filter((e) => e.keyRefs.some((ref) => ref === keyArn || ref === keyId || ref.endsWith(`:key/${keyId}`)))
    .map(({ keyRefs: _refs, failed: _failed, eventSource: _source, ...event }) => event);
}

/** A key whose events are wanted: its place says whose CloudTrail (account and region) holds them. */
export interface WantedKeyEvents {
  readonly keyArn: string;
  readonly keyId: string;
  /** The key's account (absent: the workload account). An external key's events are in its own account. */
  readonly account?: string;
  readonly region: string;
  readonly alias: string;
  /** Looked up and recorded when found. */
  readonly eventNames: readonly KeyEventName[];
  /** Reported missing when not found (default: all of `eventNames`). */
  readonly required?: readonly KeyEventName[];
}

/**
 * Looks up each event name once per account and region (LookupEvents allows 2 requests per second per
 * account and region) and returns, per key, what was found and which required events are missing.
 * `cloudTrailFor` gives the CloudTrail client of the key's account and region.
 */
export async function findEventsPerKey(
  cloudTrailFor: (key: WantedKeyEvents) => CloudTrailClient | Promise<CloudTrailClient>,
  wanted: readonly WantedKeyEvents[],
  since: Date,
): Promise<Map<string, { found: ErasureTrailEvent[]; missing: KeyEventName[] }>> {
  const cache = new Map<string, KeyEvent[]>();
  const result = new Map<string, { found: ErasureTrailEvent[]; missing: KeyEventName[] }>();
  for (const key of wanted) {
    const found: ErasureTrailEvent[] = [];
    const missing: KeyEventName[] = [];
    for (const eventName of key.eventNames) {
      const cacheKey = `${key.account ?? ''} ${key.region} ${eventName}`;
      if (!cache.has(cacheKey)) cache.set(cacheKey, await lookupKeyEvents(await cloudTrailFor(key), eventName, since));
      const matches = eventsForKey(cache.get(cacheKey)!, key.keyArn, key.keyId);
      if (matches.length === 0 && (key.required ?? key.eventNames).includes(eventName)) missing.push(eventName);
      found.push(...matches);
    }
    result.set(key.keyArn, { found, missing });
  }
  return result;
}
