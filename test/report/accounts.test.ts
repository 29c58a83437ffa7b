import { assemblyStack, cloudAssembly, type CfnTemplate } from '../../lib/assembly/model';
import { accountsSection } from '../../lib/report/accounts';
import { renderHtml } from '../../lib/report/html';
import { renderMarkdown } from '../../lib/report/markdown';
import { ORGANIZATION_CONFIG, shippedConfig } from '../helpers/config';
import { fixtureModel } from './fixture';

// The organization example's accounts.
const WORKLOAD = '111122223333';
const LOG_ARCHIVE = '222222222222';
const BACKUP = '333333333333';
const ORG = 'o-a1b2c3d4e5';

const keyGrantingTo = (condition: Record<string, Record<string, unknown>>): CfnTemplate => ({
  Resources: {
    ArchiveKey: {
      Type: 'AWS::KMS::Key',
      Properties: {
        KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:GenerateDataKey', Condition: condition }] },
      },
    },
  },
});
const replicationRole = `arn:aws:iam::${WORKLOAD}:role/acme-crm-org-trail-replication`;

const assembly = cloudAssembly({
  stacks: [
    assemblyStack({ id: 'Audit', account: WORKLOAD, region: 'us-east-1', template: { Resources: {} } }),
    assemblyStack({
      id: 'LogArchive',
      account: LOG_ARCHIVE,
      region: 'us-east-1',
      template: keyGrantingTo({
        StringEquals: { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': WORKLOAD },
        ArnEquals: { 'aws:PrincipalArn': replicationRole },
      }),
    }),
    assemblyStack({
      id: 'BackupAccount-us-west-2',
      account: BACKUP,
      region: 'us-west-2',
      template: keyGrantingTo({ StringEquals: { 'aws:PrincipalAccount': WORKLOAD } }),
    }),
  ],
});

describe('accounts and what crosses between them', () => {
  const section = accountsSection(assembly, shippedConfig(ORGANIZATION_CONFIG));

  test('each account with its part in the layout and its stacks', () => {
    expect(section.accounts).toEqual([
      { account: WORKLOAD, part: 'workload', stacks: [{ id: 'Audit', region: 'us-east-1' }] },
      { account: LOG_ARCHIVE, part: 'log archive', stacks: [{ id: 'LogArchive', region: 'us-east-1' }] },
      { account: BACKUP, part: 'backup', stacks: [{ id: 'BackupAccount-us-west-2', region: 'us-west-2' }] },
    ]);
  });

  test('every grant to another account, with the exact role and whether the organization scopes it', () => {
    expect(section.grants.map((g) => [g.stack, g.account, g.part, g.roleArns, g.inOrganization])).toEqual([
      ['LogArchive', WORKLOAD, 'workload', [replicationRole], true],
      ['BackupAccount-us-west-2', WORKLOAD, 'workload', [], false],
    ]);
  });

  test('both renderings show the accounts and flag a grant outside the organization', () => {
    const model = { ...fixtureModel(), accounts: section };
    const markdown = renderMarkdown(model);
    expect(markdown).toContain('## Accounts and what crosses between them');
    expect(markdown).toContain(`| \`${LOG_ARCHIVE}\` | log archive | LogArchive (us-east-1) |`);
    expect(markdown).toMatch(
      /\| BackupAccount-us-west-2 \(`333333333333`\) \| `ArchiveKey` AWS::KMS::Key \| `111122223333` \(workload\) \| by condition \| `kms:GenerateDataKey` \| \*\*no\*\* \|/,
    );
    const html = renderHtml(model);
    expect(html).toContain('<h2>Accounts and what crosses between them</h2>');
    expect(html).toContain('<span class="bad">no</span>');
  });

  test('a single-account deployment shows one account and, apart from load balancer log delivery, no grant', () => {
    const markdown = renderMarkdown(fixtureModel());
    expect(markdown).toContain('No resource or trust policy grants anything to a principal of another account.');
  });
});
