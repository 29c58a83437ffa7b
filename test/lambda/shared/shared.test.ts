import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { requireEnv } from '../../../lambda/shared/env';
import { isAwsError, loggableError } from '../../../lambda/shared/errors';
import { putEvidence, sha256Hex } from '../../../lambda/shared/evidence';
import { mapLimit } from '../../../lambda/shared/map-limit';
import { awsError } from '../fixtures';

describe('requireEnv', () => {
  test('returns a set value and refuses a missing or blank one', () => {
    expect(requireEnv('A', { A: 'x' })).toBe('x');
    expect(() => requireEnv('A', {})).toThrow('environment variable A is not set');
    expect(() => requireEnv('A', { A: '  ' })).toThrow('environment variable A is not set');
  });
});

describe('loggableError', () => {
  test('keeps the error name, HTTP status and request ID, never the message', () => {
    const logged = loggableError(awsError('TooManyRequestsException', 429));
    expect(logged).toEqual({ errorName: 'TooManyRequestsException', httpStatus: 429, requestId: 'req-1' });
    expect(JSON.stringify(logged)).not.toContain('alice');
  });

  test('copes with errors that are not AWS errors', () => {
    expect(loggableError(new TypeError('x'))).toEqual({ errorName: 'TypeError' });
    expect(loggableError('boom')).toEqual({ errorName: 'string' });
    expect(loggableError(null)).toEqual({ errorName: 'object' });
    expect(loggableError({})).toEqual({ errorName: 'UnknownError' });
  });

  test('isAwsError matches the exception name only', () => {
    expect(isAwsError(awsError('UserNotFoundException'), 'UserNotFoundException')).toBe(true);
    expect(isAwsError(awsError('UserNotFoundException'), 'ResourceNotFoundException')).toBe(false);
    expect(isAwsError(undefined, 'UserNotFoundException')).toBe(false);
  });
});

describe('mapLimit', () => {
  test('keeps the order of the input and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(result).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  test('handles an empty list and refuses a nonsensical limit', async () => {
    await expect(mapLimit([], 3, async (x) => x)).resolves.toEqual([]);
    await expect(mapLimit([1], 0, async (x) => x)).rejects.toThrow('positive integer');
  });

  test('rejects when a call fails', async () => {
    await expect(mapLimit([1, 2], 2, async (x) => (x === 2 ? Promise.reject(new Error('no')) : x))).rejects.toThrow('no');
  });
});

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
