import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { STATEFUL_REMOVAL_POLICY } from '../compliance/retention';

/** AWS managed rule groups that always block, in evaluation order (the anonymous-IP list is optional). */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

/** The common rule set's rule that blocks request bodies over 8 KB, and the label it adds to them. */
export const SIZE_RESTRICTIONS_BODY = {
  ruleGroup: 'AWSManagedRulesCommonRuleSet',
  rule: 'SizeRestrictions_BODY',
  label: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body',
} as const;

/** The rule that blocks what `SizeRestrictions_BODY` labels, except on the configured upload paths. */
export const LARGE_BODY_RULE = 'BlockLargeBodiesOutsideUploadPaths';

/** Blocks VPNs, proxies, Tor exit nodes and hosting providers. */
export const ANONYMOUS_IP_RULE_GROUP = 'AWSManagedRulesAnonymousIpList';

/**
 * Request headers never written to the WAF logs: they carry session cookies and bearer tokens.
 * The query string is redacted too: search parameters can hold PHI, and OAuth callbacks carry codes.
 */
export const REDACTED_HEADERS = ['authorization', 'cookie'] as const;

export interface WebAclProps {
  /** Name of the web ACL; prefixes its metrics and names the log group `aws-waf-logs-<name>`. */
  readonly name: string;
  /** Requests one client address may make in any 5-minute window before it is blocked (>= 100). */
  readonly rateLimitPer5Minutes: number;
  /** Block VPNs, proxies, Tor and hosting providers (AWS anonymous-IP list). @default true */
  readonly blockAnonymousIps?: boolean;
  /**
   * IPv4 CIDRs that may reach the protected resources. When non-empty the default action is BLOCK
   * and only these addresses are allowed, after every blocking rule had its say.
   * @default [] - every address is allowed (default action ALLOW)
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * URI paths that AWS services call server to server from AWS addresses, e.g. the load balancer's
   * calls to Cognito's `/oauth2/token` and `/oauth2/userInfo` (they need the client secret or a
   * token). Exempt from the allow-list and from the anonymous-IP list, whose hosting-provider part
   * covers AWS's own addresses; every other rule still applies. Matched case-insensitively, exactly.
   * @default [] - no exemption
   */
  readonly serviceCallPaths?: readonly string[];
  /**
   * URI path prefixes (e.g. `/api/documents`) where request bodies over 8 KB are allowed, for
   * document uploads. Matched case-sensitively, as a prefix of the raw (not URL-decoded) path. Each
   * starts with `/`, is not `/` alone, and holds no whitespace or `*`; at most 10.
   * @default [] - bodies over 8 KB are blocked everywhere, by the common rule set itself
   */
  readonly largeBodyPaths?: readonly string[];
  /** Encrypts the WAF log group. */
  readonly logEncryptionKey: kms.IKey;
  /** Retention of the WAF log group. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * A regional AWS WAF web ACL in blocking mode (HIPAA 164.308(a)(1)(ii)(B) risk management,
 * 164.312(e)(1)), logged to CloudWatch Logs (164.312(b)). Associate it with `associate()`.
 *
 * Rule order: the per-address rate limit, then the AWS managed rule groups (override action `none`:
 * each group blocks what it matches; no group is in count mode), then, with an allow-list, the allow
 * rules. Managed groups never allow, so allowed addresses are still inspected by every blocking rule.
 *
 * Document uploads (`largeBodyPaths`): the common rule set's `SizeRestrictions_BODY` blocks every
 * body over 8 KB, the most a load balancer passes to WAF, so that nothing travels uninspected. With
 * upload paths configured, that one rule's action is overridden to count, which in WAF only means
 * "add the label `awswaf:managed:aws:core-rule-set:SizeRestrictions_Body` and go on"; the rule
 * right after the common rule set, `BlockLargeBodiesOutsideUploadPaths`, blocks every request with
 * that label whose URI path does not start with an upload path (AWS's documented label-match
 * pattern). This is not count mode: the group and every other rule in it still block, and an
 * oversized body is still blocked everywhere except on the upload paths. There, the bytes past the
 * first 8 KB are not inspected by WAF (the first 8 KB still are, by every body rule); the
 * application must validate what it accepts. Prefixes match case-sensitively (no transformation):
 * an exemption should be as narrow as possible, so `/API/Documents` or `/api/%64ocuments` stay
 * blocked, failing closed; `../` in a path is blocked by the common rule set (GenericLFI_URIPATH).
 * Without upload paths there is no override at all.
 *
 * Logs go to `aws-waf-logs-<name>` (WAF requires the prefix), encrypted with the given key, retained
 * on stack deletion, with the `authorization` and `cookie` headers and the query string redacted. An
 * account-level CloudWatch Logs resource policy lets the log delivery service write into that group
 * only, for this account; created here so WAF need not create a broader one itself.
 */
export class WebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;
  readonly loggingConfiguration: wafv2.CfnLoggingConfiguration;
  /** The allow-listed addresses, when there are any. */
  readonly allowedAddresses?: wafv2.CfnIPSet;

  private readonly name: string;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    if (props.rateLimitPer5Minutes < 100) throw new Error('WebAcl: rateLimitPer5Minutes must be at least 100');
    this.name = props.name;
    const allowedCidrs = props.allowedCidrs ?? [];
    const serviceCallPaths = props.serviceCallPaths ?? [];

    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    const add = (name: string, rule: Omit<wafv2.CfnWebACL.RuleProperty, 'name' | 'priority' | 'visibilityConfig'>) =>
      rules.push({ name, priority: rules.length, visibilityConfig: this.visibility(name), ...rule });
    const largeBodyPaths = props.largeBodyPaths ?? [];
    for (const path of largeBodyPaths) {
      if (!/^\/[^\s*]+$/.test(path) || path.length > 200) {
        throw new Error(`WebAcl: largeBodyPaths "${path}" must start with "/", not be "/" alone, and hold no whitespace or "*"`);
      }
    }
    if (largeBodyPaths.length > 10) throw new Error('WebAcl: at most 10 largeBodyPaths');

