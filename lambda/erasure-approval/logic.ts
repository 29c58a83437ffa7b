/**
 * The two-person rule for crypto-erasure, as pure functions (the handlers only do the I/O):
 *
 * - who calls: taken from the IAM-authenticated function URL's request context
 *   (`requestContext.authorizer.iam`, signed by AWS), never from the body the client sends;
 * - the request record the request function writes (requester, digest, times, the execution it starts);
 * - every refusal of an approval: caller not in the approver role or not in this account (or
 *   organization), self-approval, wrong digest, expired, already approved (replay), unknown request.
 *
 * Function URL request context: https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 */
import type { ErasureApprovalEvidence, ErasureApprovalPerson } from '../shared/key-lifecycle-contract';
import { Refusal } from '../shared/errors';

/** Errors by name (`error.name`): Step Functions matches on it, and the bundle is minified. */
export const APPROVAL_ERRORS = {
  /** The request or approval is refused; nothing was changed. */
  refused: 'ErasureApprovalRefused',
} as const;

export class ApprovalRefused extends Refusal {
  constructor(reasons: readonly string[] | string) {
    super(APPROVAL_ERRORS.refused, reasons);
  }
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
/** The request ID is also the run ID and the execution name (teardown-<yyyymmddhhmmss>-<hex>). */
export const REQUEST_ID = /^teardown-\d{14}-[0-9a-f]{8}$/;

/** Who called the function URL, as AWS authenticated them. */
export interface Caller {
  /** `arn:<partition>:sts::<account>:assumed-role/<role>/<session>` or an IAM user ARN. */
  readonly arn: string;
  /** `<role id>:<session>` for a role session, the user ID for a user. */
  readonly userId: string;
  readonly accountId: string;
  readonly principalOrgId?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The caller of an AWS_IAM function URL, or a refusal if the event does not carry one (fail closed). */
export function callerOf(event: unknown): Caller {
  const iam =
    isObject(event) && isObject(event.requestContext) && isObject(event.requestContext.authorizer)
      ? event.requestContext.authorizer.iam
      : undefined;
  if (!isObject(iam)) throw new ApprovalRefused('the call carries no IAM caller (the function URL must use AWS_IAM auth)');
  const arn = str(iam.userArn);
  const userId = str(iam.userId);
  const accountId = str(iam.accountId);
  if (!arn || !userId || !accountId) throw new ApprovalRefused('the IAM caller is incomplete (userArn, userId, accountId)');
  const principalOrgId = str(iam.principalOrgId);
  return { arn, userId, accountId, ...(principalOrgId ? { principalOrgId } : {}) };
}

/** Role name and session name of an assumed-role ARN, else undefined (an IAM user, a root, a federated user). */
export function roleSessionOf(arn: string): { readonly role: string; readonly session: string } | undefined {
  const m = /^arn:[a-z-]+:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  return m ? { role: m[1], session: m[2] } : undefined;
}

/** The JSON body of a function URL call (base64 when Lambda says so). */
export function bodyOf(event: unknown): Record<string, unknown> {
  if (!isObject(event) || typeof event.body !== 'string') throw new ApprovalRefused('the request has no JSON body');
  const text = event.isBase64Encoded === true ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApprovalRefused('the body is not JSON');
  }
  if (!isObject(parsed)) throw new ApprovalRefused('the body is not a JSON object');
  return parsed;
}

export function digestOf(body: Record<string, unknown>): string {
  const digest = body.digest;
  if (typeof digest !== 'string' || !SHA256_HEX.test(digest)) {
    throw new ApprovalRefused('digest must be the lowercase SHA-256 hex digest of the plan');
  }
  return digest;
}

export function requestIdOf(body: Record<string, unknown>): string {
  const id = body.requestId;
  if (typeof id !== 'string' || !REQUEST_ID.test(id)) throw new ApprovalRefused('requestId is missing or malformed');
  return id;
}

/** What the request function writes (write-once, in the evidence bucket) before it starts the run. */
export interface RequestRecord {
  readonly requestId: string;
  readonly digest: string;
  readonly requester: ErasureApprovalPerson;
  readonly requestedAt: string;
  readonly expiresAt: string;
  /** The execution the request starts (its name is the request ID). */
  readonly executionArn: string;
}

/** What the approve function writes (write-once: a second approval cannot be written) and sends to the run. */
export type ApprovalRecord = ErasureApprovalEvidence;

export interface ApprovalPolicy {
  readonly account: string;
  readonly approverRoleName: string;
  /** Required of both callers when set. */
  readonly organizationId?: string;
}

/** Refusals of a request (an empty list: the caller may request). */
export function requestRefusals(caller: Caller, policy: ApprovalPolicy): string[] {
  const refusals = accountRefusals(caller, policy);
  // The approver role never requests: the two people must hold different roles.
  if (roleSessionOf(caller.arn)?.role === policy.approverRoleName) {
    refusals.push(`the approver role ${policy.approverRoleName} cannot request an erasure: request with another role`);
  }
  return refusals;
}

function accountRefusals(caller: Caller, policy: ApprovalPolicy): string[] {
  const refusals: string[] = [];
  if (caller.accountId !== policy.account) refusals.push(`the caller is not in account ${policy.account}`);
  if (policy.organizationId && caller.principalOrgId !== policy.organizationId) {
    refusals.push(`the caller is not in organization ${policy.organizationId}`);
  }
  return refusals;
}

/** Builds the request record; the run expires `expirySeconds` after `now`. */
export function requestRecord(input: {
  readonly requestId: string;
  readonly digest: string;
  readonly caller: Caller;
  readonly now: Date;
  readonly expirySeconds: number;
  readonly executionArn: string;
}): RequestRecord {
  return {
    requestId: input.requestId,
    digest: input.digest,
    requester: { arn: input.caller.arn, userId: input.caller.userId, accountId: input.caller.accountId },
    requestedAt: input.now.toISOString(),
    expiresAt: new Date(input.now.getTime() + input.expirySeconds * 1000).toISOString(),
    executionArn: input.executionArn,
  };
}

/** `teardown-<yyyymmddhhmmss>-<8 hex>` (UTC): the request ID, the run ID and the execution name. */
export function newRequestId(now: Date, randomHex8: string): string {
  return `teardown-${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomHex8}`;
}

/**
 * Every reason to refuse an approval (an empty list: approve). `record` is the request as the request
 * function wrote it (undefined: no such request); `approved` says an approval is already written.
 */
export function approvalRefusals(input: {
  readonly caller: Caller;
  readonly policy: ApprovalPolicy;
  readonly record?: RequestRecord;
  readonly digest: string;
  readonly now: Date;
  readonly approved: boolean;
}): string[] {
  const { caller, policy, record } = input;
  const refusals = accountRefusals(caller, policy);
  const session = roleSessionOf(caller.arn);
  if (session?.role !== policy.approverRoleName) {
    refusals.push(`the caller does not hold the approver role ${policy.approverRoleName}`);
  }
  if (!record) return [...refusals, 'no such erasure request'];
  const requester = roleSessionOf(record.requester.arn);
  if (
    caller.userId === record.requester.userId ||
    caller.arn === record.requester.arn ||
    // IAM Identity Center names the session after the person: the same person in two roles.
    (session && requester && session.session.toLowerCase() === requester.session.toLowerCase())
  ) {
    refusals.push('the requester cannot approve their own request: a second, different person must approve');
  }
  if (input.digest !== record.digest) {
    refusals.push('the digest is not the digest of the requested plan: review the plan the requester confirmed');
  }
  if (input.now.getTime() >= Date.parse(record.expiresAt)) refusals.push(`the request expired at ${record.expiresAt}`);
  if (input.approved) refusals.push('the request is already approved');
  return refusals;
}

export function approvalRecord(record: RequestRecord, caller: Caller, now: Date): ApprovalRecord {
  return {
    requestId: record.requestId,
    digest: record.digest,
    requester: record.requester,
    requestedAt: record.requestedAt,
    approver: { arn: caller.arn, userId: caller.userId, accountId: caller.accountId },
    approvedAt: now.toISOString(),
    executionArn: record.executionArn,
  };
}

/** Parses a stored request record; anything else is refused (fail closed). */
export function parseRequestRecord(text: string): RequestRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApprovalRefused('the stored request is not JSON');
  }
  const r = isObject(value) ? value : {};
  const requester = isObject(r.requester) ? r.requester : {};
  const fields = [
    r.requestId,
    r.digest,
    r.requestedAt,
    r.expiresAt,
    r.executionArn,
    requester.arn,
    requester.userId,
    requester.accountId,
  ];
  if (fields.some((f) => typeof f !== 'string' || f === '') || Number.isNaN(Date.parse(String(r.expiresAt)))) {
    throw new ApprovalRefused('the stored request is malformed');
  }
  return value as RequestRecord;
}

