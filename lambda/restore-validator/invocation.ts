/**
 * What invoked the validator: an EventBridge "Restore Job State Change" event from AWS Backup
 * (scheduled restore tests) or a `DrillValidationRequest` from the drill command. Strict, and never
 * throws: anything else is ignored with a reason, since retrying would not change the answer.
 *
 * Only `restoreJobId` and `status` are taken from an event; everything else comes from
 * DescribeRestoreJob, so a hand-made event cannot steer what is validated.
 */
import { DRILL_REQUEST_SOURCE, type DrillValidationRequest } from '../shared/restore-validation-contract';

/** AWS Backup restore job IDs: letters, digits and dashes (they also become part of the evidence key). */
export const RESTORE_JOB_ID = /^[A-Za-z0-9-]{1,128}$/;
/** Restore job statuses after which nothing more happens. */
const FAILED_STATUSES = ['FAILED', 'ABORTED'] as const;

export type ResourceTypeHint = 'RDS' | 'S3' | undefined;

export type Invocation =
  | {
      readonly kind: 'restore-test';
      readonly restoreJobId: string;
      /** COMPLETED: validate; FAILED/ABORTED: record a failed test without validating. */
      readonly status: 'COMPLETED' | (typeof FAILED_STATUSES)[number];
      readonly resourceTypeHint: ResourceTypeHint;
    }
  | {
      readonly kind: 'drill';
      readonly restoreJobId: string;
      readonly requestedBy: string;
      readonly resourceTypeHint: ResourceTypeHint;
    }
  | {
      readonly kind: 'ignore';
      readonly reason: string;
      readonly restoreJobId?: string;
      /** A malformed drill request: the caller waits for an answer, so it gets an error instead. */
      readonly fromDrill?: true;
    };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const hint = (v: unknown): ResourceTypeHint => (v === 'RDS' || v === 'S3' ? v : undefined);
// IAM ARNs (users, assumed roles, the root) without control characters; recorded, never executed.
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:[\x21-\x7e]{1,900}$/;

export function parseInvocation(event: unknown): Invocation {
  if (!isObject(event)) return { kind: 'ignore', reason: 'not-an-object' };
  if (event.source === DRILL_REQUEST_SOURCE) return parseDrill(event as Partial<DrillValidationRequest> & Json);
  if (event.source !== 'aws.backup' || event['detail-type'] !== 'Restore Job State Change' || !isObject(event.detail)) {
    return { kind: 'ignore', reason: 'not-a-restore-job-state-change' };
  }
  const detail = event.detail;
  const restoreJobId = typeof detail.restoreJobId === 'string' ? detail.restoreJobId : '';
  if (!RESTORE_JOB_ID.test(restoreJobId)) return { kind: 'ignore', reason: 'invalid-restore-job-id' };
  const status = detail.status;
  if (status !== 'COMPLETED' && !(FAILED_STATUSES as readonly unknown[]).includes(status)) {
    return { kind: 'ignore', reason: 'restore-job-not-finished', restoreJobId };
  }
  return {
    kind: 'restore-test',
    restoreJobId,
    status: status as 'COMPLETED' | (typeof FAILED_STATUSES)[number],
    resourceTypeHint: hint(detail.resourceType),
  };
}

function parseDrill(request: Json): Invocation {
  const restoreJobId = typeof request.restoreJobId === 'string' ? request.restoreJobId : '';
  if (!RESTORE_JOB_ID.test(restoreJobId)) return { kind: 'ignore', reason: 'invalid-restore-job-id', fromDrill: true };
  const requestedBy = typeof request.requestedBy === 'string' ? request.requestedBy : '';
  if (!PRINCIPAL_ARN.test(requestedBy)) {
    return { kind: 'ignore', reason: 'invalid-requested-by', restoreJobId, fromDrill: true };
  }
  return { kind: 'drill', restoreJobId, requestedBy, resourceTypeHint: hint(request.resourceType) };
}
