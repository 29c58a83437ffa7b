import { GetFunctionUrlConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListExecutionsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { parseArgs } from '../../../scripts/teardown/args';
import { signedFunctionUrlCall, twoPersonRuleUrls, type UrlAnswer } from '../../../scripts/teardown/approval';
import { EXIT, runTeardown } from '../../../scripts/teardown/run';
import { CALLER_ARN, DIGEST, EXECUTION_ARN, mockDeployment, OTHER_DIGEST, teardownDeps, type Mocks } from './fixtures';

let mocks: Mocks;
beforeEach(() => {
  mocks = mockDeployment();
});
afterEach(() => mocks.restore());

const CONFIG = ['-c', 'config=config/demo.json'];
const REQUEST_URL = 'https://req0123456789.lambda-url.us-east-1.on.aws/';
const APPROVE_URL = 'https://app0123456789.lambda-url.us-east-1.on.aws/';
const REQUEST_ID = 'teardown-20260301120000-0a1b2c3d';

/** The deployment has the two-person rule: both functions have URLs. */
function withRule() {
  mocks.lambda
    .on(GetFunctionUrlConfigCommand, { FunctionName: 'crm-demo-crypto-erasure-request' })
    .resolves({ FunctionUrl: REQUEST_URL });
  mocks.lambda
    .on(GetFunctionUrlConfigCommand, { FunctionName: 'crm-demo-crypto-erasure-approve' })
    .resolves({ FunctionUrl: APPROVE_URL });
}

/** A fake of the signed URL call: answers `answer`, records what was sent. */
function urlCalls(answer: UrlAnswer) {
  const calls: { region: string; url: string; body: Record<string, unknown> }[] = [];
  return {
    calls,
    callFunctionUrl: async (region: string, url: string, body: Record<string, unknown>) => {
      calls.push({ region, url, body });
      return answer;
    },
  };
}

describe('the two-person rule is detected from the deployed functions', () => {
  test('no request function: no rule; both URLs: the rule; any other error: thrown (the caller refuses)', async () => {
    const lambda = new LambdaClient({ region: 'us-east-1' });
    await expect(twoPersonRuleUrls(lambda, 'crm-demo')).resolves.toBeUndefined();
    withRule();
    await expect(twoPersonRuleUrls(lambda, 'crm-demo')).resolves.toEqual({ request: REQUEST_URL, approve: APPROVE_URL });
    mocks.lambda.on(GetFunctionUrlConfigCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    await expect(twoPersonRuleUrls(lambda, 'crm-demo')).rejects.toThrow('no');
  });
});

describe('signed function URL calls', () => {
  test('are SigV4-signed for lambda in the region, with the session token, and return the JSON answer', async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      sent.push({ url, init });
      return new Response(JSON.stringify({ requestId: REQUEST_ID }), { status: 200 });
    }) as unknown as typeof fetch;
    const call = signedFunctionUrlCall(
      async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' }),
      fakeFetch,
    );
    await expect(call('us-east-1', REQUEST_URL, { digest: DIGEST })).resolves.toEqual({
      status: 200,
      body: { requestId: REQUEST_ID },
    });
    const headers = sent[0].init.headers as Record<string, string>;
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/lambda\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-security-token']).toBe('session');
    expect(headers['x-amz-content-sha256'] ?? headers['x-amz-date']).toBeDefined();
    expect(sent[0].init.body).toBe(JSON.stringify({ digest: DIGEST }));
  });
});

