/**
 * Deletes the restored copy, and nothing else. deletionTarget (plan.ts) must accept the restore job's
 * CreatedResourceArn first; RDS then also checks that the instance it is about to delete has that ARN,
 * and every S3 call names the expected bucket owner (the deployment's account).
 *
 * Object Lock: AWS Backup creates the new bucket with versioning but, as far as its S3 restore policy
 * shows (no s3:PutBucketObjectLockConfiguration) and its backups hold (object data, tags, ACLs, user
 * metadata; no retention), without Object Lock, so the copy can be emptied and deleted. The cleanup
 * does not rely on that: it reads the bucket's lock configuration, never bypasses a retention, and if
 * versions cannot be deleted it says so and leaves the (locked) bucket for the operator.
 */
import { DeleteDBInstanceCommand, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectLockConfigurationCommand,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';
import { errorName, isAwsError } from '../../lambda/shared/errors';
import { describeError } from '../cli/start';
import { deletionTarget, type DeletionTarget, type DrillPlan } from './plan';

export type CleanupStatus =
  /** Gone (S3), or was already gone. */
  | 'deleted'
  /** DeleteDBInstance accepted; RDS deletes in the background. */
  | 'deletion-started'
  /** --keep */
  | 'kept'
  /** The copy cannot be deleted now (Object Lock retention, deletion protection). */
  | 'blocked'
  /** The safety checks did not accept the resource: nothing was deleted. */
  | 'refused'
  | 'failed';

export interface CleanupOutcome {
  readonly status: CleanupStatus;
  readonly detail: string;
  /** What an operator runs to finish (empty when nothing is left to do). */
  readonly manualSteps: readonly string[];
}

export interface CleanupClients {
  readonly rds: RDSClient;
  readonly s3: S3Client;
}

/** The commands that delete the drill's copy by hand (for --keep, failures and interrupted drills). */
export function manualCleanupSteps(plan: DrillPlan): string[] {
  if (plan.resourceType === 'RDS') {
    return [
      `aws rds delete-db-instance --region ${plan.region} --db-instance-identifier ${plan.restoredName} --skip-final-snapshot --delete-automated-backups`,
    ];
  }
  return [
    `empty the bucket (all versions and delete markers): S3 console > ${plan.restoredName} > Empty`,
    `aws s3api delete-bucket --region ${plan.region} --bucket ${plan.restoredName} --expected-bucket-owner ${plan.account}`,
  ];
}

export async function cleanupRestoredCopy(
  clients: CleanupClients,
  plan: DrillPlan,
  createdResourceArn: string | undefined,
  log: (line: string) => void,
): Promise<CleanupOutcome> {
  const target = deletionTarget(plan, createdResourceArn);
  if (target instanceof Error) {
    return {
      status: 'refused',
      detail: `nothing deleted: ${target.message}`,
      manualSteps: [
        `check whether ${plan.restoredName} exists and delete it only if it is the drill copy:`,
        ...manualCleanupSteps(plan),
      ],
    };
  }
  try {
    return target.kind === 'RDS'
      ? await deleteDbInstance(clients.rds, target, plan, log)
      : await deleteBucket(clients.s3, target, plan, log);
  } catch (e) {
    return { status: 'failed', detail: describeError(e), manualSteps: manualCleanupSteps(plan) };
  }
}

async function deleteDbInstance(
  rds: RDSClient,
  target: Extract<DeletionTarget, { kind: 'RDS' }>,
  plan: DrillPlan,
  log: (line: string) => void,
): Promise<CleanupOutcome> {
  let instance;
  try {
    instance = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: target.identifier }))).DBInstances?.[0];
  } catch (e) {
    if (isAwsError(e, 'DBInstanceNotFoundFault')) {
      return { status: 'deleted', detail: `${target.identifier} does not exist (already deleted)`, manualSteps: [] };
    }
    throw e;
  }
  if (!instance || instance.DBInstanceArn !== target.arn) {
    return {
      status: 'refused',
      detail: `nothing deleted: instance ${target.identifier} has ARN ${instance?.DBInstanceArn ?? 'none'}, not ${target.arn}`,
      manualSteps: [],
    };
  }
  if (instance.DBInstanceStatus === 'deleting') {
    return { status: 'deletion-started', detail: `${target.identifier} is already being deleted`, manualSteps: [] };
  }
  if (instance.DeletionProtection) {
    return {
      status: 'blocked',
      detail: `${target.identifier} has deletion protection on`,
      manualSteps: [
        `aws rds modify-db-instance --region ${plan.region} --db-instance-identifier ${target.identifier} --no-deletion-protection --apply-immediately`,
        ...manualCleanupSteps(plan),
      ],
    };
  }
  log(`  deleting DB instance ${target.identifier} (no final snapshot, automated backups deleted)`);
  await rds.send(
    new DeleteDBInstanceCommand({
      DBInstanceIdentifier: target.identifier,
      SkipFinalSnapshot: true,
      DeleteAutomatedBackups: true,
    }),
  );
  return {
    status: 'deletion-started',
    detail: `DeleteDBInstance accepted for ${target.identifier}; RDS removes it in the next minutes`,
    manualSteps: [],
  };
}

