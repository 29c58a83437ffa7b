/**
 * Checks the invocation before anything is called: a request that is not exactly one of the
 * ErasureRequest shapes is refused (fail closed), so a typo can never reach a destructive phase.
 */
import type { ErasureApprovalEvidence, ErasurePhaseResult, ErasureRequest } from '../shared/key-lifecycle-contract';
import { ErasureRefused } from './errors';

export const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Run IDs become part of evidence object keys: no slashes, no spaces. */
export const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

const PHASES = ['plan', 'execute', 'verify', 'certify', 'finalize'] as const;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export type DestructivePhaseRequest = Exclude<ErasureRequest, { phase: 'plan' }>;

export function parseErasureRequest(event: unknown): ErasureRequest {
  if (!isObject(event)) throw new ErasureRefused('the request is not a JSON object');
  const phase = event.phase ?? 'plan';
  if (!PHASES.includes(phase as (typeof PHASES)[number])) {
    throw new ErasureRefused(`unknown phase ${JSON.stringify(phase).slice(0, 40)}; expected one of ${PHASES.join(', ')}`);
  }
  const requestedBy = event.requestedBy;
  if (typeof requestedBy !== 'string' || requestedBy.trim() === '' || requestedBy.length > 256) {
    throw new ErasureRefused('requestedBy (who asks, 1-256 characters) is required');
  }
  if (phase === 'plan') return { phase, requestedBy };

  const problems: string[] = [];
  const { confirmDigest, runId, previous, lastAttempt, final, approval } = event;
  if (confirmDigest === undefined || confirmDigest === '') {
    problems.push(`confirmDigest is missing: ${phase} needs the digest of the plan the operator confirmed`);
  } else if (typeof confirmDigest !== 'string' || !SHA256_HEX.test(confirmDigest)) {
    problems.push('confirmDigest is not a lowercase SHA-256 hex digest');
  }
  if (typeof runId !== 'string' || !RUN_ID.test(runId))
    problems.push('runId is missing or not of [A-Za-z0-9._-], 1-80 characters');
  if (previous !== undefined && !isPhaseResult(previous)) problems.push('previous is not a phase result');
  if (lastAttempt !== undefined && typeof lastAttempt !== 'boolean') problems.push('lastAttempt must be a boolean');
  if (final !== undefined && typeof final !== 'boolean') problems.push('final must be a boolean');
  if (approval !== undefined) problems.push(...approvalProblems(approval, confirmDigest, runId));
  if (problems.length > 0) throw new ErasureRefused(problems);
  return {
    phase: phase as DestructivePhaseRequest['phase'],
    confirmDigest: confirmDigest as string,
    requestedBy,
    runId: runId as string,
    ...(previous !== undefined ? { previous: previous as unknown as ErasurePhaseResult } : {}),
    ...(lastAttempt !== undefined ? { lastAttempt: lastAttempt as boolean } : {}),
    ...(final !== undefined ? { final: final as boolean } : {}),
    ...(approval !== undefined ? { approval: approval as unknown as ErasureApprovalEvidence } : {}),
  };
}

/**
 * The two-person rule's approval (when the state machine passes one): well-formed, for this run and
 * digest, and given by someone else than the requester. The approve function checked the same before
 * it answered; checked again here, next to the keys.
 */
function approvalProblems(approval: unknown, confirmDigest: unknown, runId: unknown): string[] {
  const person = (p: unknown) =>
    isObject(p) && ['arn', 'userId', 'accountId'].every((f) => typeof p[f] === 'string' && p[f] !== '');
  if (
    !isObject(approval) ||
    !person(approval.requester) ||
    !person(approval.approver) ||
    !['requestId', 'digest', 'requestedAt', 'approvedAt', 'executionArn'].every((f) => typeof approval[f] === 'string')
  ) {
    return ['approval is not a two-person approval'];
  }
  const problems: string[] = [];
  if (approval.digest !== confirmDigest) problems.push('the approval is for another digest than confirmDigest');
  if (approval.requestId !== runId) problems.push('the approval is for another run');
  const requester = approval.requester as Record<string, unknown>;
  const approver = approval.approver as Record<string, unknown>;
  if (requester.userId === approver.userId || requester.arn === approver.arn) {
    problems.push('the approver is the requester: the two-person rule needs two people');
  }
  return problems;
}

function isPhaseResult(value: unknown): boolean {
  return (
    isObject(value) &&
    PHASES.includes(value.phase as (typeof PHASES)[number]) &&
    typeof value.runId === 'string' &&
    typeof value.digest === 'string' &&
    typeof value.completed === 'boolean' &&
    Array.isArray(value.keys)
  );
}
