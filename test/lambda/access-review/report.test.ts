import { buildReport, REPORT_SCHEMA, reportKeys } from '../../../lambda/access-review/report';
import { daysAgo, NOW, rawUser } from './users';

const params = {
  deployment: 'crm-demo',
  userPoolId: 'us-east-1_AbCdEf123',
  inactiveDays: 90,
  privilegedGroups: ['practice-manager'],
  generatedAt: NOW,
};

const users = [
  rawUser({ username: 'zoe', sub: 'z', groups: ['practice-manager', 'billing'] }),
  rawUser({ username: 'bob', sub: 'b', mfa: { methods: [] } }),
  rawUser({
    username: 'carol',
    sub: 'c',
    enabled: false,
    groups: ['provider'],
    lastSignIn: { status: 'found', at: daysAgo(200) },
  }),
  rawUser({
    username: 'dan',
    sub: undefined,
    groups: undefined,
    lookupErrors: [{ lookup: 'groups', error: 'InternalErrorException' }],
  }),
];

describe('buildReport', () => {
  const report = buildReport(users, params);

  test('identifies itself: schema, date, deployment, pool, HIPAA controls, the PHI note', () => {
    expect(report).toMatchObject({
      schema: REPORT_SCHEMA,
      generatedAt: '2026-04-01T13:00:00.000Z',
      deployment: 'crm-demo',
      userPoolId: 'us-east-1_AbCdEf123',
      hipaaControls: ['164.308(a)(3)(ii)(B)', '164.308(a)(4)(ii)(C)'],
      parameters: { inactiveDays: 90, privilegedGroups: ['practice-manager'] },
      signInHistoryAvailable: true,
    });
    expect(report.note).toMatch(/workforce identifiers, not PHI/);
  });

  test('lists every user sorted by username, with ISO dates and nulls for what is unknown', () => {
    expect(report.users.map((u) => u.username)).toEqual(['bob', 'carol', 'dan', 'zoe']);
    expect(report.users[0]).toEqual({
      sub: 'b',
      username: 'bob',
      enabled: true,
      status: 'CONFIRMED',
      createdAt: daysAgo(400).toISOString(),
      lastModifiedAt: daysAgo(30).toISOString(),
      groups: ['provider'],
      mfa: { methods: [], preferred: null },
      lastSignIn: { status: 'found', at: daysAgo(1).toISOString() },
      flags: ['NO_MFA'],
      lookupErrors: [],
    });
    expect(report.users[2]).toMatchObject({ sub: null, groups: null, flags: ['REVIEW_INCOMPLETE'] });
  });

  test('counts users, flags and privileged users', () => {
    expect(report.counts).toEqual({
      users: 4,
      enabled: 3,
      disabled: 1,
      flaggedUsers: 3,
      privilegedUsers: 1,
      byFlag: { NO_MFA: 1, INACTIVE: 0, NEVER_SIGNED_IN: 0, DISABLED_IN_GROUPS: 1, REVIEW_INCOMPLETE: 1 },
    });
  });

  test('lists the highest-privilege members apart, with only their privileged groups', () => {
    expect(report.privilegedUsers).toEqual([{ sub: 'z', username: 'zoe', groups: ['practice-manager'] }]);
  });

  test('says when sign-in history is unavailable (threat protection off)', () => {
    const off = buildReport(
      [rawUser({ lastSignIn: { status: 'unavailable', reason: 'UserPoolAddOnNotEnabledException' } })],
      params,
    );
    expect(off.signInHistoryAvailable).toBe(false);
    const failedForOne = buildReport(
      [rawUser({ lastSignIn: { status: 'unavailable', reason: 'TooManyRequestsException' } })],
      params,
    );
    expect(failedForOne.signInHistoryAvailable).toBe(true);
  });

  test('is deterministic and holds no attribute beyond username and sub', () => {
    expect(JSON.stringify(buildReport([...users].reverse(), params))).toBe(JSON.stringify(report));
    expect(JSON.stringify(report)).not.toMatch(/email|phone|given_name/);
  });

  test('an empty pool gives an empty, valid report', () => {
    const empty = buildReport([], params);
    expect(empty.counts).toMatchObject({ users: 0, flaggedUsers: 0, privilegedUsers: 0 });
    expect(empty.users).toEqual([]);
  });
});

describe('reportKeys', () => {
  test('access-reviews/<yyyy>/<date>-access-review.{json,md}, by UTC date', () => {
    expect(reportKeys(new Date('2026-01-01T00:30:00Z'))).toEqual({
      json: 'access-reviews/2026/2026-01-01-access-review.json',
      markdown: 'access-reviews/2026/2026-01-01-access-review.md',
    });
    expect(reportKeys(new Date('2025-12-31T23:59:59Z')).json).toBe('access-reviews/2025/2025-12-31-access-review.json');
  });
});
