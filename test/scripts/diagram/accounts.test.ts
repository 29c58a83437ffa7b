import { assemblyStack, cloudAssembly } from '../../../lib/assembly/model';
import { accountsArrows, accountsMermaid } from '../../../scripts/diagram/accounts';

const WORKLOAD = '111122223333';
const ARCHIVE = '222222222222';
const MANAGEMENT = '111111111111';
const ORG = 'o-a1b2c3d4e5';
const role = (name: string) => ({ Type: 'AWS::IAM::Role', Properties: { RoleName: name } });
const grantTo = (arn: string, action: string) => ({
  Effect: 'Allow',
  Principal: '*',
  Action: action,
  Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG }, ArnEquals: { 'aws:PrincipalArn': arn } },
});

const assembly = cloudAssembly({
  stacks: [
    assemblyStack({
      id: 'Audit',
      account: WORKLOAD,
      region: 'us-east-1',
      template: { Resources: { Role: role('crm-trail-replication') } },
    }),
    assemblyStack({
      id: 'LogArchive',
      account: ARCHIVE,
      region: 'us-east-1',
      template: {
        Resources: {
          Policy: {
            Type: 'AWS::S3::BucketPolicy',
            Properties: {
              PolicyDocument: {
                Statement: [
                  grantTo(`arn:aws:iam::${WORKLOAD}:role/crm-trail-replication`, 's3:ReplicateObject'),
                  grantTo(`arn:aws:iam::${WORKLOAD}:role/crm-trail-replication`, 's3:ReplicateTags'),
                ],
              },
            },
          },
          Reader: {
            Type: 'AWS::IAM::Role',
            Properties: {
              AssumeRolePolicyDocument: {
                Statement: [
                  grantTo(`arn:aws:iam::${WORKLOAD}:role/cdk-hnb659fds-cfn-exec-role-${WORKLOAD}-us-east-1`, 'sts:AssumeRole'),
                ],
              },
            },
          },
        },
      },
    }),
    assemblyStack({
      id: 'Guardrails',
      account: MANAGEMENT,
      region: 'us-east-1',
      template: {
        Resources: {
          Scp: {
            Type: 'AWS::Organizations::Policy',
            Properties: { Type: 'SERVICE_CONTROL_POLICY', Name: 'crm-guardrails-data', TargetIds: ['ou-ab12-cd34ef56'] },
          },
        },
      },
    }),
  ],
});
const parts = new Map([
  [WORKLOAD, 'workload'],
  [ARCHIVE, 'log archive'],
  [MANAGEMENT, 'management'],
]);

describe('the accounts diagram', () => {
  const arrows = accountsArrows({ assembly, parts, workloadAccount: WORKLOAD });

  test("a grant to a role is drawn from the stack that creates the role, with every action of that pair's grants", () => {
    expect(arrows).toContainEqual({
      from: 'stack_Audit',
      to: 'stack_LogArchive',
      label: 's3: ReplicateObject, ReplicateTags',
      dotted: false,
    });
  });

  test('a grant to a role no stack creates is drawn from its account', () => {
    expect(arrows).toContainEqual({
      from: `account_${WORKLOAD}`,
      to: 'stack_LogArchive',
      label: 'sts: AssumeRole',
      dotted: false,
    });
  });

  test('a service control policy is a dotted arrow to the workload account, naming the OU', () => {
    expect(arrows).toContainEqual({
      from: 'stack_Guardrails',
      to: `account_${WORKLOAD}`,
      label: 'SCP crm-guardrails-data on ou-ab12-cd34ef56',
      dotted: true,
    });
    expect(arrows).toHaveLength(3);
  });

  test('each account is a box with its part and its stacks', () => {
    const mermaid = accountsMermaid({ assembly, parts, workloadAccount: WORKLOAD });
    expect(mermaid).toContain(`subgraph account_${ARCHIVE}["log archive account ${ARCHIVE}"]`);
    expect(mermaid).toContain('stack_LogArchive["LogArchive<br/>us-east-1"]');
    expect(mermaid).toContain('stack_Audit -->|"s3: ReplicateObject, ReplicateTags"| stack_LogArchive');
  });
});