/** What the state machine's wait task sends the request function, which confirms the run is one it started. */
export interface AwaitingApproval {
  readonly requestId: string;
  readonly digest: string;
  readonly requestedBy: string;
  readonly executionArn: string;
}

export function parseAwaitingApproval(event: unknown): AwaitingApproval | undefined {
  if (!isObject(event) || !isObject(event.awaitingApproval)) return undefined;
  const a = event.awaitingApproval;
  if (![a.requestId, a.digest, a.requestedBy, a.executionArn].every((f) => typeof f === 'string' && f !== '')) {
    throw new ApprovalRefused('awaitingApproval needs requestId, digest, requestedBy and executionArn');
  }
  return a as unknown as AwaitingApproval;
}

/**
 * Refusals of a run that waits for approval: it must be the execution the request function started,
 * for the digest and requester it recorded. A run started any other way (StartExecution by hand, with
 * any requestedBy) fails here and destroys nothing.
 */
export function awaitingRefusals(awaiting: AwaitingApproval, record: RequestRecord | undefined): string[] {
  if (!record) return [`no erasure request ${awaiting.requestId} was made through the request function`];
  const refusals: string[] = [];
  if (record.executionArn !== awaiting.executionArn) refusals.push('the run is not the execution the request started');
  if (record.digest !== awaiting.digest) refusals.push('the run confirms another digest than the request');
  if (record.requester.arn !== awaiting.requestedBy) refusals.push('the run names another requester than the request');
  return refusals;
}

