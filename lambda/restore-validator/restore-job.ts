/** The facts of a restore job, from AWS Backup itself (DescribeRestoreJob). */
import { DescribeRestoreJobCommand, type BackupClient } from '@aws-sdk/client-backup';

export interface RestoreJobFacts {
  readonly restoreJobId: string;
  /** PENDING | RUNNING | COMPLETED | ABORTED | FAILED */
  readonly status?: string;
  /** `RDS`, `S3`, ... as AWS Backup names it. */
  readonly resourceType?: string;
  readonly createdResourceArn?: string;
  readonly recoveryPointArn?: string;
  readonly createdAt?: Date;
  readonly completedAt?: Date;
  readonly recoveryPointCreatedAt?: Date;
  /** Set only for jobs that a restore testing plan started. */
  readonly restoreTestingPlanArn?: string;
}

export async function describeRestoreJob(backup: BackupClient, restoreJobId: string): Promise<RestoreJobFacts> {
  const job = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
  return {
    restoreJobId,
    status: job.Status,
    resourceType: job.ResourceType,
    createdResourceArn: job.CreatedResourceArn,
    recoveryPointArn: job.RecoveryPointArn,
    createdAt: job.CreationDate,
    completedAt: job.CompletionDate,
    recoveryPointCreatedAt: job.RecoveryPointCreationDate,
    restoreTestingPlanArn: job.CreatedBy?.RestoreTestingPlanArn || undefined,
  };
}

/** `arn:aws:rds:<region>:<account>:db:<identifier>` -> identifier; undefined for anything else. */
export function dbInstanceIdentifierOf(arn: string | undefined): string | undefined {
  const match = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:db:([a-zA-Z][a-zA-Z0-9-]{0,62})$/.exec(arn ?? '');
  return match?.[1];
}

/** `arn:aws:s3:::<bucket>` -> bucket; undefined for anything else. */
export function bucketNameOf(arn: string | undefined): string | undefined {
  const match = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/.exec(arn ?? '');
  return match?.[1];
}
