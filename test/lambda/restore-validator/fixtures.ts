/** A restore test world: AWS Backup jobs, a restored instance and bucket, canary rows, a test clock. */
import { BackupClient, DescribeRestoreJobCommand, type DescribeRestoreJobCommandOutput } from '@aws-sdk/client-backup';
import { DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createValidatorHandler } from '../../../lambda/restore-validator/index';
import { NEWEST_CANARY_SQL } from '../../../lambda/restore-validator/database-checks';
import { canaryDigest } from '../../../lambda/shared/canary-digest';
import type { DrillValidationRequest } from '../../../lambda/shared/restore-validation-contract';
import { lambdaContext } from '../fixtures';
import { fakeDatabase, type Answer } from '../integrity-canary/fake-sql';

export const ACCOUNT = '111122223333';
export const PLAN_ARN = `arn:aws:backup:us-east-1:${ACCOUNT}:restore-testing-plan:crm_demo_restore_tests-a1b2c3`;
export const EVIDENCE_KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const RDS_JOB_ID = 'A1B2C3D4-1111-2222-3333-444455556666';
export const S3_JOB_ID = 'B1B2C3D4-1111-2222-3333-444455556666';
export const RESTORED_INSTANCE = 'awsbackup-restore-test-7f3e';
export const RESTORED_HOST = `${RESTORED_INSTANCE}.cxyz.us-east-1.rds.amazonaws.com`;
export const RESTORED_BUCKET = 'awsbackup-restore-test-docs-7f3e';
export const DRILL_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/crm-demo-operator/alice`;

/** Restore started 06:00, finished 06:42 (42 min); the newest canary row is from 05:50 (10 min). */
export const RESTORE_STARTED = new Date('2026-04-05T06:00:00.000Z');
export const RESTORE_COMPLETED = new Date('2026-04-05T06:42:00.000Z');
export const CANARY_AT = new Date('2026-04-05T05:50:00.123Z');
export const CANARY_NONCE = '0123456789abcdef0123456789abcdef';
/** When the validator runs. */
export const NOW = new Date('2026-04-05T06:45:00.000Z');

export const ENV = {
  AWS_REGION: 'us-east-1',
  NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
  DEPLOYMENT_NAME: 'crm-demo',
  EVIDENCE_BUCKET: 'crm-demo-evidence',
  EVIDENCE_KMS_KEY_ARN: EVIDENCE_KEY_ARN,
  DATABASE_NAME: 'crm',
  EXPECTED_TABLES: 'crm.patients,crm.appointments',
  SAMPLE_OBJECT_COUNT: '3',
  RPO_MINUTES: '60',
  RTO_MINUTES: '240',
  RESTORE_TESTING_PLAN_ARN: PLAN_ARN,
};

export function restoreJob(overrides: Partial<DescribeRestoreJobCommandOutput> = {}): DescribeRestoreJobCommandOutput {
  return {
    $metadata: {},
    RestoreJobId: RDS_JOB_ID,
    Status: 'COMPLETED',
    ResourceType: 'RDS',
    CreatedResourceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:${RESTORED_INSTANCE}`,
    RecoveryPointArn: `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:continuous:db-ABCDEFGHIJ-1a2b3c4d`,
    CreationDate: RESTORE_STARTED,
    CompletionDate: RESTORE_COMPLETED,
    RecoveryPointCreationDate: new Date('2026-03-01T00:00:00.000Z'),
    CreatedBy: { RestoreTestingPlanArn: PLAN_ARN },
    ...overrides,
  };
}

export function s3RestoreJob(overrides: Partial<DescribeRestoreJobCommandOutput> = {}): DescribeRestoreJobCommandOutput {
  return restoreJob({
    RestoreJobId: S3_JOB_ID,
    ResourceType: 'S3',
    CreatedResourceArn: `arn:aws:s3:::${RESTORED_BUCKET}`,
    RecoveryPointArn: `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:continuous:s3-crm-demo-documents-1a2b3c4d`,
    CompletionDate: new Date('2026-04-05T06:20:00.000Z'),
    // Recovery point 15 minutes before the restore started.
    RecoveryPointCreationDate: new Date('2026-04-05T05:45:00.000Z'),
    ...overrides,
  });
}

