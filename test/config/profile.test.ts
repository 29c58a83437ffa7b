import * as fs from 'node:fs';
import * as path from 'node:path';
import { activityAuditSettings } from '../../lib/capabilities/activity-audit';
import { vaultLockSettings } from '../../lib/capabilities/backup-vaulting';
import { crmAppSettings } from '../../lib/capabilities/crm-app';
import { dataTierSettings } from '../../lib/capabilities/data-tier';
import { drRegionStoreSettings } from '../../lib/capabilities/dr-region-store';
import { evidenceStoreSettings } from '../../lib/capabilities/evidence-store';
import { signInAuditSettings } from '../../lib/capabilities/sign-in-audit';
import { threatDetectionSettings } from '../../lib/capabilities/threat-detection';
import { SANDBOX_RELAXED_CONTROLS, sandboxRelaxations, sandboxRemainders } from '../../lib/config/profile';
import type { DeploymentConfig } from '../../lib/config/schema';
import { deploymentStackProps } from '../../lib/stacks/deployment-stack-props';
import { configProblems, rawConfig, REPO_ROOT, SANDBOX_CONFIG, shippedConfig } from '../helpers/config';

const sandbox = shippedConfig(SANDBOX_CONFIG);
const demo = shippedConfig('config/demo.json');
const production = shippedConfig('config/production.example.json');

describe('the profile in the schema', () => {
  test('production is the default; the shipped sandbox is the only sandbox and holds no PHI', () => {
    expect(demo.profile).toBe('production');
    expect(production.profile).toBe('production');
    expect(sandbox).toMatchObject({ profile: 'sandbox', holdsPhi: false });
    expect(sandbox.keys.pendingWindowDays).toBe(7);
  });

  test('sandbox with holdsPhi: true is refused, listed with every other problem at once', () => {
    const problems = configProblems({
      ...rawConfig('config/production.example.json'),
      profile: 'sandbox',
      name: 'X',
      baa: undefined,
    });
    expect(problems).toEqual([
      expect.stringMatching(/^name: must be 3-20 characters/),
      expect.stringMatching(/^baa: this deployment is marked holdsPhi: true/),
      expect.stringMatching(
        /^profile: sandbox is refused for a deployment that holds PHI \(holdsPhi: true\).*164\.316\(b\)\(2\)\(i\)/,
      ),
    ]);
  });

  test('an unknown profile is refused', () => {
    expect(configProblems({ ...rawConfig(SANDBOX_CONFIG), profile: 'evaluation' })).toEqual([
      expect.stringMatching(/^profile: /),
    ]);
  });
});

describe('sandboxRelaxations: the one place the sandbox relaxes controls', () => {
  test('production relaxes nothing; the sandbox lists every relaxed control with its HIPAA rule', () => {
    expect(sandboxRelaxations(demo)).toEqual({ profile: 'production', disposable: false, relaxed: [] });
    expect(sandboxRelaxations(production).disposable).toBe(false);
    const relaxed = sandboxRelaxations(sandbox);
    expect(relaxed.disposable).toBe(true);
    expect(relaxed.relaxed).toBe(SANDBOX_RELAXED_CONTROLS);
    for (const r of relaxed.relaxed) {
      expect(r.hipaa).toMatch(/^164\.\d{3}\(/);
      expect(r.production.length).toBeGreaterThan(20);
      expect(r.sandbox.length).toBeGreaterThan(20);
    }
    expect(new Set(relaxed.relaxed.map((r) => r.id)).size).toBe(relaxed.relaxed.length);
  });

  test('fails closed for a sandbox that holds PHI even when the schema was bypassed', () => {
    expect(() => sandboxRelaxations({ profile: 'sandbox', holdsPhi: true })).toThrow(/sandbox is refused .* holds PHI/);
  });

  test('every capability that keeps data follows it, and nothing else decides', () => {
    const settingsOf = (config: DeploymentConfig) => [
      dataTierSettings(config).disposable,
      drRegionStoreSettings(config).disposable,
      evidenceStoreSettings(config).disposable,
      activityAuditSettings(config).disposable,
      signInAuditSettings(config).disposable,
      threatDetectionSettings(config).disposable,
      crmAppSettings(config).disposable,
      vaultLockSettings(config).disposable,
    ];
    expect(settingsOf(sandbox)).toEqual(Array(8).fill(true));
    expect(settingsOf(demo)).toEqual(Array(8).fill(false));
    expect(settingsOf(production)).toEqual(Array(8).fill(false));
  });

  test('no code outside lib/config reads the profile: every relaxation goes through sandboxRelaxations', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts') && !full.includes(`${path.sep}lib${path.sep}config${path.sep}`)) {
          const text = fs.readFileSync(full, 'utf8');
          if (/\.profile\b|'sandbox'/.test(text)) offenders.push(path.relative(REPO_ROOT, full));
          // A relaxation switched on anywhere but from the profile would be a toggle a PHI deployment could flip.
          for (const m of text.matchAll(/disposable: ([^,\n}]+)/g)) {
            if (!/^(sandboxRelaxations\(config\)\.disposable|props\.disposable|boolean;?)$/.test(m[1].trim())) {
              offenders.push(`${path.relative(REPO_ROOT, full)}: disposable: ${m[1]}`);
            }
          }
        }
      }
    };
    walk(path.join(REPO_ROOT, 'lib'));
    expect(offenders).toEqual([]);
  });
});

describe('what the sandbox says about itself', () => {
  const propsOf = (config: DeploymentConfig) => deploymentStackProps(config, { part: 'keys', purpose: 'keys', stateful: true });

  test('its stacks name every relaxed control and are not termination-protected; production stacks are unchanged', () => {
    const s = propsOf(sandbox);
    expect(s.terminationProtection).toBe(false);
    for (const r of SANDBOX_RELAXED_CONTROLS) expect(s.description).toContain(r.id);
    const p = propsOf(production);
    expect(p.terminationProtection).toBe(true);
    expect(p.description).not.toMatch(/SANDBOX/);
  });

  test('what remains after destroy says until when, with the pending window of the config', () => {
    const remainders = sandboxRemainders(sandbox);
    expect(remainders[0]).toMatchObject({
      what: expect.stringMatching(/KMS keys/),
      until: expect.stringMatching(/^7 days after/),
    });
    for (const r of remainders) expect(r.until.length).toBeGreaterThan(20);
  });
});
