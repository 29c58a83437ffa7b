/**
 * Validates one restore job and returns its record. Never throws: an SDK error, a timeout, a missing
 * canary or a refused connection all end as failed checks, so the result is always reported.
 */
import type { BackupClient } from '@aws-sdk/client-backup';
import { errorName } from '../shared/errors';
import type { ValidationCheck } from '../shared/restore-validation-contract';
import { validateBucket, type BucketDeps } from './bucket';
import type { ValidatorConfig } from './config';
import { validateDatabase, type DatabaseDeps } from './database';
import type { Invocation } from './invocation';
import { bucketNameOf, dbInstanceIdentifierOf, describeRestoreJob, type RestoreJobFacts } from './restore-job';
import { buildRecord, type RecordResourceType } from './verdict';

export type ValidatorDeps = DatabaseDeps & BucketDeps & { readonly backup: BackupClient };

export type ValidationOutcome =
  | {
      readonly kind: 'record';
      readonly record: ReturnType<typeof buildRecord>;
      /** Whether AWS Backup accepts a validation result for this job (a completed restore-testing job). */
      readonly sendToBackup: boolean;
    }
  | { readonly kind: 'ignore'; readonly reason: string };

type Validatable = Exclude<Invocation, { kind: 'ignore' }>;

export async function validateRestore(
  deps: ValidatorDeps,
  invocation: Validatable,
  config: ValidatorConfig,
  deadline: number,
): Promise<ValidationOutcome> {
  const checks: ValidationCheck[] = [];
  let job: RestoreJobFacts | undefined;
  let newestCanaryAt: Date | undefined;
  try {
    job = await describeRestoreJob(deps.backup, invocation.restoreJobId);
  } catch (error) {
    checks.push({
      name: 'restore-job-described',
      passed: false,
      detail: `DescribeRestoreJob failed: ${errorName(error)}`,
    });
  }
  // Every finished restore job of the account reaches the validator (the rule matches on status only):
  // the drill validates its own restores by direct invocation, so from events only jobs that this
  // deployment's restore testing plan started, as AWS Backup itself says, are validated.
  if (invocation.kind === 'restore-test' && job && !job.restoreTestingPlanArn) {
    return { kind: 'ignore', reason: 'not-a-restore-testing-job' };
  }
  const plans = [config.restoreTestingPlanArn, config.airGappedRestoreTestingPlanArn];
  if (invocation.kind === 'restore-test' && job && !plans.includes(job.restoreTestingPlanArn)) {
    return { kind: 'ignore', reason: 'another-restore-testing-plan' };
  }
  const resourceType: RecordResourceType =
    job?.resourceType === 'RDS' || job?.resourceType === 'S3' ? job.resourceType : (invocation.resourceTypeHint ?? 'UNKNOWN');

  if (job) {
    try {
      const copy = await checkRestoredCopy(deps, job, config, deadline);
      checks.push(...copy.checks);
      newestCanaryAt = copy.newestCanaryAt;
    } catch (error) {
      // A defect or an unexpected SDK shape, not a finding about the copy; still a failed validation.
      checks.push({ name: 'validation-error', passed: false, detail: `validation stopped: ${errorName(error)}` });
    }
  }

  const record = buildRecord({
    kind: invocation.kind,
    deployment: config.deployment,
    restoreJobId: invocation.restoreJobId,
    resourceType,
    job,
    checks,
    newestCanaryAt,
    targets: { rpoMinutes: config.rpoMinutes, rtoMinutes: config.rtoMinutes },
    validatedAt: new Date(deps.now()),
    requestedBy: invocation.kind === 'drill' ? invocation.requestedBy : undefined,
  });
  // A restore-test event whose job could not be described still came from the plan's rule: report it.
  const sendToBackup =
    invocation.kind === 'restore-test' &&
    (job === undefined || (job.status === 'COMPLETED' && job.restoreTestingPlanArn !== undefined));
  return { kind: 'record', record, sendToBackup };
}

interface CopyValidation {
  readonly checks: readonly ValidationCheck[];
  readonly newestCanaryAt?: Date;
}

async function checkRestoredCopy(
  deps: ValidatorDeps,
  job: RestoreJobFacts,
  config: ValidatorConfig,
  deadline: number,
): Promise<CopyValidation> {
  if (job.status !== 'COMPLETED') {
    return {
      checks: [
        {
          name: 'restore-job-completed',
          passed: false,
          detail: `restore job status is ${job.status ?? 'unknown'}, not COMPLETED`,
        },
      ],
    };
  }
  const checks: ValidationCheck[] = [{ name: 'restore-job-completed', passed: true, detail: 'restore job COMPLETED' }];
  if (job.resourceType === 'RDS') {
    const instanceIdentifier = dbInstanceIdentifierOf(job.createdResourceArn);
    if (!instanceIdentifier) {
      return {
        checks: [
          ...checks,
          { name: 'restored-resource', passed: false, detail: 'restore job names no restored DB instance ARN' },
        ],
      };
    }
    const db = await validateDatabase(deps, {
      instanceIdentifier,
      databaseName: config.databaseName,
      region: config.region,
      expectedTables: config.expectedTables,
      deadline,
    });
    return { checks: [...checks, ...db.checks], newestCanaryAt: db.newestCanaryAt };
  }
  if (job.resourceType === 'S3') {
    const bucket = bucketNameOf(job.createdResourceArn);
    if (!bucket) {
      return {
        checks: [...checks, { name: 'restored-resource', passed: false, detail: 'restore job names no restored bucket ARN' }],
      };
    }
    const result = await validateBucket(deps, { bucket, sampleCount: config.sampleObjectCount, deadline });
    return { checks: [...checks, ...result.checks] };
  }
  return {
    checks: [
      ...checks,
      {
        name: 'resource-type-supported',
        passed: false,
        detail: `resource type ${job.resourceType ?? 'unknown'} is not validated by this function (RDS and S3 are)`,
      },
    ],
  };
}
