/**
 * The rotation policy, as pure functions: which keys KMS can rotate, and when a key is overdue.
 *
 * Overdue: the key material in use is older than the rotation period plus `OVERDUE_GRACE_DAYS`. The
 * age runs from the newest completed rotation (ListKeyRotations, automatic or on demand) or, for a key
 * never rotated, from its creation. KMS documents the automatic schedule as approximate ("one year,
 * approximately 365 days") and rotates in a background process, so a key is not flagged the day its
 * rotation is due; a week of grace is far shorter than any period KMS accepts (90 days at least) and
 * still catches a rotation that did not happen. Enabling rotation on a key does not make old material
 * young: KMS's first rotation comes one period after the enable date, so a key that ran without
 * rotation for longer than its period stays overdue until it is rotated on demand (see the runbook).
 */
import type { RotationsListEntry } from '@aws-sdk/client-kms';

export const OVERDUE_GRACE_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * Whether KMS can rotate the key automatically:
 * - `automatic`: symmetric encryption key with KMS-generated material (every key this project creates
 *   for data);
 * - `asymmetric`: RSA, ECC, SM2, ML-DSA, ML-KEM keys, such as the certificate-signing key. KMS never
 *   rotates them; that is expected and not a policy breach (a signing key is replaced, not rotated);
 * - `unsupported`: symmetric keys KMS cannot rotate automatically (HMAC, imported material, custom key
 *   stores). This project creates none, so one carrying its tags is a breach for a person to look at.
 */
export type RotationSupport =
  | { readonly kind: 'automatic' }
  | { readonly kind: 'asymmetric'; readonly detail: string }
  | { readonly kind: 'unsupported'; readonly detail: string };

export function rotationSupport(key: { readonly keySpec: string; readonly origin: string }): RotationSupport {
  if (key.keySpec.startsWith('HMAC_')) return { kind: 'unsupported', detail: `HMAC key (${key.keySpec})` };
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    return { kind: 'asymmetric', detail: `asymmetric key (${key.keySpec}): KMS does not rotate asymmetric keys` };
  }
  if (key.origin === 'EXTERNAL') return { kind: 'unsupported', detail: 'imported key material (Origin EXTERNAL)' };
  if (key.origin !== 'AWS_KMS') return { kind: 'unsupported', detail: `key in a custom key store (Origin ${key.origin})` };
  return { kind: 'automatic' };
}

export interface LastRotation {
  readonly date: Date;
  /** `ListKeyRotations` when the key was rotated at least once, else `CreationDate`. */
  readonly source: 'ListKeyRotations' | 'CreationDate';
  readonly type?: string;
  /** Completed on-demand rotations (they count against the per-key quota). */
  readonly onDemandRotations: number;
}

/** The newest completed rotation, whatever order KMS lists them in; the key's creation if there is none. */
export function lastRotation(rotations: readonly RotationsListEntry[], creationDate: Date | undefined): LastRotation | undefined {
  const onDemandRotations = rotations.filter((r) => r.RotationType === 'ON_DEMAND').length;
  let newest: RotationsListEntry | undefined;
  for (const r of rotations) {
    if (r.RotationDate && (!newest?.RotationDate || r.RotationDate > newest.RotationDate)) newest = r;
  }
  if (newest?.RotationDate) {
    return { date: newest.RotationDate, source: 'ListKeyRotations', type: newest.RotationType, onDemandRotations };
  }
  return creationDate ? { date: creationDate, source: 'CreationDate', onDemandRotations } : undefined;
}

/** Whole days between `from` and `now`. */
export function ageInDays(from: Date, now: Date): number {
  return Math.floor((now.getTime() - from.getTime()) / DAY_MS);
}

export function isOverdue(last: Date, rotationPeriodDays: number, now: Date): boolean {
  return now.getTime() - last.getTime() > (rotationPeriodDays + OVERDUE_GRACE_DAYS) * DAY_MS;
}
