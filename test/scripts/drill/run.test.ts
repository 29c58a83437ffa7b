import {
  DescribeRestoreJobCommand,
  ListRecoveryPointsByBackupVaultCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DeleteDBInstanceCommand } from '@aws-sdk/client-rds';
import { DeleteBucketCommand } from '@aws-sdk/client-s3';
import { EXIT, runDrill, type DrillState } from '../../../scripts/drill/run';
import {
  CALLER_ARN,
  demoConfig,
  DRILL_BUCKET,
  DRILL_BUCKET_ARN,
  DRILL_DB,
  drillDeps,
  JOB_ID,
  lambdaPayload,
  mockDeployment,
  passedRecord,
  type Mocks,
} from './fixtures';

let mocks: Mocks;
beforeEach(() => {
  mocks = mockDeployment();
});
afterEach(() => mocks.restore());

const CONFIG = ['-c', 'config=config/demo.json'];

describe('before anything is restored', () => {
  test('without --yes the plan is printed, nothing is started, exit 0', async () => {
    const deps = drillDeps();
    expect(await runDrill(CONFIG, deps)).toBe(EXIT.passed);
    expect(mocks.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
    expect(mocks.lambda.calls()).toHaveLength(0);
    expect(mocks.rds.calls()).toHaveLength(0);
    expect(deps.stdout()).toMatch(/Restore drill plan: database \(RDS\) of crm-demo/);
    expect(deps.stdout()).toMatch(`restored copy       ${DRILL_DB} (deleted after validation)`);
    expect(deps.stdout()).toMatch(/DBSubnetGroupName\s+crm-demo-isolated-data\s+\[restore testing override\]/);
    expect(deps.stdout()).toMatch(/Dry run: nothing was started\. Run again with --yes/);
  });

  test('--resource all plans both, in order, and still starts nothing', async () => {
    const deps = drillDeps();
    expect(await runDrill([...CONFIG, '--resource', 'all'], deps)).toBe(EXIT.passed);
    const out = deps.stdout();
    expect(out.indexOf('database (RDS)')).toBeLessThan(out.indexOf('documents (S3)'));
    expect(out).toMatch(`DestinationBucketName  ${DRILL_BUCKET}   [drill]`);
    expect(mocks.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
  });

  test('credentials of another account than the config pins are refused, exit 2', async () => {
    const deps = drillDeps({ loadConfig: () => demoConfig({ account: '999988887777' }) });
    expect(await runDrill([...CONFIG, '--yes'], deps)).toBe(EXIT.usage);
    expect(deps.stderr()).toMatch(
      /credentials are for account 111122223333, but config\/demo.json pins deployment crm-demo to account 999988887777/,
    );
    expect(mocks.backup.calls()).toHaveLength(0);
  });

  test('bad arguments print the usage, exit 2', async () => {
    const deps = drillDeps();
    expect(await runDrill(['--resource', 'tables'], deps)).toBe(EXIT.usage);
    expect(deps.stderr()).toMatch(/Usage: npm run drill/);
  });

  test('--help prints the usage, exit 0', async () => {
    const deps = drillDeps();
    expect(await runDrill(['--help'], deps)).toBe(EXIT.passed);
    expect(deps.stdout()).toMatch(/Exit codes: 0 drill PASSED/);
  });

  test('no recovery point: FAILED, exit 1, nothing started', async () => {
    mocks.backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [] });
    const deps = drillDeps();
    expect(await runDrill([...CONFIG, '--yes'], deps)).toBe(EXIT.failed);
    expect(deps.stderr()).toMatch(/The database drill cannot start: DrillError: no completed recovery point/);
    expect(mocks.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
  });
});

describe('a drill with --yes', () => {
  test('restores, validates, deletes the copy and prints the summary: PASSED, exit 0', async () => {
    const deps = drillDeps();
    expect(await runDrill([...CONFIG, '--yes'], deps)).toBe(EXIT.passed);
    const request = JSON.parse(
      new TextDecoder().decode(mocks.lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array),
    );
    expect(request).toEqual({ source: 'hipaa-crm.drill', restoreJobId: JOB_ID, requestedBy: CALLER_ARN, resourceType: 'RDS' });
    expect(mocks.rds.commandCalls(DeleteDBInstanceCommand)[0].args[0].input.DBInstanceIdentifier).toBe(DRILL_DB);
    const out = deps.stdout();
    expect(out).toMatch(/\[0h00m30s\] RUNNING, 40.00% done/);
    expect(out).toMatch(/RTO \(restore time\)\s+42 min\s+240 min\s+met/);
    expect(out).toMatch(/RPO \(data age\)\s+7 min\s+60 min\s+met/);
    expect(out).toMatch(/PASS\s+canary-present: newest canary row is 7 minutes old/);
    expect(out).toMatch(/verdict\s+PASSED/);
    expect(out).toMatch(/evidence\s+restore-drills\/2026\/03\/restore-job-1.json \(evidence bucket\)/);
    expect(out).toMatch(/cleanup\s+deletion-started/);
  });

  test.each(['FAILED', 'ABORTED'] as const)(
    'a %s restore job: FAILED, exit 1, no validation, the copy it may have left is handled',
    async (status) => {
      mocks.backup
        .on(DescribeRestoreJobCommand)
        .resolves({ RestoreJobId: JOB_ID, Status: status, StatusMessage: 'Insufficient capacity' });
      const deps = drillDeps();
      expect(await runDrill([...CONFIG, '--yes'], deps)).toBe(EXIT.failed);
      expect(mocks.lambda.calls()).toHaveLength(0);
      expect(mocks.rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
      expect(deps.stdout()).toMatch(new RegExp(`because\\s+the restore job ended ${status}: Insufficient capacity`));
      expect(deps.stdout()).toMatch(`check whether ${DRILL_DB} exists`);
    },
  );

  test('validator verdict FAILED: exit 1, the copy is still deleted', async () => {
    mocks.lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: lambdaPayload(
        passedRecord({ verdict: 'FAILED', checks: [{ name: 'canary-present', passed: false, detail: 'no canary row' }] }),
      ) as never,
    });
    const deps = drillDeps();
    expect(await runDrill([...CONFIG, '--yes'], deps)).toBe(EXIT.failed);
    expect(deps.stdout()).toMatch(/FAIL\s+canary-present: no canary row/);
    expect(deps.stdout()).toMatch(/because\s+the validator's verdict is FAILED \(canary-present\)/);
    expect(mocks.rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(1);
  });

  test('validator function error: FAILED, exit 1, the copy is still deleted', async () => {
    mocks.lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: lambdaPayload({ errorType: 'Error', errorMessage: 'boom' }) as never,
    });
    const deps = drillDeps();
    expect(await runDrill([...CONFIG, '--yes'], deps)).toBe(EXIT.failed);
    expect(deps.stdout()).toMatch(/verdict\s+FAILED/);
    expect(deps.stdout()).toMatch(/crm-demo-restore-validator failed \(Unhandled\): Error: boom/);
    expect(mocks.rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(1);
  });

  test('timeout: FAILED, exit 1, no validation, prints how to clean up the running restore', async () => {
    mocks.backup.on(DescribeRestoreJobCommand).resolves({ RestoreJobId: JOB_ID, Status: 'RUNNING' });
    const deps = drillDeps();
    expect(await runDrill([...CONFIG, '--yes', '--timeout-minutes', '5'], deps)).toBe(EXIT.failed);
    expect(mocks.lambda.calls()).toHaveLength(0);
    expect(deps.stdout()).toMatch(/because\s+the restore did not end within 5 min/);
    expect(deps.stderr()).toMatch(`Restore job ${JOB_ID} is still running in AWS Backup`);
    expect(deps.stderr()).toMatch(
      `aws rds delete-db-instance --region us-east-1 --db-instance-identifier ${DRILL_DB} --skip-final-snapshot`,
    );
  });

  test('default timeout is twice the RTO', async () => {
    mocks.backup.on(DescribeRestoreJobCommand).resolves({ RestoreJobId: JOB_ID, Status: 'RUNNING' });
    const deps = drillDeps();
    await runDrill([...CONFIG, '--yes'], deps);
    expect(deps.stdout()).toMatch('Waiting up to 480 min');
    expect(deps.stdout()).toMatch(/TIMED_OUT after 480 min/);
  });

  test('Ctrl-C while waiting: exit 1, the state and output say what is left', async () => {
    const controller = new AbortController();
    mocks.backup.on(DescribeRestoreJobCommand).callsFake(async () => {
      controller.abort();
      return { RestoreJobId: JOB_ID, Status: 'RUNNING' };
    });
    const state: DrillState = {};
    const deps = drillDeps({ signal: controller.signal, state });
    expect(await runDrill([...CONFIG, '--yes', '--resource', 'all'], deps)).toBe(EXIT.failed);
    expect(deps.stdout()).toMatch(/because\s+interrupted \(Ctrl-C\)/);
    expect(deps.stderr()).toMatch(`Restore job ${JOB_ID} is still running`);
    expect(deps.stderr()).toMatch('Interrupted: the documents drill was not started.');
    expect(state).toMatchObject({ restoreRequested: true, restoreJobId: JOB_ID, cleanedUp: false });
    expect(mocks.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(1);
  });

  test('--keep: the copy stays and the summary gives the delete command', async () => {
    const deps = drillDeps();
    expect(await runDrill([...CONFIG, '--yes', '--keep'], deps)).toBe(EXIT.passed);
    expect(mocks.rds.calls()).toHaveLength(0);
    expect(deps.stdout()).toMatch(
      new RegExp(
        `cleanup\\s+kept: .*\\n\\s+to do\\s+aws rds delete-db-instance --region us-east-1 --db-instance-identifier ${DRILL_DB} `,
      ),
    );
  });

  test('a copy that cannot be deleted fails the drill even when the validation passed', async () => {
    mocks.rds.on(DeleteDBInstanceCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const deps = drillDeps();
    expect(await runDrill([...CONFIG, '--yes'], deps)).toBe(EXIT.failed);
    expect(deps.stdout()).toMatch(/because\s+the restored copy was not deleted \(failed\)/);
  });

  test('documents: restores into a new drill bucket, validates, empties and deletes it', async () => {
    mocks.backup
      .on(DescribeRestoreJobCommand)
      .resolves({ RestoreJobId: JOB_ID, Status: 'COMPLETED', CreatedResourceArn: DRILL_BUCKET_ARN });
    mocks.lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: lambdaPayload(
        passedRecord({
          resourceType: 'S3',
          restoredResourceArn: DRILL_BUCKET_ARN,
          checks: [{ name: 'object-checksum', passed: true, detail: '20 of 20 objects match' }],
          dataAgeMinutes: 420,
          targets: { rpoMinutes: 1440, rtoMinutes: 240 },
        }),
      ) as never,
    });
    const deps = drillDeps({ loadConfig: () => demoConfig() });
    expect(await runDrill([...CONFIG, '--yes', '--resource', 'documents'], deps)).toBe(EXIT.passed);
    expect(mocks.backup.commandCalls(StartRestoreJobCommand)[0].args[0].input).toMatchObject({
      ResourceType: 'S3',
      Metadata: { DestinationBucketName: DRILL_BUCKET, NewBucket: 'true', Encrypted: 'true' },
    });
    expect(mocks.s3.commandCalls(DeleteBucketCommand)[0].args[0].input.Bucket).toBe(DRILL_BUCKET);
    expect(deps.stdout()).toMatch(/cleanup\s+deleted: .* emptied \(3 versions\) and deleted/);
    // Targets measured by the validator differ from the config's: said, not hidden.
    expect(deps.stdout()).toMatch(/note: the validator measured against RTO 240 \/ RPO 1440 min, the config says 240 \/ 60/);
  });

  test('all: one FAILED resource makes the exit code 1 even if the other PASSED', async () => {
    mocks.backup
      .on(DescribeRestoreJobCommand)
      .resolves({ RestoreJobId: JOB_ID, Status: 'COMPLETED', CreatedResourceArn: DRILL_BUCKET_ARN });
    mocks.lambda
      .on(InvokeCommand)
      .resolvesOnce({ StatusCode: 200, Payload: lambdaPayload(passedRecord()) as never })
      .resolves({ StatusCode: 200, Payload: lambdaPayload(passedRecord({ resourceType: 'S3' })) as never });
    const deps = drillDeps();
    // The database job reports the bucket as its copy: cleanup refuses, so the database drill fails.
    expect(await runDrill([...CONFIG, '--yes', '--resource', 'all'], deps)).toBe(EXIT.failed);
    expect(mocks.rds.calls()).toHaveLength(0);
    expect(mocks.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(2);
    expect([...deps.stdout().matchAll(/verdict\s+(PASSED|FAILED)/g)].map((m) => m[1])).toEqual(['FAILED', 'PASSED']);
  });
});
