/**
 * Validates a restored S3 bucket: lists it, picks a random sample of objects and reads each one back
 * with `ChecksumMode: 'ENABLED'`, verifying the checksum S3 stored with the object against the bytes.
 * Object keys are document names and may hold PHI: they are never logged or recorded, only counts
 * and version IDs (opaque).
 */
import {
  GetObjectAttributesCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type GetObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { errorName } from '../shared/errors';
import { mapLimit } from '../shared/map-limit';
import type { ValidationCheck } from '../shared/restore-validation-contract';
import { ChecksumVerifier, storedChecksum, type ChecksumHeaders } from './checksum';

/** Keys listed before sampling: bounds the listing time of a large bucket. */
export const MAX_LISTED_KEYS = 10_000;
/** Objects read at the same time. */
const READ_CONCURRENCY = 4;
/** Version IDs named in a check's detail, at most. */
const MAX_NAMED_VERSIONS = 10;

export interface BucketDeps {
  readonly s3: S3Client;
  /** Uniform in [0, 1): picks the sample. */
  readonly random: () => number;
  readonly now: () => number;
}

export interface BucketTarget {
  readonly bucket: string;
  readonly sampleCount: number;
  /** Epoch ms after which no further object is read. */
  readonly deadline: number;
}

export type ObjectOutcome = 'verified' | 'mismatch' | 'no-checksum' | 'unreadable' | 'not-checked';

interface ObjectResult {
  readonly outcome: ObjectOutcome;
  readonly versionId?: string;
}

/** Reservoir sample of up to `count` items, each equally likely. */
export function reservoirSample<T>(items: Iterable<T>, count: number, random: () => number): T[] {
  const sample: T[] = [];
  let seen = 0;
  for (const item of items) {
    seen++;
    if (sample.length < count) sample.push(item);
    else {
      const j = Math.floor(random() * seen);
      if (j < count) sample[j] = item;
    }
  }
  return sample;
}

async function listKeys(s3: S3Client, bucket: string): Promise<{ keys: string[]; truncated: boolean }> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, MaxKeys: 1000 }));
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token && keys.length < MAX_LISTED_KEYS);
  return { keys: keys.slice(0, MAX_LISTED_KEYS), truncated: token !== undefined };
}

async function partSizes(s3: S3Client, bucket: string, key: string, versionId: string | undefined): Promise<number[]> {
  const parts: { number: number; size: number }[] = [];
  let marker: string | undefined;
  for (;;) {
    const out = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: bucket,
        Key: key,
        VersionId: versionId,
        ObjectAttributes: ['ObjectParts'],
        MaxParts: 1000,
        PartNumberMarker: marker,
      }),
    );
    for (const part of out.ObjectParts?.Parts ?? []) {
      if (part.PartNumber !== undefined && part.Size !== undefined) parts.push({ number: part.PartNumber, size: part.Size });
    }
    if (!out.ObjectParts?.IsTruncated || !out.ObjectParts.NextPartNumberMarker) break;
    marker = out.ObjectParts.NextPartNumberMarker;
  }
  return parts.sort((a, b) => a.number - b.number).map((p) => p.size);
}

function discard(body: GetObjectCommandOutput['Body']): void {
  (body as { destroy?: () => void } | undefined)?.destroy?.();
}

async function verifyObject(s3: S3Client, bucket: string, key: string): Promise<ObjectResult> {
  let out: GetObjectCommandOutput;
  try {
    out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
  } catch {
    return { outcome: 'unreadable' };
  }
  const versionId = out.VersionId;
  const stored = storedChecksum(out as ChecksumHeaders);
  if (!stored) {
    discard(out.Body);
    return { outcome: 'no-checksum', versionId };
  }
  try {
    const sizes = stored.partCount === undefined ? [] : await partSizes(s3, bucket, key, versionId);
    if (stored.partCount !== undefined && sizes.length === 0) {
      discard(out.Body);
      return { outcome: 'unreadable', versionId };
    }
    const verifier = new ChecksumVerifier(stored, sizes);
    for await (const chunk of (out.Body ?? []) as AsyncIterable<Uint8Array>) verifier.update(chunk);
    return { outcome: verifier.result() === 'match' ? 'verified' : 'mismatch', versionId };
  } catch (error) {
    discard(out.Body);
    // The SDK validates full-object checksums itself while streaming and fails the read on a mismatch.
    const sdkMismatch = error instanceof Error && /checksum mismatch/i.test(error.message);
    return { outcome: sdkMismatch ? 'mismatch' : 'unreadable', versionId };
  }
}

function describeOutcomes(results: readonly ObjectResult[]): ValidationCheck {
  const count = (o: ObjectOutcome) => results.filter((r) => r.outcome === o).length;
  const verified = count('verified');
  const failedVersions = results
    .filter((r) => r.outcome !== 'verified' && r.versionId)
    .map((r) => r.versionId as string)
    .slice(0, MAX_NAMED_VERSIONS);
  const parts = [
    `verified ${verified} of ${results.length} sampled objects`,
    `checksum mismatch ${count('mismatch')}`,
    `no stored checksum ${count('no-checksum')}`,
    `unreadable ${count('unreadable')}`,
    `not checked (time budget) ${count('not-checked')}`,
  ];
  if (failedVersions.length > 0) parts.push(`failing version IDs: ${failedVersions.join(', ')}`);
  return { name: 'object-checksum', passed: results.length > 0 && verified === results.length, detail: parts.join('; ') };
}

export async function validateBucket(
  deps: BucketDeps,
  target: BucketTarget,
): Promise<{ readonly checks: readonly ValidationCheck[] }> {
  let listing: { keys: string[]; truncated: boolean };
  try {
    listing = await listKeys(deps.s3, target.bucket);
  } catch (error) {
    return {
      checks: [
        {
          name: 'objects-listed',
          passed: false,
          detail: `ListObjectsV2 of ${target.bucket} failed: ${errorName(error)}`,
        },
      ],
    };
  }
  if (listing.keys.length === 0) {
    return {
      checks: [{ name: 'objects-listed', passed: false, detail: `${target.bucket} holds no objects: nothing could be verified` }],
    };
  }
  const sample = reservoirSample(listing.keys, target.sampleCount, deps.random);
  const listed = check(
    'objects-listed',
    true,
    `${listing.keys.length}${listing.truncated ? ' (listing stopped at the limit)' : ''} objects listed, ${sample.length} sampled`,
  );
  const results = await mapLimit(sample, READ_CONCURRENCY, async (key): Promise<ObjectResult> => {
    if (deps.now() > target.deadline) return { outcome: 'not-checked' };
    return verifyObject(deps.s3, target.bucket, key);
  });
  return { checks: [listed, describeOutcomes(results)] };
}

function check(name: string, passed: boolean, detail: string): ValidationCheck {
  return { name, passed, detail };
}
