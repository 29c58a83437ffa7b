/**
 * Config of the backups (HIPAA 164.308(a)(7)(ii)(A) data backup plan, (B) disaster recovery plan,
 * (D) testing and revision procedures). Continuous backup (35 days), the copy of every scheduled
 * recovery point to the DR region, Vault Lock and scheduled restore tests are not choices; how long
 * copies are kept, the lock mode (COMPLIANCE whenever the deployment holds PHI, lib/config/phi-locks.ts) and
 * the recovery targets are.
 */
import { z } from 'zod';
import { numberAt, reportIssues, RUN_ON_ANY_OBJECT, valueAt, type ConfigIssue } from './cross-field';

/** Point-in-time recovery window of the continuous backup rule: the AWS Backup maximum. */
export const CONTINUOUS_BACKUP_RETENTION_DAYS = 35;
/** AWS Backup Vault Lock: the compliance-mode grace period is at least 3 days. */
export const MIN_VAULT_LOCK_GRACE_DAYS = 3;

const vaultArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:backup:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/,
    'must be a backup vault ARN: arn:aws:backup:<region>:<account>:backup-vault:<name>',
  );

/**
 * The rules between the backup fields: the Vault Lock grace period matches its mode, monthly copies
 * outlive daily ones and fit the lock's maximum, and the canary writes twice per RPO. Takes the raw
 * input: it runs even when other fields failed (see cross-field.ts).
 */
export function backupIssues(backup: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const mode = valueAt(backup, 'vaultLock', 'mode');
  const changeableForDays = valueAt(backup, 'vaultLock', 'changeableForDays');
  if (mode === 'COMPLIANCE' && changeableForDays === undefined) {
    issues.push({
      path: ['vaultLock', 'changeableForDays'],
      message: `is required in COMPLIANCE mode (at least ${MIN_VAULT_LOCK_GRACE_DAYS} days): it is the last chance to undo a wrong lock`,
    });
  }
  if (mode === 'GOVERNANCE' && changeableForDays !== undefined) {
    issues.push({
      path: ['vaultLock', 'changeableForDays'],
      message: 'applies to COMPLIANCE mode only: a GOVERNANCE lock stays removable by privileged users',
    });
  }
  const daily = numberAt(backup, 'dailyRetentionDays');
  const monthly = numberAt(backup, 'monthlyRetentionDays');
  if (daily !== undefined && monthly !== undefined && monthly <= daily) {
    issues.push({
      path: ['monthlyRetentionDays'],
      message: 'must be longer than dailyRetentionDays: monthly snapshots are the long-term copies',
    });
  }
  const maxRetention = numberAt(backup, 'vaultLock', 'maxRetentionDays');
  if (maxRetention !== undefined && monthly !== undefined && maxRetention < monthly) {
    issues.push({
      path: ['vaultLock', 'maxRetentionDays'],
      message: `must be at least monthlyRetentionDays (${monthly}): the locked vault would refuse the monthly snapshots`,
    });
  }
  const rpo = numberAt(backup, 'targets', 'rpoMinutes');
  const canary = numberAt(backup, 'canaryIntervalMinutes');
  if (rpo !== undefined && canary !== undefined && canary * 2 > rpo) {
    issues.push({
      path: ['canaryIntervalMinutes'],
      message: `must be at most half of targets.rpoMinutes (${rpo}), or a restore could miss its RPO by canary timing alone`,
    });
  }
  return issues;
}

