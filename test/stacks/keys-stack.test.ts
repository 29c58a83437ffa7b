import { Template } from 'aws-cdk-lib/assertions';
import { deploymentStackProps } from '../../lib/stacks/deployment-stack-props';
import { KeysStack } from '../../lib/stacks/keys-stack';
import { LOGICAL_IDS, STACK_IDS } from '../../lib/vocabulary';
import { shippedConfig } from '../helpers/config';
import { logicalIdOfL2, templateApp } from '../helpers/stand-ins';

/** The key policies themselves: test/capabilities/deployment-keys.test.ts. */
describe('Keys stack', () => {
  const config = shippedConfig('config/production.example.json');
  const stack = new KeysStack(templateApp(), STACK_IDS.keys, {
    ...deploymentStackProps(config, { part: 'keys', purpose: 'customer-managed KMS keys', stateful: true }),
    config,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;

  test('keeps every pinned logical ID at the top of its template', () => {
    // Changing these replaces the keys, which makes everything encrypted under them unreadable.
    const ids = LOGICAL_IDS.keys;
    expect(
      Object.fromEntries([ids.phi, ids.audit, ids.backup, ids.certificateSigning].map((id) => [id, resources[id]?.Type])),
    ).toEqual({
      PhiKey: 'AWS::KMS::Key',
      AuditKey: 'AWS::KMS::Key',
      BackupKey: 'AWS::KMS::Key',
      CertificateSigningKey: 'AWS::KMS::Key',
    });
    expect(resources.CertificateSigningKeyAlias?.Type).toBe('AWS::KMS::Alias');
  });

  test('exposes the pinned keys to the stacks that use them', () => {
    expect(logicalIdOfL2(stack.phiKey)).toBe('PhiKey');
    expect(logicalIdOfL2(stack.auditKey)).toBe('AuditKey');
    expect(logicalIdOfL2(stack.backupKey)).toBe('BackupKey');
    expect(logicalIdOfL2(stack.certificateSigningKey)).toBe('CertificateSigningKey');
  });

  test('the stack is termination-protected and says whether it holds PHI', () => {
    expect(stack.terminationProtection).toBe(true);
    expect(stack.templateOptions.description).toMatch(/Holds PHI under BAA AWS-BAA-ARTIFACT-EXAMPLE-0001/);
  });
});
