import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { handler } from '../../../lambda/access-review/index';
import type { AccessReviewReport } from '../../../lambda/access-review/report';
import { awsError, captureOutput, lambdaContext, metricNames } from '../fixtures';
import { mockDirectory, POOL_ID } from './cognito-mock';

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
let cognito: ReturnType<typeof mockDirectory>;
let output: ReturnType<typeof captureOutput>;
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:security';

beforeEach(() => {
  jest.useFakeTimers({
    now: new Date('2026-04-01T13:00:05Z'),
    doNotFake: ['setTimeout', 'setImmediate', 'nextTick', 'queueMicrotask'],
  });
  cognito = mockDirectory();
  s3.reset();
  sns.reset();
  s3.on(PutObjectCommand).resolves({ VersionId: 'v1' });
  sns.on(PublishCommand).resolves({ MessageId: 'm1' });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    USER_POOL_ID: POOL_ID,
    INACTIVE_DAYS: '90',
    PRIVILEGED_GROUPS: 'practice-manager',
    DEPLOYMENT_NAME: 'crm-demo',
    EVIDENCE_BUCKET: 'crm-demo-evidence',
    EVIDENCE_KMS_KEY_ARN: KEY_ARN,
    SECURITY_TOPIC_ARN: TOPIC_ARN,
  });
  output = captureOutput();
});
afterEach(() => {
  output.restore();
  cognito.restore();
  jest.useRealTimers();
});

const run = () => handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, lambdaContext('crm-demo-access-review'));

describe('access-review handler', () => {
  test('writes the JSON report and the Markdown summary under access-reviews/<yyyy>/ with SSE-KMS and their SHA-256', async () => {
    await run();
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Key)).toEqual([
      'access-reviews/2026/2026-04-01-access-review.json',
      'access-reviews/2026/2026-04-01-access-review.md',
    ]);
    for (const put of puts) {
      const sha = createHash('sha256')
        .update(put.Body as string)
        .digest();
      expect(put).toMatchObject({
        Bucket: 'crm-demo-evidence',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: KEY_ARN,
        Metadata: { sha256: sha.toString('hex') },
        ChecksumSHA256: sha.toString('base64'),
      });
    }
    const report = JSON.parse(puts[0].Body as string) as AccessReviewReport;
    expect(report).toMatchObject({
      deployment: 'crm-demo',
      userPoolId: POOL_ID,
      generatedAt: '2026-04-01T13:00:05.000Z',
      counts: { users: 3, enabled: 2, disabled: 1, privilegedUsers: 1 },
      privilegedUsers: [{ sub: 'sub-a', username: 'alice@example.com', groups: ['practice-manager'] }],
    });
    expect(report.users.find((u) => u.username === 'bob')?.flags).toEqual(['NO_MFA']);
    expect(report.users.find((u) => u.username === 'carol')?.flags).toEqual(['NEVER_SIGNED_IN', 'DISABLED_IN_GROUPS']);
    expect(puts[1]).toMatchObject({ ContentType: 'text/markdown; charset=utf-8' });
  });

  test('notifies the security topic with counts and keys, naming nobody', async () => {
    await run();
    const publishes = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(publishes).toHaveLength(1);
    expect(publishes[0]).toMatchObject({
      TopicArn: TOPIC_ARN,
      Subject: '[crm-demo] Access review 2026-04-01: 2 of 3 users flagged',
    });
    expect(publishes[0].Message).toContain('s3://crm-demo-evidence/access-reviews/2026/2026-04-01-access-review.json');
    expect(`${publishes[0].Subject} ${publishes[0].Message}`).not.toMatch(/alice|example\.com|bob|carol|sub-/);
  });

  test('logs and counts the outcome without usernames or e-mail addresses', async () => {
    await run();
    const lines = output.lines();
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'Access review stored', key: 'access-reviews/2026/2026-04-01-access-review.json' }),
    );
    expect(metricNames(lines)).toEqual(['AccessReviewUsers', 'AccessReviewFlaggedUsers', 'AccessReviewIncompleteUsers']);
    expect(output.text()).not.toMatch(/alice|example\.com|bob|carol/);
  });

  test('without a bucket key the objects rely on the bucket default encryption', async () => {
    delete process.env.EVIDENCE_KMS_KEY_ARN;
    await run();
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input.ServerSideEncryption).toBeUndefined();
  });

  test('fails (so Lambda retries, then the dead-letter queue) when Cognito cannot be listed, writing nothing', async () => {
    cognito.on(ListUsersCommand).rejects(awsError('NotAuthorizedException'));
    await expect(run()).rejects.toThrow('access review failed: NotAuthorizedException');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(metricNames(output.lines())).toEqual(['AccessReviewFailures']);
  });

  test('fails when the report cannot be stored, and then does not notify', async () => {
    s3.on(PutObjectCommand).rejects(awsError('AccessDenied', 403));
    await expect(run()).rejects.toThrow('access review failed: AccessDenied');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  test('refuses a broken configuration', async () => {
    process.env.INACTIVE_DAYS = 'ninety';
    await expect(run()).rejects.toThrow('access review failed');
    expect(output.text()).toContain('"errorName":"Error"');
  });
});
