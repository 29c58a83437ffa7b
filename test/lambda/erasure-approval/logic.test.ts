import {
  approvalRefusals,
  awaitingRefusals,
  bodyOf,
  callerOf,
  digestOf,
  newRequestId,
  parseRequestRecord,
  REQUEST_ID as REQUEST_ID_PATTERN,
  requestRefusals,
  roleSessionOf,
  taskTokenIn,
  type Caller,
} from '../../../lambda/erasure-approval/logic';
import {
  ACCOUNT,
  APPROVER,
  APPROVER_ROLE,
  DIGEST,
  EXECUTION_ARN,
  iamCaller,
  NOW,
  ORG,
  OTHER_DIGEST,
  RECORD,
  REQUEST_ID,
  REQUESTER,
  urlEvent,
} from './fixtures';

const POLICY = { account: ACCOUNT, approverRoleName: APPROVER_ROLE, organizationId: ORG };
const caller = (iam: ReturnType<typeof iamCaller>): Caller => callerOf(urlEvent(iam, {}));
const refusalsOf = (approver: Caller, overrides: Partial<Parameters<typeof approvalRefusals>[0]> = {}) =>
  approvalRefusals({ caller: approver, policy: POLICY, record: RECORD, digest: DIGEST, now: NOW, approved: false, ...overrides });

describe('who calls', () => {
  test('is read from the IAM request context, not from the body', () => {
    const event = urlEvent(REQUESTER, { requestedBy: 'arn:aws:iam::111122223333:role/someone-else' });
    expect(callerOf(event)).toEqual({
      arn: REQUESTER.userArn,
      userId: REQUESTER.userId,
      accountId: ACCOUNT,
      principalOrgId: ORG,
    });
  });

  test('a call without an IAM caller (a URL without AWS_IAM auth, a direct invoke) is refused', () => {
    expect(() => callerOf(urlEvent(undefined, {}))).toThrow(/no IAM caller/);
    expect(() => callerOf({ requestContext: { authorizer: { iam: { userArn: 'x' } } } })).toThrow(/incomplete/);
  });

  test('role and session of an assumed-role ARN; nothing for an IAM user', () => {
    expect(roleSessionOf(APPROVER.userArn)).toEqual({ role: APPROVER_ROLE, session: 'bob' });
    expect(roleSessionOf(`arn:aws:iam::${ACCOUNT}:user/${APPROVER_ROLE}`)).toBeUndefined();
  });

  test('the body: JSON object (base64 too), a lowercase SHA-256 digest', () => {
    const b64 = { body: Buffer.from(JSON.stringify({ digest: DIGEST })).toString('base64'), isBase64Encoded: true };
    expect(digestOf(bodyOf(b64))).toBe(DIGEST);
    expect(() => bodyOf({ body: 'not json' })).toThrow(/not JSON/);
    expect(() => digestOf({ digest: DIGEST.toUpperCase() })).toThrow(/lowercase SHA-256/);
  });

  test('request IDs are the run ID pattern', () => {
    expect(newRequestId(NOW, '0a1b2c3d')).toBe(REQUEST_ID);
    expect(REQUEST_ID_PATTERN.test(REQUEST_ID)).toBe(true);
  });
});

describe('requests', () => {
  test('an operator of this account and organization may request', () => {
    expect(requestRefusals(caller(REQUESTER), POLICY)).toEqual([]);
  });

  test('the approver role may not request (the two people hold different roles)', () => {
    expect(requestRefusals(caller(APPROVER), POLICY)).toEqual([expect.stringMatching(/approver role .* cannot request/)]);
  });

  test('another account or organization may not request', () => {
    const foreign = iamCaller('crm-demo-operator', 'mallory', 'AROAX', '999988887777', 'o-zzzzzzzzzz');
    expect(requestRefusals(caller(foreign), POLICY)).toEqual([
      `the caller is not in account ${ACCOUNT}`,
      `the caller is not in organization ${ORG}`,
    ]);
  });
});

