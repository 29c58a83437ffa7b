import { buildReport } from '../../../lambda/access-review/report';
import { renderNotification, renderSummary } from '../../../lambda/access-review/summary';
import { NOW, rawUser } from './users';

const params = {
  deployment: 'crm-demo',
  userPoolId: 'us-east-1_Pool',
  inactiveDays: 90,
  privilegedGroups: ['practice-manager'],
  generatedAt: NOW,
};
const report = buildReport(
  [
    rawUser({ username: 'alice@example.com', sub: 'a-sub', groups: ['practice-manager'] }),
    rawUser({ username: 'bob|*x*', sub: 'b-sub', mfa: { methods: [] } }),
    rawUser({ username: 'carol', sub: 'c-sub' }),
  ],
  params,
);
const stored = {
  bucket: 'crm-demo-evidence',
  jsonKey: 'access-reviews/2026/2026-04-01-access-review.json',
  jsonSha256: 'ab'.repeat(32),
  markdownKey: 'access-reviews/2026/2026-04-01-access-review.md',
};

describe('renderSummary', () => {
  const md = renderSummary(report);

  test('has the title, counts, findings table and a sign-off', () => {
    expect(md).toContain('# Access review: crm-demo, 2026-04-01');
    expect(md).toContain('| All | 3 |');
    expect(md).toContain('| Flagged | 1 |');
    expect(md).toContain('| NO_MFA | No MFA method set up | 1 |');
    expect(md).toContain('## Sign-off');
  });

  test('lists privileged and flagged users by username and sub, escaping Markdown', () => {
    expect(md).toContain('- alice@example.com (sub a-sub): practice-manager');
    expect(md).toContain('| bob\\|\\*x\\* | b-sub | yes | NO_MFA |');
    expect(md).not.toContain('| carol |');
  });

  test('says so when nothing is flagged or nobody is privileged, and when sign-in history is missing', () => {
    const quiet = renderSummary(
      buildReport([rawUser({ lastSignIn: { status: 'unavailable', reason: 'UserPoolAddOnNotEnabledException' } })], {
        ...params,
        privilegedGroups: [],
      }),
    );
    expect(quiet).toContain('## Highest-privilege groups (none)');
    expect(quiet).toContain('No members.');
    expect(quiet).toContain('## Flagged users\n\nNone.');
    expect(quiet).toContain('inactivity was not reviewed');
  });
});

describe('renderNotification', () => {
  const { subject, message } = renderNotification(report, stored);

  test('carries counts, the S3 keys and the SHA-256', () => {
    expect(subject).toBe('[crm-demo] Access review 2026-04-01: 1 of 3 users flagged');
    expect(message).toContain('Users: 3 (enabled 3, disabled 0)');
    expect(message).toContain('Flagged users: 1 (NO_MFA 1)');
    expect(message).toContain('Users in highest-privilege groups: 1');
    expect(message).toContain(`Report: s3://crm-demo-evidence/${stored.jsonKey}`);
    expect(message).toContain(`SHA-256: ${stored.jsonSha256}`);
    expect(message).toContain(`Summary: s3://crm-demo-evidence/${stored.markdownKey}`);
  });

  test('names nobody: no username, e-mail address or sub', () => {
    expect(`${subject}\n${message}`).not.toMatch(/alice|example\.com|bob|carol|a-sub|b-sub/);
  });

  test('fits the SNS subject limit for the longest deployment name', () => {
    const long = renderNotification(
      { ...report, deployment: 'a'.repeat(20), counts: { ...report.counts, users: 99999, flaggedUsers: 99999 } },
      stored,
    );
    expect(long.subject.length).toBeLessThanOrEqual(100);
  });

  test('mentions missing sign-in history', () => {
    const off = buildReport(
      [rawUser({ lastSignIn: { status: 'unavailable', reason: 'UserPoolAddOnNotEnabledException' } })],
      params,
    );
    expect(renderNotification(off, stored).message).toContain('Sign-in history unavailable');
    expect(renderNotification(off, stored).message).toContain('Flagged users: 0\n');
  });
});
