import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { roleGroupLogicalId } from '../../lib/capabilities/staff-identity';
import { UserActivityLog } from '../../lib/constructs/user-activity-log';
import { deploymentStackProps } from '../../lib/stacks/deployment-stack-props';
import { IdentityStack } from '../../lib/stacks/identity-stack';
import { LOGICAL_IDS, STACK_IDS } from '../../lib/vocabulary';
import { isCrossStackRef } from '../helpers/cfn-values';
import { shippedConfig, SHIPPED_CONFIGS } from '../helpers/config';
import { ConfiguredStack, logicalIdOfL2, templateApp } from '../helpers/stand-ins';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The user pool, role matrix, client and break-glass role themselves: test/capabilities/staff-identity.test.ts. */
describe.each(SHIPPED_CONFIGS)('Identity stack from %s', (file) => {
  const config = shippedConfig(file);
  const app = templateApp();
  const stack = new IdentityStack(app, STACK_IDS.identity, {
    ...deploymentStackProps(config, { part: 'identity', purpose: 'user pool', stateful: true }),
    config,
  });
  // As the Audit stack does: its sign-in log export names this stack's pool.
  const audit = new ConfiguredStack(app, STACK_IDS.audit, config);
  new UserActivityLog(audit, 'SignInLog', {
    userPool: stack.userPool,
    encryptionKey: new kms.Key(audit, 'AuditKey'),
    retentionDays: config.logs.retentionDays,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  test('is stateful and keeps every pinned logical ID at the top of its template', () => {
    expect(stack.terminationProtection).toBe(true);
    const ids = LOGICAL_IDS.identity;
    expect(Object.fromEntries(Object.values(ids).map((id) => [id, resources[id]?.Type]))).toEqual({
      UserPool: 'AWS::Cognito::UserPool',
      UserPoolDomain: 'AWS::Cognito::UserPoolDomain',
      UserPoolRiskConfiguration: 'AWS::Cognito::UserPoolRiskConfigurationAttachment',
      CrmResourceServer: 'AWS::Cognito::UserPoolResourceServer',
      AlbClient: 'AWS::Cognito::UserPoolClient',
      AlbClientBranding: 'AWS::Cognito::ManagedLoginBranding',
      BreakGlassRole: 'AWS::IAM::Role',
    });
    expect(ofType('AWS::Cognito::UserPoolGroup').map(([id]) => id)).toEqual(
      config.identity.roles.map((r) => roleGroupLogicalId(r.name)),
    );
  });

  test('the stack exposes the pinned resources to the App and Operations stacks', () => {
    expect(logicalIdOfL2(stack.userPool)).toBe('UserPool');
    expect(logicalIdOfL2(stack.userPoolDomain)).toBe('UserPoolDomain');
    expect(logicalIdOfL2(stack.albClient)).toBe('AlbClient');
    expect(logicalIdOfL2(stack.resourceServer)).toBe('CrmResourceServer');
    expect(logicalIdOfL2(stack.breakGlassRole)).toBe('BreakGlassRole');
    expect(Object.keys(stack.roleGroups)).toEqual(config.identity.roles.map((r) => r.name));
    expect(Object.keys(stack.roleScopes)).toEqual(config.identity.roles.map((r) => r.name));
  });

  test('the stack has no log group and no log delivery: the Audit stack exports the activity of this pool to S3', () => {
    expect(ofType('AWS::Logs::LogGroup')).toEqual([]);
    expect(ofType('AWS::Cognito::LogDeliveryConfiguration')).toEqual([]);
    // The export refers to the pool by its pinned logical ID, across stacks.
    const [delivery] = Object.values(Template.fromStack(audit).findResources('AWS::Cognito::LogDeliveryConfiguration'));
    expect(isCrossStackRef(delivery.Properties.UserPoolId, 'UserPool', 'Ref')).toBe(true);
  });
});
