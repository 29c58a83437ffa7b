import { DeleteDBInstanceCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectLockConfigurationCommand,
  ListObjectVersionsCommand,
} from '@aws-sdk/client-s3';
import { cleanupRestoredCopy, manualCleanupSteps } from '../../../scripts/drill/cleanup';
import {
  ACCOUNT,
  DRILL_BUCKET,
  DRILL_BUCKET_ARN,
  DRILL_DB,
  DRILL_DB_ARN,
  LIVE_BUCKET_ARN,
  LIVE_DB_ARN,
  mockDeployment,
  planFor,
  realClients,
  REGION,
  type Mocks,
} from './fixtures';

let mocks: Mocks;
beforeEach(() => {
  mocks = mockDeployment();
});
afterEach(() => mocks.restore());

const cleanup = (resource: 'database' | 'documents', arn: string | undefined) => {
  const lines: string[] = [];
  return { outcome: cleanupRestoredCopy(realClients(), planFor(resource), arn, (l) => lines.push(l)), lines };
};

describe('database copy', () => {
  test('deletes the drill instance without a final snapshot and with its automated backups', async () => {
    const { outcome } = cleanup('database', DRILL_DB_ARN);
    expect(await outcome).toMatchObject({ status: 'deletion-started', manualSteps: [] });
    expect(mocks.rds.commandCalls(DescribeDBInstancesCommand)[0].args[0].input).toEqual({ DBInstanceIdentifier: DRILL_DB });
    expect(mocks.rds.commandCalls(DeleteDBInstanceCommand)[0].args[0].input).toEqual({
      DBInstanceIdentifier: DRILL_DB,
      SkipFinalSnapshot: true,
      DeleteAutomatedBackups: true,
    });
  });

  test.each([
    ['the live database', LIVE_DB_ARN],
    ['an instance without the drill marker', `arn:aws:rds:${REGION}:${ACCOUNT}:db:crm-demo-reporting`],
  ])('refuses %s and deletes nothing', async (_what, arn) => {
    const result = await cleanup('database', arn).outcome;
    expect(result.status).toBe('refused');
    expect(result.detail).toMatch(/^nothing deleted: /);
    expect(mocks.rds.commandCalls(DescribeDBInstancesCommand)).toHaveLength(0);
    expect(mocks.rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
  });

  test('refuses when the instance found under the drill name has another ARN', async () => {
    mocks.rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DBInstanceIdentifier: DRILL_DB, DBInstanceArn: `arn:aws:rds:${REGION}:999988887777:db:${DRILL_DB}` }],
    });
    expect((await cleanup('database', DRILL_DB_ARN).outcome).status).toBe('refused');
    expect(mocks.rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
  });

  test('deletion protection: blocked, with the commands that finish the job', async () => {
    mocks.rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DBInstanceIdentifier: DRILL_DB, DBInstanceArn: DRILL_DB_ARN, DeletionProtection: true }],
    });
    const result = await cleanup('database', DRILL_DB_ARN).outcome;
    expect(result.status).toBe('blocked');
    expect(result.manualSteps[0]).toMatch(`--db-instance-identifier ${DRILL_DB} --no-deletion-protection`);
    expect(mocks.rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
  });

  test('a failed delete is reported with the manual command', async () => {
    mocks.rds.on(DeleteDBInstanceCommand).rejects(Object.assign(new Error('not now'), { name: 'InvalidDBInstanceStateFault' }));
    expect(await cleanup('database', DRILL_DB_ARN).outcome).toEqual({
      status: 'failed',
      detail: 'InvalidDBInstanceStateFault: not now',
      manualSteps: manualCleanupSteps(planFor('database')),
    });
  });
});

describe('documents copy', () => {
  test('deletes every version and delete marker, then the bucket, always naming the expected owner', async () => {
    const { outcome, lines } = cleanup('documents', DRILL_BUCKET_ARN);
    expect(await outcome).toMatchObject({ status: 'deleted' });
    const owner = { Bucket: DRILL_BUCKET, ExpectedBucketOwner: ACCOUNT };
    expect(mocks.s3.commandCalls(GetObjectLockConfigurationCommand)[0].args[0].input).toEqual(owner);
    expect(mocks.s3.commandCalls(ListObjectVersionsCommand)[0].args[0].input).toMatchObject(owner);
    expect(mocks.s3.commandCalls(DeleteObjectsCommand)[0].args[0].input).toEqual({
      ...owner,
      Delete: {
        Quiet: true,
        Objects: [
          { Key: 'patients/1.pdf', VersionId: 'v1' },
          { Key: 'patients/2.pdf', VersionId: 'v2' },
          { Key: 'patients/3.pdf', VersionId: 'd1' },
        ],
      },
    });
    expect(mocks.s3.commandCalls(DeleteBucketCommand)[0].args[0].input).toEqual(owner);
    expect(lines).toContain(`  deleted 3 object version(s) and delete marker(s) from ${DRILL_BUCKET}`);
  });

  test('follows ListObjectVersions pages', async () => {
    mocks.s3
      .on(ListObjectVersionsCommand)
      .resolvesOnce({ IsTruncated: true, NextKeyMarker: 'k', NextVersionIdMarker: 'v', Versions: [{ Key: 'a', VersionId: '1' }] })
      .resolves({ IsTruncated: false, Versions: [{ Key: 'b', VersionId: '2' }] });
    await cleanup('documents', DRILL_BUCKET_ARN).outcome;
    const calls = mocks.s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input);
    expect(calls[1]).toMatchObject({ KeyMarker: 'k', VersionIdMarker: 'v' });
    expect(mocks.s3.commandCalls(DeleteObjectsCommand)).toHaveLength(2);
  });

  test('refuses the live bucket and touches nothing', async () => {
    const result = await cleanup('documents', LIVE_BUCKET_ARN).outcome;
    expect(result.status).toBe('refused');
    expect(mocks.s3.calls()).toHaveLength(0);
  });

  test('versions under Object Lock retention: blocked, the bucket is kept, and the reason is plain', async () => {
    mocks.s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } },
    });
    mocks.s3.on(DeleteObjectsCommand).resolves({
      Errors: [
        { Key: 'patients/1.pdf', VersionId: 'v1', Code: 'AccessDenied' },
        { Key: 'patients/2.pdf', VersionId: 'v2', Code: 'AccessDenied' },
      ],
    });
    const { outcome, lines } = cleanup('documents', DRILL_BUCKET_ARN);
    const result = await outcome;
    expect(result.status).toBe('blocked');
    expect(result.detail).toBe(
      `${DRILL_BUCKET} cannot be deleted yet: 2 x AccessDenied under its Object Lock GOVERNANCE with a default retention of 30 days; it holds a PHI copy until the retention ends`,
    );
    expect(result.manualSteps[0]).toMatch(/^after the retention ends: /);
    expect(lines[0]).toMatch(/has Object Lock GOVERNANCE/);
    expect(mocks.s3.commandCalls(DeleteBucketCommand)).toHaveLength(0);
    // Never bypasses a retention.
    expect(mocks.s3.commandCalls(DeleteObjectsCommand)[0].args[0].input).not.toHaveProperty('BypassGovernanceRetention');
  });

  test('a bucket that is already gone counts as deleted', async () => {
    mocks.s3.on(GetObjectLockConfigurationCommand).rejects(Object.assign(new Error('gone'), { name: 'NoSuchBucket' }));
    expect((await cleanup('documents', DRILL_BUCKET_ARN).outcome).status).toBe('deleted');
    expect(mocks.s3.commandCalls(DeleteBucketCommand)).toHaveLength(0);
  });
});
