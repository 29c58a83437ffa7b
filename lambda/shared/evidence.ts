/**
 * Writes evidence objects (access-review reports) into the write-once evidence bucket with their
 * SHA-256, so an auditor can show a file is the one that was written.
 */
import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface EvidenceObject {
  readonly bucket: string;
  readonly key: string;
  readonly body: string;
  readonly contentType: string;
  /**
   * The bucket's customer-managed key. Named explicitly because a request that asks for SSE-KMS
   * without a key ID is encrypted with the AWS-managed `aws/s3` key, not the bucket default.
   * @default - no encryption header: the bucket's default encryption applies
   */
  readonly kmsKeyId?: string;
}

export interface WrittenEvidence {
  readonly bucket: string;
  readonly key: string;
  /** Hex SHA-256 of the body, also stored as the object's `sha256` metadata. */
  readonly sha256: string;
  readonly versionId?: string;
}

export function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

export async function putEvidence(s3: S3Client, object: EvidenceObject): Promise<WrittenEvidence> {
  const digest = createHash('sha256').update(object.body, 'utf8').digest();
  const sha256 = digest.toString('hex');
  const result = await s3.send(
    new PutObjectCommand({
      Bucket: object.bucket,
      Key: object.key,
      Body: object.body,
      ContentType: object.contentType,
      // S3 verifies this checksum on receipt and keeps it with the object (and Object Lock needs one).
      ChecksumSHA256: digest.toString('base64'),
      Metadata: { sha256 },
      ...(object.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: object.kmsKeyId } : {}),
    }),
  );
  return { bucket: object.bucket, key: object.key, sha256, versionId: result.VersionId };
}
