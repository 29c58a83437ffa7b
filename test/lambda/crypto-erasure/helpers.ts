/** Shared steps of the crypto-erasure phase tests: a confirmed plan and each phase run in order. */
import { certifyErasure } from '../../../lambda/crypto-erasure/certify';
import { executeErasure } from '../../../lambda/crypto-erasure/execute';
import { finalizeErasure } from '../../../lambda/crypto-erasure/finalize';
import { buildPlan } from '../../../lambda/crypto-erasure/plan';
import type { DestructivePhaseRequest } from '../../../lambda/crypto-erasure/request';
import { verifyErasure } from '../../../lambda/crypto-erasure/verify';
import type { ErasureApprovalEvidence, ErasurePhaseResult } from '../../../lambda/shared/key-lifecycle-contract';
import type { FakeWorld } from './world';

export const RUN_ID = 'teardown-20260504100000';
export const REQUESTED_BY = 'arn:aws:sts::111122223333:assumed-role/crm-demo-operator/dana';
export const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:111122223333:function:crm-demo-crypto-erasure';

export const phaseDeps = (world: FakeWorld) => ({
  clientsFor: world.clientsFor,
  config: world.config,
  now: () => world.now,
  executedBy: FUNCTION_ARN,
  ...(world.config.externalKeys.length > 0 ? { externalClientsFor: world.externalClientsFor() } : {}),
});

/** The digest the operator confirms (a plan made now). */
export async function confirmedDigest(world: FakeWorld): Promise<string> {
  return (await buildPlan(phaseDeps(world), { runId: 'plan-1', canaries: true })).digest;
}

export function request(
  phase: DestructivePhaseRequest['phase'],
  confirmDigest: string,
  extra: Partial<DestructivePhaseRequest> = {},
): DestructivePhaseRequest {
  return { phase, confirmDigest, requestedBy: REQUESTED_BY, runId: RUN_ID, ...extra } as DestructivePhaseRequest;
}

export const execute = (world: FakeWorld, digest: string, previous?: ErasurePhaseResult) =>
  executeErasure(phaseDeps(world), request('execute', digest, previous ? { previous } : {}));
export const verify = (world: FakeWorld, previous: ErasurePhaseResult, lastAttempt?: boolean) =>
  verifyErasure(phaseDeps(world), request('verify', previous.digest, { previous, ...(lastAttempt ? { lastAttempt } : {}) }));
export const certify = (world: FakeWorld, previous: ErasurePhaseResult, final?: boolean) =>
  certifyErasure(phaseDeps(world), request('certify', previous.digest, { previous, ...(final ? { final } : {}) }));
export const finalize = (world: FakeWorld, previous: ErasurePhaseResult, lastAttempt?: boolean) =>
  finalizeErasure(phaseDeps(world), request('finalize', previous.digest, { previous, ...(lastAttempt ? { lastAttempt } : {}) }));

/** Plan, execute, verify: the state right before certify. */
export async function executedAndVerified(world: FakeWorld) {
  const digest = await confirmedDigest(world);
  const executed = await execute(world, digest);
  world.now = new Date(world.now.getTime() + 5 * 60_000);
  const verified = await verify(world, executed);
  return { digest, executed, verified };
}

/** The approval record the approve function writes under the two-person rule, for `digest`. */
export const approvalFor = (digest: string): ErasureApprovalEvidence => ({
  requestId: RUN_ID,
  digest,
  requester: { arn: REQUESTED_BY, userId: 'AROAOPERATOR:dana', accountId: '111122223333' },
  requestedAt: '2026-05-04T09:00:00.000Z',
  approver: {
    arn: 'arn:aws:sts::111122223333:assumed-role/crm-demo-erasure-approver/erin',
    userId: 'AROAAPPROVER:erin',
    accountId: '111122223333',
  },
  approvedAt: '2026-05-04T09:30:00.000Z',
  executionArn: `arn:aws:states:us-east-1:111122223333:execution:crm-demo-crypto-erasure:${RUN_ID}`,
});
