/**
 * The plan (read-only): resolve and check the keys, inventory what they protect, list what remains,
 * compute the digest, and encrypt a canary with each enabled key. The canary is 32 random bytes
 * encrypted under an encryption context naming the deployment and the run, decrypted once at once to
 * prove it reads back, then only its ciphertext is kept: after the erasure, decrypting it must fail.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { TAG } from '../../lib/vocabulary';
import {
  ERASURE_CANARY_CONTEXT,
  ERASURE_FORMAT_VERSION,
  type ErasureKey,
  type ErasurePlan,
} from '../shared/key-lifecycle-contract';
import { keyClients, type AccountDeps } from './accounts';
import { planDigest } from './canonical';
import { takeInventory, KIND } from './inventory';
import { resolveKeys, type ResolvedKey } from './keys';

export interface PlanDeps extends AccountDeps {
  readonly now: () => Date;
}

export interface PlanOptions {
  /** Names the run in the canaries' encryption context. */
  readonly runId: string;
  /** Encrypt canaries now (plan); execute adds them with `addCanaries` only once the digest matched. */
  readonly canaries: boolean;
  /** Canaries of an earlier attempt of this run, reused for keys that can no longer encrypt. */
  readonly earlierCanaries?: readonly ErasureKey[];
}

/** Key states execute can act on: Enabled (disable, schedule), Disabled (schedule), PendingDeletion (nothing). */
export const ACTIONABLE_STATES = ['Enabled', 'Disabled', 'PendingDeletion'];

export function canaryContext(deployment: string, runId: string): Record<string, string> {
  return {
    [TAG.deployment]: deployment,
    [TAG.erasureRun]: runId,
    ...ERASURE_CANARY_CONTEXT,
  };
}

/** The full plan (every protected resource listed). Throws ErasureRefused when a key is out of bounds. */
export async function buildPlan(deps: PlanDeps, options: PlanOptions): Promise<ErasurePlan> {
  const { config } = deps;
  const { keys: resolved, missing } = await resolveKeys(deps);
  const inventory = await takeInventory(deps, resolved);

  const keys: ErasureKey[] = resolved.map((key) => ({
    keyArn: key.keyArn,
    keyId: key.keyId,
    alias: key.alias,
    account: key.account,
    region: key.region,
    dataClass: key.dataClass,
    state: key.state,
    protects: inventory.protects.get(key.keyArn) ?? [],
  }));
  const body = {
    formatVersion: ERASURE_FORMAT_VERSION,
    deployment: config.deployment,
    account: config.account,
    runId: options.runId,
    keys,
    missingKeys: missing.map((m) => ({ dataClass: m.dataClass, alias: m.alias, account: m.account, region: m.region })),
    uncovered: inventory.uncovered,
    unchecked: inventory.unchecked,
    remains: inventory.remains,
  };
  const digest = planDigest(body);
  const blockers = planBlockers(resolved, body.uncovered.filter((u) => u.blocking).length);

  const plan: ErasurePlan = { ...body, createdAt: deps.now().toISOString(), digest, blockers };
  return options.canaries ? addCanaries(deps, plan, options) : plan;
}

/** Adds a canary to every key of `plan` (see the file comment); the digest does not cover canaries. */
export async function addCanaries(deps: PlanDeps, plan: ErasurePlan, options: PlanOptions): Promise<ErasurePlan> {
  const keys = await Promise.all(
    plan.keys.map(async (key) => addCanary((await keyClients(deps, key)).kms, key, deps.config.deployment, options)),
  );
  return { ...plan, runId: options.runId, keys };
}
function planBlockers(keys: readonly ResolvedKey[], blockingUncovered: number): string[] {
  const blockers: string[] = [];
  if (keys.length === 0) blockers.push('no key in scope was found: there is nothing to erase');
  for (const key of keys) {
    if (!ACTIONABLE_STATES.includes(key.state)) blockers.push(`${key.alias} (${key.keyArn}) is in state ${key.state}`);
  }
  if (blockingUncovered > 0) {
    blockers.push(
      `${blockingUncovered} recovery point(s) in the backup vaults are protected by no key in scope (see uncovered): destroying the keys would leave them readable; delete them or re-plan once they have expired`,
    );
  }
  return blockers;
}

async function addCanary(kms: KMSClient, key: ErasureKey, deployment: string, options: PlanOptions): Promise<ErasureKey> {
  if (key.state !== 'Enabled') {
    // A disabled key cannot encrypt; an earlier attempt of the same run may have made its canary.
    const earlier = options.earlierCanaries?.find((k) => k.keyArn === key.keyArn && k.canaryCiphertext);
    return earlier
      ? { ...key, canaryCiphertext: earlier.canaryCiphertext, canaryEncryptionContext: earlier.canaryEncryptionContext }
      : key;
  }
  const context = canaryContext(deployment, options.runId);
  const plaintext = randomBytes(32);
  const encrypted = await kms.send(new EncryptCommand({ KeyId: key.keyArn, Plaintext: plaintext, EncryptionContext: context }));
  if (!encrypted.CiphertextBlob) throw new Error(`Encrypt with ${key.keyArn} returned no ciphertext`);
  const decrypted = await kms.send(
    new DecryptCommand({ KeyId: key.keyArn, CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: context }),
  );
  const readBack = decrypted.Plaintext ? Buffer.from(decrypted.Plaintext) : Buffer.alloc(0);
  if (readBack.length !== plaintext.length || !timingSafeEqual(readBack, plaintext)) {
    throw new Error(`the canary encrypted with ${key.keyArn} did not decrypt to what was encrypted`);
  }
  return { ...key, canaryCiphertext: Buffer.from(encrypted.CiphertextBlob).toString('base64'), canaryEncryptionContext: context };
}

/** Kinds listed one by one in the carried plan; the others (snapshots, recovery points...) only counted. */
const LISTED_KINDS: readonly string[] = [
  KIND.dbInstance,
  KIND.dbCluster,
  KIND.bucket,
  KIND.secret,
  KIND.vault,
  KIND.airGappedVault,
];
/** At most this many ARNs of one kind per key in the carried plan (Step Functions payloads are <= 256 KiB). */
export const LISTED_PER_KIND = 10;

/**
 * The plan carried between phases: per key a `{ kind, count }` for every kind, plus the ARNs of
 * the few live resources (instances, clusters, buckets, secrets, vaults) when there are at most
 * LISTED_PER_KIND of them. The full plan is the evidence object named in `inventoryEvidence`.
 */
export function summarisePlan(plan: ErasurePlan, inventoryEvidence: NonNullable<ErasurePlan['inventoryEvidence']>): ErasurePlan {
  return {
    ...plan,
    keys: plan.keys.map((key) => {
      const counts = new Map<string, string[]>();
      for (const p of key.protects) {
        if (!counts.has(p.kind)) counts.set(p.kind, []);
        if (p.arn) counts.get(p.kind)!.push(p.arn);
      }
      const protects = [...counts.entries()].flatMap(([kind, arns]) => [
        { kind, count: arns.length },
        ...(LISTED_KINDS.includes(kind) && arns.length <= LISTED_PER_KIND ? arns.map((arn) => ({ kind, arn })) : []),
      ]);
      return { ...key, protects };
    }),
    inventoryEvidence,
  };
}
