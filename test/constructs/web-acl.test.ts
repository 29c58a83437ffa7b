/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LARGE_BODY_RULE, SIZE_RESTRICTIONS_BODY, WebAcl, type WebAclProps } from '../../lib/constructs/web-acl';
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
    for (const rule of rules.slice(1)) expect(rule.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toBeUndefined();
    expect(JSON.stringify(rules)).not.toMatch(/"Count"|LabelMatchStatement/);
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

  test('an empty upload-path list changes nothing', () => {
    expect(rulesOf(build({ largeBodyPaths: [] }).stack)).toEqual(rulesOf(build().stack));
  });

  test('one upload path: only SizeRestrictions_BODY counts (labels), and the next rule blocks its label elsewhere', () => {
    const rules = rulesOf(build({ largeBodyPaths: ['/api/Documents'], blockAnonymousIps: false }).stack);
    expect(rules.map((r) => [r.Priority, r.Name])).toEqual([
      [0, 'RateLimitPerAddress'],
      [1, 'AWSManagedRulesAmazonIpReputationList'],
      [2, 'AWSManagedRulesKnownBadInputsRuleSet'],
      [3, 'AWSManagedRulesCommonRuleSet'],
      [4, LARGE_BODY_RULE],
      [5, 'AWSManagedRulesSQLiRuleSet'],
    ]);
    for (const rule of rules.filter((r) => r.Statement.ManagedRuleGroupStatement)) {
      expect(rule.OverrideAction).toEqual({ None: {} });
      expect(rule.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual(
        rule.Name === 'AWSManagedRulesCommonRuleSet'
          ? [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]
          : undefined,
      );
    }
    expect(JSON.stringify(rules).match(/"Count"/g)).toHaveLength(1);
    expect(rules[4]).toEqual({
      Name: LARGE_BODY_RULE,
      Priority: 4,
      Action: { Block: {} },
      Statement: {
        AndStatement: {
          Statements: [
            { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body' } },
            {
              NotStatement: {
                Statement: {
                  ByteMatchStatement: {
                    FieldToMatch: { UriPath: {} },
                    PositionalConstraint: 'STARTS_WITH',
                    SearchString: '/api/Documents',
                    TextTransformations: [{ Priority: 0, Type: 'NONE' }],
                  },
                },
              },
            },
          ],
        },
      },
      VisibilityConfig: { MetricName: `test-${LARGE_BODY_RULE}`, CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true },
    });
    expect(SIZE_RESTRICTIONS_BODY.label).toBe('awswaf:managed:aws:core-rule-set:SizeRestrictions_Body');
  });

  test('several upload paths are excluded with one OR, in the given order', () => {
    const rules = rulesOf(build({ largeBodyPaths: ['/api/documents', '/fhir/Binary'] }).stack);
    const large = rules.find((r) => r.Name === LARGE_BODY_RULE);
    expect(large.Priority).toBe(rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet').Priority + 1);
    const exempt = large.Statement.AndStatement.Statements[1].NotStatement.Statement.OrStatement.Statements;
    expect(exempt.map((s: any) => s.ByteMatchStatement.SearchString)).toEqual(['/api/documents', '/fhir/Binary']);
  });

  test.each([['documents'], ['/'], ['/api/*'], ['/api /documents'], [`/${'a'.repeat(200)}`]])(
    'refuses the upload path %j',
    (path) => {
      expect(() => build({ largeBodyPaths: [path] })).toThrow(/largeBodyPaths/);
    },
  );

  test('refuses more than 10 upload paths', () => {
    expect(() => build({ largeBodyPaths: Array.from({ length: 11 }, (_, i) => `/u${i}`) })).toThrow(/at most 10/);
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

  test('acknowledges nothing about the log-group key, in the same stack or another (the guard rules read the resolved key)', () => {
    const id = 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check';
    expect(acknowledgedIds(build().stack)).not.toContain(id);
    expect(acknowledgedIds(build({}, true).stack)).not.toContain(id);
  });
});