/** A function URL response (JSON). */
export function response(statusCode: number, body: Record<string, unknown>) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The HistoryEvent fields the approve function reads (from GetExecutionHistory). */
export interface ScheduledTaskEvent {
  readonly type?: string;
  readonly taskScheduledEventDetails?: {
    readonly resourceType?: string;
    readonly resource?: string;
    readonly parameters?: string;
  };
}

/**
 * The task token of the run's wait-for-approval task, from the execution history: the task's
 * parameters (`TaskScheduled`) carry it, so no copy of it is stored anywhere else.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskScheduledEventDetails.html
 */
export function taskTokenIn(events: readonly ScheduledTaskEvent[], requestId: string): string | undefined {
  for (const event of [...events].reverse()) {
    const details = event.taskScheduledEventDetails;
    // `resource` is the action (`invoke.waitForTaskToken` for Lambda); only a callback task carries a token.
    if (event.type !== 'TaskScheduled' || !details?.resource?.endsWith('.waitForTaskToken') || !details.parameters) continue;
    let parameters: unknown;
    try {
      parameters = JSON.parse(details.parameters);
    } catch {
      continue;
    }
    const payload = isObject(parameters) && isObject(parameters.Payload) ? parameters.Payload : undefined;
    if (!payload || !isObject(payload.awaitingApproval) || payload.awaitingApproval.requestId !== requestId) continue;
    if (typeof payload.taskToken === 'string' && payload.taskToken !== '') return payload.taskToken;
  }
  return undefined;
}
