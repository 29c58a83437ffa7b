import { createHash } from 'node:crypto';
import { ChecksumVerifier, newHasher, storedChecksum, type ChecksumAlgorithm } from '../../../lambda/restore-validator/checksum';

const digest = (algorithm: ChecksumAlgorithm, ...chunks: Buffer[]) => {
  const hasher = newHasher(algorithm);
  for (const chunk of chunks) hasher.update(chunk);
  return hasher.digest();
};

describe('hashers', () => {
  test.each([
    // Standard check values of "123456789" for each CRC (CRC-32/ISO-HDLC, CRC-32/ISCSI, CRC-64/NVME).
    ['CRC32', 'cbf43926'],
    ['CRC32C', 'e3069283'],
    ['CRC64NVME', 'ae8b14860a799888'],
    ['SHA1', createHash('sha1').update('123456789').digest('hex')],
    ['SHA256', createHash('sha256').update('123456789').digest('hex')],
  ] as const)('%s of "123456789" is the published check value', (algorithm, hex) => {
    expect(digest(algorithm, Buffer.from('123456789')).toString('hex')).toBe(hex);
  });

  test.each(['CRC32', 'CRC32C', 'CRC64NVME'] as const)('%s does not depend on how the stream is chunked', (algorithm) => {
    const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 31) & 0xff));
    expect(digest(algorithm, data.subarray(0, 1), data.subarray(1, 4097), data.subarray(4097))).toEqual(digest(algorithm, data));
  });
});

describe('storedChecksum', () => {
  test('reads a full-object checksum and a composite one with its part count', () => {
    expect(storedChecksum({ ChecksumCRC32: 'yZRlqg==' })).toEqual({ algorithm: 'CRC32', value: 'yZRlqg==' });
    expect(storedChecksum({ ChecksumSHA256: 'abc=-12', ChecksumType: 'COMPOSITE' })).toEqual({
      algorithm: 'SHA256',
      value: 'abc=',
      partCount: 12,
    });
    expect(storedChecksum({ ChecksumCRC64NVME: 'AAAAAAAAAAA=' })).toEqual({ algorithm: 'CRC64NVME', value: 'AAAAAAAAAAA=' });
  });

  test('is undefined when S3 holds no checksum', () => {
    expect(storedChecksum({})).toBeUndefined();
    expect(storedChecksum({ ChecksumType: 'FULL_OBJECT' })).toBeUndefined();
  });
});

describe('ChecksumVerifier', () => {
  const body = Buffer.from('the restored document bytes '.repeat(200));

  test('matches a full-object checksum and detects a single changed byte', () => {
    const stored = { algorithm: 'CRC32C' as const, value: digest('CRC32C', body).toString('base64') };
    const ok = new ChecksumVerifier(stored);
    ok.update(body);
    expect(ok.result()).toBe('match');
    const tampered = Buffer.from(body);
    tampered[100] ^= 1;
    const bad = new ChecksumVerifier(stored);
    bad.update(tampered);
    expect(bad.result()).toBe('mismatch');
  });

  test('verifies a composite checksum: the checksum of the part checksums, across chunk boundaries', () => {
    const sizes = [2000, 2000, body.length - 4000];
    const parts = [body.subarray(0, 2000), body.subarray(2000, 4000), body.subarray(4000)];
    const combined = digest('SHA256', Buffer.concat(parts.map((p) => digest('SHA256', p))));
    const verifier = new ChecksumVerifier({ algorithm: 'SHA256', value: combined.toString('base64'), partCount: 3 }, sizes);
    verifier.update(body.subarray(0, 1500));
    verifier.update(body.subarray(1500, 4500));
    verifier.update(body.subarray(4500));
    expect(verifier.result()).toBe('match');
  });

  test('a composite checksum over the wrong part layout or byte count does not match', () => {
    const parts = [body.subarray(0, 2000), body.subarray(2000)];
    const combined = digest('CRC32', Buffer.concat(parts.map((p) => digest('CRC32', p)))).toString('base64');
    const shifted = new ChecksumVerifier({ algorithm: 'CRC32', value: combined, partCount: 2 }, [1999, body.length - 1999]);
    shifted.update(body);
    expect(shifted.result()).toBe('mismatch');
    const short = new ChecksumVerifier({ algorithm: 'CRC32', value: combined, partCount: 2 }, [2000, body.length - 2000]);
    short.update(body.subarray(0, body.length - 1));
    expect(short.result()).toBe('parts-mismatch');
    const long = new ChecksumVerifier({ algorithm: 'CRC32', value: combined, partCount: 2 }, [2000, body.length - 2000]);
    long.update(Buffer.concat([body, Buffer.from('x')]));
    expect(long.result()).toBe('parts-mismatch');
  });

  test('refuses a composite checksum without part sizes', () => {
    expect(() => new ChecksumVerifier({ algorithm: 'CRC32', value: 'x', partCount: 2 })).toThrow('needs the part sizes');
  });
});
