import { BackupClient, DescribeRegionSettingsCommand } from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { checkBackupOptIn } from '../../../scripts/preflight/backup-opt-in';

const backup = mockClient(BackupClient);
afterEach(() => backup.reset());
const check = () => checkBackupOptIn(new BackupClient({}), 'us-east-1');

test('RDS and S3 opted in pass', async () => {
  backup.on(DescribeRegionSettingsCommand).resolves({ ResourceTypeOptInPreference: { RDS: true, S3: true, EFS: false } });
  expect(await check()).toEqual([expect.objectContaining({ status: 'PASS', scope: 'us-east-1' })]);
});

test('a type not opted in fails with the command that opts in only the missing ones', async () => {
  backup.on(DescribeRegionSettingsCommand).resolves({ ResourceTypeOptInPreference: { RDS: true, S3: false } });
  expect(await check()).toEqual([
    expect.objectContaining({
      status: 'FAIL',
      what: 'AWS Backup is not opted in for S3',
      fix: 'aws backup update-region-settings --region us-east-1 --resource-type-opt-in-preference S3=true',
    }),
  ]);
});

test('a type the answer leaves out counts as not opted in', async () => {
  backup.on(DescribeRegionSettingsCommand).resolves({});
  expect((await check())[0].fix).toContain('RDS=true,S3=true');
});

test('access denied fails with the permission', async () => {
  backup.on(DescribeRegionSettingsCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
  expect((await check())[0].what).toContain('missing permission backup:DescribeRegionSettings');
});
