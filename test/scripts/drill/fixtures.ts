/**
 * A deployed demo deployment as AWS would answer the drill: restore testing selections, recovery
 * points, restore jobs, the validator, the restored copies. Every client is mocked with
 * aws-sdk-client-mock; tests change single answers on top.
 */
import {
  BackupClient,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  GetRestoreTestingSelectionCommand,
  ListRecoveryPointsByBackupVaultCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteDBInstanceCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectLockConfigurationCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { RestoreValidationRecord } from '../../../lambda/shared/restore-validation-contract';
import type { DeploymentConfig } from '../../../lib/config/schema';
import type { DrillPlan } from '../../../scripts/drill/plan';
import type { Clock } from '../../../scripts/drill/restore';
import type { DrillClients, DrillDeps } from '../../../scripts/drill/run';
import { shippedConfig } from '../../helpers/config';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const CALLER_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/DrillOperator/alice`;
export const NOW = new Date('2026-03-01T12:00:00Z');
export const STAMP = '202603011200';

export const LIVE_DB_ARN = `arn:aws:rds:${REGION}:${ACCOUNT}:db:crm-demo-database`;
export const LIVE_BUCKET_ARN = `arn:aws:s3:::crm-demo-phi-${ACCOUNT}-${REGION}`;
export const DRILL_DB = `crm-demo-drill-${STAMP}`;
export const DRILL_DB_ARN = `arn:aws:rds:${REGION}:${ACCOUNT}:db:${DRILL_DB}`;
export const DRILL_BUCKET = `crm-demo-drill-${STAMP}-${ACCOUNT}`;
export const DRILL_BUCKET_ARN = `arn:aws:s3:::${DRILL_BUCKET}`;
export const RESTORE_ROLE = `arn:aws:iam::${ACCOUNT}:role/crm-demo-restore-testing`;
export const VAULT = 'crm-demo-backup-vault';
export const CONTINUOUS_RP = `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:continuous:db-ABCDEFGHIJKL-1a2b3c4d`;
export const SNAPSHOT_RP = `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:awsbackup:job-0001`;
export const S3_RP = `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:crm-demo-phi-20260301`;
export const JOB_ID = 'restore-job-1';

/** As lib/constructs/restore-testing.ts writes them (restore testing reads keys without case). */
export const DB_OVERRIDES = {
  dbSubnetGroupName: 'crm-demo-isolated-data',
  vpcSecurityGroupIds: '["sg-0restoretest"]',
  multiAz: 'false',
  publiclyAccessible: 'false',
  enableIamDatabaseAuthentication: 'true',
  port: '5433',
};
export const S3_OVERRIDES = {
  encryptionType: 'SSE-KMS',
  kmsKey: `arn:aws:kms:${REGION}:${ACCOUNT}:key/phi`,
  restoreACLs: 'false',
};

/** What GetRecoveryPointRestoreMetadata answers for the live database: its own name, subnets, security group. */
export const DB_RP_METADATA = {
  DBInstanceIdentifier: 'crm-demo-database',
  DBSubnetGroupName: 'crm-demo-live-data',
  VpcSecurityGroupIds: '["sg-0livedatabase"]',
  DeletionProtection: 'true',
  MultiAZ: 'true',
  Engine: 'postgres',
};
export const S3_RP_METADATA = { DestinationBucketName: 'crm-demo-phi-111122223333-us-east-1', NewBucket: 'false' };

export function demoConfig(overrides: Record<string, unknown> = {}): DeploymentConfig {
  return shippedConfig('config/demo.json', overrides);
}

export function passedRecord(overrides: Partial<RestoreValidationRecord> = {}): RestoreValidationRecord {
  return {
    kind: 'drill',
    deployment: 'crm-demo',
    restoreJobId: JOB_ID,
    resourceType: 'RDS',
    restoredResourceArn: DRILL_DB_ARN,
    recoveryPointArn: CONTINUOUS_RP,
    verdict: 'PASSED',
    checks: [
      { name: 'canary-present', passed: true, detail: 'newest canary row is 7 minutes old' },
      { name: 'table-readable:hipaa_ops.restore_canary', passed: true, detail: '96 rows' },
    ],
    restoreMinutes: 42,
    dataAgeMinutes: 7,
    targets: { rpoMinutes: 60, rtoMinutes: 240 },
    validatedAt: '2026-03-01T12:50:00Z',
    evidenceKey: `restore-drills/2026/03/${JOB_ID}.json`,
    ...overrides,
  };
}

export function lambdaPayload(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** Time moves only when the drill sleeps. */
export function fakeClock(start: Date = NOW): Clock & { sleeps: number[] } {
  let t = start.getTime();
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(t),
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new Error('aborted');
      sleeps.push(ms);
      t += ms;
    },
  };
}

export type Mocks = ReturnType<typeof mockDeployment>;

/** Mocks every client with a healthy deployment whose restores complete and pass. */
export function mockDeployment() {
  const backup = mockClient(BackupClient);
  const lambda = mockClient(LambdaClient);
  const rds = mockClient(RDSClient);
  const s3 = mockClient(S3Client);

  backup
    .on(GetRestoreTestingSelectionCommand, { RestoreTestingSelectionName: 'phi_database' })
    .resolves({
      RestoreTestingSelection: {
        RestoreTestingPlanName: 'crm_demo_restore_tests',
        RestoreTestingSelectionName: 'phi_database',
        ProtectedResourceType: 'RDS',
        ProtectedResourceArns: [LIVE_DB_ARN],
        IamRoleArn: RESTORE_ROLE,
        RestoreMetadataOverrides: DB_OVERRIDES,
        CreationTime: NOW,
      },
    })
    .on(GetRestoreTestingSelectionCommand, { RestoreTestingSelectionName: 'phi_documents' })
    .resolves({
      RestoreTestingSelection: {
        RestoreTestingPlanName: 'crm_demo_restore_tests',
        RestoreTestingSelectionName: 'phi_documents',
        ProtectedResourceType: 'S3',
        ProtectedResourceArns: [LIVE_BUCKET_ARN],
        IamRoleArn: RESTORE_ROLE,
        RestoreMetadataOverrides: S3_OVERRIDES,
        CreationTime: NOW,
      },
    })
    .on(ListRecoveryPointsByBackupVaultCommand, { ByResourceArn: LIVE_DB_ARN })
    .resolves({
      RecoveryPoints: [
        {
          RecoveryPointArn: SNAPSHOT_RP,
          ResourceArn: LIVE_DB_ARN,
          Status: 'COMPLETED',
          CreationDate: new Date('2026-03-01T05:00:00Z'),
        },
        {
          RecoveryPointArn: CONTINUOUS_RP,
          ResourceArn: LIVE_DB_ARN,
          Status: 'COMPLETED',
          CreationDate: new Date('2026-01-01T00:00:00Z'),
        },
      ],
    })
    .on(ListRecoveryPointsByBackupVaultCommand, { ByResourceArn: LIVE_BUCKET_ARN })
    .resolves({
      RecoveryPoints: [
        {
          RecoveryPointArn: S3_RP,
          ResourceArn: LIVE_BUCKET_ARN,
          Status: 'COMPLETED',
          CreationDate: new Date('2026-03-01T05:00:00Z'),
        },
      ],
    })
    .on(GetRecoveryPointRestoreMetadataCommand, { RecoveryPointArn: CONTINUOUS_RP })
    .resolves({ RestoreMetadata: DB_RP_METADATA })
    .on(GetRecoveryPointRestoreMetadataCommand, { RecoveryPointArn: S3_RP })
    .resolves({ RestoreMetadata: S3_RP_METADATA })
    .on(StartRestoreJobCommand)
    .resolves({ RestoreJobId: JOB_ID })
    .on(DescribeRestoreJobCommand)
    .resolvesOnce({ RestoreJobId: JOB_ID, Status: 'PENDING' })
    .resolvesOnce({ RestoreJobId: JOB_ID, Status: 'RUNNING', PercentDone: '40.00%' })
    .resolves({
      RestoreJobId: JOB_ID,
      Status: 'COMPLETED',
      PercentDone: '100.00%',
      CreatedResourceArn: DRILL_DB_ARN,
      CreationDate: NOW,
      CompletionDate: new Date(NOW.getTime() + 42 * 60_000),
    });

  lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: lambdaPayload(passedRecord()) as never });

  rds
    .on(DescribeDBInstancesCommand)
    .resolves({
      DBInstances: [
        { DBInstanceIdentifier: DRILL_DB, DBInstanceArn: DRILL_DB_ARN, DBInstanceStatus: 'available', DeletionProtection: false },
      ],
    })
    .on(DeleteDBInstanceCommand)
    .resolves({});

  s3.on(GetObjectLockConfigurationCommand)
    .rejects(Object.assign(new Error('no lock'), { name: 'ObjectLockConfigurationNotFoundError' }))
    .on(ListObjectVersionsCommand)
    .resolves({
      IsTruncated: false,
      Versions: [
        { Key: 'patients/1.pdf', VersionId: 'v1' },
        { Key: 'patients/2.pdf', VersionId: 'v2' },
      ],
      DeleteMarkers: [{ Key: 'patients/3.pdf', VersionId: 'd1' }],
    })
    .on(DeleteObjectsCommand)
    .resolves({})
    .on(DeleteBucketCommand)
    .resolves({});

  return {
    backup,
    lambda,
    rds,
    s3,
    restore: () => [backup, lambda, rds, s3].forEach((m) => m.restore()),
  };
}

export function realClients(): DrillClients {
  return {
    backup: new BackupClient({ region: REGION }),
    lambda: new LambdaClient({ region: REGION }),
    rds: new RDSClient({ region: REGION }),
    s3: new S3Client({ region: REGION }),
  };
}

/** A plan as resolveDrillPlan makes it for the demo database (or documents). */
export function planFor(resource: 'database' | 'documents' = 'database'): DrillPlan {
  const database = resource === 'database';
  return {
    deployment: 'crm-demo',
    region: REGION,
    account: ACCOUNT,
    resource,
    resourceType: database ? 'RDS' : 'S3',
    restoreTestingPlanName: 'crm_demo_restore_tests',
    selectionName: database ? 'phi_database' : 'phi_documents',
    vaultName: VAULT,
    protectedResourceArn: database ? LIVE_DB_ARN : LIVE_BUCKET_ARN,
    iamRoleArn: RESTORE_ROLE,
    recoveryPoint: { arn: database ? CONTINUOUS_RP : S3_RP, continuous: database, status: 'COMPLETED' },
    overrides: database ? DB_OVERRIDES : S3_OVERRIDES,
    metadata: database ? { DBInstanceIdentifier: DRILL_DB } : { DestinationBucketName: DRILL_BUCKET, NewBucket: 'true' },
    restoredName: database ? DRILL_DB : DRILL_BUCKET,
    validatorFunctionName: 'crm-demo-restore-validator',
    targets: { rpoMinutes: 60, rtoMinutes: 240 },
  };
}

/** Deps for runDrill with captured output. */
export function drillDeps(overrides: Partial<DrillDeps> = {}): DrillDeps & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    createClients: () => realClients(),
    callerIdentity: async () => ({ account: ACCOUNT, arn: CALLER_ARN }),
    loadConfig: () => demoConfig(),
    clock: fakeClock(),
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    pollSeconds: 30,
    ...overrides,
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n'),
  };
}
