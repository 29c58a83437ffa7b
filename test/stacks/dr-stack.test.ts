import { Template } from 'aws-cdk-lib/assertions';
import { deploymentStackProps } from '../../lib/stacks/deployment-stack-props';
import { DrStack } from '../../lib/stacks/dr-stack';
import { LOGICAL_IDS, STACK_IDS } from '../../lib/vocabulary';
import { shippedConfig, SHIPPED_CONFIGS } from '../helpers/config';
import { logicalIdOfL2, templateApp } from '../helpers/stand-ins';

/** The DR keys, replicas and vault themselves: test/capabilities/dr-region-store.test.ts. */
describe.each(SHIPPED_CONFIGS)('DR stack from %s', (file) => {
  const config = shippedConfig(file);
  const stack = new DrStack(templateApp(), STACK_IDS.dr, {
    ...deploymentStackProps(config, { part: 'dr', purpose: 'DR region', stateful: true, region: config.regions.dr }),
    config,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;

  test('is deployed to the DR region with termination protection', () => {
    expect(stack.region).toBe(config.regions.dr);
    expect(stack.region).not.toBe(config.regions.primary);
    expect(stack.terminationProtection).toBe(true);
  });

  test('keeps every pinned logical ID at the top of its template', () => {
    const typeOf = (id: string) =>
      ({ Key: 'AWS::KMS::Key', Alias: 'AWS::KMS::Alias', Bucket: 'AWS::S3::Bucket' })[
        id.match(/(Key|Alias|Bucket)$/)?.[1] ?? ''
      ] ?? 'AWS::Backup::BackupVault';
    const ids = Object.values(LOGICAL_IDS.dr);
    expect(ids).toHaveLength(13);
    for (const id of ids) expect([id, resources[id]?.Type]).toEqual([id, typeOf(id)]);
  });

  test('exposes the DR keys and the evidence replica to the DrOperations stack', () => {
    expect([stack.phiDrKey, stack.auditDrKey, stack.backupDrKey].map(logicalIdOfL2)).toEqual([
      'PhiDrKey',
      'AuditDrKey',
      'BackupDrKey',
    ]);
    expect(logicalIdOfL2(stack.evidenceReplica.bucket)).toBe('EvidenceReplicaBucket');
    expect(logicalIdOfL2(stack.backupVault)).toBe('BackupDrVault');
  });

  test("the evidence replica repeats the Audit stack's evidence lock: COMPLIANCE for the log retention", () => {
    expect(resources.EvidenceReplicaBucket.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.logs.retentionDays } },
    });
  });
});
