/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { openFindings, readValidationReport } from '../../lib/compliance/report';
import { organizationSettings } from '../../lib/config/organization';
import { deploymentNames, LOGICAL_IDS, regionalStackId, STACK_IDS, TAG } from '../../lib/vocabulary';
import { ORGANIZATION_CONFIG, SHIPPED_CONFIGS, shippedConfig } from '../helpers/config';
import { shippedAssembly, shippedStacks } from '../helpers/shipped-assembly';

/**
 * The backup account's stacks as the organization example deploys them (the shared assembly, every
 * compliance plugin). The vault, key, policy and role themselves: test/capabilities/air-gapped-vault.test.ts.
 */
describe('BackupAccount stacks of config/organization.example.json', () => {
  const config = shippedConfig(ORGANIZATION_CONFIG);
  const organization = organizationSettings(config)!;
  const assembly = shippedAssembly(ORGANIZATION_CONFIG);
  const stacks = shippedStacks(assembly);
  const ids = organization.backupRegions.map((region) => regionalStackId('backupAccount', region));
  const backupAccount = stacks.filter((s) => ids.includes(s.id));
  const dependenciesOf = (id: string) =>
    stacks
      .find((s) => s.id === id)!
      .artifact.dependencies.map((d) => d.id)
      .filter((d) => !d.endsWith('.assets'));

  test('one per backup region, in the backup account, stateful, named like every stack of the deployment', () => {
    expect(backupAccount.map((s) => [s.id, s.artifact.environment.account, s.artifact.environment.region])).toEqual(
      organization.backupRegions.map((region) => [`${STACK_IDS.backupAccount}-${region}`, organization.backupAccount, region]),
    );
    for (const s of backupAccount) {
      expect(s.artifact.stackName).toBe(deploymentNames(config.name).stack('backup-account'));
      expect(s.artifact.terminationProtection).toBe(true);
      expect(s.artifact.tags).toMatchObject({ [TAG.stateful]: 'true' });
    }
  });

  test('the workload Backup stack (its plan copies into the vault) and the guardrails deploy after each', () => {
    for (const id of ids) {
      expect(dependenciesOf(STACK_IDS.backup)).toContain(id);
      expect(dependenciesOf(STACK_IDS.guardrails)).toContain(id);
    }
    for (const s of backupAccount) expect(dependenciesOf(s.id)).toEqual([]);
  });

  test('zero open findings in its constructs; the vault and key keep their pinned logical IDs', () => {
    const findings = openFindings(readValidationReport(assembly.dir));
    expect(findings.filter((f) => ids.some((id) => f.constructPath.startsWith(`${id}/`)))).toEqual([]);
    for (const s of backupAccount) {
      const resources = s.template.Resources as Record<string, any>;
      expect(resources[LOGICAL_IDS.backupAccount.airGappedVault].Type).toBe('AWS::Backup::LogicallyAirGappedBackupVault');
      expect(resources[LOGICAL_IDS.backupAccount.airGappedKey].Type).toBe('AWS::KMS::Key');
    }
  });
});

test.each(SHIPPED_CONFIGS)('%s (single account) has no backup account stack and no air-gapped copy', (file) => {
  const stacks = shippedStacks(shippedAssembly(file));
  expect(stacks.map((s) => s.id).filter((id) => id.startsWith(STACK_IDS.backupAccount))).toEqual([]);
  const backup = stacks.find((s) => s.id === STACK_IDS.backup)!;
  expect(JSON.stringify(backup.template)).not.toMatch(/backup-vault-lag|AirGapped/);
  expect((backup.template.Resources as Record<string, any>)[LOGICAL_IDS.backup.role].Properties.RoleName).toBeUndefined();
});
