import type { RawUser } from '../../../lambda/access-review/types';

export const NOW = new Date('2026-04-01T13:00:00.000Z');
export const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000);

/** A healthy user: enabled, confirmed, TOTP, signed in yesterday. Override what a test is about. */
export function rawUser(overrides: Partial<RawUser> = {}): RawUser {
  return {
    username: 'alice',
    sub: '11111111-1111-4111-8111-111111111111',
    enabled: true,
    status: 'CONFIRMED',
    createdAt: daysAgo(400),
    lastModifiedAt: daysAgo(30),
    groups: ['provider'],
    mfa: { methods: ['SOFTWARE_TOKEN_MFA'], preferred: 'SOFTWARE_TOKEN_MFA' },
    lastSignIn: { status: 'found', at: daysAgo(1) },
    lookupErrors: [],
    ...overrides,
  };
}
