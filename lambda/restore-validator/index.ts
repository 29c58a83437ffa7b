/**
 * Restore validator (HIPAA 164.308(a)(7)(ii)(D) testing and revision of the contingency plan).
 *
 * Invoked two ways:
 * - by EventBridge with AWS Backup's "Restore Job State Change" event when a job of the restore
 *   testing plan finishes (scheduled restore tests; asynchronous, return value unused);
 * - by the drill command with a `DrillValidationRequest` (synchronous; returns the record).
 *
 * Flow: parse the invocation (`invocation.ts`) -> DescribeRestoreJob (`restore-job.ts`) -> check the
 * restored copy: an RDS instance (`database.ts`: wait until it serves, IAM-authenticated TLS as
 * `restore_validator`, newest canary row present, intact and young enough, expected tables readable)
 * or an S3 bucket (`bucket.ts`: sampled objects read back against their stored checksums) -> verdict
 * with the RPO/RTO targets (`verdict.ts`) -> report (`report.ts`): evidence object, metrics, and
 * PutRestoreValidationResult for restore-testing jobs only (drill restores are not restore-testing
 * jobs). Every failure along the way is a failed check, so a broken restore is always reported as
 * FAILED; only a failure to report is rethrown (counted first) for Lambda to retry.
 *
 * Logs and records carry identifiers, counts, check names and error codes: never row values,
 * object keys (document names can be PHI) or error messages.
 */
import { BackupClient } from '@aws-sdk/client-backup';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '../shared/clients';
import { assertRdsCaBundle, iamConnector } from '../shared/db';
import { errorName, InputError, inputProblem, loggableError } from '../shared/errors';
import { createLogger, createMetrics } from '../shared/powertools';
import { METRIC_SERVICE, RESTORE_METRICS, type RestoreValidationRecord } from '../shared/restore-validation-contract';
import { parseValidatorConfig } from './config';
import { parseInvocation } from './invocation';
import { ReportingError, reportRecord } from './report';
import { validateRestore, type ValidatorDeps } from './validate';

/** Time kept back from the checks for writing the evidence and reporting the verdict. */
export const REPORTING_RESERVE_MS = 90_000;

export type ValidatorHandler = (event: unknown, context: Context) => Promise<RestoreValidationRecord | undefined>;

export function createValidatorHandler(deps: ValidatorDeps & { readonly env: NodeJS.ProcessEnv }): ValidatorHandler {
  const logger = createLogger(METRIC_SERVICE.validator);
  const metrics = createMetrics(METRIC_SERVICE.validator);
  return async (event, context) => {
    logger.addContext(context);
    const invocation = parseInvocation(event);
    try {
      if (invocation.kind === 'ignore') {
        logger.warn('Invocation ignored', { reason: invocation.reason, restoreJobId: invocation.restoreJobId });
        if (invocation.fromDrill) throw new InputError(`invalid drill request: ${invocation.reason}`);
        return undefined;
      }
      const config = parseValidatorConfig(deps.env);
      assertRdsCaBundle(deps.env);
      const deadline = deps.now() + context.getRemainingTimeInMillis() - REPORTING_RESERVE_MS;
      const outcome = await validateRestore(deps, invocation, config, deadline);
      if (outcome.kind === 'ignore') {
        logger.info('Restore job not validated', { reason: outcome.reason, restoreJobId: invocation.restoreJobId });
        return undefined;
      }
      const record = await reportRecord(
        { s3: deps.s3, backup: deps.backup, metrics },
        outcome.record,
        { bucket: config.evidenceBucket, kmsKeyId: config.evidenceKmsKeyArn },
        outcome.sendToBackup,
      );
      logFinished(record);
      return record;
    } catch (error) {
      if (error instanceof ReportingError) {
        logFinished(error.record);
        logger.error('Verdict not reported to AWS Backup; the invocation fails and is retried', {
          ...loggableError(error.cause),
        });
      } else {
        // Configuration or a malformed drill request: nothing could be validated or recorded.
        metrics.addDimension(
          'ResourceType',
          invocation.kind === 'ignore' ? 'UNKNOWN' : (invocation.resourceTypeHint ?? 'UNKNOWN'),
        );
        metrics.addMetric(RESTORE_METRICS.reportingFailed, MetricUnit.Count, 1);
        logger.error('Restore validation could not run', {
          restoreJobId: invocation.restoreJobId,
          ...loggableError(error),
          // Our own words (variable names, reasons), never an SDK or database message.
          detail: inputProblem(error),
        });
      }
      throw new Error(`restore validation failed: ${errorName(error)}`);
    } finally {
      metrics.publishStoredMetrics();
    }
  };

  function logFinished(record: RestoreValidationRecord): void {
    logger.info('Restore validation finished', {
      restoreJobId: record.restoreJobId,
      kind: record.kind,
      resourceType: record.resourceType,
      verdict: record.verdict,
      failedChecks: record.checks.filter((c) => !c.passed).map((c) => c.name),
      restoreMinutes: record.restoreMinutes,
      dataAgeMinutes: record.dataAgeMinutes,
      evidenceKey: record.evidenceKey,
      reportedToBackup: record.reportedToBackup ?? false,
    });
  }
}

export const handler = createValidatorHandler({
  backup: createClient(BackupClient),
  rds: createClient(RDSClient),
  // Bounded socket waits: a stalled object read must not eat the whole time budget.
  s3: createClient(S3Client, { requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 } }),
  connect: iamConnector(METRIC_SERVICE.validator),
  sleep: (ms) => sleep(ms),
  now: () => Date.now(),
  random: Math.random,
  env: process.env,
});
