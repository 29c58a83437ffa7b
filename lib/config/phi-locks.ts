/**
 * The PHI lock rule: a deployment that holds PHI locks its documents and its backups in COMPLIANCE mode.
 *
 * S3 Object Lock and AWS Backup Vault Lock both have two modes. In GOVERNANCE mode a user with the right
 * permission (s3:BypassGovernanceRetention, backup:DeleteBackupVaultLockConfiguration) can still shorten
 * or remove the lock, so one compromised or careless administrator can destroy every copy. In COMPLIANCE
 * mode nobody can, not even the root user (for Vault Lock once its grace period has passed). PHI must be
 * protected from improper alteration or destruction (HIPAA 164.312(c)(1)) and kept as retrievable exact
 * copies (164.308(a)(7)(ii)(A), 164.310(d)(2)(iv)), so with `holdsPhi: true` only COMPLIANCE is accepted.
 * GOVERNANCE stays available for deployments without PHI (the demo, trials).
 */
import { stringAt, valueAt, type ConfigIssue } from './cross-field';

/** The two locks the rule covers: where their mode is in the config, and what the lock protects. */
export const PHI_LOCKS = [
  {
    path: ['phiBucket', 'objectLockMode'],
    lock: 'the PHI documents (S3 Object Lock)',
    bypass: 's3:BypassGovernanceRetention',
  },
  {
    path: ['backup', 'vaultLock', 'mode'],
    lock: 'the backup vaults (Vault Lock)',
    bypass: 'backup:DeleteBackupVaultLockConfiguration',
  },
] as const;

/**
 * Returns the reasons the PHI lock rule refuses this configuration (empty when it passes). Takes the raw
 * input: it runs even when other fields failed, so any value may be missing or of the wrong type.
 */
export function phiLockIssues(config: unknown): ConfigIssue[] {
  if (valueAt(config, 'holdsPhi') !== true) return [];
  const issues: ConfigIssue[] = [];
  for (const { path, lock, bypass } of PHI_LOCKS) {
    const mode = stringAt(config, ...path);
    // A missing or non-string mode is already refused by its own field check.
    if (mode === undefined || mode === 'COMPLIANCE') continue;
    const why =
      mode === 'GOVERNANCE'
        ? `a GOVERNANCE lock on ${lock} can be lifted by a privileged user (anyone allowed ${bypass}), and `
        : '';
    issues.push({
      path: [...path],
      message:
        `must be "COMPLIANCE" because this deployment holds PHI (holdsPhi: true): ${why}PHI needs locks that nobody ` +
        'can lift, not even the root user (HIPAA 164.312(c)(1) integrity, 164.308(a)(7)(ii)(A) data backup plan). ' +
        'GOVERNANCE is only for deployments without PHI.',
    });
  }
  return issues;
}
