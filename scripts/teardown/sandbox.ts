/**
 * The teardown of a sandbox deployment (profile `sandbox`, lib/config/profile.ts): nothing to keep, so
 * `cdk destroy --all` removes it. AWS Backup refuses to delete a vault that still holds recovery points:
 * each sandbox vault's VaultEmptier (lib/constructs/vault-emptier.ts) deletes them during the destroy,
 * and the commands below are only the fallback when it failed; afterwards only what AWS itself keeps for
 * a while remains (`sandboxRemainders`), each with its date. Printed before the crypto-erasure plan, which a
 * sandbox can still rehearse.
 */
import { sandboxRemainders } from '../../lib/config/profile';
import type { DeploymentConfig } from '../../lib/config/schema';
import { deploymentNames } from '../../lib/vocabulary';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The AWS CLI commands that delete every recovery point of `vault` (the CLI pages through the list itself):
 * the manual fallback when the vault's emptier failed during `cdk destroy`.
 */
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
    `  1. npx cdk destroy --all --force -c config=${configPath}`,
    '     Each backup vault is emptied by its emptier custom resource (Custom::BackupVaultEmptier) before it is',
    '     deleted; the backup plan is deleted first. This can take up to 12 minutes per vault.',
    '  2. Only if a stack fails to delete:',
    '     - a vault still holds recovery points (the emptier failed; its error lists them): delete them by hand,',
    ...vaults.map(([vault, region]) => `         ${deleteRecoveryPointsCommand(vault, region)}`),
    '       list again until the vault is empty (deletion takes a few minutes);',
    "     - the Network stack: GuardDuty's runtime-monitoring VPC endpoint is still there (GuardDuty removes it once",
    '       its detector is gone; wait a few minutes).',
    '     Then run step 1 again.',
    `  What remains after step 1, and until when (if destroyed today; keys gone on or about ${keysGone}):`,
    ...sandboxRemainders(config).map((r) => `    - ${r.what}: ${r.until}`),
  ].join('\n');
}
