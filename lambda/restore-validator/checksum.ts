/**
 * Verifies an S3 object's stored checksum against its bytes, computed here rather than trusted to
 * the SDK: the SDK skips objects with composite (multipart) checksums, and its validation cannot be
 * observed in tests. All five S3 algorithms, full-object and composite ("checksum of the part
 * checksums", shown with a `-<parts>` suffix), streamed chunk by chunk so object size does not matter.
 */
import { createHash } from 'node:crypto';

export const CHECKSUM_ALGORITHMS = ['SHA256', 'SHA1', 'CRC64NVME', 'CRC32C', 'CRC32'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export interface Hasher {
  update(data: Uint8Array): void;
  /** The raw digest (big-endian for CRCs), as S3 base64-encodes it. */
  digest(): Buffer;
}

function crc32Table(reversedPolynomial: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reversedPolynomial : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
}

const CRC32_TABLE = crc32Table(0xedb88320);
const CRC32C_TABLE = crc32Table(0x82f63b78);

class Crc32Hasher implements Hasher {
  private crc = 0xffffffff;
  constructor(private readonly table: Uint32Array) {}
  update(data: Uint8Array): void {
    let c = this.crc;
    for (let i = 0; i < data.length; i++) c = this.table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
    this.crc = c >>> 0;
  }
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE((this.crc ^ 0xffffffff) >>> 0);
    return out;
  }
}

/** CRC-64/NVME table split into 32-bit halves: BigInt per byte would be far too slow for documents. */
const [CRC64_HI, CRC64_LO] = (() => {
  const poly = 0x9a6c9329ac4bc9b5n;
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    hi[i] = Number(c >> 32n);
    lo[i] = Number(c & 0xffffffffn);
  }
  return [hi, lo];
})();

class Crc64NvmeHasher implements Hasher {
  private hi = 0xffffffff;
  private lo = 0xffffffff;
  update(data: Uint8Array): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < data.length; i++) {
      const index = (lo ^ data[i]) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_LO[index]) >>> 0;
      hi = ((hi >>> 8) ^ CRC64_HI[index]) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }
  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return out;
  }
}

export function newHasher(algorithm: ChecksumAlgorithm): Hasher {
  switch (algorithm) {
    case 'CRC32':
      return new Crc32Hasher(CRC32_TABLE);
    case 'CRC32C':
      return new Crc32Hasher(CRC32C_TABLE);
    case 'CRC64NVME':
      return new Crc64NvmeHasher();
    case 'SHA1':
    case 'SHA256': {
      const hash = createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (data) => void hash.update(data), digest: () => hash.digest() };
    }
  }
}

export interface StoredChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** Base64 digest without the part-count suffix. */
  readonly value: string;
  /** Composite (multipart) checksums: how many parts it covers. */
  readonly partCount?: number;
}

/** The checksum headers of a GetObject/HeadObject answer (`ChecksumMode: 'ENABLED'`). */
export type ChecksumHeaders = Partial<Record<`Checksum${ChecksumAlgorithm}`, string>> & { readonly ChecksumType?: string };

/** The stored checksum of an object, or undefined when S3 holds none for it. */
export function storedChecksum(headers: ChecksumHeaders): StoredChecksum | undefined {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const raw = headers[`Checksum${algorithm}`];
    if (!raw) continue;
    const composite = /^([A-Za-z0-9+/=]+)-([1-9]\d{0,4})$/.exec(raw);
    if (composite) return { algorithm, value: composite[1], partCount: Number(composite[2]) };
    return { algorithm, value: raw };
  }
  return undefined;
}

export type VerifyOutcome = 'match' | 'mismatch' | 'parts-mismatch';

/**
 * Feeds an object's bytes in order; `partSizes` (from GetObjectAttributes) are required for a
 * composite checksum and split the stream into the parts whose digests it combines.
 */
export class ChecksumVerifier {
  private readonly whole?: Hasher;
  private readonly partDigests: Buffer[] = [];
  private part?: Hasher;
  private partIndex = 0;
  private partRemaining = 0;
  private overflow = false;

  constructor(
    private readonly stored: StoredChecksum,
    private readonly partSizes: readonly number[] = [],
  ) {
    if (stored.partCount === undefined) {
      this.whole = newHasher(stored.algorithm);
    } else {
      if (partSizes.length === 0) throw new Error('a composite checksum needs the part sizes');
      this.startPart();
    }
  }

  private startPart(): void {
    this.part = newHasher(this.stored.algorithm);
    this.partRemaining = this.partSizes[this.partIndex];
  }

  update(chunk: Uint8Array): void {
    if (this.whole) return this.whole.update(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.part) {
        this.overflow = true; // more bytes than the parts add up to
        return;
      }
      const take = Math.min(this.partRemaining, chunk.length - offset);
      this.part.update(chunk.subarray(offset, offset + take));
      offset += take;
      this.partRemaining -= take;
      if (this.partRemaining === 0) this.finishPart();
    }
  }

  private finishPart(): void {
    this.partDigests.push(this.part!.digest());
    this.part = undefined;
    this.partIndex++;
    if (this.partIndex < this.partSizes.length) this.startPart();
  }

  result(): VerifyOutcome {
    if (this.whole) return this.whole.digest().toString('base64') === this.stored.value ? 'match' : 'mismatch';
    // Zero-length trailing parts do not occur in S3 multipart uploads; any byte shortfall or excess is a mismatch.
    if (this.overflow || this.part !== undefined || this.partDigests.length !== this.stored.partCount) return 'parts-mismatch';
    const combined = newHasher(this.stored.algorithm);
    combined.update(Buffer.concat(this.partDigests));
    return combined.digest().toString('base64') === this.stored.value ? 'match' : 'mismatch';
  }
}
