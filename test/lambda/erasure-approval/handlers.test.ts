import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetExecutionHistoryCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createApproveHandler } from '../../../lambda/erasure-approval/approve';
import { createRequestHandler } from '../../../lambda/erasure-approval/request';
import { awsError, captureOutput } from '../fixtures';
import {
  APPROVER,
  DIGEST,
  ENV,
  EXECUTION_ARN,
  iamCaller,
  NOW,
  OTHER_DIGEST,
  RECORD,
  REQUEST_ID,
  REQUESTER,
  STATE_MACHINE_ARN,
  urlEvent,
} from './fixtures';

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  s3.reset();
  sfn.reset();
  output = captureOutput();
});
afterEach(() => output.restore());

const REQUEST_KEY = `certificates-of-destruction/${REQUEST_ID}/request.json`;
const APPROVAL_KEY = `certificates-of-destruction/${REQUEST_ID}/approval.json`;
const body = (text: string) => ({ Body: { transformToString: async () => text } }) as never;
const stored = (objects: Record<string, string>) => {
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    if (objects[input.Key] === undefined) throw awsError('NoSuchKey', 404);
    return body(objects[input.Key]);
  });
};
const written = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
const statusOf = (r: unknown) => (r as { statusCode: number }).statusCode;
const bodyOfResponse = (r: unknown) => JSON.parse((r as { body: string }).body) as Record<string, unknown>;

const request = createRequestHandler({
  s3: new S3Client({}),
  sfn: new SFNClient({}),
  env: ENV,
  now: () => NOW,
  randomHex8: () => '0a1b2c3d',
});
const approve = (now = new Date(NOW.getTime() + 3600_000)) =>
  createApproveHandler({ s3: new S3Client({}), sfn: new SFNClient({}), env: ENV, now: () => now });

describe('request function', () => {
  test('writes the request once, with the requester AWS authenticated, then starts the run named after it', async () => {
    s3.on(PutObjectCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN });
    const forged = urlEvent(REQUESTER, { digest: DIGEST, requestedBy: 'arn:aws:sts::111122223333:assumed-role/x/eve' });
    const result = await request(forged);
    expect(statusOf(result)).toBe(200);
    expect(bodyOfResponse(result)).toEqual(RECORD);
    expect(written()).toEqual([
      expect.objectContaining({
        Bucket: ENV.EVIDENCE_BUCKET,
        Key: REQUEST_KEY,
        IfNoneMatch: '*',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: ENV.EVIDENCE_KMS_KEY_ARN,
      }),
    ]);
    expect(JSON.parse(String(written()[0].Body))).toEqual(RECORD);
    const start = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(start).toEqual({ stateMachineArn: STATE_MACHINE_ARN, name: REQUEST_ID, input: expect.any(String) });
    expect(JSON.parse(start.input!)).toEqual({ confirmDigest: DIGEST, requestedBy: REQUESTER.userArn, runId: REQUEST_ID });
  });

  test('refuses the approver role, a call without IAM identity and a reused request ID: no run started', async () => {
    s3.on(PutObjectCommand).rejects(awsError('PreconditionFailed', 412));
    for (const event of [urlEvent(APPROVER, { digest: DIGEST }), urlEvent(undefined, { digest: DIGEST })]) {
      expect(statusOf(await request(event))).toBe(403);
    }
    expect(written()).toEqual([]);
    const reused = await request(urlEvent(REQUESTER, { digest: DIGEST }));
    expect(bodyOfResponse(reused)).toEqual({ refused: [expect.stringMatching(/exists already/)] });
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
  });

  test('the wait task passes only for the run a request started (a run started by hand fails it)', async () => {
    stored({ [REQUEST_KEY]: JSON.stringify(RECORD) });
    const awaiting = { requestId: REQUEST_ID, digest: DIGEST, requestedBy: REQUESTER.userArn, executionArn: EXECUTION_ARN };
    await expect(request({ awaitingApproval: awaiting, taskToken: 'token' })).resolves.toEqual({ awaitingApproval: REQUEST_ID });
    await expect(
      request({ awaitingApproval: { ...awaiting, requestedBy: 'arn:aws:sts::111122223333:assumed-role/x/eve' }, taskToken: 't' }),
    ).rejects.toMatchObject({ name: 'ErasureApprovalRefused' });
    await expect(
      request({ awaitingApproval: { ...awaiting, requestId: 'teardown-20260101000000-00000000' }, taskToken: 't' }),
    ).rejects.toMatchObject({ name: 'ErasureApprovalRefused' });
    expect(output.text()).not.toContain('"t"');
  });
});

