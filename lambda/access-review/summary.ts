/**
 * The human-readable side of a review: a short Markdown summary stored next to the JSON report, and
 * the notification to the security contact, which carries counts and S3 keys only (an e-mail
 * subscription must never receive usernames or e-mail addresses).
 */
import { FLAGS, type Flag } from './flags';
import type { AccessReviewReport } from './report';

/** Backslash-escapes what Markdown would interpret in a username. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

export function renderSummary(report: AccessReviewReport): string {
  const date = report.generatedAt.slice(0, 10);
  const c = report.counts;
  const lines = [
    `# Access review: ${md(report.deployment)}, ${date}`,
    '',
    `Generated ${report.generatedAt} for user pool \`${report.userPoolId}\` (HIPAA ${report.hipaaControls.join(', ')}).`,
    'Users are listed by username and Cognito sub; usernames are workforce identifiers, not PHI.',
    '',
    '| Users | Count |',
    '|---|---:|',
    `| All | ${c.users} |`,
    `| Enabled | ${c.enabled} |`,
    `| Disabled | ${c.disabled} |`,
    `| Flagged | ${c.flaggedUsers} |`,
    `| In highest-privilege groups | ${c.privilegedUsers} |`,
    '',
    '## Findings',
    '',
    '| Flag | Meaning | Users |',
    '|---|---|---:|',
    ...(Object.keys(FLAGS) as Flag[]).map((f) => `| ${f} | ${FLAGS[f]} | ${c.byFlag[f]} |`),
  ];
  if (!report.signInHistoryAvailable) {
    lines.push('', '> Sign-in history is unavailable (threat protection is off): inactivity was not reviewed.');
  }
  lines.push('', `## Highest-privilege groups (${report.parameters.privilegedGroups.map(md).join(', ') || 'none'})`, '');
  if (report.privilegedUsers.length === 0) lines.push('No members.');
  for (const u of report.privilegedUsers)
    lines.push(`- ${md(u.username)} (sub ${u.sub ?? 'unknown'}): ${u.groups.map(md).join(', ')}`);
  const flagged = report.users.filter((u) => u.flags.length > 0);
  lines.push('', '## Flagged users', '');
  if (flagged.length === 0) lines.push('None.');
  else {
    lines.push('| Username | Sub | Enabled | Flags |', '|---|---|---|---|');
    for (const u of flagged)
      lines.push(`| ${md(u.username)} | ${u.sub ?? 'unknown'} | ${u.enabled ? 'yes' : 'no'} | ${u.flags.join(', ')} |`);
  }
  lines.push(
    '',
    '## Sign-off',
    '',
    'Each flagged account was confirmed as needed or corrected (disabled, removed from groups, MFA enrolled).',
    '',
    'Reviewer: ____________________  Date: ____________',
    '',
  );
  return lines.join('\n');
}

export interface StoredReview {
  readonly bucket: string;
  readonly jsonKey: string;
  readonly jsonSha256: string;
  readonly markdownKey: string;
}

/** The SNS notification: counts and where the report is, nothing that names a person. */
export function renderNotification(report: AccessReviewReport, stored: StoredReview): { subject: string; message: string } {
  const c = report.counts;
  const date = report.generatedAt.slice(0, 10);
  const flagCounts = (Object.keys(FLAGS) as Flag[])
    .filter((f) => c.byFlag[f] > 0)
    .map((f) => `${f} ${c.byFlag[f]}`)
    .join(', ');
  return {
    // SNS subjects are limited to 100 characters; the deployment name has at most 20.
    subject: `[${report.deployment}] Access review ${date}: ${c.flaggedUsers} of ${c.users} users flagged`,
    message: [
      `Access review of ${report.deployment} completed at ${report.generatedAt}.`,
      '',
      `Users: ${c.users} (enabled ${c.enabled}, disabled ${c.disabled})`,
      `Flagged users: ${c.flaggedUsers}${flagCounts ? ` (${flagCounts})` : ''}`,
      `Users in highest-privilege groups: ${c.privilegedUsers}`,
      ...(report.signInHistoryAvailable ? [] : ['Sign-in history unavailable: inactivity was not reviewed.']),
      '',
      `Report: s3://${stored.bucket}/${stored.jsonKey}`,
      `SHA-256: ${stored.jsonSha256}`,
      `Summary: s3://${stored.bucket}/${stored.markdownKey}`,
      '',
      'Review the flagged accounts and sign off the summary (HIPAA 164.308(a)(3)(ii)(B), 164.308(a)(4)(ii)(C)).',
    ].join('\n'),
  };
}
