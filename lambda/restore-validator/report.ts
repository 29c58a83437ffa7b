/**
 * Reports a finished record: evidence object first (its failure turns the verdict into FAILED),
 * then the metrics, then the verdict to AWS Backup for restore-testing jobs. Only a failure of that
 * last call escapes (after being counted), so that Lambda retries the invocation.
 */
import { PutRestoreValidationResultCommand, type BackupClient } from '@aws-sdk/client-backup';
import type { S3Client } from '@aws-sdk/client-s3';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { errorName } from '../shared/errors';
import { putEvidence } from '../shared/evidence';
import { RESTORE_METRICS, type RestoreValidationRecord } from '../shared/restore-validation-contract';
import { evidenceKey, validationMessage, withCheck } from './verdict';

export interface ReportDeps {
  readonly s3: S3Client;
  readonly backup: BackupClient;
  readonly metrics: Metrics;
}

export interface EvidenceTarget {
  readonly bucket: string;
  /** @default - the bucket's default encryption */
  readonly kmsKeyId?: string;
}

/** Thrown when the verdict could not be sent to AWS Backup; the record is attached for the log line. */
export class ReportingError extends Error {
  constructor(
    readonly record: RestoreValidationRecord,
    readonly cause: unknown,
  ) {
    super(`the verdict could not be sent to AWS Backup: ${errorName(cause)}`);
    this.name = 'ReportingError';
  }
}

export async function reportRecord(
  deps: ReportDeps,
  validated: RestoreValidationRecord,
  evidence: EvidenceTarget,
  sendToBackup: boolean,
): Promise<RestoreValidationRecord> {
  let record = validated;
  const key = evidenceKey(record);
  try {
    await putEvidence(deps.s3, {
      bucket: evidence.bucket,
      kmsKeyId: evidence.kmsKeyId,
      key,
      body: `${JSON.stringify({ ...record, evidenceKey: key }, null, 2)}\n`,
      contentType: 'application/json',
    });
    record = { ...record, evidenceKey: key };
  } catch (error) {
    // Without evidence the test cannot be shown to an auditor: it does not count as passed.
    record = withCheck(record, {
      name: 'evidence-stored',
      passed: false,
      detail: `PutObject failed: ${errorName(error)}`,
    });
  }

  deps.metrics.addDimension('ResourceType', record.resourceType);
  deps.metrics.addMetric(record.verdict === 'PASSED' ? RESTORE_METRICS.passed : RESTORE_METRICS.failed, MetricUnit.Count, 1);
  // CloudWatch has no minutes unit; the metric names carry it.
  if (record.restoreMinutes !== undefined)
    deps.metrics.addMetric(RESTORE_METRICS.restoreMinutes, MetricUnit.NoUnit, record.restoreMinutes);
  if (record.dataAgeMinutes !== undefined)
    deps.metrics.addMetric(RESTORE_METRICS.dataAgeMinutes, MetricUnit.NoUnit, record.dataAgeMinutes);

  if (!sendToBackup) return record;
  try {
    await deps.backup.send(
      new PutRestoreValidationResultCommand({
        RestoreJobId: record.restoreJobId,
        ValidationStatus: record.verdict === 'PASSED' ? 'SUCCESSFUL' : 'FAILED',
        ValidationStatusMessage: validationMessage(record),
      }),
    );
  } catch (error) {
    deps.metrics.addMetric(RESTORE_METRICS.reportingFailed, MetricUnit.Count, 1);
    throw new ReportingError(record, error);
  }
  return { ...record, reportedToBackup: true };
}
