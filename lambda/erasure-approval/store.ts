/**
 * The approval records, next to the run's certificates in the write-once evidence bucket
 * (`certificates-of-destruction/<requestId>/request.json` and `approval.json`). Each is written with
 * `If-None-Match: *`: S3 refuses the write (412) if the object exists, so a request ID is used once and
 * a request is approved once, even by two approvers at the same moment.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { errorName } from '../shared/errors';
import { ERASURE_EVIDENCE_PREFIX } from '../shared/key-lifecycle-contract';
import type { ApprovalConfig } from './config';

export type RecordName = 'request.json' | 'approval.json';

export function recordKey(requestId: string, name: RecordName): string {
  return `${ERASURE_EVIDENCE_PREFIX}${requestId}/${name}`;
}

/** Writes the record unless it exists; false if it existed (nothing written). */
export async function writeOnce(
  s3: S3Client,
  config: ApprovalConfig,
  requestId: string,
  name: RecordName,
  record: object,
): Promise<boolean> {
  const body = `${JSON.stringify(record, null, 2)}\n`;
  const digest = createHash('sha256').update(body, 'utf8').digest();
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: config.evidenceBucket,
        Key: recordKey(requestId, name),
        Body: body,
        ContentType: 'application/json',
        IfNoneMatch: '*',
        ChecksumSHA256: digest.toString('base64'),
        Metadata: { sha256: digest.toString('hex') },
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: config.evidenceKmsKeyArn,
      }),
    );
    return true;
  } catch (e) {
    // 412: the object exists; 409: a concurrent conditional write to the same key won.
    if (['PreconditionFailed', 'ConditionalRequestConflict'].includes(errorName(e))) return false;
    throw e;
  }
}

/** The record's text, or undefined if there is none. */
export async function readRecord(s3: S3Client, config: ApprovalConfig, requestId: string, name: RecordName) {
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: config.evidenceBucket, Key: recordKey(requestId, name) }));
    return got.Body ? await got.Body.transformToString('utf8') : undefined;
  } catch (e) {
    if (['NoSuchKey', 'NotFound'].includes(errorName(e))) return undefined;
    throw e;
  }
}
