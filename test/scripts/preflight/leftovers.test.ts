import { BackupClient, DescribeBackupVaultCommand } from '@aws-sdk/client-backup';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetObjectLockConfigurationCommand, HeadBucketCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { NamedKind, NamedResource } from '../../../scripts/preflight/footprint';
import { checkGlobalLeftovers, checkLeftovers } from '../../../scripts/preflight/leftovers';

const logs = mockClient(CloudWatchLogsClient);
const backup = mockClient(BackupClient);
const s3 = mockClient(S3Client);
const rds = mockClient(RDSClient);
const kms = mockClient(KMSClient);
const secretsmanager = mockClient(SecretsManagerClient);
const lambda = mockClient(LambdaClient);
const sfn = mockClient(SFNClient);
const iam = mockClient(IAMClient);
const MOCKS = [logs, backup, s3, rds, kms, secretsmanager, lambda, sfn, iam];

const err = (name: string, status?: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

/** Every lookup answers "does not exist". */
function nothingExists(): void {
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: '/other/group-with-the-prefix' }] });
  backup.on(DescribeBackupVaultCommand).rejects(err('ResourceNotFoundException', 404));
  s3.on(HeadBucketCommand).rejects(err('NotFound', 404));
  rds.on(DescribeDBInstancesCommand).rejects(err('DBInstanceNotFoundFault', 404));
  kms.on(DescribeKeyCommand).rejects(err('NotFoundException', 400));
  secretsmanager.on(DescribeSecretCommand).rejects(err('ResourceNotFoundException', 400));
  lambda.on(GetFunctionCommand).rejects(err('ResourceNotFoundException', 404));
  sfn.on(DescribeStateMachineCommand).rejects(err('StateMachineDoesNotExist', 400));
  iam.on(GetRoleCommand).rejects(err('NoSuchEntityException', 404));
}
beforeEach(nothingExists);
afterEach(() => MOCKS.forEach((m) => m.reset()));

const REGION = 'us-west-2';
const ACCOUNT = '111122223333';
const clients = () => ({
  logs: new CloudWatchLogsClient({}),
  backup: new BackupClient({}),
  s3: new S3Client({}),
  rds: new RDSClient({}),
  kms: new KMSClient({}),
  secretsmanager: new SecretsManagerClient({}),
  lambda: new LambdaClient({}),
  sfn: new SFNClient({}),
});
const named = (kind: NamedKind, name: string, stackName = 'd-dr', region = REGION): NamedResource => ({
  kind,
  name,
  region,
  stackName,
  logicalId: 'X',
});
const ALL: NamedResource[] = [
  named('log-group', '/aws/lambda/d-fn'),
  named('backup-vault', 'd-backup-vault-dr'),
  named('bucket', `d-phi-replica-${ACCOUNT}-${REGION}`),
  named('db-instance', 'd-crm'),
  named('kms-alias', 'alias/d/phi-dr'),
  named('secret', 'd/secret'),
  named('lambda-function', 'd-fn'),
  named('state-machine', 'd-crypto-erasure'),
  named('bucket', 'in-the-other-region', 'd-dr', 'us-east-1'),
  named('iam-role', 'd-break-glass', 'd-keys', 'global'),
];
const check = (resources = ALL, owned: string[] = []) =>
  checkLeftovers(clients(), REGION, ACCOUNT, 'd', resources, owned, '2026-12-06');

