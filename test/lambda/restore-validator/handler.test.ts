import { DescribeRestoreJobCommand, PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { NEWEST_CANARY_SQL } from '../../../lambda/restore-validator/database-checks';
import type { RestoreValidationRecord } from '../../../lambda/shared/restore-validation-contract';
import { awsError, captureOutput, metricNames } from '../fixtures';
import { fakeDatabase, pgError } from '../integrity-canary/fake-sql';
import {
  CANARY_AT,
  CANARY_NONCE,
  DRILL_ARN,
  ENV,
  EVIDENCE_KEY_ARN,
  OBJECT_KEYS,
  PLAN_ARN,
  RDS_JOB_ID,
  RESTORED_BUCKET,
  RESTORED_HOST,
  RESTORED_INSTANCE,
  S3_JOB_ID,
  backup,
  backupEvent,
  canaryRow,
  drillRequest,
  healthyDatabase,
  objectBody,
  rds,
  resetWorld,
  restoreJob,
  restoredInstance,
  s3,
  s3RestoreJob,
  sha256Base64,
  validatorWith,
} from './fixtures';

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  resetWorld();
  output = captureOutput();
});
afterEach(() => output.restore());

const putResults = () => backup.commandCalls(PutRestoreValidationResultCommand).map((c) => c.args[0].input);
const evidencePuts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
const storedRecord = (): RestoreValidationRecord => JSON.parse(evidencePuts()[0].Body as string) as RestoreValidationRecord;
const check = (record: RestoreValidationRecord | undefined, name: string) => record?.checks.find((c) => c.name === name);
const failedChecks = (record: RestoreValidationRecord | undefined) => record?.checks.filter((c) => !c.passed).map((c) => c.name);
/** EMF documents: metric name -> value, with the dimension values of the document. */
const emf = () =>
  output
    .lines()
    .filter((l) => l._aws)
    .map((l) => l as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] } });