describe('approvals: every refusal', () => {
  test('a second person in the approver role, same digest, in time, first approval: approved', () => {
    expect(refusalsOf(caller(APPROVER))).toEqual([]);
  });

  test('approver without the role: another role, or an IAM user named like the role', () => {
    const operator = iamCaller('crm-demo-operator', 'carol', 'AROAOTHER');
    expect(refusalsOf(caller(operator))).toEqual([`the caller does not hold the approver role ${APPROVER_ROLE}`]);
    const user = { ...APPROVER, userArn: `arn:aws:iam::${ACCOUNT}:user/${APPROVER_ROLE}`, userId: 'AIDAUSER' };
    expect(refusalsOf(callerOf(urlEvent(user, {})))).toEqual([`the caller does not hold the approver role ${APPROVER_ROLE}`]);
  });

  test('approver role in another account or organization', () => {
    const foreign = iamCaller(APPROVER_ROLE, 'bob', 'AROAAPPROVER', '999988887777', 'o-zzzzzzzzzz');
    expect(refusalsOf(caller(foreign))).toEqual([
      `the caller is not in account ${ACCOUNT}`,
      `the caller is not in organization ${ORG}`,
    ]);
  });

  test('self-approval: the same session, or the same person (session name) in the approver role', () => {
    const self = /cannot approve their own request/;
    expect(refusalsOf(caller(REQUESTER))).toEqual(
      expect.arrayContaining([expect.stringMatching(self), expect.stringMatching(/does not hold the approver role/)]),
    );
    const aliceAsApprover = iamCaller(APPROVER_ROLE, 'Alice', 'AROAAPPROVER');
    expect(refusalsOf(caller(aliceAsApprover))).toEqual([expect.stringMatching(self)]);
  });

  test('wrong digest', () => {
    expect(refusalsOf(caller(APPROVER), { digest: OTHER_DIGEST })).toEqual([
      expect.stringMatching(/not the digest of the requested plan/),
    ]);
  });

  test('expired request: at and after expiresAt, not a millisecond before', () => {
    const expiry = Date.parse(RECORD.expiresAt);
    expect(refusalsOf(caller(APPROVER), { now: new Date(expiry - 1) })).toEqual([]);
    expect(refusalsOf(caller(APPROVER), { now: new Date(expiry) })).toEqual([`the request expired at ${RECORD.expiresAt}`]);
  });

  test('replay: a request already approved', () => {
    expect(refusalsOf(caller(APPROVER), { approved: true })).toEqual(['the request is already approved']);
  });

  test('unknown request', () => {
    expect(refusalsOf(caller(APPROVER), { record: undefined })).toEqual(['no such erasure request']);
  });
});

describe('stored records and the wait task', () => {
  test('a stored request must be complete', () => {
    expect(parseRequestRecord(JSON.stringify(RECORD))).toEqual(RECORD);
    expect(() => parseRequestRecord(JSON.stringify({ ...RECORD, requester: {} }))).toThrow(/malformed/);
    expect(() => parseRequestRecord('{')).toThrow(/not JSON/);
  });

  test('a run waits for approval only if the request function started it, with its digest and requester', () => {
    const awaiting = { requestId: REQUEST_ID, digest: DIGEST, requestedBy: REQUESTER.userArn, executionArn: EXECUTION_ARN };
    expect(awaitingRefusals(awaiting, RECORD)).toEqual([]);
    expect(awaitingRefusals(awaiting, undefined)).toEqual([expect.stringMatching(/no erasure request/)]);
    expect(
      awaitingRefusals(
        { ...awaiting, executionArn: `${EXECUTION_ARN}-by-hand`, digest: OTHER_DIGEST, requestedBy: 'someone' },
        RECORD,
      ),
    ).toHaveLength(3);
  });

  test("the task token is taken from the wait task's scheduled parameters, for this request only", () => {
    const scheduled = (requestId: string, taskToken: string, resource = 'invoke.waitForTaskToken') => ({
      type: 'TaskScheduled',
      taskScheduledEventDetails: {
        resourceType: 'lambda',
        resource,
        parameters: JSON.stringify({ FunctionName: 'f', Payload: { awaitingApproval: { requestId }, taskToken } }),
      },
    });
    expect(taskTokenIn([{ type: 'ExecutionStarted' }, scheduled(REQUEST_ID, 'token-1')], REQUEST_ID)).toBe('token-1');
    expect(taskTokenIn([scheduled('teardown-20260101000000-00000000', 'other')], REQUEST_ID)).toBeUndefined();
    expect(taskTokenIn([scheduled(REQUEST_ID, 'sync', 'invoke')], REQUEST_ID)).toBeUndefined();
  });
});
