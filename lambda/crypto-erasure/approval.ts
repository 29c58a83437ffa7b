/**
 * The two-person rule, checked next to the keys: with the rule on (ERASURE_TWO_PERSON_ENV), execute
 * refuses unless it is given an approval AND that approval is the one the approve function recorded,
 * write-once, under `certificates-of-destruction/<run>/approval.json`. Invoking this function directly
 * with a made-up approval therefore destroys nothing.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { errorName } from '../shared/errors';
import type { ErasureApprovalEvidence } from '../shared/key-lifecycle-contract';
import { ErasureRefused } from './errors';
import { evidenceKey, type EvidenceDeps } from './evidence-store';
import type { DestructivePhaseRequest } from './request';

/** The fields that must be identical in the given and the recorded approval. */
const COMPARED = (a: ErasureApprovalEvidence) => [
  a.requestId,
  a.digest,
  a.requester?.arn,
  a.requester?.userId,
  a.approver?.arn,
  a.approver?.userId,
  a.approvedAt,
];

export async function checkRecordedApproval(deps: EvidenceDeps, request: DestructivePhaseRequest): Promise<void> {
  if (!deps.config.twoPersonRule) return;
  const given = request.approval;
  if (!given) {
    throw new ErasureRefused(
      'the two-person rule is on: execute runs only after a second person approved the request; nothing was changed',
    );
  }
  const { config } = deps;
  let text: string | undefined;
  try {
    const got = await deps
      .clientsFor(config.primaryRegion)
      .s3.send(new GetObjectCommand({ Bucket: config.evidenceBucket, Key: evidenceKey(request.runId, 'approval.json') }));
    text = await got.Body?.transformToString('utf8');
  } catch (e) {
    if (!['NoSuchKey', 'NotFound'].includes(errorName(e))) throw e;
  }
  let recorded: ErasureApprovalEvidence | undefined;
  try {
    recorded = text === undefined ? undefined : (JSON.parse(text) as ErasureApprovalEvidence);
  } catch {
    recorded = undefined;
  }
  if (!recorded) throw new ErasureRefused(`no approval is recorded for run ${request.runId}; nothing was changed`);
  if (JSON.stringify(COMPARED(recorded)) !== JSON.stringify(COMPARED(given))) {
    throw new ErasureRefused(`the approval given is not the one recorded for run ${request.runId}; nothing was changed`);
  }
}
