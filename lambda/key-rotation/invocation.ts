/**
 * What the rotation enforcer was asked to do. Two kinds of invocation, nothing else:
 * - check: the EventBridge schedule ("Scheduled Event" from aws.events), or `{"action":"check"}` by hand;
 * - rotate-now: a `RotateNowRequest` (suspected key compromise), invoked directly by an operator.
 * Anything else is refused: a stray event must not be taken for either.
 */
import type { RotateNowRequest } from '../shared/key-lifecycle-contract';

export type Invocation =
  | { readonly kind: 'check'; readonly trigger: 'schedule' | 'manual' }
  | { readonly kind: 'rotate-now'; readonly request: RotateNowRequest }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Bounds of the free-text fields: they are recorded in the evidence, never logged. */
export const MAX_REASON_LENGTH = 1000;
export const MAX_REQUESTED_BY_LENGTH = 256;
const MAX_KEY_LENGTH = 2048;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function parseInvocation(event: unknown): Invocation {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return { kind: 'invalid', reason: 'the event is not an object' };
  }
  const e = event as Record<string, unknown>;
  if (e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event') return { kind: 'check', trigger: 'schedule' };
  if (e.action === 'check') return { kind: 'check', trigger: 'manual' };
  if (e.action !== 'rotate-now') return { kind: 'invalid', reason: 'neither a scheduled event nor a known action' };

  const fields: [keyof RotateNowRequest, number][] = [
    ['key', MAX_KEY_LENGTH],
    ['reason', MAX_REASON_LENGTH],
    ['requestedBy', MAX_REQUESTED_BY_LENGTH],
  ];
  for (const [field, max] of fields) {
    const value = e[field];
    if (typeof value !== 'string' || value.trim() === '') return { kind: 'invalid', reason: `rotate-now needs "${field}"` };
    if (value.length > max) return { kind: 'invalid', reason: `rotate-now "${field}" is longer than ${max} characters` };
    if (CONTROL_CHARACTERS.test(value)) return { kind: 'invalid', reason: `rotate-now "${field}" holds control characters` };
  }
  return {
    kind: 'rotate-now',
    request: {
      action: 'rotate-now',
      key: (e.key as string).trim(),
      reason: (e.reason as string).trim(),
      requestedBy: (e.requestedBy as string).trim(),
    },
  };
}
