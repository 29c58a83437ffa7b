/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
/**
 * The access-management half of the Identity stack: the role matrix from the config (groups and
 * scopes) and the break-glass role.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { buildDeployment, type Deployment } from '../../lib/app';
import { DENIED_PHI_ACTIONS, RESTORE_ACCESS_ACTIONS } from '../../lib/constructs/break-glass-role';
import type { DeploymentConfig } from '../../lib/config/schema';
import { DEFAULT_ROLES, type RoleConfig } from '../../lib/config/schema-identity';
import { roleGroupLogicalId } from '../../lib/stacks/identity-stack';
import { projectApp } from '../helpers/app';
import { flat, TEMPLATE_ONLY } from '../helpers/cfn-values';
import { rawConfig, shippedConfig, SHIPPED_CONFIGS } from '../helpers/config';

type Resource = { Type: string; Properties: Record<string, any>; [k: string]: unknown };
type Resources = Record<string, Resource>;

/** A practice with its own job functions, to show the matrix comes from the config. */
const CUSTOM_ROLES: RoleConfig[] = [
  { name: 'nurse', description: 'Triage and vitals', scopes: ['patients.read', 'clinical.read', 'clinical.write'] },
  { name: 'auditor', description: 'External HIPAA auditor', scopes: ['audit.read'] },
];

function build(file: string, roles?: RoleConfig[]): { config: DeploymentConfig; deployment: Deployment; resources: Resources } {
  const identity = (rawConfig(file).identity ?? {}) as Record<string, unknown>;
  const config = roles ? shippedConfig(file, { identity: { ...identity, roles } }) : shippedConfig(file);
  const deployment = buildDeployment(projectApp({ context: TEMPLATE_ONLY }), config);
  return { config, deployment, resources: Template.fromStack(deployment.identity).toJSON().Resources as Resources };
}

const groupsOf = (resources: Resources) =>
  Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Cognito::UserPoolGroup')
    .map(([id, r]) => ({ id, ...r.Properties }) as { id: string; [property: string]: any });

describe.each(SHIPPED_CONFIGS)('role matrix from %s', (file) => {
  describe.each([
    ['the default roles', undefined],
    ['custom roles', CUSTOM_ROLES],
  ])('with %s', (_, custom) => {
    let config: DeploymentConfig;
    let deployment: Deployment;
    let resources: Resources;
    beforeAll(() => ({ config, deployment, resources } = build(file, custom)));

    test('the config holds the roles under test', () => {
      expect(config.identity.roles).toEqual(custom ?? DEFAULT_ROLES);
    });

    test('one group per role, named after it, with a pinned logical ID and precedence by order', () => {
      expect(
        groupsOf(resources).map(({ id, GroupName, Precedence, UserPoolId }) => ({ id, GroupName, Precedence, UserPoolId })),
      ).toEqual(
        config.identity.roles.map((r, i) => ({
          id: roleGroupLogicalId(r.name),
          GroupName: r.name,
          Precedence: i,
          UserPoolId: { Ref: 'UserPool' },
        })),
      );
    });

    test("each group's description states its job and exactly the scopes the role grants", () => {
      const byName = Object.fromEntries(groupsOf(resources).map((g) => [g.GroupName, g.Description as string]));
      for (const role of config.identity.roles) {
        const granted = byName[role.name].split('Grants: ')[1].split(' ');
        expect(byName[role.name].startsWith(role.description)).toBe(true);
        expect(granted).toEqual(role.scopes.map((s) => `crm/${s}`));
      }
    });

    test('the stack hands the same matrix to the CRM, which enforces it', () => {
      expect(deployment.identity.roleScopes).toEqual(
        Object.fromEntries(config.identity.roles.map((r) => [r.name, r.scopes.map((s) => `crm/${s}`)])),
      );
      expect(Object.keys(deployment.identity.roleGroups)).toEqual(config.identity.roles.map((r) => r.name));
    });
  });

  test('roles whose names would share a logical ID are refused', () => {
    const clashing: RoleConfig[] = [
      { name: 'tier-1', description: 'a', scopes: ['patients.read'] },
      { name: 'tier1', description: 'b', scopes: ['patients.read'] },
    ];
    expect(() => build(file, clashing)).toThrow(/share the logical ID RoleGroupTier1/);
  });
});

describe.each(SHIPPED_CONFIGS)('break-glass role from %s', (file) => {
  let config: DeploymentConfig;
  let resources: Resources;
  beforeAll(() => ({ config, resources } = build(file)));
  const role = () => resources.BreakGlassRole.Properties;

  test('has the deterministic name the audit alarm matches, and one-hour sessions', () => {
    expect(role().RoleName).toBe(`${config.name}-break-glass`);
    expect(role().MaxSessionDuration).toBe(3600);
  });

  test('only principals of this account with MFA under one hour old may assume it', () => {
    const statements = role().AssumeRolePolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Condition: {
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
      },
    });
    expect(Object.keys(statements[0].Condition).sort()).toEqual(['Bool', 'NumericLessThan']);
    expect(flat(statements[0].Principal.AWS)).toBe(`arn:<AWS::Partition>:iam::${config.account ?? '<AWS::AccountId>'}:root`);
  });

  test('reads everything through ReadOnlyAccess, with no inline policy', () => {
    expect(role().ManagedPolicyArns.map(flat)).toEqual(['arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess']);
    expect(role().Policies).toBeUndefined();
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy')).toEqual([]);
  });

  test('may restore staff accounts in this user pool only, and may never read PHI directly', () => {
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');
    expect(policies).toHaveLength(1);
    const policy = policies[0].Properties;
    expect(policy.Roles).toEqual([{ Ref: 'BreakGlassRole' }]);
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Sid: 'RestoreStaffAccess',
        Effect: 'Allow',
        Action: [...RESTORE_ACCESS_ACTIONS].sort(),
        Resource: { 'Fn::GetAtt': ['UserPool', 'Arn'] },
      },
      { Sid: 'NeverReadPhiDirectly', Effect: 'Deny', Action: [...DENIED_PHI_ACTIONS].sort(), Resource: '*' },
    ]);
    expect(RESTORE_ACCESS_ACTIONS).not.toContain('cognito-idp:AdminSetUserPassword');
    expect(DENIED_PHI_ACTIONS).toEqual(expect.arrayContaining(['kms:Decrypt', 's3:GetObject', 'rds-db:connect']));
  });
});