describe('restore validator: restored database', () => {
  test('passes an intact, fresh, readable copy and reports SUCCESSFUL to AWS Backup', async () => {
    const db = fakeDatabase(healthyDatabase);
    const record = await validatorWith(db).run(backupEvent());

    expect(record).toMatchObject({
      kind: 'restore-test',
      deployment: 'crm-demo',
      restoreJobId: RDS_JOB_ID,
      resourceType: 'RDS',
      verdict: 'PASSED',
      restoreMinutes: 42,
      dataAgeMinutes: 10,
      targets: { rpoMinutes: 60, rtoMinutes: 240 },
      restoreTestingPlanArn: PLAN_ARN,
      restoreStartedAt: '2026-04-05T06:00:00.000Z',
      evidenceKey: `restore-tests/2026/04/${RDS_JOB_ID}.json`,
      reportedToBackup: true,
    });
    expect(record?.checks.map((c) => [c.name, c.passed])).toEqual([
      ['restore-job-completed', true],
      ['instance-available', true],
      ['iam-auth-enabled', true],
      ['database-connect', true],
      ['canary-table-readable', true],
      ['canary-present', true],
      ['canary-sha256', true],
      ['table-readable:crm.patients', true],
      ['table-readable:crm.appointments', true],
      ['rpo-target', true],
      ['rto-target', true],
    ]);
    expect(putResults()).toEqual([
      {
        RestoreJobId: RDS_JOB_ID,
        ValidationStatus: 'SUCCESSFUL',
        ValidationStatusMessage: 'PASSED (all 11 checks); restore 42 min, RTO 240; data age 10 min, RPO 60',
      },
    ]);
  });

  test('connects to the restored endpoint as restore_validator and sends only quoted, validated identifiers', async () => {
    const db = fakeDatabase(healthyDatabase);
    await validatorWith(db).run(backupEvent());
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0].args[0].input).toEqual({ DBInstanceIdentifier: RESTORED_INSTANCE });
    expect(db.targets.map((t) => t.target)).toEqual([
      { host: RESTORED_HOST, port: 5433, database: 'crm', user: 'restore_validator', region: 'us-east-1' },
    ]);
    expect(db.queries.map((q) => q.text)).toEqual([
      'SELECT written_at, nonce, sha256 FROM "hipaa_ops"."restore_canary" ORDER BY written_at DESC, id DESC LIMIT 1',
      'SELECT 1 FROM "crm"."patients" LIMIT 1',
      'SELECT 1 FROM "crm"."appointments" LIMIT 1',
    ]);
    expect(db.ended).toBe(1);
  });

  test('stores the record as evidence (SSE-KMS, SHA-256) and publishes the metrics with the ResourceType dimension', async () => {
    await validatorWith(fakeDatabase(healthyDatabase)).run(backupEvent());
    const [put] = evidencePuts();
    expect(put).toMatchObject({
      Bucket: 'crm-demo-evidence',
      Key: `restore-tests/2026/04/${RDS_JOB_ID}.json`,
      ContentType: 'application/json',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: EVIDENCE_KEY_ARN,
    });
    expect(storedRecord()).toMatchObject({ verdict: 'PASSED', restoreJobId: RDS_JOB_ID, evidenceKey: put.Key });
    expect(metricNames(output.lines())).toEqual(['RestoreValidationPassed', 'RestoreDurationMinutes', 'RecoveryPointAgeMinutes']);
    const [doc] = emf();
    expect(doc).toMatchObject({
      ResourceType: 'RDS',
      service: 'restore-validator',
      RestoreDurationMinutes: 42,
      RecoveryPointAgeMinutes: 10,
    });
    expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'ResourceType']]);
  });

  test('a corrupted canary row (digest mismatch) fails the restore', async () => {
    const corrupted = { ...canaryRow(), written_at: new Date(CANARY_AT.getTime() + 1) };
    const db = fakeDatabase((text) => (text === NEWEST_CANARY_SQL ? { rows: [corrupted] } : { rows: [] }));
    const record = await validatorWith(db).run(backupEvent());
    expect(record?.verdict).toBe('FAILED');
    expect(failedChecks(record)).toEqual(['canary-sha256']);
    expect(check(record, 'canary-sha256')?.detail).toContain('does NOT match');
    expect(putResults()[0]).toMatchObject({
      ValidationStatus: 'FAILED',
      ValidationStatusMessage:
        'FAILED (1 of 11 checks failed); restore 42 min, RTO 240; data age 10 min, RPO 60; failed: canary-sha256',
    });
    expect(metricNames(output.lines())).toContain('RestoreValidationFailed');
  });

  test('an empty canary table fails the restore, and the RPO cannot be measured', async () => {
    const db = fakeDatabase((text) => (text === NEWEST_CANARY_SQL ? { rows: [] } : { rows: [] }));
    const record = await validatorWith(db).run(backupEvent());
    expect(failedChecks(record)).toEqual(['canary-present', 'rpo-target']);
    expect(record?.dataAgeMinutes).toBeUndefined();
    expect(check(record, 'rpo-target')?.detail).toBe('data age could not be measured; RPO target 60 min');
    expect(putResults()[0].ValidationStatus).toBe('FAILED');
  });

  test('a missing canary table fails the restore with its SQLSTATE, and the other tables are still checked', async () => {
    const db = fakeDatabase((text) => (text === NEWEST_CANARY_SQL ? pgError('42P01') : { rows: [] }));
    const record = await validatorWith(db).run(backupEvent());
    expect(failedChecks(record)).toEqual(['canary-table-readable', 'rpo-target']);
    expect(check(record, 'canary-table-readable')?.detail).toBe(
      'hipaa_ops.restore_canary: table does not exist (SQLSTATE 42P01)',
    );
    expect(check(record, 'table-readable:crm.patients')?.passed).toBe(true);
  });

  test('an expected table that is not readable fails the restore', async () => {
    const db = fakeDatabase((text) => (text.includes('"appointments"') ? pgError('42501') : healthyDatabase(text, undefined)));
    const record = await validatorWith(db).run(backupEvent());
    expect(failedChecks(record)).toEqual(['table-readable:crm.appointments']);
    expect(check(record, 'table-readable:crm.appointments')?.detail).toBe('permission denied (SQLSTATE 42501)');
  });

  test('a canary older than the RPO at restore start fails the RPO target', async () => {
    const stale = new Date('2026-04-05T04:30:00.000Z');
    const db = fakeDatabase((text) => (text === NEWEST_CANARY_SQL ? { rows: [canaryRow(stale)] } : { rows: [] }));
    const record = await validatorWith(db).run(backupEvent());
    expect(record?.dataAgeMinutes).toBe(90);
    expect(failedChecks(record)).toEqual(['rpo-target']);
    expect(check(record, 'rpo-target')?.detail).toBe('data age 90 min at restore start; RPO target 60 min');
  });

  test('a restore slower than the RTO fails the RTO target', async () => {
    backup.on(DescribeRestoreJobCommand).resolves(restoreJob({ CompletionDate: new Date('2026-04-05T10:30:00.000Z') }));
    const record = await validatorWith(fakeDatabase(healthyDatabase)).run(backupEvent());
    expect(record?.restoreMinutes).toBe(270);
    expect(failedChecks(record)).toEqual(['rto-target']);
    expect(putResults()[0].ValidationStatusMessage).toContain('restore 270 min, RTO 240');
  });

  test('an instance that never becomes available within the time budget fails without connecting', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [restoredInstance({ DBInstanceStatus: 'modifying' })] });
    const db = fakeDatabase(healthyDatabase);
    const { run, clock } = validatorWith(db);
    const record = await run(backupEvent());
    expect(failedChecks(record)).toEqual(['instance-available', 'rpo-target']);
    expect(check(record, 'instance-available')?.detail).toMatch(
      /^awsbackup-restore-test-7f3e did not become available within the function's time budget \(waited 1[0-9] min; last status modifying\)$/,
    );
    // 15 minutes of budget, 90 s kept for reporting, polled every 20 s.
    expect(rds.commandCalls(DescribeDBInstancesCommand).length).toBeGreaterThan(30);
    expect(clock.sleep).toHaveBeenCalledWith(20_000);
    expect(db.connect).not.toHaveBeenCalled();
    expect(putResults()[0].ValidationStatus).toBe('FAILED');
  });

  test('waits while the copy is still being created, then validates it', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [restoredInstance({ DBInstanceStatus: 'creating', Endpoint: undefined })] })
      .resolvesOnce({ DBInstances: [restoredInstance({ DBInstanceStatus: 'backing-up' })] });
    const record = await validatorWith(fakeDatabase(healthyDatabase)).run(backupEvent());
    expect(record?.verdict).toBe('PASSED');
    expect(check(record, 'instance-available')?.detail).toBe('awsbackup-restore-test-7f3e is backing-up');
  });

  test('a restored copy without IAM database authentication fails before any connection attempt', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [restoredInstance({ IAMDatabaseAuthenticationEnabled: false })] });
    const db = fakeDatabase(healthyDatabase);
    const record = await validatorWith(db).run(backupEvent());
    expect(failedChecks(record)).toEqual(['iam-auth-enabled', 'rpo-target']);
    expect(db.connect).not.toHaveBeenCalled();
  });

  test('a connect timeout fails the restore as a check, not a crash', async () => {
    const db = fakeDatabase(healthyDatabase, new Error('Connection terminated due to connection timeout'));
    const record = await validatorWith(db).run(backupEvent());
    expect(failedChecks(record)).toEqual(['database-connect', 'rpo-target']);
    expect(check(record, 'database-connect')?.detail).toBe('connecting as restore_validator failed: timed out');
    expect(putResults()[0].ValidationStatus).toBe('FAILED');
  });

  test('a malformed expected table name is rejected without ever reaching the database', async () => {
    const db = fakeDatabase(healthyDatabase);
    const record = await validatorWith(db, { ...ENV, EXPECTED_TABLES: 'crm.patients,crm.x; DROP TABLE crm.patients' }).run(
      backupEvent(),
    );
    expect(failedChecks(record)).toEqual(['table-readable:#2']);
    expect(check(record, 'table-readable:#2')?.detail).toBe(
      'entry 2 of EXPECTED_TABLES rejected: not a lowercase "schema.table" identifier',
    );
    expect(db.queries.map((q) => q.text).join('\n')).not.toContain('DROP');
    expect(JSON.stringify(record)).not.toContain('DROP');
  });
});

