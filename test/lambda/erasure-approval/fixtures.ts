/** Shared values of the erasure-approval tests: callers as the function URL reports them, and a request. */
import type { RequestRecord } from '../../../lambda/erasure-approval/logic';

export const ACCOUNT = '111122223333';
export const ORG = 'o-a1b2c3d4e5';
export const APPROVER_ROLE = 'crm-demo-erasure-approver';
export const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:crm-demo-crypto-erasure`;
export const DIGEST = 'a'.repeat(64);
export const OTHER_DIGEST = 'b'.repeat(64);
export const REQUEST_ID = 'teardown-20261206163000-0a1b2c3d';
export const EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:crm-demo-crypto-erasure:${REQUEST_ID}`;
export const NOW = new Date('2026-12-06T16:30:00.000Z');

export const ENV = {
  ACCOUNT_ID: ACCOUNT,
  APPROVER_ROLE_NAME: APPROVER_ROLE,
  STATE_MACHINE_ARN,
  EVIDENCE_BUCKET: 'crm-demo-evidence',
  EVIDENCE_KMS_KEY_ARN: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  REQUEST_EXPIRY_SECONDS: String(24 * 3600),
};

/** An IAM caller as `requestContext.authorizer.iam` carries it. */
export function iamCaller(role: string, session: string, roleId = 'AROAEXAMPLE', account = ACCOUNT, principalOrgId = ORG) {
  return {
    userArn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    userId: `${roleId}:${session}`,
    accountId: account,
    callerId: `${roleId}:${session}`,
    principalOrgId,
  };
}
export const REQUESTER = iamCaller('crm-demo-operator', 'alice', 'AROAOPERATOR');
export const APPROVER = iamCaller(APPROVER_ROLE, 'bob', 'AROAAPPROVER');

/** A function URL event from `iam` with `body` (JSON). */
export function urlEvent(iam: object | undefined, body: object) {
  return {
    version: '2.0',
    rawPath: '/',
    requestContext: { http: { method: 'POST' }, ...(iam ? { authorizer: { iam } } : {}) },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

export const RECORD: RequestRecord = {
  requestId: REQUEST_ID,
  digest: DIGEST,
  requester: { arn: REQUESTER.userArn, userId: REQUESTER.userId, accountId: ACCOUNT },
  requestedAt: NOW.toISOString(),
  expiresAt: new Date(NOW.getTime() + 24 * 3600_000).toISOString(),
  executionArn: EXECUTION_ARN,
};
