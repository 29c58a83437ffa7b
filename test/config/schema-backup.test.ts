import { ConfigError, parseConfig } from '../../lib/config/load';
import { rawConfig } from '../helpers/config';

type Raw = Record<string, unknown>;

/** The problems parseConfig reports for the demo config with `backup` changed by `edit`. */
function backupProblems(edit: (backup: Raw) => Raw, file = 'config/demo.json'): string[] {
  const raw = rawConfig(file);
  try {
    parseConfig({ ...raw, backup: edit(structuredClone(raw.backup) as Raw) }, 'test.json');
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
}

const lockOf = (backup: Raw) => backup.vaultLock as Raw;

describe('backup config', () => {
  test('both shipped configs are valid as they are', () => {
    expect(backupProblems((b) => b)).toEqual([]);
    expect(backupProblems((b) => b, 'config/production.example.json')).toEqual([]);
  });

  describe('Vault Lock mode and grace period', () => {
    test('COMPLIANCE requires changeableForDays', () => {
      expect(backupProblems((b) => ({ ...b, vaultLock: { ...lockOf(b), mode: 'COMPLIANCE' } }))).toEqual([
        expect.stringMatching(/^backup\.vaultLock\.changeableForDays: is required in COMPLIANCE mode \(at least 3 days\)/),
      ]);
    });

    test('GOVERNANCE refuses changeableForDays', () => {
      expect(backupProblems((b) => ({ ...b, vaultLock: { ...lockOf(b), changeableForDays: 3 } }))).toEqual([
        expect.stringMatching(/^backup\.vaultLock\.changeableForDays: applies to COMPLIANCE mode only/),
      ]);
    });

    test('a grace period under 3 days is refused (AWS Backup minimum)', () => {
      const problems = backupProblems(
        (b) => ({ ...b, vaultLock: { ...lockOf(b), changeableForDays: 2 } }),
        'config/production.example.json',
      );
      expect(problems).toEqual([expect.stringMatching(/^backup\.vaultLock\.changeableForDays: must be at least 3 days/)]);
    });
  });

  describe('retentions', () => {
    test('the lock minimum cannot exceed the 35-day continuous backup window', () => {
      expect(backupProblems((b) => ({ ...b, vaultLock: { ...lockOf(b), minRetentionDays: 36 } }))).toEqual([
        expect.stringMatching(/^backup\.vaultLock\.minRetentionDays: must be at most 35 \(the continuous backup window\)/),
      ]);
    });

    test('monthly snapshots must be kept longer than daily ones', () => {
      expect(backupProblems((b) => ({ ...b, dailyRetentionDays: 365, monthlyRetentionDays: 365 }))).toEqual([
        expect.stringMatching(/^backup\.monthlyRetentionDays: must be longer than dailyRetentionDays/),
      ]);
    });

    test('the lock maximum must cover the monthly retention, or the vault would refuse the monthly snapshots', () => {
      expect(backupProblems((b) => ({ ...b, monthlyRetentionDays: 401 }))).toEqual([
        expect.stringMatching(/^backup\.vaultLock\.maxRetentionDays: must be at least monthlyRetentionDays \(401\)/),
      ]);
    });

    test('daily snapshots are kept at least 35 days', () => {
      expect(backupProblems((b) => ({ ...b, dailyRetentionDays: 30 }))).toEqual([
        expect.stringMatching(/^backup\.dailyRetentionDays: must be at least 35 days/),
      ]);
    });
  });

  test('the integrity canary must write at least twice per RPO', () => {
    expect(backupProblems((b) => ({ ...b, targets: { rpoMinutes: 20 }, canaryIntervalMinutes: 15 }))).toEqual([
      expect.stringMatching(/^backup\.canaryIntervalMinutes: must be at most half of targets\.rpoMinutes \(20\)/),
    ]);
  });

  test('an additional copy vault must be given as a backup vault ARN', () => {
    expect(backupProblems((b) => ({ ...b, additionalCopyVaultArn: 'arn:aws:s3:::not-a-vault' }))).toEqual([
      expect.stringMatching(/^backup\.additionalCopyVaultArn: must be a backup vault ARN/),
    ]);
    expect(
      backupProblems((b) => ({ ...b, additionalCopyVaultArn: 'arn:aws:backup:us-east-1:444455556666:backup-vault:air-gapped' })),
    ).toEqual([]);
  });

  test('every backup problem is reported at once', () => {
    const problems = backupProblems((b) => ({
      ...b,
      vaultLock: { ...lockOf(b), mode: 'COMPLIANCE' },
      dailyRetentionDays: 400,
      monthlyRetentionDays: 390,
    }));
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/changeableForDays: is required in COMPLIANCE mode/);
    expect(problems.join('\n')).toMatch(/monthlyRetentionDays: must be longer than dailyRetentionDays/);
  });
});