describe('restore validator: restored bucket', () => {
  beforeEach(() => {
    backup.on(DescribeRestoreJobCommand).resolves(s3RestoreJob());
  });
  const run = () => validatorWith(fakeDatabase(healthyDatabase)).run(backupEvent(S3_JOB_ID, 'COMPLETED', 'S3'));

  test('passes when every sampled object matches its stored checksum', async () => {
    const record = await run();
    expect(record).toMatchObject({ resourceType: 'S3', verdict: 'PASSED', restoreMinutes: 20, dataAgeMinutes: 15 });
    expect(check(record, 'objects-listed')?.detail).toBe('3 objects listed, 3 sampled');
    expect(check(record, 'object-checksum')?.detail).toBe(
      'verified 3 of 3 sampled objects; checksum mismatch 0; no stored checksum 0; unreadable 0; not checked (time budget) 0',
    );
    const gets = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(gets).toHaveLength(3);
    for (const get of gets) expect(get).toMatchObject({ Bucket: RESTORED_BUCKET, ChecksumMode: 'ENABLED' });
    expect(putResults()[0].ValidationStatus).toBe('SUCCESSFUL');
    expect(emf()[0]).toMatchObject({ ResourceType: 'S3', RestoreValidationPassed: 1 });
  });

  test('an object whose bytes do not match its stored checksum fails the restore, naming its version ID, not its key', async () => {
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
      const body = objectBody(input.Key);
      const index = OBJECT_KEYS.indexOf(input.Key);
      const stored = index === 1 ? sha256Base64(Buffer.from('something else')) : sha256Base64(body);
      return { Body: Readable.from([body]), ChecksumSHA256: stored, VersionId: `ver-${index}` };
    });
    const record = await run();
    expect(record?.verdict).toBe('FAILED');
    expect(check(record, 'object-checksum')).toEqual({
      name: 'object-checksum',
      passed: false,
      detail:
        'verified 2 of 3 sampled objects; checksum mismatch 1; no stored checksum 0; unreadable 0; not checked (time budget) 0; failing version IDs: ver-1',
    });
    expect(putResults()[0].ValidationStatus).toBe('FAILED');
  });

  test('objects without a stored checksum fail the check (counted)', async () => {
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => ({
      Body: Readable.from([objectBody(input.Key)]),
      VersionId: `ver-${OBJECT_KEYS.indexOf(input.Key)}`,
    }));
    const record = await run();
    expect(check(record, 'object-checksum')?.detail).toMatch(
      /^verified 0 of 3 sampled objects; checksum mismatch 0; no stored checksum 3;/,
    );
    expect(record?.verdict).toBe('FAILED');
  });

  test('an unreadable object (access denied) fails the check', async () => {
    s3.on(GetObjectCommand).rejects(awsError('AccessDenied', 403));
    const record = await run();
    expect(check(record, 'object-checksum')?.detail).toContain('unreadable 3');
    expect(record?.verdict).toBe('FAILED');
  });

  test('an empty restored bucket fails: nothing could be verified', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [], IsTruncated: false });
    const record = await run();
    expect(check(record, 'objects-listed')).toEqual({
      name: 'objects-listed',
      passed: false,
      detail: `${RESTORED_BUCKET} holds no objects: nothing could be verified`,
    });
  });

  test('object keys (document names) appear nowhere: not in logs, evidence or the AWS Backup message', async () => {
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => ({
      Body: Readable.from([objectBody(input.Key)]),
      ChecksumSHA256: 'AAAA',
    }));
    await run();
    const everything = [output.text(), evidencePuts()[0].Body as string, JSON.stringify(putResults())].join('\n');
    for (const key of OBJECT_KEYS) expect(everything).not.toContain(key);
    expect(everything).not.toMatch(/jane-doe|%PDF/);
  });
});

