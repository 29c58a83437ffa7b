/**
 * verify: for each key of the executed plan,
 * - decrypting its canary must fail with DisabledException or KMSInvalidStateException (a success means
 *   the key still decrypts: the phase FAILS, loudly); any other error proves nothing and fails the key;
 * - DescribeKey must say PendingDeletion;
 * - the CloudTrail events of the calls execute made (DisableKey, ScheduleKeyDeletion) must be found,
 *   and their event IDs are recorded. While some are not visible yet this throws
 *   CloudTrailEventsNotYetVisible for the state machine to retry; with `lastAttempt` they are reported
 *   as missing instead (`evidenceComplete: false`).
 * Works from the plan carried in `previous`; nothing here changes anything.
 */
import { DecryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { errorName } from '../shared/errors';
import type { ErasureKey, ErasureKeyResult, ErasurePhaseResult } from '../shared/key-lifecycle-contract';
import { keyClients, type AccountDeps } from './accounts';
import { findEventsPerKey, type KeyEventName } from './cloudtrail';
import { CloudTrailEventsNotYetVisible, ErasureRefused } from './errors';
import { describeKey } from './keys';
import type { DestructivePhaseRequest } from './request';
import { carried, continueRun, latest, latestDate } from './run';

export type VerifyDeps = AccountDeps;

/** Decrypt errors that prove the key can no longer decrypt: disabled, or pending deletion. */
export const EXPECTED_DECRYPT_ERRORS = ['DisabledException', 'KMSInvalidStateException'];

interface KeyCheck {
  readonly key: ErasureKey;
  readonly keyId: string;
  readonly state: string;
  readonly deletionDate?: string;
  readonly canaryDecryptError?: string;
  readonly problems: string[];
}

export async function verifyErasure(deps: VerifyDeps, request: DestructivePhaseRequest): Promise<ErasurePhaseResult> {
  const state = continueRun(request);
  const execute = latest(state.results, 'execute');
  if (!execute?.completed) {
    throw new ErasureRefused('execute has not completed for this run: run execute again (same digest and run ID) before verify');
  }
  const expected = expectedEvents(state.results);

  const checks: KeyCheck[] = [];
  for (const key of state.plan.keys) checks.push(await checkKey((await keyClients(deps, key)).kms, key));

  const trail = await findEventsPerKey(
    async (key) => (await keyClients(deps, key)).cloudTrail,
    // Both events are recorded when found; only those of calls execute is known to have made are required.
    checks.map((c) => ({
      keyArn: c.key.keyArn,
      keyId: c.keyId,
      account: c.key.account,
      region: c.key.region,
      alias: c.key.alias,
      eventNames: ['DisableKey', 'ScheduleKeyDeletion'] as const,
      required: expected.get(c.key.keyArn) ?? [],
    })),
    new Date(state.startedAt),
  );

  const failed = checks.filter((c) => c.problems.length > 0);
  const missing = checks
    .map((c) => ({ keyArn: c.key.keyArn, eventNames: trail.get(c.key.keyArn)?.missing ?? [] }))
    .filter((m) => m.eventNames.length > 0);
  // Only the lag is worth a retry: a key that still decrypts is reported at once.
  if (failed.length === 0 && missing.length > 0 && !request.lastAttempt) throw new CloudTrailEventsNotYetVisible(missing);

  const keys: ErasureKeyResult[] = checks.map((c) => {
    const events = trail.get(c.key.keyArn);
    const missingEvents = events?.missing ?? [];
    return {
      keyArn: c.key.keyArn,
      dataClass: c.key.dataClass,
      account: c.key.account,
      region: c.key.region,
      state: c.state,
      done: c.problems.length === 0,
      ...(c.deletionDate ? { deletionDate: c.deletionDate } : {}),
      ...(c.canaryDecryptError ? { canaryDecryptError: c.canaryDecryptError } : {}),
      cloudTrailEventIds: (events?.found ?? []).map((e) => e.eventId),
      events: events?.found ?? [],
      ...(missingEvents.length > 0 ? { missingEvents } : {}),
      detail: [
        ...c.problems,
        ...(c.problems.length === 0
          ? [
              c.canaryDecryptError
                ? `canary refused (${c.canaryDecryptError}); key ${c.state}`
                : `no canary (the key was not enabled when the run began); key ${c.state}`,
            ]
          : []),
        ...(missingEvents.length > 0 ? [`CloudTrail events not found after the last attempt: ${missingEvents.join(', ')}`] : []),
      ].join('; '),
    };
  });
  const pendingWindowEndsAt = latestDate([state.pendingWindowEndsAt, ...keys.map((k) => k.deletionDate)]);
  return {
    phase: 'verify',
    runId: request.runId,
    digest: request.confirmDigest,
    completed: failed.length === 0,
    evidenceComplete: missing.length === 0,
    keys,
    ...carried({ ...state, pendingWindowEndsAt }),
    ...(failed.length > 0
      ? { detail: `${failed.length} of ${keys.length} key(s) failed verification: ${failed.map((f) => f.key.keyArn).join(', ')}` }
      : {}),
  };
}

/** The CloudTrail events expected per key: the destructive calls execute made (in any attempt of the run). */
function expectedEvents(results: readonly ErasurePhaseResult[]): Map<string, KeyEventName[]> {
  const expected = new Map<string, Set<KeyEventName>>();
  for (const result of results.filter((r) => r.phase === 'execute')) {
    for (const key of result.keys) {
      const set = expected.get(key.keyArn) ?? new Set<KeyEventName>();
      for (const action of key.actions ?? []) set.add(action);
      expected.set(key.keyArn, set);
    }
  }
  return new Map([...expected].map(([k, v]) => [k, [...v].sort()]));
}

async function checkKey(kms: KMSClient, key: ErasureKey): Promise<KeyCheck> {
  const problems: string[] = [];
  const keyId = key.keyId ?? key.keyArn.split('/').pop()!;
  let canaryDecrypted = false;
  let canaryDecryptError: string | undefined;
  if (key.canaryCiphertext) {
    try {
      await kms.send(
        new DecryptCommand({
          KeyId: key.keyArn,
          CiphertextBlob: Buffer.from(key.canaryCiphertext, 'base64'),
          EncryptionContext: key.canaryEncryptionContext ? { ...key.canaryEncryptionContext } : undefined,
        }),
      );
      canaryDecrypted = true;
    } catch (error) {
      canaryDecryptError = errorName(error);
    }
  }
  let state = 'Unknown';
  let deletionDate: string | undefined;
  try {
    const meta = await describeKey(kms, key.keyArn);
    state = meta?.KeyState ?? 'NotFound';
    deletionDate = meta?.DeletionDate?.toISOString();
  } catch (error) {
    problems.push(`DescribeKey failed with ${errorName(error)}`);
  }
  if (canaryDecrypted) problems.unshift('FAILED: the canary still decrypts, the key is usable');
  else if (
    canaryDecryptError &&
    !EXPECTED_DECRYPT_ERRORS.includes(canaryDecryptError) &&
    // A key already deleted (a late verify) answers NotFoundException: stronger still.
    !(canaryDecryptError === 'NotFoundException' && state === 'NotFound')
  ) {
    problems.push(
      `decrypting the canary failed with ${canaryDecryptError}, not ${EXPECTED_DECRYPT_ERRORS.join(' or ')}: no proof`,
    );
  }
  if (state !== 'PendingDeletion' && state !== 'NotFound' && state !== 'Unknown') {
    problems.push(`key state is ${state}, not PendingDeletion`);
  }
  return { key, keyId, state, deletionDate, canaryDecryptError, problems };
}
