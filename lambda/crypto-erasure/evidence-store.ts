/**
 * Writes the run's evidence under `certificates-of-destruction/<runId>/` in the write-once evidence
 * bucket (primary region, evidence key), with the SHA-256 that putEvidence records.
 */
import { putEvidence, type WrittenEvidence } from '../shared/evidence';
import { ERASURE_EVIDENCE_PREFIX } from '../shared/key-lifecycle-contract';
import type { ClientsFor } from './clients';
import type { ErasureConfig } from './config';

export interface EvidenceDeps {
  readonly clientsFor: ClientsFor;
  readonly config: ErasureConfig;
}

export function evidenceKey(runId: string, name: string): string {
  return `${ERASURE_EVIDENCE_PREFIX}${runId}/${name}`;
}

export async function writeEvidence(
  deps: EvidenceDeps,
  runId: string,
  name: string,
  body: string,
  contentType: string,
): Promise<WrittenEvidence> {
  const { config } = deps;
  return putEvidence(deps.clientsFor(config.primaryRegion).s3, {
    bucket: config.evidenceBucket,
    key: evidenceKey(runId, name),
    body,
    contentType,
    kmsKeyId: config.evidenceKmsKeyArn,
  });
}