    const managed = (
      group: string,
      scopeDownStatement?: wafv2.CfnWebACL.StatementProperty,
      ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[],
    ) =>
      add(group, {
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: { vendorName: 'AWS', name: group, scopeDownStatement, ruleActionOverrides },
        },
      });

    add('RateLimitPerAddress', {
      action: { block: {} },
      statement: {
        rateBasedStatement: { limit: props.rateLimitPer5Minutes, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
      },
    });
    managed('AWSManagedRulesAmazonIpReputationList');
    if (props.blockAnonymousIps ?? true) {
      managed(
        ANONYMOUS_IP_RULE_GROUP,
        serviceCallPaths.length ? { notStatement: { statement: pathIsOneOf(serviceCallPaths) } } : undefined,
      );
    }
    for (const group of MANAGED_RULE_GROUPS.slice(1)) {
      if (group !== SIZE_RESTRICTIONS_BODY.ruleGroup || !largeBodyPaths.length) {
        managed(group);
        continue;
      }
      // The size rule only labels; the next rule blocks the label outside the upload paths.
      managed(group, undefined, [{ name: SIZE_RESTRICTIONS_BODY.rule, actionToUse: { count: {} } }]);
      add(LARGE_BODY_RULE, {
        action: { block: {} },
        statement: {
          andStatement: {
            statements: [
              { labelMatchStatement: { scope: 'LABEL', key: SIZE_RESTRICTIONS_BODY.label } },
              { notStatement: { statement: pathStartsWithOneOf(largeBodyPaths) } },
            ],
          },
        },
      });
    }

    if (allowedCidrs.length) {
      this.allowedAddresses = new wafv2.CfnIPSet(this, 'AllowedAddresses', {
        name: `${props.name}-allowed`,
        description: 'Office networks that may reach the CRM and its sign-in pages',
        scope: 'REGIONAL',
        ipAddressVersion: 'IPV4',
        addresses: [...allowedCidrs],
      });
      if (serviceCallPaths.length) add('AllowServiceCalls', { action: { allow: {} }, statement: pathIsOneOf(serviceCallPaths) });
      add('AllowListedAddresses', {
        action: { allow: {} },
        statement: { ipSetReferenceStatement: { arn: this.allowedAddresses.attrArn } },
      });
    }

    this.webAcl = new wafv2.CfnWebACL(this, 'Resource', {
      name: props.name,
      description: allowedCidrs.length
        ? 'CRM - managed rules and rate limit block, only allow-listed networks are admitted'
        : 'CRM - managed rules and rate limit block, all other requests are admitted',
      scope: 'REGIONAL',
      defaultAction: allowedCidrs.length ? { block: {} } : { allow: {} },
      rules,
      visibilityConfig: this.visibility('WebAcl'),
    });

    const { logGroup, loggingConfiguration } = this.createLogging(props);
    this.logGroup = logGroup;
    this.loggingConfiguration = loggingConfiguration;
  }

  /** Puts `resourceArn` (a load balancer, a Cognito user pool, ...) behind this web ACL. */
  associate(id: string, resourceArn: string): wafv2.CfnWebACLAssociation {
    return new wafv2.CfnWebACLAssociation(this, id, { resourceArn, webAclArn: this.webAcl.attrArn });
  }

  private visibility(metric: string): wafv2.CfnWebACL.VisibilityConfigProperty {
    return { metricName: `${this.name}-${metric}`, cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true };
  }

  private createLogging(props: WebAclProps) {
    const stack = Stack.of(this);
    const logGroupName = `aws-waf-logs-${props.name}`;
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName,
      encryptionKey: props.logEncryptionKey,
      retention: props.logRetention,
      removalPolicy: STATEFUL_REMOVAL_POLICY,
    });
    // WAF wants the log group ARN without the ":*" suffix that the CloudFormation attribute carries.
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const deliveryPolicy = new logs.ResourcePolicy(this, 'LogDeliveryPolicy', {
      resourcePolicyName: `${logGroupName}-delivery`,
      policyStatements: [
        new iam.PolicyStatement({
          sid: 'WafLogDelivery',
          principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroupArn}:log-stream:*`],
          conditions: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*` },
          },
        }),
      ],
    });
    const loggingConfiguration = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [logGroupArn],
      redactedFields: [...REDACTED_HEADERS.map((name) => ({ singleHeader: { Name: name } })), { queryString: {} }],
    });
    loggingConfiguration.node.addDependency(logGroup, deliveryPolicy);
    return { logGroup, loggingConfiguration };
  }
}

/** Matches requests whose URI path starts with one of `prefixes`, case-sensitively. */
function pathStartsWithOneOf(prefixes: readonly string[]): wafv2.CfnWebACL.StatementProperty {
  const statements = prefixes.map((prefix): wafv2.CfnWebACL.StatementProperty => ({
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: prefix,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  }));
  return statements.length === 1 ? statements[0] : { orStatement: { statements } };
}

/** Matches requests whose URI path (lower-cased) is exactly one of `paths`. */
function pathIsOneOf(paths: readonly string[]): wafv2.CfnWebACL.StatementProperty {
  const statements = paths.map((path): wafv2.CfnWebACL.StatementProperty => ({
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'EXACTLY',
      searchString: path.toLowerCase(),
      textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
    },
  }));
  return statements.length === 1 ? statements[0] : { orStatement: { statements } };
}
