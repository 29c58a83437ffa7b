/**
 * finalize, after the waiting window: every key of the executed plan must be gone. DescribeKey must
 * answer NotFoundException (its request ID and time are kept as proof); a key still PendingDeletion
 * throws KeysNotYetDeleted for the state machine to retry later; a key in any other state had its
 * deletion cancelled, which fails the phase. The DeleteKey events (AWS service events KMS records
 * when it deletes a key) are looked up and recorded like verify's events, with the same retry.
 */
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { errorName, loggableError } from '../shared/errors';
import type { ErasureKeyResult, ErasurePhaseResult } from '../shared/key-lifecycle-contract';
import { keyClients, type AccountDeps } from './accounts';
import { findEventsPerKey } from './cloudtrail';
import { CloudTrailEventsNotYetVisible, ErasureRefused, KeysNotYetDeleted } from './errors';
import type { DestructivePhaseRequest } from './request';
import { carried, continueRun, latest } from './run';

export interface FinalizeDeps extends AccountDeps {
  readonly now: () => Date;
}

type Outcome =
  | { readonly kind: 'deleted'; readonly at: string; readonly requestId?: string }
  | { readonly kind: 'pending'; readonly deletionDate?: string }
  | { readonly kind: 'failed'; readonly state: string; readonly detail: string; readonly errorName?: string };

export async function finalizeErasure(deps: FinalizeDeps, request: DestructivePhaseRequest): Promise<ErasurePhaseResult> {
  const state = continueRun(request);
  if (!latest(state.results, 'verify')?.completed) {
    throw new ErasureRefused('verify has not completed for this run: finalize only follows a verified erasure');
  }

  const outcomes = new Map<string, Outcome>();
  for (const key of state.plan.keys) {
    const { kms } = await keyClients(deps, key);
    try {
      const meta = (await kms.send(new DescribeKeyCommand({ KeyId: key.keyArn }))).KeyMetadata;
      const keyState = meta?.KeyState ?? 'Unknown';
      outcomes.set(
        key.keyArn,
        keyState === 'PendingDeletion'
          ? { kind: 'pending', deletionDate: meta?.DeletionDate?.toISOString() }
          : { kind: 'failed', state: keyState, detail: `key is ${keyState}: its deletion was cancelled, it still exists` },
      );
    } catch (error) {
      const name = errorName(error);
      outcomes.set(
        key.keyArn,
        name === 'NotFoundException'
          ? { kind: 'deleted', at: deps.now().toISOString(), requestId: loggableError(error).requestId }
          : { kind: 'failed', state: 'Unknown', errorName: name, detail: `DescribeKey failed with ${name}` },
      );
    }
  }
  const failed = [...outcomes.entries()].filter(([, o]) => o.kind === 'failed');
  const pending = [...outcomes.entries()].filter(([, o]) => o.kind === 'pending');
  if (failed.length === 0 && pending.length > 0) {
    throw new KeysNotYetDeleted(
      pending.map(([keyArn, o]) => ({ keyArn, deletionDate: o.kind === 'pending' ? o.deletionDate : undefined })),
    );
  }

  const deleted = state.plan.keys.filter((k) => outcomes.get(k.keyArn)?.kind === 'deleted');
  const trail = await findEventsPerKey(
    async (key) => (await keyClients(deps, key)).cloudTrail,
    deleted.map((k) => ({
      keyArn: k.keyArn,
      keyId: k.keyId ?? k.keyArn.split('/').pop()!,
      account: k.account,
      region: k.region,
      alias: k.alias,
      eventNames: ['DeleteKey'] as const,
    })),
    new Date(state.startedAt),
  );
  const missing = deleted
    .map((k) => ({ keyArn: k.keyArn, eventNames: trail.get(k.keyArn)?.missing ?? [] }))
    .filter((m) => m.eventNames.length > 0);
  if (failed.length === 0 && missing.length > 0 && !request.lastAttempt) throw new CloudTrailEventsNotYetVisible(missing);

  const keys: ErasureKeyResult[] = state.plan.keys.map((key) => {
    const outcome = outcomes.get(key.keyArn)!;
    const base = { keyArn: key.keyArn, dataClass: key.dataClass, account: key.account, region: key.region };
    if (outcome.kind !== 'deleted') {
      const state_ = outcome.kind === 'failed' ? outcome.state : 'PendingDeletion';
      const detail = outcome.kind === 'failed' ? outcome.detail : 'still pending deletion';
      return {
        ...base,
        state: state_,
        done: false,
        detail,
        ...(outcome.kind === 'failed' && outcome.errorName ? { errorName: outcome.errorName } : {}),
      };
    }
    const events = trail.get(key.keyArn);
    const missingEvents = events?.missing ?? [];
    return {
      ...base,
      state: 'Deleted',
      done: true,
      notFound: { at: outcome.at, ...(outcome.requestId ? { requestId: outcome.requestId } : {}) },
      cloudTrailEventIds: (events?.found ?? []).map((e) => e.eventId),
      events: events?.found ?? [],
      ...(missingEvents.length > 0 ? { missingEvents } : {}),
      detail:
        missingEvents.length > 0
          ? 'DescribeKey: NotFoundException (deleted); DeleteKey event not found after the last attempt'
          : 'DescribeKey: NotFoundException (deleted); DeleteKey event recorded',
    };
  });
  return {
    phase: 'finalize',
    runId: request.runId,
    digest: request.confirmDigest,
    completed: failed.length === 0,
    evidenceComplete: missing.length === 0,
    keys,
    ...carried(state),
    ...(failed.length > 0
      ? { detail: `${failed.length} of ${keys.length} key(s) not deleted: ${failed.map(([arn]) => arn).join(', ')}` }
      : {}),
  };
}
