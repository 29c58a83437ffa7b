/**
 * The teardown of a sandbox deployment (profile `sandbox`, lib/config/profile.ts): nothing to keep, so
 * `cdk destroy --all` removes it. AWS Backup refuses to delete a vault that still holds recovery points,
 * so those are deleted first (the commands below); afterwards only what AWS itself keeps for a while
 * remains (`sandboxRemainders`), each with its date. Printed before the crypto-erasure plan, which a
 * sandbox can still rehearse.
 */
import { sandboxRemainders } from '../../lib/config/profile';
import type { DeploymentConfig } from '../../lib/config/schema';
import { deploymentNames } from '../../lib/vocabulary';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The AWS CLI commands that delete every recovery point of `vault` (the CLI pages through the list itself). */
export function deleteRecoveryPointsCommand(vault: string, region: string): string {
  return (
    `aws backup list-recovery-points-by-backup-vault --region ${region} --backup-vault-name ${vault} ` +
    `--query 'RecoveryPoints[].RecoveryPointArn' --output text | tr '\\t' '\\n' | ` +
    `xargs -r -n1 aws backup delete-recovery-point --region ${region} --backup-vault-name ${vault} --recovery-point-arn`
  );
}

/** The sandbox section of the teardown output: how to remove it, and what remains until when. */
export function formatSandboxTeardown(
  config: Pick<DeploymentConfig, 'name' | 'regions' | 'keys'>,
  configPath: string,
  now: Date,
): string {
  const names = deploymentNames(config.name);
  const keysGone = new Date(now.getTime() + config.keys.pendingWindowDays * DAY_MS).toISOString().slice(0, 10);
  const vaults: [string, string][] = [
    [names.backupVault, config.regions.primary],
    [names.drBackupVault, config.regions.dr],
  ];
  return [
    `${config.name} is a SANDBOX deployment (profile sandbox, holds no PHI): nothing is kept, so remove it completely.`,
    '  1. Delete the recovery points of both backup vaults (AWS Backup refuses to delete a vault that holds any):',
    ...vaults.map(([vault, region]) => `       ${deleteRecoveryPointsCommand(vault, region)}`),
    '     Deletion takes a few minutes; run the list commands again until both vaults are empty.',
    `  2. npx cdk destroy --all --force -c config=${configPath}`,
    '     If a stack fails to delete: a backup job finished in between (repeat step 1), or, for the Network stack,',
    "     GuardDuty's runtime-monitoring VPC endpoint is still there (GuardDuty removes it once its detector is gone;",
    '     wait a few minutes). Then run step 2 again.',
    `  What remains after step 2, and until when (if destroyed today; keys gone on or about ${keysGone}):`,
    ...sandboxRemainders(config).map((r) => `    - ${r.what}: ${r.until}`),
  ].join('\n');
}
