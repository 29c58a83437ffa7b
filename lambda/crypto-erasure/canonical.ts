/**
 * The plan digest: SHA-256 of a canonical JSON (object keys sorted at every level, no whitespace,
 * `undefined` dropped; arrays keep their order, and the plan sorts them itself) of what the operator
 * confirms. Timestamps, the run ID, key states and canary ciphertexts are left out, so planning again
 * when nothing changed gives the same digest, and a re-run of execute after a partial failure (some
 * keys already disabled) still matches the confirmed digest.
 */
import { createHash } from 'node:crypto';
import type { ErasurePlan } from '../shared/key-lifecycle-contract';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * What the digest covers, taken from a full (not summarised) plan. Format 2 added `formatVersion` and
 * each key's `account`: the digest of an unchanged single-account deployment differs from format 1's.
 */
export function digestContent(plan: Omit<ErasurePlan, 'digest' | 'createdAt'>): unknown {
  return {
    formatVersion: plan.formatVersion,
    deployment: plan.deployment,
    account: plan.account,
    keys: plan.keys.map((k) => ({
      keyArn: k.keyArn,
      alias: k.alias,
      account: k.account,
      region: k.region,
      dataClass: k.dataClass,
      protects: k.protects,
    })),
    missingKeys: plan.missingKeys ?? [],
    uncovered: plan.uncovered ?? [],
    unchecked: plan.unchecked ?? [],
    remains: plan.remains,
  };
}

export function planDigest(plan: Omit<ErasurePlan, 'digest' | 'createdAt'>): string {
  return createHash('sha256')
    .update(canonicalJson(digestContent(plan)), 'utf8')
    .digest('hex');
}
