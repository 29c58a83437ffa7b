import { Template } from 'aws-cdk-lib/assertions';
import { BackupStack } from '../../lib/stacks/backup-stack';
import { deploymentStackProps } from '../../lib/stacks/deployment-stack-props';
import { STACK_IDS } from '../../lib/vocabulary';
import { isCrossStackRef, KEY_IDS } from '../helpers/cfn-values';
import { shippedConfig, SHIPPED_CONFIGS } from '../helpers/config';
import { logicalIdOfL2, standInKeys, templateApp } from '../helpers/stand-ins';

/** The vault, plan and role themselves: test/capabilities/backup-vaulting.test.ts. */
describe.each(SHIPPED_CONFIGS)('Backup stack from %s', (file) => {
  const config = shippedConfig(file);
  const app = templateApp();
  const keys = standInKeys(app, config);
  const stack = new BackupStack(app, STACK_IDS.backup, {
    ...deploymentStackProps(config, { part: 'backup', purpose: 'AWS Backup vault, plan and role', stateful: true }),
    config,
    backupKey: keys.backupKey,
    phiKey: keys.phiKey,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;

  test('is stateful: primary region, termination protection, deployed after the Keys stack', () => {
    // The dependency on the Dr stack is wired in lib/app.ts (see test/app.test.ts).
    expect(stack.region).toBe(config.regions.primary);
    expect(stack.terminationProtection).toBe(true);
    expect(stack.dependencies).toContain(keys.stack);
  });

  test('stateful resources keep their pinned logical IDs at the top of the template', () => {
    expect([resources.BackupVault?.Type, resources.BackupPlan?.Type, resources.BackupRole?.Type]).toEqual([
      'AWS::Backup::BackupVault',
      'AWS::Backup::BackupPlan',
      'AWS::IAM::Role',
    ]);
    expect([stack.vault, stack.plan, stack.role].map(logicalIdOfL2)).toEqual(['BackupVault', 'BackupPlan', 'BackupRole']);
  });

  test('the vault is encrypted with the backup key of the Keys stack', () => {
    expect(isCrossStackRef(resources.BackupVault.Properties.EncryptionKeyArn, KEY_IDS.backup, 'Arn')).toBe(true);
  });
});