async function deleteBucket(
  s3: S3Client,
  target: Extract<DeletionTarget, { kind: 'S3' }>,
  plan: DrillPlan,
  log: (line: string) => void,
): Promise<CleanupOutcome> {
  const owner = { Bucket: target.bucket, ExpectedBucketOwner: plan.account };
  let lock: string | undefined;
  try {
    const config = (await s3.send(new GetObjectLockConfigurationCommand(owner))).ObjectLockConfiguration;
    if (config?.ObjectLockEnabled === 'Enabled') {
      const retention = config.Rule?.DefaultRetention;
      lock = retention
        ? `Object Lock ${retention.Mode} with a default retention of ${retention.Days ?? `${retention.Years} years`}${retention.Days ? ' days' : ''}`
        : 'Object Lock (no default retention)';
    }
  } catch (e) {
    const name = errorName(e);
    if (name === 'NoSuchBucket')
      return { status: 'deleted', detail: `${target.bucket} does not exist (already deleted)`, manualSteps: [] };
    if (name !== 'ObjectLockConfigurationNotFoundError') throw e;
  }
  if (lock) log(`  ${target.bucket} has ${lock}: versions under retention cannot be deleted`);

  let deleted = 0;
  const failures = new Map<string, number>();
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({ ...owner, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
    );
    const objects: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((v) => v.Key !== undefined)
      .map((v) => ({ Key: v.Key as string, VersionId: v.VersionId }));
    // ListObjectVersions pages hold at most 1,000 entries, DeleteObjects takes at most 1,000 keys.
    for (let i = 0; i < objects.length; i += 1000) {
      const batch = objects.slice(i, i + 1000);
      const result = await s3.send(new DeleteObjectsCommand({ ...owner, Delete: { Objects: batch, Quiet: true } }));
      const errors = result.Errors ?? [];
      deleted += batch.length - errors.length;
      for (const error of errors) failures.set(error.Code ?? 'Unknown', (failures.get(error.Code ?? 'Unknown') ?? 0) + 1);
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  log(`  deleted ${deleted} object version(s) and delete marker(s) from ${target.bucket}`);

  if (failures.size > 0) {
    const summary = [...failures.entries()].map(([code, n]) => `${n} x ${code}`).join(', ');
    return {
      status: lock ? 'blocked' : 'failed',
      detail: lock
        ? `${target.bucket} cannot be deleted yet: ${summary} under its ${lock}; it holds a PHI copy until the retention ends`
        : `${target.bucket} not emptied: ${summary}`,
      manualSteps: lock ? [`after the retention ends: ${manualCleanupSteps(plan).join('; then ')}`] : manualCleanupSteps(plan),
    };
  }
  await s3.send(new DeleteBucketCommand(owner));
  return { status: 'deleted', detail: `${target.bucket} emptied (${deleted} versions) and deleted`, manualSteps: [] };
}
