/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
import { Template } from 'aws-cdk-lib/assertions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { buildAppStack, resourcesOf, type Resources } from '../helpers/app-stack';
import { isCrossStackRef, KEY_IDS } from '../helpers/cfn-values';
import { shippedConfig, SHIPPED_CONFIGS } from '../helpers/config';
import { logicalIdOf, logicalIdOfL2 } from '../helpers/stand-ins';

/** The load balancer, web ACL and CRM service themselves: test/capabilities/crm-app.test.ts. */
describe.each(SHIPPED_CONFIGS)('App stack from %s', (file) => {
  const config = shippedConfig(file);
  const built = buildAppStack(config);
  const { stack } = built;
  const resources: Resources = resourcesOf(stack);

  test('is stateless (no termination protection); its retained log stores keep their pinned logical IDs', () => {
    expect(stack.terminationProtection).toBe(false);
    for (const id of ['CrmServiceLogGroup', 'WafLogGroup', 'LoadBalancerAccessLogBucket']) {
      expect(resources[id]).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    }
    expect(logicalIdOfL2(stack.service.logGroup)).toBe('CrmServiceLogGroup');
    expect(logicalIdOfL2(stack.webAcl.logGroup)).toBe('WafLogGroup');
    expect(logicalIdOfL2(stack.loadBalancer.accessLogs.bucket)).toBe('LoadBalancerAccessLogBucket');
  });

  test('signs in with the pool, client and domain of the Identity stack, and the web ACL protects that pool', () => {
    const https = Object.values(resources).find(
      (r) => r.Type === 'AWS::ElasticLoadBalancingV2::Listener' && r.Properties.Port === 443,
    )!;
    const cognito = (https.Properties.DefaultActions as any[])[0].AuthenticateCognitoConfig;
    expect(isCrossStackRef(cognito.UserPoolArn, 'UserPool', 'Arn')).toBe(true);
    expect(isCrossStackRef(cognito.UserPoolClientId, 'AlbClient', 'Ref')).toBe(true);
    expect(isCrossStackRef(cognito.UserPoolDomain, 'UserPoolDomain', 'Ref')).toBe(true);
    const associations = Object.values(resources).filter((r) => r.Type === 'AWS::WAFv2::WebACLAssociation');
    expect(associations.some((a) => isCrossStackRef(a.Properties.ResourceArn, 'UserPool', 'Arn'))).toBe(true);
  });

  test('logs under the audit key of the Keys stack', () => {
    expect(isCrossStackRef(resources.CrmServiceLogGroup.Properties.KmsKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
    expect(isCrossStackRef(resources.WafLogGroup.Properties.KmsKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
  });

  test('the CRM reaches the Data stack database by a rule in this stack; the Data stack does not reference this one', () => {
    const dbSgId = logicalIdOf(built.data.database.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
    const ingress = Object.values(resources).filter(
      (r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && isCrossStackRef(r.Properties.GroupId, dbSgId, 'GroupId'),
    );
    expect(ingress).toHaveLength(1);
    expect(JSON.stringify(Template.fromStack(built.data.stack).toJSON())).not.toContain(stack.stackName);
    expect(built.data.stack.dependencies).not.toContain(stack);
    expect(stack.dependencies).toEqual(
      expect.arrayContaining([built.keys.stack, built.network.stack, built.identity.stack, built.data.stack]),
    );
  });
});
