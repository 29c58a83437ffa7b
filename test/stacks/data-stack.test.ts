import { Template } from 'aws-cdk-lib/assertions';
import { DataStack } from '../../lib/stacks/data-stack';
import { deploymentStackProps } from '../../lib/stacks/deployment-stack-props';
import { LOGICAL_IDS, STACK_IDS } from '../../lib/vocabulary';
import { isCrossStackRef, KEY_IDS } from '../helpers/cfn-values';
import { shippedConfig, SHIPPED_CONFIGS } from '../helpers/config';
import { logicalIdOfL2, standInBackup, standInKeys, standInNetwork, templateApp } from '../helpers/stand-ins';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The database, the PHI documents bucket and the backup selection themselves: test/capabilities/data-tier.test.ts. */
describe.each(SHIPPED_CONFIGS)('Data stack from %s', (file) => {
  const config = shippedConfig(file);
  const app = templateApp();
  const keys = standInKeys(app, config);
  const network = standInNetwork(app, config);
  const backup = standInBackup(app, config);
  const stack = new DataStack(app, STACK_IDS.data, {
    ...deploymentStackProps(config, { part: 'data', purpose: 'database and PHI documents', stateful: true }),
    config,
    vpc: network.vpc,
    phiKey: keys.phiKey,
    auditKey: keys.auditKey,
    backupPlan: backup.plan,
    backupRole: backup.role,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;

  test('keeps every pinned logical ID at the top of its template', () => {
    const ids = Object.values(LOGICAL_IDS.data);
    expect(ids).toHaveLength(8);
    for (const id of ids) expect(resources[id]).toBeDefined();
    expect(logicalIdOfL2(stack.database.instance)).toBe('PhiDatabase');
    expect(logicalIdOfL2(stack.documents.bucket)).toBe('PhiDocumentsBucket');
    expect(logicalIdOfL2(stack.backupSelection)).toBe('PhiBackupSelection');
  });

  test('is stateful, and deploys after the Keys, Network and Backup stacks whose resources it uses', () => {
    // The dependency on the Dr stack (the replication destination) is wired in lib/app.ts (see test/app.test.ts).
    expect(stack.terminationProtection).toBe(true);
    expect(stack.dependencies).toEqual(expect.arrayContaining([keys.stack, network.stack, backup.stack]));
  });

  test('the database and the PHI documents are encrypted with the PHI key of the Keys stack', () => {
    expect(isCrossStackRef(resources.PhiDatabase.Properties.KmsKeyId, KEY_IDS.phi, 'Arn')).toBe(true);
    const encryption = resources.PhiDocumentsBucket.Properties.BucketEncryption as {
      ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { KMSMasterKeyID: unknown } }[];
    };
    const [rule] = encryption.ServerSideEncryptionConfiguration;
    expect(isCrossStackRef(rule.ServerSideEncryptionByDefault.KMSMasterKeyID, KEY_IDS.phi, 'Arn')).toBe(true);
  });

  test('the backup selection uses the plan and the role of the Backup stack', () => {
    const selection = resources.PhiBackupSelection.Properties as {
      BackupPlanId: unknown;
      BackupSelection: { IamRoleArn: unknown };
    };
    expect(isCrossStackRef(selection.BackupPlanId, 'BackupPlan', 'BackupPlanId')).toBe(true);
    expect(isCrossStackRef(selection.BackupSelection.IamRoleArn, 'BackupRole', 'Arn')).toBe(true);
  });
});