test('no name taken: one PASS for the region, and only its names were looked up', async () => {
  expect(await check()).toEqual([
    { status: 'PASS', scope: REGION, what: '8 fixed names this deployment creates here: none is taken' },
  ]);
  expect(s3.commandCalls(HeadBucketCommand).map((c) => c.args[0].input.Bucket)).toEqual([`d-phi-replica-${ACCOUNT}-${REGION}`]);
  expect(sfn.commandCalls(DescribeStateMachineCommand)[0].args[0].input).toEqual({
    stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:d-crypto-erasure`,
  });
});

test('names of stacks that exist are theirs and are not looked up', async () => {
  expect(await check(ALL, ['d-dr'])).toEqual([]);
  expect(s3.calls()).toHaveLength(0);
});

describe('each kind found is a FAIL with the command that removes it', () => {
  test.each([
    [
      'log group',
      () => logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: '/aws/lambda/d-fn', storedBytes: 10 }] }),
      'aws logs delete-log-group --region us-west-2 --log-group-name /aws/lambda/d-fn',
    ],
    [
      'backup vault',
      () => backup.on(DescribeBackupVaultCommand).resolves({ BackupVaultName: 'd-backup-vault-dr', NumberOfRecoveryPoints: 0 }),
      'aws backup delete-backup-vault --region us-west-2 --backup-vault-name d-backup-vault-dr',
    ],
    [
      'KMS alias',
      () => kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k-1', KeyState: 'Enabled' } }),
      'aws kms delete-alias --region us-west-2 --alias-name alias/d/phi-dr',
    ],
    [
      'secret',
      () => secretsmanager.on(DescribeSecretCommand).resolves({ Name: 'd/secret', DeletedDate: new Date() }),
      'aws secretsmanager delete-secret --region us-west-2 --secret-id d/secret --force-delete-without-recovery',
    ],
    [
      'Lambda function',
      () => lambda.on(GetFunctionCommand).resolves({}),
      'aws lambda delete-function --region us-west-2 --function-name d-fn',
    ],
    [
      'state machine',
      () => sfn.on(DescribeStateMachineCommand).resolves({}),
      `aws stepfunctions delete-state-machine --region us-west-2 --state-machine-arn arn:aws:states:us-west-2:${ACCOUNT}:stateMachine:d-crypto-erasure`,
    ],
    [
      'RDS instance',
      () =>
        rds.on(DescribeDBInstancesCommand).resolves({
          DBInstances: [{ DBInstanceIdentifier: 'd-crm', DBInstanceStatus: 'available', DeletionProtection: true }],
        }),
      'aws rds modify-db-instance --region us-west-2 --db-instance-identifier d-crm --no-deletion-protection --apply-immediately, then aws rds delete-db-instance --region us-west-2 --db-instance-identifier d-crm --final-db-snapshot-identifier d-crm-final-2026-12-06',
    ],
  ])('%s', async (label, arrange, command) => {
    arrange();
    const results = await check();
    expect(results).toHaveLength(1);
    expect(results[0].status).toBe('FAIL');
    expect(results[0].what).toMatch(new RegExp(`^${label} \\S+ already exists`, 'i'));
    expect(results[0].fix).toContain(command);
  });
});

describe('buckets', () => {
  const bucket = [named('bucket', 'd-phi-replica')];

  test('an empty bucket can be deleted', async () => {
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetObjectLockConfigurationCommand).rejects(err('ObjectLockConfigurationNotFoundError', 404));
    s3.on(ListObjectVersionsCommand).resolves({});
    expect((await check(bucket))[0]).toMatchObject({
      status: 'FAIL',
      fix: 'aws s3api delete-bucket --region us-west-2 --bucket d-phi-replica',
    });
  });

  test('a COMPLIANCE-locked bucket with objects cannot be removed, and says so', async () => {
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } },
    });
    s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: 'never-printed', VersionId: '1' }] });
    const [r] = await check(bucket);
    expect(r.what).toContain('Object Lock in COMPLIANCE mode, with objects');
    expect(r.fix).toMatch(/^cannot be removed until/);
    expect(JSON.stringify(r)).not.toContain('never-printed');
  });

  test('a GOVERNANCE-locked bucket with objects needs the bypass permission', async () => {
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE' } } },
    });
    s3.on(ListObjectVersionsCommand).resolves({ DeleteMarkers: [{ Key: 'k' }] });
    expect((await check(bucket))[0].fix).toContain('s3:BypassGovernanceRetention');
  });

  test('a bucket these credentials cannot read is taken (another account, or no permission)', async () => {
    s3.on(HeadBucketCommand).rejects(err('Forbidden', 403));
    expect((await check(bucket))[0]).toMatchObject({ status: 'FAIL', what: expect.stringContaining('another account') });
  });

  test('a bucket in another region is taken', async () => {
    s3.on(HeadBucketCommand).rejects(err('PermanentRedirect', 301));
    expect((await check(bucket))[0].what).toContain('exists in another region');
  });
});

describe('backup vaults', () => {
  const vault = [named('backup-vault', 'd-backup-vault-dr')];

  test('a vault with recovery points under a permanent lock cannot be removed', async () => {
    backup.on(DescribeBackupVaultCommand).resolves({ NumberOfRecoveryPoints: 3, Locked: true, LockDate: new Date('2026-01-01') });
    const [r] = await check(vault);
    expect(r.what).toContain('3 recovery points under a vault lock that can no longer be changed');
    expect(r.fix).toMatch(/^cannot be removed until/);
  });

  test('a vault with recovery points and no permanent lock: delete the points first', async () => {
    backup.on(DescribeBackupVaultCommand).resolves({ NumberOfRecoveryPoints: 3, Locked: false });
    expect((await check(vault))[0].fix).toMatch(/^delete its recovery points .* then aws backup delete-backup-vault/);
  });
});

test('a lookup that is denied fails with its permission; the other names are still checked', async () => {
  kms.on(DescribeKeyCommand).rejects(err('AccessDeniedException', 400));
  lambda.on(GetFunctionCommand).resolves({});
  const results = await check();
  expect(results.map((r) => r.status)).toEqual(['FAIL', 'FAIL']);
  expect(results[0].what).toBe(
    'cannot check whether KMS alias alias/d/phi-dr exists: access denied (missing permission kms:DescribeKey)',
  );
  expect(results[1].what).toContain('Lambda function d-fn already exists');
});

describe('IAM roles: account-wide names, looked up once as global', () => {
  const checkRoles = (owned: string[] = []) => checkGlobalLeftovers(new IAMClient({}), ALL, owned);

  test('no role taken: one global PASS; only the role names were looked up', async () => {
    expect(await checkRoles()).toEqual([
      { status: 'PASS', scope: 'global', what: '1 fixed name this deployment creates account-wide: none is taken' },
    ]);
    expect(iam.commandCalls(GetRoleCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: 'd-break-glass' }]);
  });

  test('the regional check does not look the roles up', async () => {
    await check();
    expect(iam.calls()).toHaveLength(0);
  });

  test('a role found is a FAIL with every step DeleteRole needs first', async () => {
    iam.on(GetRoleCommand).resolves({
      Role: { RoleName: 'd-break-glass', Path: '/', RoleId: 'R', Arn: 'arn:r', CreateDate: new Date('2026-01-02T03:04:05Z') },
    });
    const [r, ...rest] = await checkRoles();
    expect(rest).toEqual([]);
    expect(r).toMatchObject({
      status: 'FAIL',
      scope: 'global',
      what: 'IAM role d-break-glass already exists (created 2026-01-02); d-keys cannot create it',
    });
    for (const step of [
      'aws iam detach-role-policy --role-name d-break-glass',
      'aws iam delete-role-policy --role-name d-break-glass',
      'aws iam remove-role-from-instance-profile --instance-profile-name <name> --role-name d-break-glass',
    ]) {
      expect(r.fix).toContain(step);
    }
    expect(r.fix).toMatch(/then aws iam delete-role --role-name d-break-glass$/);
  });

  test('a role of an existing stack of the deployment is its own', async () => {
    expect(await checkRoles(['d-keys'])).toEqual([]);
    expect(iam.calls()).toHaveLength(0);
  });

  test('GetRole denied fails naming iam:GetRole', async () => {
    iam.on(GetRoleCommand).rejects(err('AccessDenied', 403));
    expect(await checkRoles()).toEqual([
      expect.objectContaining({
        status: 'FAIL',
        scope: 'global',
        what: 'cannot check whether IAM role d-break-glass exists: access denied (missing permission iam:GetRole)',
      }),
    ]);
  });
});
