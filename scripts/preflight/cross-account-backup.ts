/**
 * Accounts apart (config `organization`): the plan copies every scheduled recovery point into the backup
 * account, which AWS Backup refuses until the organization allows cross-account backup. Only the
 * management account can turn it on ("Returns an error if the account is not an Organizations management
 * account", UpdateGlobalSettings); any member account can read it: DescribeGlobalSettings "Returns an
 * error if the account is not a member of an Organizations organization"
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeGlobalSettings.html). No
 * CloudFormation resource sets it, so this read-only check is the only guard before the first copy job.
 */
import { DescribeGlobalSettingsCommand, type BackupClient } from '@aws-sdk/client-backup';
import { errorName, fail, guarded, pass, warn, type CheckResult } from './result';

/** The global setting that allows accounts of the organization to copy backups to other accounts. */
export const CROSS_ACCOUNT_BACKUP_SETTING = 'isCrossAccountBackupEnabled';

export function checkCrossAccountBackup(backup: BackupClient, region: string, managementAccount: string): Promise<CheckResult[]> {
  const what = 'cross-account backup in the organization (copies into the backup account)';
  const enable = `in the management account ${managementAccount}: aws backup update-global-settings --global-settings ${CROSS_ACCOUNT_BACKUP_SETTING}=true --region ${region}`;
  return guarded(region, what, 'backup:DescribeGlobalSettings', async () => {
    let settings: Record<string, string>;
    try {
      settings = (await backup.send(new DescribeGlobalSettingsCommand({}))).GlobalSettings ?? {};
    } catch (e) {
      // The answer of an account outside any organization: nothing can be copied to another account.
      if (errorName(e) === 'InvalidRequestException') {
        return fail(
          region,
          `${what}: this account is not in an AWS organization`,
          'invite the workload account into the organization named by organization.organizationId',
        );
      }
      throw e;
    }
    const value = settings[CROSS_ACCOUNT_BACKUP_SETTING];
    if (value === 'true') return pass(region, `${what}: on`);
    if (value === 'false') return fail(region, `${what} is off: every copy into the air-gapped vault would fail`, enable);
    return warn(
      region,
      `${what}: this account's answer does not include ${CROSS_ACCOUNT_BACKUP_SETTING}; check it in the management account`,
      enable,
    );
  });
}
