/**
 * AWS Backup's per-region service opt-in (no CloudFormation resource sets it). Without it for a type,
 * Backup skips resources of that type that a plan selects by tag; the recovery points, copies to the
 * DR vault and restore tests of the database and documents all depend on RDS and S3 being opted in.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeRegionSettings.html
 */
import { DescribeRegionSettingsCommand, type BackupClient } from '@aws-sdk/client-backup';
import { fail, guarded, pass, type CheckResult } from './result';

/** The resource types the deployment backs up (the database and the documents bucket). */
export const BACKED_UP_RESOURCE_TYPES = ['RDS', 'S3'] as const;

export function checkBackupOptIn(
  backup: BackupClient,
  region: string,
  types: readonly string[] = BACKED_UP_RESOURCE_TYPES,
): Promise<CheckResult[]> {
  const what = `AWS Backup opt-in for ${types.join(' and ')}`;
  return guarded(region, what, 'backup:DescribeRegionSettings', async () => {
    const settings = (await backup.send(new DescribeRegionSettingsCommand({}))).ResourceTypeOptInPreference ?? {};
    const missing = types.filter((t) => settings[t] !== true);
    if (missing.length === 0) return pass(region, `${what}: on`);
    return fail(
      region,
      `AWS Backup is not opted in for ${missing.join(' and ')}`,
      `aws backup update-region-settings --region ${region} --resource-type-opt-in-preference ${missing.map((t) => `${t}=true`).join(',')}`,
    );
  });
}