describe('--execute with the two-person rule', () => {
  const EXECUTE = [...CONFIG, '--execute', '--confirm', DIGEST, '--export-done', '--keep-stacks'];

  test('requests the run through the request URL instead of starting it; nothing destroyed; how to approve; exit 0', async () => {
    withRule();
    const url = urlCalls({
      status: 200,
      body: { requestId: REQUEST_ID, digest: DIGEST, expiresAt: '2026-03-02T12:00:00.000Z', executionArn: EXECUTION_ARN },
    });
    const deps = teardownDeps({ callFunctionUrl: url.callFunctionUrl });
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.ok);
    expect(url.calls).toEqual([{ region: 'us-east-1', url: REQUEST_URL, body: { digest: DIGEST } }]);
    expect(mocks.sfn.commandCalls(StartExecutionCommand)).toEqual([]);
    expect(deps.stdout()).toContain('Nothing is destroyed yet');
    expect(deps.stdout()).toContain(`npm run teardown -- -c config=config/demo.json --approve ${REQUEST_ID} --confirm ${DIGEST}`);
  });

  test('a refused request: the reasons, exit 2', async () => {
    withRule();
    const url = urlCalls({
      status: 403,
      body: { refused: ['the approver role crm-demo-erasure-approver cannot request an erasure'] },
    });
    const deps = teardownDeps({ callFunctionUrl: url.callFunctionUrl });
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toContain('  - the approver role crm-demo-erasure-approver cannot request an erasure');
  });

  test('once requested, the same command follows the waiting run instead of requesting again', async () => {
    withRule();
    mocks.sfn.on(ListExecutionsCommand).resolves({
      executions: [
        { executionArn: EXECUTION_ARN, stateMachineArn: 'x', name: REQUEST_ID, status: 'RUNNING', startDate: new Date() },
      ],
    });
    const url = urlCalls({ status: 500, body: {} });
    const deps = teardownDeps({ callFunctionUrl: url.callFunctionUrl, followTimeoutMinutes: 0 });
    await runTeardown(EXECUTE, deps);
    expect(url.calls).toEqual([]);
    expect(deps.stdout()).toContain('already running: following');
  });

  test('cannot tell whether the rule applies: refused, nothing started', async () => {
    mocks.lambda.on(GetFunctionUrlConfigCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const deps = teardownDeps();
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.refused);
    expect(mocks.sfn.commandCalls(StartExecutionCommand)).toEqual([]);
  });
});

describe('--approve', () => {
  const APPROVE = [...CONFIG, '--approve', REQUEST_ID, '--confirm', DIGEST];

  test('prints the plan, sends the request ID and digest to the approve URL, shows both people; exit 0', async () => {
    withRule();
    const url = urlCalls({
      status: 200,
      body: {
        requestId: REQUEST_ID,
        digest: DIGEST,
        requester: { arn: 'arn:aws:sts::111122223333:assumed-role/crm-demo-operator/alice' },
        requestedAt: '2026-03-01T11:00:00.000Z',
        approver: { arn: CALLER_ARN },
        approvedAt: '2026-03-01T12:00:00.000Z',
        executionArn: EXECUTION_ARN,
      },
    });
    const deps = teardownDeps({ callFunctionUrl: url.callFunctionUrl });
    expect(await runTeardown(APPROVE, deps)).toBe(EXIT.ok);
    expect(url.calls).toEqual([{ region: 'us-east-1', url: APPROVE_URL, body: { requestId: REQUEST_ID, digest: DIGEST } }]);
    expect(deps.stdout()).toContain(DIGEST);
    expect(deps.stdout()).toContain(`approved by  ${CALLER_ARN}`);
    expect(mocks.sfn.commandCalls(StartExecutionCommand)).toEqual([]);
  });

  test('a digest other than the plan made now is refused before any call', async () => {
    withRule();
    const url = urlCalls({ status: 200, body: {} });
    const deps = teardownDeps({ callFunctionUrl: url.callFunctionUrl });
    expect(await runTeardown([...CONFIG, '--approve', REQUEST_ID, '--confirm', OTHER_DIGEST], deps)).toBe(EXIT.refused);
    expect(url.calls).toEqual([]);
  });

  test('the server refuses (self-approval, expired, ...): its reasons, exit 2', async () => {
    withRule();
    const url = urlCalls({ status: 403, body: { refused: ['the requester cannot approve their own request'] } });
    const deps = teardownDeps({ callFunctionUrl: url.callFunctionUrl });
    expect(await runTeardown(APPROVE, deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toContain('  - the requester cannot approve their own request');
  });

  test('a deployment without the rule: refused', async () => {
    const url = urlCalls({ status: 200, body: {} });
    const deps = teardownDeps({ callFunctionUrl: url.callFunctionUrl });
    expect(await runTeardown(APPROVE, deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toContain(`has no two-person rule`);
    expect(url.calls).toEqual([]);
  });

  test('arguments: --approve needs --confirm, and is not --execute', () => {
    expect(() => parseArgs([...CONFIG, '--approve', REQUEST_ID])).toThrow(/--approve needs --confirm/);
    expect(() => parseArgs([...CONFIG, '--approve', REQUEST_ID, '--confirm', DIGEST, '--execute'])).toThrow(/two people/);
    expect(parseArgs([...CONFIG, '--approve', REQUEST_ID, '--confirm', DIGEST])).toMatchObject({
      approveRequest: REQUEST_ID,
      confirmDigest: DIGEST,
    });
  });
});
