import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { putEvidence, sha256Hex } from '../../../lambda/shared/evidence';

describe('putEvidence', () => {
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());

  test('writes the body with its SHA-256 as checksum and metadata, under the bucket key named explicitly', async () => {
    s3.on(PutObjectCommand).resolves({ VersionId: 'v1' });
    const body = '{"a":1}\n';
    const written = await putEvidence(new S3Client({ region: 'us-east-1' }), {
      bucket: 'evidence',
      key: 'access-reviews/2026/x.json',
      body,
      contentType: 'application/json',
      kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
    });
    const digest = createHash('sha256').update(body).digest();
    expect(written).toEqual({
      bucket: 'evidence',
      key: 'access-reviews/2026/x.json',
      sha256: digest.toString('hex'),
      versionId: 'v1',
    });
    expect(sha256Hex(body)).toBe(digest.toString('hex'));
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input).toEqual({
      Bucket: 'evidence',
      Key: 'access-reviews/2026/x.json',
      Body: body,
      ContentType: 'application/json',
      ChecksumSHA256: digest.toString('base64'),
      Metadata: { sha256: digest.toString('hex') },
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
    });
  });

  test('without a key, sends no encryption header and the bucket default applies', async () => {
    s3.on(PutObjectCommand).resolves({});
    await putEvidence(new S3Client({ region: 'us-east-1' }), { bucket: 'b', key: 'k', body: 'x', contentType: 'text/plain' });
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(input.ServerSideEncryption).toBeUndefined();
    expect(input.SSEKMSKeyId).toBeUndefined();
  });
});
