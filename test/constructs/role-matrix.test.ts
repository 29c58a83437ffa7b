import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { CRM_SCOPES, type RoleConfig } from '../../lib/config/schema-identity';
import { pascalCase, RoleMatrix } from '../../lib/constructs/role-matrix';
import { projectApp } from '../helpers/app';

const ROLES: RoleConfig[] = [
  { name: 'clerk', description: 'Front office', scopes: ['patients.read', 'patients.read', 'billing.read'] },
  { name: 'chief-auditor', description: 'Audits', scopes: ['audit.read'] },
];

function setup(roles: readonly RoleConfig[] = ROLES, identifier?: string) {
  const stack = new Stack(projectApp(), 'Id');
  const userPool = new cognito.UserPool(stack, 'Pool');
  return { stack, matrix: new RoleMatrix(stack, 'Roles', { userPool, roles, identifier }) };
}

describe('RoleMatrix', () => {
  test('maps each role to its de-duplicated full scope names under the identifier', () => {
    const { matrix } = setup(ROLES, 'records');
    expect(matrix.matrix).toEqual({
      clerk: ['records/patients.read', 'records/billing.read'],
      'chief-auditor': ['records/audit.read'],
    });
    expect(matrix.scopesOf('clerk')).toEqual(['records/patients.read', 'records/billing.read']);
    expect(() => matrix.scopesOf('janitor')).toThrow(/no role "janitor"/);
  });

  test('the resource server has every CRM scope; oauthScopes offers them all to a client', () => {
    const { stack, matrix } = setup();
    const [server] = Object.values(Template.fromStack(stack).findResources('AWS::Cognito::UserPoolResourceServer'));
    expect(server.Properties.Identifier).toBe('crm');
    expect(server.Properties.Scopes.map((s: { ScopeName: string }) => s.ScopeName)).toEqual([...CRM_SCOPES]);
    expect(matrix.oauthScopes()).toHaveLength(CRM_SCOPES.length);
  });

  test('one group per role with precedence by order', () => {
    const { stack } = setup();
    const groups = Object.values(Template.fromStack(stack).findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties);
    expect(groups.map((g) => [g.GroupName, g.Precedence])).toEqual([
      ['clerk', 0],
      ['chief-auditor', 1],
    ]);
    expect(groups[0].Description).toBe('Front office. Grants: crm/patients.read crm/billing.read');
  });

  test('refuses no roles and duplicate roles', () => {
    expect(() => setup([])).toThrow(/at least one role/);
    expect(() => setup([ROLES[1], ROLES[1]])).toThrow(/listed twice/);
  });

  test('pascalCase names group logical IDs', () => {
    expect(pascalCase('practice-manager')).toBe('PracticeManager');
    expect(pascalCase('billing')).toBe('Billing');
  });
});
