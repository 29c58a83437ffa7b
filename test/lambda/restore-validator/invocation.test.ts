import { parseInvocation } from '../../../lambda/restore-validator/invocation';
import { DRILL_ARN, RDS_JOB_ID, backupEvent, drillRequest } from './fixtures';

describe('parseInvocation', () => {
  test('a completed restore job event of AWS Backup is a restore test; only the job ID and status are used', () => {
    expect(parseInvocation(backupEvent())).toEqual({
      kind: 'restore-test',
      restoreJobId: RDS_JOB_ID,
      status: 'COMPLETED',
      resourceTypeHint: 'RDS',
    });
    expect(parseInvocation(backupEvent(RDS_JOB_ID, 'ABORTED', 'Aurora'))).toMatchObject({
      status: 'ABORTED',
      resourceTypeHint: undefined,
    });
  });

  test('a drill request keeps who ran it', () => {
    expect(parseInvocation(drillRequest(RDS_JOB_ID, 'S3'))).toEqual({
      kind: 'drill',
      restoreJobId: RDS_JOB_ID,
      requestedBy: DRILL_ARN,
      resourceTypeHint: 'S3',
    });
    expect(parseInvocation({ ...drillRequest(), requestedBy: `arn:aws:iam::111122223333:user/bob` })).toMatchObject({
      kind: 'drill',
    });
  });

  test.each([
    [null, 'not-an-object'],
    [{ source: 'aws.backup', 'detail-type': 'Backup Job State Change', detail: {} }, 'not-a-restore-job-state-change'],
    [{ ...backupEvent(), source: 'custom.backup' }, 'not-a-restore-job-state-change'],
    [backupEvent('../../etc/passwd'), 'invalid-restore-job-id'],
    [backupEvent(RDS_JOB_ID, 'RUNNING'), 'restore-job-not-finished'],
    [backupEvent(RDS_JOB_ID, 'PENDING'), 'restore-job-not-finished'],
  ])('ignores %j (%s)', (event, reason) => {
    expect(parseInvocation(event)).toMatchObject({ kind: 'ignore', reason });
  });

  test.each([
    [{ ...drillRequest(), restoreJobId: 'job/../../x' }, 'invalid-restore-job-id'],
    [{ ...drillRequest(), requestedBy: 'alice' }, 'invalid-requested-by'],
    [{ ...drillRequest(), requestedBy: `${DRILL_ARN}\n{"forged":true}` }, 'invalid-requested-by'],
  ])('marks a malformed drill request %j as such (%s)', (event, reason) => {
    expect(parseInvocation(event)).toMatchObject({ kind: 'ignore', reason, fromDrill: true });
  });
});
