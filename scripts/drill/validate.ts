/**
 * Asks the deployment's restore validator to check the restored copy: a synchronous Lambda invoke
 * with a DrillValidationRequest. The validator checks the copy, writes the evidence record itself and
 * returns it. Anything other than a well-formed record (a function error, an unreadable answer) is
 * reported as a failed validation: the drill never passes on an answer it could not read.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { DrillValidationRequest, RestoreValidationRecord } from '../../lambda/shared/restore-validation-contract';
import { describeError } from '../cli/start';

export type ValidatorOutcome =
  { readonly ok: true; readonly record: RestoreValidationRecord } | { readonly ok: false; readonly reason: string };

export async function invokeValidator(
  lambda: LambdaClient,
  functionName: string,
  request: DrillValidationRequest,
  signal?: AbortSignal,
): Promise<ValidatorOutcome> {
  let response;
  try {
    response = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
      { abortSignal: signal },
    );
  } catch (e) {
    return { ok: false, reason: `could not invoke ${functionName}: ${describeError(e)}` };
  }
  const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
  if (response.FunctionError) {
    return { ok: false, reason: `${functionName} failed (${response.FunctionError}): ${describeFunctionError(text)}` };
  }
  if (response.StatusCode !== 200) {
    return { ok: false, reason: `${functionName} answered with status ${response.StatusCode ?? 'none'}` };
  }
  try {
    return { ok: true, record: parseValidationRecord(JSON.parse(text) as unknown) };
  } catch (e) {
    return { ok: false, reason: `${functionName} returned an unreadable record: ${(e as Error).message}` };
  }
}

/** Lambda's error payload `{ errorType, errorMessage }`, shortened; the validator logs identifiers only. */
function describeFunctionError(payload: string): string {
  try {
    const parsed = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    const text = [parsed.errorType, parsed.errorMessage].filter((x) => typeof x === 'string').join(': ');
    if (text) return text.slice(0, 300);
  } catch {
    // not JSON: fall through
  }
  return payload ? payload.slice(0, 300) : 'no error details';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalNumber = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

/** Checks the shape of a RestoreValidationRecord; throws an Error naming the first field that is wrong. */
export function parseValidationRecord(value: unknown): RestoreValidationRecord {
  if (!isObject(value)) throw new Error('not an object');
  const fail = (field: string) => {
    throw new Error(`field ${field} is missing or of the wrong type`);
  };
  if (value.kind !== 'drill' && value.kind !== 'restore-test') fail('kind');
  if (typeof value.deployment !== 'string') fail('deployment');
  if (typeof value.restoreJobId !== 'string') fail('restoreJobId');
  if (value.resourceType !== 'RDS' && value.resourceType !== 'S3' && value.resourceType !== 'UNKNOWN') fail('resourceType');
  if (value.verdict !== 'PASSED' && value.verdict !== 'FAILED') fail('verdict');
  if (!Array.isArray(value.checks)) fail('checks');
  (value.checks as unknown[]).forEach((c, i) => {
    if (!isObject(c) || typeof c.name !== 'string' || typeof c.passed !== 'boolean' || typeof c.detail !== 'string') {
      fail(`checks[${i}]`);
    }
  });
  const targets = value.targets;
  if (!isObject(targets) || typeof targets.rpoMinutes !== 'number' || typeof targets.rtoMinutes !== 'number') fail('targets');
  if (!optionalNumber(value.restoreMinutes)) fail('restoreMinutes');
  if (!optionalNumber(value.dataAgeMinutes)) fail('dataAgeMinutes');
  if (typeof value.validatedAt !== 'string') fail('validatedAt');
  for (const field of [
    'restoredResourceArn',
    'recoveryPointArn',
    'evidenceKey',
    'requestedBy',
    'restoreTestingPlanArn',
    'restoreStartedAt',
    'restoreCompletedAt',
    'recoveryPointCreatedAt',
  ]) {
    if (!optionalString(value[field])) fail(field);
  }
  if (value.reportedToBackup !== undefined && typeof value.reportedToBackup !== 'boolean') fail('reportedToBackup');
  return value as unknown as RestoreValidationRecord;
}

/**
 * Why a record must not be trusted, if it must not: it is for another restore job or resource type,
 * or it is PASSED with no checks, a failed check, or a missed target it states itself. Empty when
 * the record holds together.
 */
export function recordInconsistencies(
  record: RestoreValidationRecord,
  expected: { readonly restoreJobId: string; readonly resourceType: 'RDS' | 'S3' },
): string[] {
  const problems: string[] = [];
  if (record.restoreJobId !== expected.restoreJobId) {
    problems.push(`the record is for restore job ${record.restoreJobId}, not ${expected.restoreJobId}`);
  }
  if (record.resourceType !== expected.resourceType) {
    problems.push(`the record is for a ${record.resourceType} restore, not ${expected.resourceType}`);
  }
  if (record.verdict !== 'PASSED') return problems;
  if (record.checks.length === 0) problems.push('the validator passed the copy without running any check');
  const failed = record.checks.filter((c) => !c.passed).map((c) => c.name);
  if (failed.length > 0) problems.push(`the verdict is PASSED but checks failed: ${failed.join(', ')}`);
  if (record.restoreMinutes !== undefined && record.restoreMinutes > record.targets.rtoMinutes) {
    problems.push(`the restore took ${record.restoreMinutes} min, over the RTO of ${record.targets.rtoMinutes} min`);
  }
  if (record.dataAgeMinutes !== undefined && record.dataAgeMinutes > record.targets.rpoMinutes) {
    problems.push(`the restored data was ${record.dataAgeMinutes} min old, over the RPO of ${record.targets.rpoMinutes} min`);
  }
  return problems;
}
