import { createHash } from 'node:crypto';
import { CANARY_NONCE, canaryDigest, newCanaryNonce } from '../../../lambda/shared/canary-digest';

describe('canaryDigest', () => {
  test('is the hex sha256 of written_at (ISO-8601 UTC, milliseconds) followed by the nonce', () => {
    const nonce = '00112233445566778899aabbccddeeff';
    const expected = createHash('sha256').update(`2026-04-05T05:50:00.123Z${nonce}`).digest('hex');
    expect(canaryDigest(new Date('2026-04-05T05:50:00.123Z'), nonce)).toBe(expected);
  });

  test('changes with a millisecond or a nonce character', () => {
    const nonce = '00112233445566778899aabbccddeeff';
    const base = canaryDigest(new Date('2026-04-05T05:50:00.123Z'), nonce);
    expect(canaryDigest(new Date('2026-04-05T05:50:00.124Z'), nonce)).not.toBe(base);
    expect(canaryDigest(new Date('2026-04-05T05:50:00.123Z'), `${nonce.slice(0, -1)}0`)).not.toBe(base);
  });

  test('refuses an invalid time', () => {
    expect(() => canaryDigest(new Date('nope'), 'a'.repeat(32))).toThrow('not a valid time');
  });
});

describe('newCanaryNonce', () => {
  test('is 16 random bytes as 32 hex characters', () => {
    expect(newCanaryNonce()).toMatch(CANARY_NONCE);
    expect(newCanaryNonce(() => Buffer.alloc(16, 0xab))).toBe('ab'.repeat(16));
    expect(newCanaryNonce()).not.toBe(newCanaryNonce());
  });
});