describe('approve function', () => {
  const history = {
    events: [
      {
        type: 'TaskScheduled' as const,
        id: 3,
        timestamp: NOW,
        taskScheduledEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke.waitForTaskToken',
          region: 'us-east-1',
          parameters: JSON.stringify({ Payload: { awaitingApproval: { requestId: REQUEST_ID }, taskToken: 'the-token' } }),
        },
      },
    ],
  };
  const waiting = () => {
    stored({ [REQUEST_KEY]: JSON.stringify(RECORD) });
    s3.on(PutObjectCommand).resolves({});
    sfn.on(GetExecutionHistoryCommand).resolves(history);
    sfn.on(SendTaskSuccessCommand).resolves({});
  };
  const approval = (iam = APPROVER, digest = DIGEST) => urlEvent(iam, { requestId: REQUEST_ID, digest });

  test('a second person in the approver role: approval written once, the run continues with it', async () => {
    waiting();
    const result = await approve()(approval());
    expect(statusOf(result)).toBe(200);
    const expected = {
      ...RECORD,
      approver: { arn: APPROVER.userArn, userId: APPROVER.userId, accountId: APPROVER.accountId },
      approvedAt: '2026-12-06T17:30:00.000Z',
    };
    delete (expected as Partial<typeof expected>).expiresAt;
    expect(bodyOfResponse(result)).toEqual(expected);
    expect(written()).toEqual([expect.objectContaining({ Key: APPROVAL_KEY, IfNoneMatch: '*' })]);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0].args[0].input.executionArn).toBe(EXECUTION_ARN);
    const sent = sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input;
    expect(sent.taskToken).toBe('the-token');
    expect(JSON.parse(sent.output!)).toEqual(expected);
    expect(output.text()).not.toContain('the-token');
  });

  const refused = async (event: unknown, reason: RegExp, handler = approve()) => {
    const result = await handler(event);
    expect(statusOf(result)).toBe(403);
    expect(bodyOfResponse(result).refused).toEqual(expect.arrayContaining([expect.stringMatching(reason)]));
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toEqual([]);
  };

  test('self-approval is refused: nothing written, nothing sent', async () => {
    waiting();
    await refused(approval(iamCaller('crm-demo-erasure-approver', 'alice', 'AROAAPPROVER')), /own request/);
    expect(written()).toEqual([]);
  });

  test('wrong digest is refused, and the request stays open (a correct approval then passes)', async () => {
    waiting();
    await refused(approval(APPROVER, OTHER_DIGEST), /not the digest/);
    expect(written()).toEqual([]);
    expect(statusOf(await approve()(approval()))).toBe(200);
  });

  test('expired request is refused; a wait that already timed out is refused too', async () => {
    waiting();
    await refused(approval(), /expired/, approve(new Date(Date.parse(RECORD.expiresAt))));
    expect(written()).toEqual([]);
    sfn.on(SendTaskSuccessCommand).rejects(awsError('TaskTimedOut'));
    const result = await approve()(approval());
    expect(bodyOfResponse(result)).toEqual({ refused: [expect.stringMatching(/no longer waits .*TaskTimedOut/)] });
  });

  test('approver without the role is refused (the handler checks, whatever the URL let through)', async () => {
    waiting();
    await refused(approval(iamCaller('crm-demo-operator', 'carol', 'AROAOTHER')), /does not hold the approver role/);
    await refused(urlEvent(undefined, { requestId: REQUEST_ID, digest: DIGEST }), /no IAM caller/);
  });

  test('replay is refused: an approval on record, or a concurrent one S3 refuses to write', async () => {
    waiting();
    stored({ [REQUEST_KEY]: JSON.stringify(RECORD), [APPROVAL_KEY]: '{}' });
    await refused(approval(), /already approved/);
    stored({ [REQUEST_KEY]: JSON.stringify(RECORD) });
    s3.on(PutObjectCommand).rejects(awsError('PreconditionFailed', 412));
    await refused(approval(), /already approved/);
  });

  test('an unknown request, or a run not waiting for approval, is refused', async () => {
    waiting();
    await refused(
      urlEvent(APPROVER, { requestId: 'teardown-20260101000000-00000000', digest: DIGEST }),
      /no such erasure request/,
    );
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    await refused(approval(), /not waiting for approval/);
    // Nothing recorded: once the run waits, the same approval goes through.
    expect(written()).toEqual([]);
    sfn.on(GetExecutionHistoryCommand).resolves(history);
    expect(statusOf(await approve()(approval()))).toBe(200);
  });

  test('an AWS error is a 500 without its message', async () => {
    waiting();
    s3.on(GetObjectCommand).rejects(awsError('AccessDenied', 403));
    const result = await approve()(approval());
    expect(statusOf(result)).toBe(500);
    expect(output.text()).not.toContain('alice@example.com');
  });
});