export function restoredInstance(overrides: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: RESTORED_INSTANCE,
    DBInstanceStatus: 'available',
    Endpoint: { Address: RESTORED_HOST, Port: 5433 },
    IAMDatabaseAuthenticationEnabled: true,
    ...overrides,
  };
}

export function backupEvent(restoreJobId = RDS_JOB_ID, status = 'COMPLETED', resourceType = 'RDS') {
  return {
    version: '0',
    id: '2c3f3a8b-0000-4000-8000-000000000001',
    'detail-type': 'Restore Job State Change',
    source: 'aws.backup',
    account: ACCOUNT,
    time: '2026-04-05T06:43:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      restoreJobId,
      status,
      resourceType,
      restoreTestingPlanArn: PLAN_ARN,
      createdResourceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:${RESTORED_INSTANCE}`,
      backupSizeInBytes: '1024',
      percentDone: 100,
    },
  };
}

export function drillRequest(restoreJobId = RDS_JOB_ID, resourceType?: 'RDS' | 'S3'): DrillValidationRequest {
  return { source: 'hipaa-crm.drill', restoreJobId, requestedBy: DRILL_ARN, ...(resourceType ? { resourceType } : {}) };
}

export function canaryRow(writtenAt = CANARY_AT, nonce = CANARY_NONCE) {
  return { written_at: writtenAt, nonce, sha256: canaryDigest(writtenAt, nonce) };
}

/** A restored database that holds an intact canary row and readable expected tables. */
export const healthyDatabase: Answer = (text) =>
  text === NEWEST_CANARY_SQL ? { rows: [canaryRow()] } : { rows: [{ '?column?': 1 }] };

/** Object keys look like document names: they must never appear in logs, evidence or messages. */
export const OBJECT_KEYS = [
  'patients/jane-doe/intake-form.pdf',
  'patients/john-roe/lab-result.pdf',
  'patients/max-poe/consent.pdf',
];

export function objectBody(key: string): Buffer {
  return Buffer.from(`%PDF-1.7 document ${key} `.repeat(50));
}

export function sha256Base64(body: Buffer): string {
  return createHash('sha256').update(body).digest('base64');
}

/** A test clock: `sleep` advances it instead of waiting. */
export function testClock(start = NOW) {
  let now = start.getTime();
  return {
    now: () => now,
    sleep: jest.fn(async (ms: number) => {
      now += ms;
    }),
  };
}

export const backup = mockClient(BackupClient);
export const rds = mockClient(RDSClient);
export const s3 = mockClient(S3Client);

/** Mocks in a healthy state: every scenario changes what it is about. */
export function resetWorld(): void {
  backup.reset();
  rds.reset();
  s3.reset();
  backup.on(DescribeRestoreJobCommand).resolves(restoreJob());
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [restoredInstance()] });
  s3.on(PutObjectCommand).resolves({ VersionId: 'evidence-v1' });
  s3.on(ListObjectsV2Command).resolves({ Contents: OBJECT_KEYS.map((Key) => ({ Key, Size: 1000 })), IsTruncated: false });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const body = objectBody(input.Key);
    return {
      Body: Readable.from([body]),
      ChecksumSHA256: sha256Base64(body),
      VersionId: `ver-${OBJECT_KEYS.indexOf(input.Key)}`,
    };
  });
}

/** The handler with the mocked clients, a fake database and a test clock; 15 minutes of budget. */
export function validatorWith(db: ReturnType<typeof fakeDatabase>, env: NodeJS.ProcessEnv = ENV) {
  const clock = testClock();
  const handler = createValidatorHandler({
    backup: new BackupClient({ region: 'us-east-1' }),
    rds: new RDSClient({ region: 'us-east-1' }),
    s3: new S3Client({ region: 'us-east-1' }),
    connect: db.connect,
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
    env,
  });
  const context = { ...lambdaContext('crm-demo-restore-validator'), getRemainingTimeInMillis: () => 900_000 };
  return { run: (event: unknown) => handler(event, context), clock };
}
