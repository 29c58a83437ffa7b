/**
 * execute: only with the confirmed digest. Plans again without canaries (read-only) and refuses
 * unless the digest is the one confirmed and nothing blocks; then encrypts the canaries, writes the
 * full plan to the evidence bucket, and only then, key by key: DisableKey if Enabled (unreadable at
 * once), then ScheduleKeyDeletion with PENDING_WINDOW_DAYS unless already PendingDeletion.
 *
 * Idempotent: a key already Disabled is only scheduled, one already PendingDeletion is left as it is,
 * so a re-run after a partial failure finishes the job. A failing key does not stop the others; the
 * result then says `completed: false` and, per key, which calls succeeded, which failed and the key's
 * state afterwards, never a silent half-state.
 */
import { DisableKeyCommand, ScheduleKeyDeletionCommand, type KMSClient } from '@aws-sdk/client-kms';
import { errorName } from '../shared/errors';
import type { ErasureKey, ErasureKeyResult, ErasurePhaseResult } from '../shared/key-lifecycle-contract';
import { keyClients } from './accounts';
import { checkRecordedApproval } from './approval';
import { ErasureRefused } from './errors';
import { writeEvidence, type EvidenceDeps } from './evidence-store';
import { describeKey } from './keys';
import { addCanaries, buildPlan, summarisePlan, type PlanDeps } from './plan';
import type { DestructivePhaseRequest } from './request';
import { latestDate, resultsSoFar } from './run';

export type ExecuteDeps = PlanDeps & EvidenceDeps;

export async function executeErasure(deps: ExecuteDeps, request: DestructivePhaseRequest): Promise<ErasurePhaseResult> {
  const { runId, confirmDigest, previous } = request;
  if (previous && (previous.runId !== runId || previous.digest !== confirmDigest)) {
    throw new ErasureRefused(`previous belongs to run ${previous.runId} / digest ${previous.digest}, not this run and digest`);
  }
  // The two-person rule (when on): the recorded approval, before anything else.
  await checkRecordedApproval(deps, request);
  const startedAt = deps.now().toISOString();

  // Nothing is encrypted, written or disabled before the digest matched.
  const current = await buildPlan(deps, { runId, canaries: false });
  if (current.digest !== confirmDigest) {
    throw new ErasureRefused(
      `the current plan's digest is ${current.digest}, not the confirmed ${confirmDigest}: the keys or what they protect changed since that plan, or the digest is wrong. Nothing was changed; plan again and confirm the new digest`,
    );
  }
  if ((current.blockers ?? []).length > 0) throw new ErasureRefused([...current.blockers!, 'nothing was changed']);

  const plan = await addCanaries(deps, current, { runId, canaries: true, earlierCanaries: previous?.plan?.keys });
  const planEvidence = await writeEvidence(deps, runId, 'plan.json', `${JSON.stringify(plan, null, 2)}\n`, 'application/json');

  // Every key's clients (an external key's assumed session) before the first destructive call: a role
  // that cannot be assumed stops here with nothing destroyed (planning again above already needed them).
  const clients = await Promise.all(plan.keys.map((key) => keyClients(deps, key)));
  const keys: ErasureKeyResult[] = [];
  for (const [i, key] of plan.keys.entries()) {
    keys.push(await eraseKey(clients[i].kms, key, deps.config.pendingWindowDays));
  }
  const failed = keys.filter((k) => !k.done);
  const earlier = resultsSoFar(previous);
  return {
    phase: 'execute',
    runId,
    digest: confirmDigest,
    completed: failed.length === 0,
    keys,
    plan: summarisePlan(plan, {
      bucket: planEvidence.bucket,
      key: planEvidence.key,
      sha256: planEvidence.sha256,
      ...(planEvidence.versionId ? { versionId: planEvidence.versionId } : {}),
    }),
    // A re-run continues the run: CloudTrail lookups start at the first attempt.
    startedAt: previous?.startedAt ?? startedAt,
    ...optional('pendingWindowEndsAt', latestDate(keys.map((k) => k.deletionDate))),
    history: earlier,
    ...(failed.length > 0
      ? {
          detail: `${failed.length} of ${keys.length} key(s) not disabled and scheduled for deletion: ${failed.map((k) => `${k.keyArn} (${k.errorName ?? k.state})`).join(', ')}; run execute again with the same digest and run ID`,
        }
      : {}),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

async function eraseKey(kms: KMSClient, key: ErasureKey, pendingWindowDays: number): Promise<ErasureKeyResult> {
  const base = { keyArn: key.keyArn, dataClass: key.dataClass, account: key.account, region: key.region };
  const actions: ('DisableKey' | 'ScheduleKeyDeletion')[] = [];
  let state = key.state ?? 'Unknown';
  let deletionDate: Date | undefined;
  let call = 'DescribeKey';
  try {
    if (state === 'Enabled') {
      call = 'DisableKey';
      await kms.send(new DisableKeyCommand({ KeyId: key.keyArn }));
      actions.push('DisableKey');
      state = 'Disabled';
    }
    if (state !== 'PendingDeletion') {
      call = 'ScheduleKeyDeletion';
      try {
        const out = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.keyArn, PendingWindowInDays: pendingWindowDays }));
        actions.push('ScheduleKeyDeletion');
        state = out.KeyState ?? 'PendingDeletion';
        deletionDate = out.DeletionDate;
      } catch (error) {
        // Someone (or a lost response of an earlier attempt) scheduled it meanwhile: that is the goal.
        if (errorName(error) !== 'KMSInvalidStateException') throw error;
        const meta = await describeKey(kms, key.keyArn);
        if (meta?.KeyState !== 'PendingDeletion') throw error;
        state = meta.KeyState;
        deletionDate = meta.DeletionDate;
      }
    }
    if (!deletionDate) {
      call = 'DescribeKey';
      const meta = await describeKey(kms, key.keyArn);
      state = meta?.KeyState ?? 'NotFound';
      deletionDate = meta?.DeletionDate;
    }
    const done = state === 'PendingDeletion';
    return {
      ...base,
      state,
      done,
      actions,
      ...(deletionDate ? { deletionDate: deletionDate.toISOString() } : {}),
      detail: done
        ? actions.length === 0
          ? 'already pending deletion: nothing sent'
          : `${actions.join(' then ')} succeeded${key.state === 'Disabled' ? ' (was already disabled)' : ''}`
        : `key is ${state} after ${actions.join(' then ') || 'no call'}, not PendingDeletion`,
    };
  } catch (error) {
    const name = errorName(error);
    let after = state;
    try {
      after = (await describeKey(kms, key.keyArn))?.KeyState ?? 'NotFound';
    } catch {
      after = `${state} (not re-read)`;
    }
    return {
      ...base,
      state: after,
      done: false,
      actions,
      errorName: name,
      detail: `${call} failed with ${name}; succeeded before it: ${actions.join(', ') || 'nothing'}; key is ${after}`,
    };
  }
}
