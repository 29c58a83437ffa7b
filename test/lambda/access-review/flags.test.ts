import { decideFlags, FLAGS, isPrivileged } from '../../../lambda/access-review/flags';
import { daysAgo, NOW, rawUser } from './users';

const policy = { now: NOW, inactiveDays: 90 };

describe('decideFlags', () => {
  test('a healthy user has no flag', () => {
    expect(decideFlags(rawUser(), policy)).toEqual([]);
  });

  test('NO_MFA when no method is set up; not when the MFA lookup failed (that is REVIEW_INCOMPLETE)', () => {
    expect(decideFlags(rawUser({ mfa: { methods: [] } }), policy)).toEqual(['NO_MFA']);
    expect(decideFlags(rawUser({ mfa: { methods: [], preferred: 'SOFTWARE_TOKEN_MFA' } }), policy)).toEqual([]);
    expect(
      decideFlags(rawUser({ mfa: undefined, lookupErrors: [{ lookup: 'mfa', error: 'InternalErrorException' }] }), policy),
    ).toEqual(['REVIEW_INCOMPLETE']);
  });

  test('INACTIVE strictly after inactiveDays without a successful sign-in', () => {
    expect(decideFlags(rawUser({ lastSignIn: { status: 'found', at: daysAgo(90) } }), policy)).toEqual([]);
    expect(decideFlags(rawUser({ lastSignIn: { status: 'found', at: daysAgo(91) } }), policy)).toEqual(['INACTIVE']);
    expect(decideFlags(rawUser({ lastSignIn: { status: 'found', at: daysAgo(31) } }), { ...policy, inactiveDays: 30 })).toEqual([
      'INACTIVE',
    ]);
  });

  test('a disabled account is not reported inactive (it cannot be used anyway)', () => {
    expect(
      decideFlags(rawUser({ enabled: false, groups: [], lastSignIn: { status: 'found', at: daysAgo(300) } }), policy),
    ).toEqual([]);
  });

  test('NEVER_SIGNED_IN, and INACTIVE too once the account is older than the period', () => {
    expect(decideFlags(rawUser({ lastSignIn: { status: 'never' }, createdAt: daysAgo(10) }), policy)).toEqual([
      'NEVER_SIGNED_IN',
    ]);
    expect(decideFlags(rawUser({ lastSignIn: { status: 'never' }, createdAt: daysAgo(100) }), policy)).toEqual([
      'INACTIVE',
      'NEVER_SIGNED_IN',
    ]);
  });

  test('a temporary password never changed means never signed in, even without sign-in history', () => {
    const invited = rawUser({
      status: 'FORCE_CHANGE_PASSWORD',
      mfa: { methods: [] },
      createdAt: daysAgo(120),
      lastSignIn: { status: 'unavailable', reason: 'UserPoolAddOnNotEnabledException' },
    });
    expect(decideFlags(invited, policy)).toEqual(['NO_MFA', 'INACTIVE', 'NEVER_SIGNED_IN']);
  });

  test('unknown sign-in history flags nothing about activity', () => {
    for (const lastSignIn of [
      { status: 'not-in-recent-events' as const },
      { status: 'unavailable' as const, reason: 'UserPoolAddOnNotEnabledException' },
    ]) {
      expect(decideFlags(rawUser({ lastSignIn, createdAt: daysAgo(1000) }), policy)).toEqual([]);
    }
  });

  test('DISABLED_IN_GROUPS when a disabled user keeps group memberships', () => {
    expect(decideFlags(rawUser({ enabled: false, groups: ['billing'] }), policy)).toEqual(['DISABLED_IN_GROUPS']);
    expect(decideFlags(rawUser({ enabled: false, groups: [] }), policy)).toEqual([]);
    expect(decideFlags(rawUser({ enabled: true, groups: ['billing'] }), policy)).toEqual([]);
  });

  test('REVIEW_INCOMPLETE whenever a lookup failed', () => {
    const user = rawUser({ groups: undefined, lookupErrors: [{ lookup: 'groups', error: 'TooManyRequestsException' }] });
    expect(decideFlags(user, policy)).toEqual(['REVIEW_INCOMPLETE']);
  });

  test('every flag has a description for the reviewer', () => {
    for (const text of Object.values(FLAGS)) expect(text.length).toBeGreaterThan(10);
  });
});

describe('isPrivileged', () => {
  test('members of a highest-privilege group, and only those', () => {
    expect(isPrivileged(rawUser({ groups: ['practice-manager', 'billing'] }), ['practice-manager'])).toBe(true);
    expect(isPrivileged(rawUser({ groups: ['billing'] }), ['practice-manager'])).toBe(false);
    expect(isPrivileged(rawUser({ groups: undefined }), ['practice-manager'])).toBe(false);
    expect(isPrivileged(rawUser({ groups: ['practice-manager'] }), [])).toBe(false);
  });
});
