import { BackupClient, DescribeGlobalSettingsCommand } from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { checkCrossAccountBackup } from '../../../scripts/preflight/cross-account-backup';

const backup = mockClient(BackupClient);
afterEach(() => backup.reset());
const check = () => checkCrossAccountBackup(new BackupClient({}), 'us-east-1', '111111111111');
const FIX =
  'in the management account 111111111111: aws backup update-global-settings --global-settings isCrossAccountBackupEnabled=true --region us-east-1';

test('on passes, read-only', async () => {
  backup
    .on(DescribeGlobalSettingsCommand)
    .resolves({ GlobalSettings: { isCrossAccountBackupEnabled: 'true', isMpaEnabled: 'false' } });
  expect(await check()).toEqual([expect.objectContaining({ status: 'PASS', scope: 'us-east-1' })]);
  expect(backup.calls()).toHaveLength(1);
});

test('off fails with the command to run in the management account', async () => {
  backup.on(DescribeGlobalSettingsCommand).resolves({ GlobalSettings: { isCrossAccountBackupEnabled: 'false' } });
  expect(await check()).toEqual([expect.objectContaining({ status: 'FAIL', fix: FIX })]);
});

test('an answer without the setting warns: it is to be checked in the management account', async () => {
  backup.on(DescribeGlobalSettingsCommand).resolves({});
  expect(await check()).toEqual([
    expect.objectContaining({ status: 'WARN', what: expect.stringContaining('check it in the management account'), fix: FIX }),
  ]);
});

test('an account outside any organization fails', async () => {
  backup
    .on(DescribeGlobalSettingsCommand)
    .rejects(Object.assign(new Error('not in an org'), { name: 'InvalidRequestException' }));
  expect(await check()).toEqual([
    expect.objectContaining({ status: 'FAIL', what: expect.stringContaining('not in an AWS organization') }),
  ]);
});

test('access denied fails with the permission', async () => {
  backup.on(DescribeGlobalSettingsCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
  expect((await check())[0].what).toContain('missing permission backup:DescribeGlobalSettings');
});