describe('restore validator: failures are reported, never a silent crash', () => {
  test('DescribeRestoreJob failing ends as a FAILED record that is reported, counted and stored', async () => {
    backup.on(DescribeRestoreJobCommand).rejects(awsError('AccessDeniedException', 403));
    const record = await validatorWith(fakeDatabase(healthyDatabase)).run(backupEvent());
    expect(record).toMatchObject({ verdict: 'FAILED', resourceType: 'RDS', restoreJobId: RDS_JOB_ID });
    expect(failedChecks(record)).toEqual(['restore-job-described', 'rpo-target', 'rto-target']);
    expect(check(record, 'restore-job-described')?.detail).toBe('DescribeRestoreJob failed: AccessDeniedException');
    expect(putResults()).toEqual([expect.objectContaining({ RestoreJobId: RDS_JOB_ID, ValidationStatus: 'FAILED' })]);
    expect(evidencePuts()).toHaveLength(1);
    expect(emf()[0]).toMatchObject({ RestoreValidationFailed: 1, ResourceType: 'RDS' });
  });

  test('the evidence bucket refusing the record makes it FAILED, still reported to AWS Backup and counted', async () => {
    s3.on(PutObjectCommand).rejects(awsError('AccessDenied', 403));
    const record = await validatorWith(fakeDatabase(healthyDatabase)).run(backupEvent());
    expect(record?.verdict).toBe('FAILED');
    expect(record?.evidenceKey).toBeUndefined();
    expect(check(record, 'evidence-stored')).toEqual({
      name: 'evidence-stored',
      passed: false,
      detail: 'PutObject failed: AccessDenied',
    });
    expect(putResults()[0]).toMatchObject({
      ValidationStatus: 'FAILED',
      ValidationStatusMessage: expect.stringContaining('evidence-stored'),
    });
    expect(metricNames(output.lines())).toContain('RestoreValidationFailed');
  });

  test('when even PutRestoreValidationResult fails, the failure is counted and rethrown for a retry', async () => {
    backup.on(PutRestoreValidationResultCommand).rejects(awsError('ThrottlingException', 400));
    await expect(validatorWith(fakeDatabase(healthyDatabase)).run(backupEvent())).rejects.toThrow(
      'restore validation failed: ReportingError',
    );
    expect(evidencePuts()).toHaveLength(1);
    expect(metricNames(output.lines())).toEqual([
      'RestoreValidationPassed',
      'RestoreDurationMinutes',
      'RecoveryPointAgeMinutes',
      'RestoreValidationReportingFailed',
    ]);
    expect(output.lines()).toContainEqual(expect.objectContaining({ level: 'ERROR', errorName: 'ThrottlingException' }));
    expect(output.lines()).toContainEqual(
      expect.objectContaining({ message: 'Restore validation finished', reportedToBackup: false }),
    );
  });

  test('a restore job that FAILED is recorded as a failed test, without PutRestoreValidationResult', async () => {
    backup
      .on(DescribeRestoreJobCommand)
      .resolves(restoreJob({ Status: 'FAILED', CreatedResourceArn: undefined, CompletionDate: undefined }));
    const db = fakeDatabase(healthyDatabase);
    const record = await validatorWith(db).run(backupEvent(RDS_JOB_ID, 'FAILED'));
    expect(failedChecks(record)).toEqual(['restore-job-completed', 'rpo-target', 'rto-target']);
    expect(putResults()).toHaveLength(0);
    expect(evidencePuts()).toHaveLength(1);
    expect(db.connect).not.toHaveBeenCalled();
  });

  test('a missing RDS CA bundle setting stops the function (counted), before anything is validated', async () => {
    const env = { ...ENV, NODE_EXTRA_CA_CERTS: undefined };
    await expect(validatorWith(fakeDatabase(healthyDatabase), env).run(backupEvent())).rejects.toThrow(
      'restore validation failed',
    );
    expect(backup.commandCalls(DescribeRestoreJobCommand)).toHaveLength(0);
    expect(metricNames(output.lines())).toEqual(['RestoreValidationReportingFailed']);
    expect(output.lines()).toContainEqual(expect.objectContaining({ detail: expect.stringContaining('NODE_EXTRA_CA_CERTS') }));
  });
});

