/**
 * Pure: the achieved recovery times, the target checks, the verdict and the record, its evidence
 * key and the short message AWS Backup shows. The verdict is PASSED only when every check passed,
 * and the RPO and RTO targets are checks too, so an unmeasurable target is a failure.
 */
import { EVIDENCE_PREFIXES } from '../../lib/vocabulary';
import type { RestoreValidationRecord, ValidationCheck } from '../shared/restore-validation-contract';
import type { RestoreJobFacts } from './restore-job';

export type RecordResourceType = RestoreValidationRecord['resourceType'];

const minutesBetween = (from: Date, to: Date): number => Math.max(0, Math.round((to.getTime() - from.getTime()) / 6_000) / 10);

/** RTO achieved: restore job creation to completion. */
export function restoreMinutesOf(job: RestoreJobFacts | undefined): number | undefined {
  return job?.createdAt && job.completedAt ? minutesBetween(job.createdAt, job.completedAt) : undefined;
}

/**
 * RPO achieved: how much data a real restore started at the same moment would have lost.
 *
 * - Database: restore start minus the newest canary row in the copy. The canary writes every few
 *   minutes, so this is an upper bound of the true loss, exact to one canary interval, and it is
 *   measured on the data itself rather than on what the recovery point claims.
 * - Bucket: restore start minus the recovery point's creation (there is no canary object).
 */
export function dataAgeMinutesOf(
  resourceType: RecordResourceType,
  job: RestoreJobFacts | undefined,
  newestCanaryAt: Date | undefined,
): number | undefined {
  if (!job?.createdAt) return undefined;
  if (resourceType === 'RDS') return newestCanaryAt ? minutesBetween(newestCanaryAt, job.createdAt) : undefined;
  if (resourceType === 'S3')
    return job.recoveryPointCreatedAt ? minutesBetween(job.recoveryPointCreatedAt, job.createdAt) : undefined;
  return undefined;
}

export function targetChecks(
  targets: RestoreValidationRecord['targets'],
  restoreMinutes: number | undefined,
  dataAgeMinutes: number | undefined,
): ValidationCheck[] {
  return [
    dataAgeMinutes === undefined
      ? { name: 'rpo-target', passed: false, detail: `data age could not be measured; RPO target ${targets.rpoMinutes} min` }
      : {
          name: 'rpo-target',
          passed: dataAgeMinutes <= targets.rpoMinutes,
          detail: `data age ${dataAgeMinutes} min at restore start; RPO target ${targets.rpoMinutes} min`,
        },
    restoreMinutes === undefined
      ? { name: 'rto-target', passed: false, detail: `restore duration unknown; RTO target ${targets.rtoMinutes} min` }
      : {
          name: 'rto-target',
          passed: restoreMinutes <= targets.rtoMinutes,
          detail: `restore took ${restoreMinutes} min; RTO target ${targets.rtoMinutes} min`,
        },
  ];
}

export interface RecordInput {
  readonly kind: RestoreValidationRecord['kind'];
  readonly deployment: string;
  readonly restoreJobId: string;
  readonly resourceType: RecordResourceType;
  readonly job?: RestoreJobFacts;
  /** Checks of the restored copy; the target checks are added here. */
  readonly checks: readonly ValidationCheck[];
  readonly newestCanaryAt?: Date;
  readonly targets: RestoreValidationRecord['targets'];
  readonly validatedAt: Date;
  readonly requestedBy?: string;
}

const iso = (d: Date | undefined) => d?.toISOString();

export function buildRecord(input: RecordInput): RestoreValidationRecord {
  const restoreMinutes = restoreMinutesOf(input.job);
  const dataAgeMinutes = dataAgeMinutesOf(input.resourceType, input.job, input.newestCanaryAt);
  const checks = [...input.checks, ...targetChecks(input.targets, restoreMinutes, dataAgeMinutes)];
  return {
    kind: input.kind,
    deployment: input.deployment,
    restoreJobId: input.restoreJobId,
    resourceType: input.resourceType,
    restoredResourceArn: input.job?.createdResourceArn,
    recoveryPointArn: input.job?.recoveryPointArn,
    verdict: checks.every((c) => c.passed) ? 'PASSED' : 'FAILED',
    checks,
    restoreMinutes,
    dataAgeMinutes,
    targets: input.targets,
    validatedAt: input.validatedAt.toISOString(),
    requestedBy: input.requestedBy,
    restoreTestingPlanArn: input.job?.restoreTestingPlanArn,
    restoreStartedAt: iso(input.job?.createdAt),
    restoreCompletedAt: iso(input.job?.completedAt),
    recoveryPointCreatedAt: iso(input.job?.recoveryPointCreatedAt),
  };
}

/** A check added after the verdict (e.g. the evidence could not be stored) can only make it worse. */
export function withCheck(record: RestoreValidationRecord, check: ValidationCheck): RestoreValidationRecord {
  const checks = [...record.checks, check];
  return { ...record, checks, verdict: checks.every((c) => c.passed) ? 'PASSED' : 'FAILED' };
}

/** `restore-tests/<yyyy>/<mm>/<restoreJobId>.json`, drills under `restore-drills/`. */
export function evidenceKey(record: RestoreValidationRecord): string {
  const at = new Date(record.validatedAt);
  const month = String(at.getUTCMonth() + 1).padStart(2, '0');
  const prefix = record.kind === 'drill' ? EVIDENCE_PREFIXES.restoreDrills : EVIDENCE_PREFIXES.restoreTests;
  return `${prefix}${at.getUTCFullYear()}/${month}/${record.restoreJobId}.json`;
}

/** Kept short: AWS Backup shows it in the console next to the restore job. */
export const MAX_MESSAGE_LENGTH = 250;

export function validationMessage(record: RestoreValidationRecord): string {
  const failed = record.checks.filter((c) => !c.passed).map((c) => c.name);
  const times = `restore ${record.restoreMinutes ?? '?'} min, RTO ${record.targets.rtoMinutes}; data age ${record.dataAgeMinutes ?? '?'} min, RPO ${record.targets.rpoMinutes}`;
  // The failed check names come last: a long list is what gets cut, never the times.
  const message =
    record.verdict === 'PASSED'
      ? `PASSED (all ${record.checks.length} checks); ${times}`
      : `FAILED (${failed.length} of ${record.checks.length} checks failed); ${times}; failed: ${failed.join(', ')}`;
  return message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}
