/**
 * The integrity canary's row proof: sha256 over the row's `written_at` and `nonce`. The canary computes
 * it when writing; the restore validator recomputes it from the restored row. A match shows the row
 * survived backup and restore bit for bit; the random nonce makes a row impossible to fake from its
 * timestamp alone.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Bytes of randomness per row (hex-encoded to 32 characters). */
export const CANARY_NONCE_BYTES = 16;
export const CANARY_NONCE = /^[0-9a-f]{32}$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The canonical text is `written_at` as ISO-8601 UTC with milliseconds, followed by the nonce. The
 * canary truncates the server time to milliseconds before storing it, so a JavaScript Date (millisecond
 * precision) round-trips it exactly.
 */
export function canaryDigest(writtenAt: Date, nonce: string): string {
  if (Number.isNaN(writtenAt.getTime())) throw new Error('canary written_at is not a valid time');
  return createHash('sha256').update(`${writtenAt.toISOString()}${nonce}`, 'utf8').digest('hex');
}

export function newCanaryNonce(random: (size: number) => Buffer = randomBytes): string {
  return random(CANARY_NONCE_BYTES).toString('hex');
}
