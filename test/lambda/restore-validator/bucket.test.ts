import {
  GetObjectAttributesCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type ListObjectsV2CommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MAX_LISTED_KEYS, reservoirSample, validateBucket } from '../../../lambda/restore-validator/bucket';

const s3 = mockClient(S3Client);
const BUCKET = 'awsbackup-restore-test-docs-7f3e';
const sha = (b: Buffer) => createHash('sha256').update(b).digest();
beforeEach(() => s3.reset());

const deps = (now = 0) => ({ s3: new S3Client({ region: 'us-east-1' }), random: () => 0.99, now: () => now });

describe('reservoirSample', () => {
  test('keeps everything when there is room, and exactly `count` items otherwise', () => {
    expect(reservoirSample([1, 2, 3], 5, () => 0)).toEqual([1, 2, 3]);
    expect(reservoirSample([1, 2, 3, 4, 5, 6], 2, () => 0.99)).toEqual([1, 2]);
    // random 0 replaces the first slot with each later item.
    expect(reservoirSample([1, 2, 3, 4], 2, () => 0)).toEqual([4, 2]);
  });
});

describe('validateBucket', () => {
  test('lists page by page, stopping at the listing limit', async () => {
    s3.on(ListObjectsV2Command).callsFake((input: ListObjectsV2CommandInput) => {
      const page = Number(input.ContinuationToken ?? '0');
      return {
        Contents: Array.from({ length: 1000 }, (_, i) => ({ Key: `k/${page}/${i}` })),
        IsTruncated: true,
        NextContinuationToken: String(page + 1),
      };
    });
    s3.on(GetObjectCommand).callsFake(() => {
      const body = Buffer.from('x');
      return { Body: Readable.from([body]), ChecksumSHA256: sha(body).toString('base64') };
    });
    const result = await validateBucket(deps(), { bucket: BUCKET, sampleCount: 2, deadline: 1 });
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(MAX_LISTED_KEYS / 1000);
    expect(result.checks[0]).toEqual({
      name: 'objects-listed',
      passed: true,
      detail: '10000 (listing stopped at the limit) objects listed, 2 sampled',
    });
    expect(result.checks[1].passed).toBe(true);
  });

  test('verifies a multipart object with a composite checksum using the part sizes from GetObjectAttributes', async () => {
    const body = Buffer.from('multipart document '.repeat(1000));
    const parts = [body.subarray(0, 8000), body.subarray(8000)];
    const composite = `${sha(Buffer.concat(parts.map(sha))).toString('base64')}-2`;
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'big.pdf' }] });
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: Readable.from([body]),
      ChecksumSHA256: composite,
      ChecksumType: 'COMPOSITE',
      VersionId: 'v9',
    }));
    s3.on(GetObjectAttributesCommand)
      .resolvesOnce({ ObjectParts: { IsTruncated: true, NextPartNumberMarker: '1', Parts: [{ PartNumber: 1, Size: 8000 }] } })
      .resolvesOnce({ ObjectParts: { IsTruncated: false, Parts: [{ PartNumber: 2, Size: body.length - 8000 }] } });
    const result = await validateBucket(deps(), { bucket: BUCKET, sampleCount: 5, deadline: 1 });
    expect(result.checks[1]).toMatchObject({ passed: true, detail: expect.stringMatching(/^verified 1 of 1 sampled objects/) });
    const attributeCalls = s3.commandCalls(GetObjectAttributesCommand).map((c) => c.args[0].input);
    expect(attributeCalls).toEqual([
      expect.objectContaining({
        Bucket: BUCKET,
        Key: 'big.pdf',
        VersionId: 'v9',
        ObjectAttributes: ['ObjectParts'],
        PartNumberMarker: undefined,
      }),
      expect.objectContaining({ PartNumberMarker: '1' }),
    ]);
  });

  test("counts the SDK's own checksum-mismatch read failure as a mismatch", async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'a' }] });
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: Readable.from(
        (async function* () {
          yield Buffer.from('partial');
          throw new Error('Checksum mismatch: expected "x" but received "y" in response header "x-amz-checksum-crc32".');
        })(),
      ),
      ChecksumCRC32: 'AAAAAA==',
      VersionId: 'v1',
    }));
    const result = await validateBucket(deps(), { bucket: BUCKET, sampleCount: 1, deadline: 1 });
    expect(result.checks[1].detail).toContain('checksum mismatch 1');
    expect(result.checks[1].detail).toContain('failing version IDs: v1');
  });

  test('objects left when the time budget is used up are not read, and fail the check', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'a' }, { Key: 'b' }] });
    const result = await validateBucket(deps(10), { bucket: BUCKET, sampleCount: 2, deadline: 5 });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(result.checks[1]).toMatchObject({ passed: false, detail: expect.stringContaining('not checked (time budget) 2') });
  });

  test('a listing error is a failed check naming the error, not a crash', async () => {
    s3.on(ListObjectsV2Command).rejects(Object.assign(new Error('no'), { name: 'NoSuchBucket' }));
    const result = await validateBucket(deps(), { bucket: BUCKET, sampleCount: 2, deadline: 1 });
    expect(result.checks).toEqual([
      { name: 'objects-listed', passed: false, detail: `ListObjectsV2 of ${BUCKET} failed: NoSuchBucket` },
    ]);
  });
});
