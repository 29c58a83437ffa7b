import { crossAccountGrants, crossAccountTrustProblems } from '../../lib/assembly/cross-account';

const WORKLOAD = '111122223333';
const OTHER = '444455556666';
const statement = (principal: unknown, condition?: Record<string, Record<string, unknown>>, action: unknown = 'kms:Decrypt') => ({
  Key: {
    Type: 'AWS::KMS::Key',
    Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: principal, Action: action, Condition: condition }] } },
  },
});
const inOrg = { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } };

describe('crossAccountTrustProblems', () => {
  test('the grants behind the problems say who, what and how they are scoped', () => {
    const grants = crossAccountGrants(
      statement('*', {
        StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'aws:PrincipalAccount': OTHER },
        ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${OTHER}:role/x` },
      }) as never,
      WORKLOAD,
      'us-east-1',
    );
    expect(grants).toEqual([
      {
        logicalId: 'Key',
        resourceType: 'AWS::KMS::Key',
        account: OTHER,
        principal: 'by condition',
        roleArns: [`arn:aws:iam::${OTHER}:role/x`],
        actions: ['kms:Decrypt'],
        inOrganization: true,
        loadBalancerLogDelivery: false,
      },
    ]);
  });

  test.each<[string, Record<string, unknown>, number]>([
    ['another account root', statement({ AWS: `arn:aws:iam::${OTHER}:root` }, inOrg), 1],
    ['another account by bare ID, outside the organization', statement({ AWS: OTHER }), 2],
    ['a role of another account outside the organization', statement({ AWS: `arn:aws:iam::${OTHER}:role/x` }), 1],
    [
      'anyone, conditioned on another account, outside the organization and without a role',
      statement('*', { StringEquals: { 'aws:PrincipalAccount': OTHER } }),
      2,
    ],
    [
      'anyone in the organization, conditioned on another account but no role',
      statement('*', { StringEquals: { 'aws:PrincipalAccount': OTHER, 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }),
      1,
    ],
    [
      'anyone in the organization, conditioned on a role pattern of another account',
      statement('*', {
        StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
        ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${OTHER}:role/cdk-*` },
      }),
      1,
    ],
    ['a role pattern of another account in the organization', statement({ AWS: `arn:aws:iam::${OTHER}:role/x*` }, inOrg), 1],
    [
      'a Lambda permission for another account root',
      { P: { Type: 'AWS::Lambda::Permission', Properties: { Principal: OTHER } } },
      2,
    ],
  ])('flags %s', (_, resources, count) => {
    expect(crossAccountTrustProblems(resources as never, WORKLOAD, 'us-east-1')).toHaveLength(count);
  });

  test.each<[string, Record<string, unknown>]>([
    ['an exact role of another account in the organization', statement({ AWS: `arn:aws:iam::${OTHER}:role/x` }, inOrg)],
    ['this account root', statement({ AWS: `arn:aws:iam::${WORKLOAD}:root` })],
    [
      'anyone in the organization who is an exact role of another account',
      statement('*', {
        StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'aws:PrincipalAccount': OTHER },
        ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${OTHER}:role/x` },
      }),
    ],
    [
      "the region's ELB account putting access logs",
      {
        B: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            PolicyDocument: {
              Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::127311923021:root' }, Action: 's3:PutObject' }],
            },
          },
        },
      },
    ],
    [
      'a Lambda permission for a role of another account in the organization',
      {
        P: {
          Type: 'AWS::Lambda::Permission',
          Properties: { Principal: `arn:aws:iam::${OTHER}:role/x`, PrincipalOrgID: 'o-a1b2c3d4e5' },
        },
      },
    ],
  ])('accepts %s', (_, resources) => {
    expect(crossAccountTrustProblems(resources as never, WORKLOAD, 'us-east-1')).toEqual([]);
  });

  test("the ELB account may do nothing else, and another region's ELB account not even that", () => {
    const elb = (account: string, action: string) => ({
      B: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          PolicyDocument: {
            Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: action }],
          },
        },
      },
    });
    expect(crossAccountTrustProblems(elb('127311923021', 's3:GetObject') as never, WORKLOAD, 'us-east-1')).toHaveLength(2);
    expect(crossAccountTrustProblems(elb('797873946194', 's3:PutObject') as never, WORKLOAD, 'us-east-1')).toHaveLength(2);
  });
});

describe('resource shares and vault access policies', () => {
  const share = (external: boolean) => ({
    Share: {
      Type: 'AWS::RAM::ResourceShare',
      Properties: {
        Principals: [OTHER],
        AllowExternalPrincipals: external,
        ResourceArns: ['arn:aws:backup:us-west-2:1:backup-vault:v'],
      },
    },
  });

  test('a RAM share with another account is a grant; it passes only with external principals kept out', () => {
    expect(crossAccountGrants(share(false) as never, WORKLOAD, 'us-east-1')).toEqual([
      expect.objectContaining({ resourceType: 'AWS::RAM::ResourceShare', account: OTHER, inOrganization: true }),
    ]);
    expect(crossAccountTrustProblems(share(false) as never, WORKLOAD, 'us-east-1')).toEqual([]);
    expect(crossAccountTrustProblems(share(true) as never, WORKLOAD, 'us-east-1')).toEqual([
      `Share: shares with account ${OTHER} outside the organization (AllowExternalPrincipals)`,
    ]);
  });

  test("a backup vault's access policy is read like any resource policy", () => {
    const vault = {
      Vault: {
        Type: 'AWS::Backup::LogicallyAirGappedBackupVault',
        Properties: {
          AccessPolicy: {
            Statement: [
              {
                Effect: 'Allow',
                Principal: '*',
                Action: 'backup:CopyIntoBackupVault',
                Condition: { StringEquals: { 'aws:PrincipalAccount': OTHER } },
              },
            ],
          },
        },
      },
    };
    expect(crossAccountTrustProblems(vault as never, WORKLOAD, 'us-east-1')).toEqual([
      `Vault: admits account ${OTHER} by condition without an exact role (aws:PrincipalArn)`,
      `Vault: admits account ${OTHER} without aws:PrincipalOrgID`,
    ]);
  });
});
