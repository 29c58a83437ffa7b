import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../lib/config/load';
import { phiLockIssues } from '../../lib/config/phi-locks';
import { configFileProblems, EVERY_CONFIG_FILE, rawConfig, REPO_ROOT } from '../helpers/config';

type Raw = Record<string, unknown>;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-locks-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The problems loadConfig reports for `raw`, written to a file as a user would. */

const production = rawConfig('config/production.example.json');
const withObjectLock = (raw: Raw, mode: string): Raw => ({
  ...raw,
  phiBucket: { ...(raw.phiBucket as Raw), objectLockMode: mode },
});
const withVaultLock = (raw: Raw, mode: string, changeableForDays?: number): Raw => {
  const backup = raw.backup as Raw;
  return { ...raw, backup: { ...backup, vaultLock: { ...(backup.vaultLock as Raw), mode, changeableForDays } } };
};

describe('a deployment that holds PHI locks in COMPLIANCE mode (HIPAA 164.312(c)(1), 164.308(a)(7)(ii)(A))', () => {
  test.each(EVERY_CONFIG_FILE)('%s loads as shipped', (file) => {
    expect(() => loadConfig(file, REPO_ROOT)).not.toThrow();
  });

  test('the production example with GOVERNANCE Object Lock is refused, and the message says why', () => {
    expect(configFileProblems(withObjectLock(production, 'GOVERNANCE'), dir, 'object-lock.json')).toEqual([
      expect.stringMatching(
        /^phiBucket\.objectLockMode: must be "COMPLIANCE" because this deployment holds PHI \(holdsPhi: true\): a GOVERNANCE lock on the PHI documents \(S3 Object Lock\) can be lifted by a privileged user .*nobody can lift, not even the root user \(HIPAA 164\.312\(c\)\(1\).*164\.308\(a\)\(7\)\(ii\)\(A\).*GOVERNANCE is only for deployments without PHI/,
      ),
    ]);
  });

  test('the production example with a GOVERNANCE Vault Lock is refused, and the message says why', () => {
    expect(configFileProblems(withVaultLock(production, 'GOVERNANCE'), dir, 'vault-lock.json')).toEqual([
      expect.stringMatching(
        /^backup\.vaultLock\.mode: must be "COMPLIANCE" because this deployment holds PHI .*GOVERNANCE lock on the backup vaults \(Vault Lock\) can be lifted by a privileged user \(anyone allowed backup:DeleteBackupVaultLockConfiguration\)/,
      ),
    ]);
  });

  test('both GOVERNANCE locks are refused at once', () => {
    const problems = configFileProblems(withVaultLock(withObjectLock(production, 'GOVERNANCE'), 'GOVERNANCE'), dir, 'both.json');
    expect(problems).toEqual([
      expect.stringMatching(/^phiBucket\.objectLockMode: must be "COMPLIANCE"/),
      expect.stringMatching(/^backup\.vaultLock\.mode: must be "COMPLIANCE"/),
    ]);
  });

  test('GOVERNANCE stays allowed for a deployment without PHI', () => {
    const demo = rawConfig('config/demo.json');
    expect(demo.holdsPhi).toBe(false);
    expect(configFileProblems(withVaultLock(withObjectLock(demo, 'GOVERNANCE'), 'GOVERNANCE'), dir, 'demo.json')).toEqual([]);
    const noPhi = withVaultLock(withObjectLock({ ...production, holdsPhi: false }, 'GOVERNANCE'), 'GOVERNANCE');
    expect(configFileProblems(noPhi, dir, 'no-phi.json')).toEqual([]);
  });

  test('an invalid mode with PHI names both the allowed values and the one PHI needs', () => {
    expect(configFileProblems(withObjectLock(production, 'NONE'), dir, 'none.json')).toEqual([
      'phiBucket.objectLockMode: must be one of "GOVERNANCE", "COMPLIANCE", not "NONE"',
      expect.stringMatching(
        /^phiBucket\.objectLockMode: must be "COMPLIANCE" because this deployment holds PHI \(holdsPhi: true\): PHI needs locks/,
      ),
    ]);
  });

  test('the rule reads raw input safely: only holdsPhi exactly true with a mode other than COMPLIANCE is refused', () => {
    for (const input of [undefined, null, 5, 'x', [], {}, { holdsPhi: 'true', phiBucket: { objectLockMode: 'GOVERNANCE' } }]) {
      expect(phiLockIssues(input)).toEqual([]);
    }
    expect(phiLockIssues({ holdsPhi: true, phiBucket: 'x', backup: { vaultLock: null } })).toEqual([]);
    expect(
      phiLockIssues({
        holdsPhi: true,
        phiBucket: { objectLockMode: 'COMPLIANCE' },
        backup: { vaultLock: { mode: 'COMPLIANCE' } },
      }),
    ).toEqual([]);
    expect(phiLockIssues({ holdsPhi: true, backup: { vaultLock: { mode: 'GOVERNANCE' } } }).map((i) => i.path)).toEqual([
      ['backup', 'vaultLock', 'mode'],
    ]);
  });
});
