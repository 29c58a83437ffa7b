/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { WebAcl, type WebAclProps } from '../../lib/constructs/web-acl';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

const ENV = { account: '111122223333', region: 'us-east-1' };

function build(overrides: Partial<WebAclProps> = {}, keyInOtherStack = false) {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const stack = new Stack(app, 'Waf', { env: ENV });
  const keyStack = keyInOtherStack ? new Stack(app, 'Keys', { env: ENV }) : stack;
  const acl = new WebAcl(stack, 'WebAcl', {
    name: 'test',
    rateLimitPer5Minutes: 300,
    logEncryptionKey: new kms.Key(keyStack, 'Audit'),
    logRetention: logs.RetentionDays.SIX_YEARS,
    ...overrides,
  });
  return { stack, acl };
}

const rulesOf = (stack: Stack) =>
  (Object.values(Template.fromStack(stack).findResources('AWS::WAFv2::WebACL'))[0] as any).Properties.Rules as any[];

const acknowledgedIds = (root: Stack) =>
  root.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.keys(m.data as Record<string, string>));

describe('WebAcl', () => {
  test('defaults: anonymous IPs blocked without exemption, no allow-list, default ALLOW', () => {
    const { stack } = build();
    const rules = rulesOf(stack);
    expect(rules.map((r) => r.Name)).toEqual([
      'RateLimitPerAddress',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesAnonymousIpList',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesSQLiRuleSet',
    ]);
    expect(rules.map((r) => r.Priority)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rules[2].Statement.ManagedRuleGroupStatement.ScopeDownStatement).toBeUndefined();
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::WebACL', { DefaultAction: { Allow: {} } });
    Template.fromStack(stack).resourceCountIs('AWS::WAFv2::IPSet', 0);
  });

  test('one service-call path is exempted with a single match, case-insensitively', () => {
    const { stack } = build({ serviceCallPaths: ['/OAuth2/Token'], allowedCidrs: ['192.0.2.0/24'] });
    const rules = rulesOf(stack);
    const match = {
      ByteMatchStatement: {
        FieldToMatch: { UriPath: {} },
        PositionalConstraint: 'EXACTLY',
        SearchString: '/oauth2/token',
        TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
      },
    };
    expect(rules[2].Statement.ManagedRuleGroupStatement.ScopeDownStatement).toEqual({ NotStatement: { Statement: match } });
    expect(rules.find((r) => r.Name === 'AllowServiceCalls')).toMatchObject({ Action: { Allow: {} }, Statement: match });
  });

  test('an allow-list without service-call paths allows only the listed addresses', () => {
    const { stack, acl } = build({ allowedCidrs: ['192.0.2.0/24', '198.51.100.0/28'] });
    const allows = rulesOf(stack).filter((r) => r.Action?.Allow);
    expect(allows.map((r) => r.Name)).toEqual(['AllowListedAddresses']);
    expect(acl.allowedAddresses).toBeDefined();
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::IPSet', { Addresses: ['192.0.2.0/24', '198.51.100.0/28'] });
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::WebACL', { DefaultAction: { Block: {} } });
  });

  test('refuses a rate limit under the WAF minimum', () => {
    expect(() => build({ rateLimitPer5Minutes: 99 })).toThrow(/at least 100/);
  });

  test('associate() puts a resource behind the web ACL', () => {
    const { stack, acl } = build();
    acl.associate('Assoc', 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/x/1');
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/x/1',
      WebACLArn: { 'Fn::GetAtt': [stack.getLogicalId(acl.webAcl), 'Arn'] },
    });
  });

  test('acknowledges the log-group KMS guard false positive only for a key of another stack', () => {
    const id = 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check';
    expect(acknowledgedIds(build().stack)).not.toContain(id);
    expect(acknowledgedIds(build({}, true).stack)).toEqual([id]);
  });
});