export const backupSchema = z
  .object({
    vaultLock: z
      .object({
        mode: z
          .enum(['GOVERNANCE', 'COMPLIANCE'])
          .describe(
            'Vault Lock mode of both vaults. COMPLIANCE: immutable after the grace period (changeableForDays), even for the root user; required when holdsPhi is true. GOVERNANCE: a privileged user can remove it; only for deployments without PHI (trials, the demo).',
          ),
        changeableForDays: z
          .number()
          .int()
          .min(MIN_VAULT_LOCK_GRACE_DAYS, `must be at least ${MIN_VAULT_LOCK_GRACE_DAYS} days (AWS Backup minimum)`)
          .max(36500)
          .optional()
          .describe('COMPLIANCE only: days during which the lock can still be removed before it becomes immutable (at least 3).'),
        minRetentionDays: z
          .number()
          .int()
          .min(1)
          .max(
            CONTINUOUS_BACKUP_RETENTION_DAYS,
            `must be at most ${CONTINUOUS_BACKUP_RETENTION_DAYS} (the continuous backup window)`,
          )
          .default(CONTINUOUS_BACKUP_RETENTION_DAYS)
          .describe('Shortest retention a recovery point in the vaults may have; nobody can store or shorten one below it.'),
        maxRetentionDays: z
          .number()
          .int()
          .min(CONTINUOUS_BACKUP_RETENTION_DAYS)
          .max(36500)
          .describe('Longest retention a recovery point in the vaults may have. Must cover monthlyRetentionDays.'),
      })
      .strict()
      .describe('Vault Lock on the primary and DR vaults: recovery points cannot be deleted before their retention ends.'),
    dailyRetentionDays: z
      .number()
      .int()
      .min(CONTINUOUS_BACKUP_RETENTION_DAYS, `must be at least ${CONTINUOUS_BACKUP_RETENTION_DAYS} days`)
      .default(CONTINUOUS_BACKUP_RETENTION_DAYS)
      .describe('Retention of the daily snapshots, in days, in both vaults (at least 35).'),
    monthlyRetentionDays: z
      .number()
      .int()
      .min(90, 'must be at least 90 days')
      .max(36500)
      .describe('Retention of the monthly long-term snapshots, in days, in both vaults.'),
    additionalCopyVaultArn: vaultArn
      .optional()
      .describe(
        'Optional third copy of every scheduled recovery point: a vault in another account, for example a logically air-gapped vault. Its account must allow this account to copy into it. Not together with organization, whose backup account holds the air-gapped vault.',
      ),
    targets: z
      .object({
        rpoMinutes: z
          .number()
          .int()
          .min(5)
          .max(1440)
          .default(60)
          .describe('Recovery point objective: how old the newest data in a restored copy may be, in minutes.'),
        rtoMinutes: z
          .number()
          .int()
          .min(15)
          .max(2880)
          .default(240)
          .describe('Recovery time objective: how long a restore may take until the copy is usable, in minutes.'),
      })
      .strict()
      .prefault({})
      .describe('Recovery targets that every restore test and drill is measured against.'),
    canaryIntervalMinutes: z
      .number()
      .int()
      .min(5)
      .max(60)
      .default(15)
      .describe('How often the integrity canary writes its row into the database. Must be well below rpoMinutes.'),
    restoreTesting: z
      .object({
        schedule: z
          .string()
          .regex(/^cron\(.+\)$/, 'must be an AWS cron expression such as "cron(0 5 ? * SUN *)"')
          .default('cron(0 5 ? * SUN *)')
          .describe('When AWS Backup restore testing runs (UTC). Weekly by default.'),
        startWindowHours: z
          .number()
          .int()
          .min(1)
          .max(168)
          .default(8)
          .describe('Hours after the scheduled time within which the restore test must start.'),
        validationWindowHours: z
          .number()
          .int()
          .min(1)
          .max(168)
          .default(6)
          .describe('Hours the restored copies are kept for validation before AWS Backup deletes them.'),
        expectedTables: z
          .array(z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'must be "schema.table" in lowercase'))
          .default([])
          .describe(
            'Application tables that must be readable in every restored database, as "schema.table". The canary table is always checked.',
          ),
        sampleObjectCount: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(20)
          .describe('How many objects of a restored PHI bucket are read back and checked against their stored checksums.'),
      })
      .strict()
      .prefault({})
      .describe('Scheduled restore tests of the database and the PHI bucket, validated by the restore validator.'),
  })
  .strict()
  .superRefine((backup: unknown, ctx) => reportIssues(ctx, backupIssues(backup)), RUN_ON_ANY_OBJECT)
  .describe(
    'AWS Backup: locked vaults in the primary and DR regions, continuous and scheduled backups copied off-site, scheduled restore tests.',
  );

export type BackupConfig = z.output<typeof backupSchema>;