describe('restore validator: drills and other invocations', () => {
  test('a drill request returns the record, stores it under restore-drills/ and does not call PutRestoreValidationResult', async () => {
    backup.on(DescribeRestoreJobCommand).resolves(restoreJob({ CreatedBy: undefined }));
    const record = await validatorWith(fakeDatabase(healthyDatabase)).run(drillRequest());
    expect(record).toMatchObject({
      kind: 'drill',
      verdict: 'PASSED',
      requestedBy: DRILL_ARN,
      evidenceKey: `restore-drills/2026/04/${RDS_JOB_ID}.json`,
    });
    expect(record?.reportedToBackup).toBeUndefined();
    expect(putResults()).toHaveLength(0);
    expect(storedRecord()).toMatchObject({ kind: 'drill', requestedBy: DRILL_ARN });
  });

  test('a drill whose job cannot be described still returns a FAILED record, labelled with the hinted type', async () => {
    backup.on(DescribeRestoreJobCommand).rejects(awsError('ResourceNotFoundException'));
    const record = await validatorWith(fakeDatabase(healthyDatabase)).run(drillRequest(S3_JOB_ID, 'S3'));
    expect(record).toMatchObject({ kind: 'drill', verdict: 'FAILED', resourceType: 'S3' });
    expect(putResults()).toHaveLength(0);
  });

  test('a malformed drill request is an error for the caller', async () => {
    await expect(validatorWith(fakeDatabase(healthyDatabase)).run({ ...drillRequest(), requestedBy: 'alice' })).rejects.toThrow(
      'restore validation failed',
    );
    expect(output.lines()).toContainEqual(
      expect.objectContaining({ message: 'Invocation ignored', reason: 'invalid-requested-by' }),
    );
    expect(backup.commandCalls(DescribeRestoreJobCommand)).toHaveLength(0);
  });

  test('events of restore jobs that no restore testing plan started (e.g. the drill restores) are ignored', async () => {
    backup.on(DescribeRestoreJobCommand).resolves(restoreJob({ CreatedBy: undefined }));
    const result = await validatorWith(fakeDatabase(healthyDatabase)).run(backupEvent());
    expect(result).toBeUndefined();
    expect(evidencePuts()).toHaveLength(0);
    expect(putResults()).toHaveLength(0);
  });

  test("restore tests of another restore testing plan (another deployment's, in the same account) are ignored", async () => {
    const other = PLAN_ARN.replace('crm_demo_restore_tests', 'someone_elses_restore_tests');
    backup.on(DescribeRestoreJobCommand).resolves(restoreJob({ CreatedBy: { RestoreTestingPlanArn: other } }));
    const result = await validatorWith(fakeDatabase(healthyDatabase)).run(backupEvent());
    expect(result).toBeUndefined();
    expect(evidencePuts()).toHaveLength(0);
    expect(putResults()).toHaveLength(0);
  });

  test("accounts apart: the air-gapped copy's restore testing plan is this deployment's too, and its jobs are validated", async () => {
    const airGapped = PLAN_ARN.replace('crm_demo_restore_tests', 'crm_demo_restore_tests_lag');
    backup.on(DescribeRestoreJobCommand).resolves(restoreJob({ CreatedBy: { RestoreTestingPlanArn: airGapped } }));
    // Without the plan in the configuration it is another plan: ignored.
    expect(await validatorWith(fakeDatabase(healthyDatabase)).run(backupEvent())).toBeUndefined();
    const record = await validatorWith(fakeDatabase(healthyDatabase), {
      ...ENV,
      AIR_GAPPED_RESTORE_TESTING_PLAN_ARN: airGapped,
    }).run(backupEvent());
    expect(record).toMatchObject({ kind: 'restore-test', verdict: 'PASSED', restoreTestingPlanArn: airGapped });
    expect(putResults()).toEqual([expect.objectContaining({ RestoreJobId: RDS_JOB_ID, ValidationStatus: 'SUCCESSFUL' })]);
  });

  test('unrelated or unfinished events are ignored without any call', async () => {
    const { run } = validatorWith(fakeDatabase(healthyDatabase));
    await expect(run(backupEvent(RDS_JOB_ID, 'RUNNING'))).resolves.toBeUndefined();
    await expect(run({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} })).resolves.toBeUndefined();
    expect(backup.commandCalls(DescribeRestoreJobCommand)).toHaveLength(0);
  });
});

describe('restore validator: logs', () => {
  test('carry no data values: no canary nonce or digest, no database or SDK error message', async () => {
    const db = fakeDatabase((text) => (text.includes('"appointments"') ? pgError('42501') : healthyDatabase(text, undefined)));
    await validatorWith(db).run(backupEvent());
    backup.on(DescribeRestoreJobCommand).rejects(awsError('AccessDeniedException', 403));
    await validatorWith(db).run(backupEvent());
    const text = output.text();
    expect(text).not.toContain(CANARY_NONCE);
    expect(text).not.toContain(canaryRow().sha256);
    expect(text).not.toMatch(/Jane Doe|jane@example\.com|alice@example\.com/);
    expect(output.lines()).toContainEqual(
      expect.objectContaining({
        message: 'Restore validation finished',
        restoreJobId: RDS_JOB_ID,
        verdict: 'FAILED',
        failedChecks: ['table-readable:crm.appointments'],
      }),
    );
  });
});
