/** Where and how the rotation enforcer's evidence records are written (JSON, identifiers and dates only). */
import type { S3Client } from '@aws-sdk/client-s3';
import { putEvidence, type WrittenEvidence } from '../shared/evidence';
import { ROTATION_EVIDENCE_PREFIX } from '../shared/key-lifecycle-contract';
import type { RotationConfig } from './config';
import { step } from './stage';

/**
 * `key-rotation/<yyyy>/<mm>/<iso-timestamp>-<region>.json` for check runs,
 * `key-rotation/on-demand/<yyyy>/<mm>/<iso-timestamp>-<region>.json` for rotate-now requests. The region
 * keeps the primary and DR instances apart when their records meet in one bucket (replication).
 */
export function evidenceKey(kind: 'check' | 'on-demand', at: Date, region: string): string {
  const month = String(at.getUTCMonth() + 1).padStart(2, '0');
  const base = kind === 'check' ? ROTATION_EVIDENCE_PREFIX : `${ROTATION_EVIDENCE_PREFIX}on-demand/`;
  return `${base}${at.getUTCFullYear()}/${month}/${at.toISOString()}-${region}.json`;
}

export async function writeRecord(s3: S3Client, config: RotationConfig, key: string, record: object): Promise<WrittenEvidence> {
  return step('PutObject', () =>
    putEvidence(s3, {
      bucket: config.evidenceBucket,
      key,
      body: `${JSON.stringify(record, null, 2)}\n`,
      contentType: 'application/json',
      kmsKeyId: config.evidenceKmsKeyArn,
    }),
  );
}
