/**
 * Trust between accounts (issue 14): every statement that lets a principal of another account in is scoped by
 * `aws:PrincipalOrgID` and names an exact role, in every stack of every shipped config, whichever account
 * the stack is in.
 */
import { crossAccountTrustProblems } from './helpers/cross-account';
import { ALL_SHIPPED_CONFIGS } from './helpers/config';
import { shippedAssembly, shippedStacks } from './helpers/shipped-assembly';

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
  test.each<[string, Record<string, unknown>, number]>([
    ['another account root', statement({ AWS: `arn:aws:iam::${OTHER}:root` }, inOrg), 1],
    ['another account by bare ID, outside the organization', statement({ AWS: OTHER }), 2],
    ['a role of another account outside the organization', statement({ AWS: `arn:aws:iam::${OTHER}:role/x` }), 1],
    [
      'anyone, conditioned on another account, outside the organization',
      statement('*', { StringEquals: { 'aws:PrincipalAccount': OTHER } }),
      1,
    ],
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

describe.each(ALL_SHIPPED_CONFIGS)('cross-account trust in %s', (file) => {
  test('every stack, in every account: no other account is let in except by organization and exact role', () => {
    const stacks = shippedStacks(shippedAssembly(file));
    const problems = stacks.flatMap((s) =>
      crossAccountTrustProblems(
        s.template.Resources as never,
        /^\d{12}$/.test(s.artifact.environment.account) ? s.artifact.environment.account : undefined,
        /^[a-z]{2}(-[a-z]+)+-\d$/.test(s.artifact.environment.region) ? s.artifact.environment.region : undefined,
      ).map((p) => `${s.id}/${p}`),
    );
    expect(problems).toEqual([]);
  });
});
