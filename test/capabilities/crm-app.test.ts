/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
/**
 * The CRM app: its load balancer and web ACL, and the CRM service (Fargate, container hardening, IAM and
 * network access), built with stand-ins for the Keys, Network, Identity and Data stacks.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { crmAppSettings } from '../../lib/capabilities/crm-app';
import type { DeploymentConfig } from '../../lib/config/schema';
import {
  buildCrmApp,
  CrmAppFixture,
  flatExports,
  flatPartitioned,
  onlyIn,
  resourcesOf,
  webAclRules,
  type Resources,
} from '../helpers/app-stack';
import { flat, isCrossStackRef, KEY_IDS, PRIVATE_BUCKET } from '../helpers/cfn-values';
import { shippedConfig, SHIPPED_CONFIGS } from '../helpers/config';
import { logicalIdOfL2 } from '../helpers/stand-ins';
import { guardDutyFargateAgentRepositoryArn } from '../../lib/constructs/guardduty-agent';

/** Retained log stores and their pinned logical IDs. */
const PINNED = {
  CrmServiceLogGroup: 'AWS::Logs::LogGroup',
  WafLogGroup: 'AWS::Logs::LogGroup',
  LoadBalancerAccessLogBucket: 'AWS::S3::Bucket',
} as const;

const S3_PREFIX_LIST_US_EAST_1 = 'pl-63a5400a';

describe.each(SHIPPED_CONFIGS)('CrmApp load balancer and web ACL from %s', (file) => {
  let config: DeploymentConfig;
  let resources: Resources;
  let account: string;
  const fx = new CrmAppFixture(file);

  beforeAll(() => {
    fx.load();
    ({ config, resources, account } = fx);
  });

  const ofType = (type: string) => fx.ofType(type);
  const only = (type: string) => fx.only(type);
  const rulesOf = (type: string) => fx.propertiesOf(type);
  const albSg = () => fx.albSecurityGroupId;
  const crmSg = () => fx.crmSecurityGroupId;
  const loadBalancer = () => only('AWS::ElasticLoadBalancingV2::LoadBalancer');
  const attributes = () =>
    Object.fromEntries((loadBalancer()[1].Properties.LoadBalancerAttributes as any[]).map((a) => [a.Key, a.Value]));
  const listener = (port: number) => {
    const found = ofType('AWS::ElasticLoadBalancingV2::Listener').filter(([, l]) => l.Properties.Port === port);
    expect(found).toHaveLength(1);
    return found[0][1].Properties;
  };

  describe('stateful resources', () => {
    test('the retained log stores keep their pinned logical IDs and are retained', () => {
      for (const [id, type] of Object.entries(PINNED)) {
        expect(resources[id]).toMatchObject({
          Type: type,
          DeletionPolicy: 'RetainExceptOnCreate',
          UpdateReplacePolicy: 'Retain',
        });
      }
      const { service, webAcl, loadBalancer } = fx.built.crm;
      expect([service.logGroup, webAcl.logGroup, loadBalancer.accessLogs.bucket].map(logicalIdOfL2)).toEqual(Object.keys(PINNED));
    });
  });

  describe('load balancer', () => {
    test('is internet-facing, IPv4, in the Public subnets, behind its own security group', () => {
      const props = loadBalancer()[1].Properties;
      expect(props).toMatchObject({ Scheme: 'internet-facing', Type: 'application', IpAddressType: 'ipv4' });
      fx.expectRefsTo(props.Subnets, fx.subnetIdsOf('Public'));
      expect(props.SecurityGroups).toEqual([{ 'Fn::GetAtt': [albSg(), 'GroupId'] }]);
    });

    test('drops invalid headers, mitigates desync strictly, has deletion protection and access logs', () => {
      expect(attributes()).toMatchObject({
        'deletion_protection.enabled': 'true',
        'routing.http.drop_invalid_header_fields.enabled': 'true',
        'routing.http.desync_mitigation_mode': 'strictest',
        'access_logs.s3.enabled': 'true',
        'access_logs.s3.bucket': { Ref: 'LoadBalancerAccessLogBucket' },
      });
      // WAF fails closed: the attribute is absent (default false) or false.
      expect(attributes()['waf.fail_open.enabled'] ?? 'false').toBe('false');
      expect(loadBalancer()[1].DependsOn).toContain(
        ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === 'LoadBalancerAccessLogBucket')![0],
      );
    });

    test('has exactly an HTTPS and an HTTP listener', () => {
      expect(
        ofType('AWS::ElasticLoadBalancingV2::Listener')
          .map(([, l]) => [l.Properties.Port, l.Properties.Protocol])
          .sort(),
      ).toEqual([
        [443, 'HTTPS'],
        [80, 'HTTP'],
      ]);
    });

    test('HTTPS uses the TLS 1.3 policy (TLS 1.2 restricted, post-quantum key exchange)', () => {
      expect(listener(443).SslPolicy).toBe('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09');
    });

    test('HTTPS authenticates every request with Cognito, then forwards to the CRM', () => {
      const actions = listener(443).DefaultActions as any[];
      expect(actions.map((a) => [a.Order, a.Type])).toEqual([
        [1, 'authenticate-cognito'],
        [2, 'forward'],
      ]);
      const cognito = actions[0].AuthenticateCognitoConfig;
      expect(cognito).toMatchObject({ OnUnauthenticatedRequest: 'authenticate', SessionTimeout: '900', Scope: 'openid email' });
      expect(isCrossStackRef(cognito.UserPoolArn, 'UserPool', 'Arn')).toBe(true);
      expect(isCrossStackRef(cognito.UserPoolClientId, 'AlbClient', 'Ref')).toBe(true);
      expect(isCrossStackRef(cognito.UserPoolDomain, 'UserPoolDomain', 'Ref')).toBe(true);
      const [targetGroupId] = only('AWS::ElasticLoadBalancingV2::TargetGroup');
      expect(actions[1].TargetGroupArn).toEqual({ Ref: targetGroupId });
    });

    test('HTTP only redirects, permanently, to HTTPS', () => {
      expect(listener(80).DefaultActions).toEqual([
        { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
      ]);
      expect(listener(80).Certificates).toBeUndefined();
    });

    test('the target group health-checks the configured path on the container port', () => {
      expect(only('AWS::ElasticLoadBalancingV2::TargetGroup')[1].Properties).toMatchObject({
        TargetType: 'ip',
        Protocol: 'HTTP',
        Port: config.workload.containerPort,
        HealthCheckPath: config.workload.healthCheckPath,
        Matcher: { HttpCode: '200' },
      });
    });

    test('the certificate and DNS come from the config', () => {
      const certificates = listener(443).Certificates as any[];
      expect(certificates).toHaveLength(1);
      const records = ofType('AWS::Route53::RecordSet');
      if (config.domain.certificateArn) {
        expect(certificates[0].CertificateArn).toBe(config.domain.certificateArn);
        expect(ofType('AWS::CertificateManager::Certificate')).toEqual([]);
        expect(records).toEqual([]);
      } else {
        const zone = config.domain.hostedZone!;
        const [certId, cert] = only('AWS::CertificateManager::Certificate');
        expect(certificates[0].CertificateArn).toEqual({ Ref: certId });
        expect(cert.Properties).toMatchObject({
          DomainName: config.domain.name,
          ValidationMethod: 'DNS',
          DomainValidationOptions: [{ DomainName: config.domain.name, HostedZoneId: zone.id }],
        });
        expect(records).toHaveLength(1);
        expect(records[0][1].Properties).toMatchObject({ Name: `${config.domain.name}.`, Type: 'A', HostedZoneId: zone.id });
        expect(records[0][1].Properties.AliasTarget.DNSName).toBeDefined();
      }
    });

    test('access logs go to an SSE-S3, private, versioned bucket writable only by ELB log delivery', () => {
      const bucket = resources.LoadBalancerAccessLogBucket.Properties;
      expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ]);
      expect(bucket).toMatchObject({ ...PRIVATE_BUCKET, VersioningConfiguration: { Status: 'Enabled' } });
      expect(bucket.LifecycleConfiguration.Rules).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Id: 'expire-access-logs', ExpirationInDays: config.logs.retentionDays }),
        ]),
      );
      const [, policy] = ofType('AWS::S3::BucketPolicy').find(
        ([, p]) => p.Properties.Bucket.Ref === 'LoadBalancerAccessLogBucket',
      )!;
      const statements = flatPartitioned(policy.Properties.PolicyDocument.Statement) as any[];
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Sid: 'DenyDeletingAccessLogs',
            Effect: 'Deny',
            Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          }),
          // The ELB log-delivery account of us-east-1.
          {
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { AWS: 'arn:<AWS::Partition>:iam::127311923021:root' },
            Resource: `<LoadBalancerAccessLogBucket.Arn>/AWSLogs/${account}/*`,
          },
        ]),
      );
      const writers = statements.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes('s3:PutObject'));
      for (const w of writers) expect(w.Resource).toBe(`<LoadBalancerAccessLogBucket.Arn>/AWSLogs/${account}/*`);
    });

    test('security group: 443 and 80 from anywhere in; out only to the CRM port and HTTPS for Cognito', () => {
      const sg = resources[albSg()].Properties;
      expect(sg.SecurityGroupIngress).toEqual([
        expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
        expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 80, ToPort: 80 }),
      ]);
      expect(sg.SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
      ]);
      const own = { 'Fn::GetAtt': [albSg(), 'GroupId'] };
      expect(rulesOf('AWS::EC2::SecurityGroupEgress').filter((r) => JSON.stringify(r.GroupId) === JSON.stringify(own))).toEqual([
        expect.objectContaining({
          DestinationSecurityGroupId: { 'Fn::GetAtt': [crmSg(), 'GroupId'] },
          FromPort: config.workload.containerPort,
          ToPort: config.workload.containerPort,
        }),
      ]);
      expect(rulesOf('AWS::EC2::SecurityGroupIngress').filter((r) => JSON.stringify(r.GroupId) === JSON.stringify(own))).toEqual(
        [],
      );
    });
  });

  describe('web ACL', () => {
    const managedGroups = () => webAclRules(resources).filter((r) => r.Statement.ManagedRuleGroupStatement);

    test('is regional, with metrics and sampled requests on the ACL and on every rule', () => {
      const acl = only('AWS::WAFv2::WebACL')[1].Properties;
      expect(acl.Scope).toBe('REGIONAL');
      for (const v of [acl.VisibilityConfig, ...acl.Rules.map((r: any) => r.VisibilityConfig)]) {
        expect(v).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
      }
    });

    test('every managed rule group blocks (override action None), in order; the only count is SizeRestrictions_BODY, with upload paths', () => {
      const expected = [
        'AWSManagedRulesAmazonIpReputationList',
        ...(config.waf.blockAnonymousIps ? ['AWSManagedRulesAnonymousIpList'] : []),
        'AWSManagedRulesKnownBadInputsRuleSet',
        'AWSManagedRulesCommonRuleSet',
        'AWSManagedRulesSQLiRuleSet',
      ];
      expect(managedGroups().map((r) => r.Statement.ManagedRuleGroupStatement.Name)).toEqual(expected);
      for (const rule of managedGroups()) {
        expect(rule.OverrideAction).toEqual({ None: {} });
        expect(rule.Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS' });
        expect(rule.Statement.ManagedRuleGroupStatement.ExcludedRules).toBeUndefined();
        const overrides = rule.Statement.ManagedRuleGroupStatement.RuleActionOverrides;
        if (rule.Name === 'AWSManagedRulesCommonRuleSet' && config.waf.largeBodyPaths.length) {
          expect(overrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
        } else {
          expect(overrides).toBeUndefined();
        }
      }
      // No other Count anywhere in the web ACL: no rule action, no override action, no other rule.
      const common = webAclRules(resources).findIndex((r) => r.Name === 'AWSManagedRulesCommonRuleSet');
      expect(countPaths(only('AWS::WAFv2::WebACL')[1].Properties)).toEqual(
        config.waf.largeBodyPaths.length
          ? [`Rules.${common}.Statement.ManagedRuleGroupStatement.RuleActionOverrides.0.ActionToUse.Count`]
          : [],
      );
    });

    test('bodies over 8 KB: blocked by the common rule set, or right after it by label outside the upload paths only', () => {
      const rules = webAclRules(resources);
      const common = rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet');
      const labelRules = rules.filter((r) => JSON.stringify(r.Statement).includes('LabelMatchStatement'));
      if (!config.waf.largeBodyPaths.length) {
        expect(labelRules).toEqual([]);
        expect(rules.map((r) => r.Name)).not.toContain('BlockLargeBodiesOutsideUploadPaths');
        return;
      }
      expect(labelRules.map((r) => r.Name)).toEqual(['BlockLargeBodiesOutsideUploadPaths']);
      const [large] = labelRules;
      expect(large.Priority).toBe(common.Priority + 1);
      const prefix = (path: string) => ({
        ByteMatchStatement: {
          FieldToMatch: { UriPath: {} },
          PositionalConstraint: 'STARTS_WITH',
          SearchString: path,
          TextTransformations: [{ Priority: 0, Type: 'NONE' }],
        },
      });
      const paths = config.waf.largeBodyPaths.map(prefix);
      expect(large).toEqual({
        Name: 'BlockLargeBodiesOutsideUploadPaths',
        Priority: common.Priority + 1,
        Action: { Block: {} },
        Statement: {
          AndStatement: {
            Statements: [
              { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body' } },
              { NotStatement: { Statement: paths.length === 1 ? paths[0] : { OrStatement: { Statements: paths } } } },
            ],
          },
        },
        VisibilityConfig: {
          MetricName: `${config.name}-crm-BlockLargeBodiesOutsideUploadPaths`,
          CloudWatchMetricsEnabled: true,
          SampledRequestsEnabled: true,
        },
      });
    });

    test('blocks an address over the configured rate, first', () => {
      const [rate] = webAclRules(resources);
      expect(rate).toMatchObject({
        Priority: 0,
        Action: { Block: {} },
        Statement: {
          RateBasedStatement: { Limit: config.waf.rateLimitPer5Minutes, AggregateKeyType: 'IP', EvaluationWindowSec: 300 },
        },
      });
    });

    test('the anonymous-IP list spares only the load balancer calls to Cognito token and user-info endpoints', () => {
      const anonymous = managedGroups().find((r) => r.Name === 'AWSManagedRulesAnonymousIpList');
      const paths =
        anonymous.Statement.ManagedRuleGroupStatement.ScopeDownStatement.NotStatement.Statement.OrStatement.Statements.map(
          (s: any) => s.ByteMatchStatement,
        );
      expect(paths.map((p: any) => [p.SearchString, p.PositionalConstraint, p.FieldToMatch])).toEqual([
        ['/oauth2/token', 'EXACTLY', { UriPath: {} }],
        ['/oauth2/userinfo', 'EXACTLY', { UriPath: {} }],
      ]);
    });

    test('allow-list: default BLOCK and allow rules after every blocking rule, or default ALLOW without one', () => {
      const acl = only('AWS::WAFv2::WebACL')[1].Properties;
      const rules = webAclRules(resources);
      const allows = rules.filter((r) => r.Action?.Allow);
      if (config.waf.allowedCidrs.length) {
        expect(acl.DefaultAction).toEqual({ Block: {} });
        const [ipSetId, ipSet] = only('AWS::WAFv2::IPSet');
        expect(ipSet.Properties).toMatchObject({
          Scope: 'REGIONAL',
          IPAddressVersion: 'IPV4',
          Addresses: config.waf.allowedCidrs,
        });
        expect(allows.map((r) => r.Name)).toEqual(['AllowServiceCalls', 'AllowListedAddresses']);
        expect(allows[1].Statement).toEqual({ IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [ipSetId, 'Arn'] } } });
        const lastBlock = Math.max(...rules.filter((r) => !r.Action?.Allow).map((r) => r.Priority));
        for (const allow of allows) expect(allow.Priority).toBeGreaterThan(lastBlock);
      } else {
        expect(acl.DefaultAction).toEqual({ Allow: {} });
        expect(allows).toEqual([]);
        expect(ofType('AWS::WAFv2::IPSet')).toEqual([]);
      }
      expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
    });

    test('logs to aws-waf-logs-<name>, encrypted with the audit key, with authorization, cookie and query redacted', () => {
      const [, logging] = only('AWS::WAFv2::LoggingConfiguration');
      const [aclId] = only('AWS::WAFv2::WebACL');
      const name = `aws-waf-logs-${config.name}-crm`;
      expect(logging.Properties.ResourceArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
      expect(logging.Properties.LogDestinationConfigs.map(flat)).toEqual([
        `arn:<AWS::Partition>:logs:${config.regions.primary}:${account}:log-group:${name}`,
      ]);
      expect(logging.Properties.RedactedFields).toEqual([
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'cookie' } },
        { QueryString: {} },
      ]);
      expect(logging.DependsOn).toEqual(expect.arrayContaining(['WafLogGroup']));
      const group = resources.WafLogGroup.Properties;
      expect(group.LogGroupName).toBe(name);
      expect(isCrossStackRef(group.KmsKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
      expect(group.RetentionInDays).toBe(config.logs.retentionDays);
    });

    test('the log delivery service may write into that log group only, for this account', () => {
      const [, policy] = only('AWS::Logs::ResourcePolicy');
      const document = JSON.parse(flat(policy.Properties.PolicyDocument).replace(/arn:aws:/g, 'arn:<AWS::Partition>:'));
      expect(document.Statement).toEqual([
        {
          Sid: 'WafLogDelivery',
          Effect: 'Allow',
          Principal: { Service: 'delivery.logs.amazonaws.com' },
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: `arn:<AWS::Partition>:logs:${config.regions.primary}:${account}:log-group:aws-waf-logs-${config.name}-crm:log-stream:*`,
          Condition: {
            StringEquals: { 'aws:SourceAccount': account },
            ArnLike: { 'aws:SourceArn': `arn:<AWS::Partition>:logs:${config.regions.primary}:${account}:*` },
          },
        },
      ]);
    });

    test('protects the load balancer and the Cognito user pool', () => {
      const [aclId] = only('AWS::WAFv2::WebACL');
      const associations = rulesOf('AWS::WAFv2::WebACLAssociation');
      expect(associations).toHaveLength(2);
      for (const a of associations) expect(a.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
      expect(associations.some((a) => JSON.stringify(a.ResourceArn) === JSON.stringify({ Ref: loadBalancer()[0] }))).toBe(true);
      expect(associations.some((a) => isCrossStackRef(a.ResourceArn, 'UserPool', 'Arn'))).toBe(true);
    });
  });
});

describe.each(SHIPPED_CONFIGS)('CrmApp service from %s', (file) => {
  let config: DeploymentConfig;
  let resources: Resources;
  let account: string;
  const fx = new CrmAppFixture(file);

  beforeAll(() => {
    fx.load();
    ({ config, resources, account } = fx);
  });

  const ofType = (type: string) => fx.ofType(type);
  const only = (type: string) => fx.only(type);
  const rulesOf = (type: string) => fx.propertiesOf(type);
  const albSg = () => fx.albSecurityGroupId;
  const crmSg = () => fx.crmSecurityGroupId;
  const taskDefinition = () => fx.taskDefinition();
  const container = () => fx.container();
  const policyOfRole = (roleId: string) => fx.policyOfRole(roleId);
  const normalized = (statements: any[]) => fx.normalized(statements);
  const subnetIdsOf = (group: string) => fx.subnetIdsOf(group);
  const refersToAll = (refs: unknown[], ids: string[]) => fx.expectRefsTo(refs, ids);

  describe('CRM service', () => {
    test('runs on Fargate LATEST in the workload subnets, without public IPs or ECS Exec', () => {
      const service = only('AWS::ECS::Service')[1].Properties;
      expect(service).toMatchObject({
        LaunchType: 'FARGATE',
        PlatformVersion: 'LATEST',
        EnableExecuteCommand: false,
        DesiredCount: config.workload.minTasks,
      });
      expect(service.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
      expect(service.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups).toEqual([{ 'Fn::GetAtt': [crmSg(), 'GroupId'] }]);
      refersToAll(service.NetworkConfiguration.AwsvpcConfiguration.Subnets, subnetIdsOf('Workload'));
    });

    test('deploys without dropping below capacity and rolls back failed deployments', () => {
      expect(only('AWS::ECS::Service')[1].Properties.DeploymentConfiguration).toEqual({
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      });
    });

    test('the cluster has Container Insights', () => {
      expect(only('AWS::ECS::Cluster')[1].Properties.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
    });

    test('scales on CPU between the configured minimum and maximum', () => {
      expect(only('AWS::ApplicationAutoScaling::ScalableTarget')[1].Properties).toMatchObject({
        MinCapacity: config.workload.minTasks,
        MaxCapacity: config.workload.maxTasks,
        ScalableDimension: 'ecs:service:DesiredCount',
      });
      expect(
        only('AWS::ApplicationAutoScaling::ScalingPolicy')[1].Properties.TargetTrackingScalingPolicyConfiguration,
      ).toMatchObject({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      });
    });

    test('the task has the configured size, awsvpc networking and a named family', () => {
      expect(taskDefinition()).toMatchObject({
        Cpu: String(config.workload.cpu),
        Memory: String(config.workload.memoryMiB),
        NetworkMode: 'awsvpc',
        RequiresCompatibilities: ['FARGATE'],
        Family: `${config.name}-crm`,
      });
    });

    test('the container is hardened: read-only root, non-root user, unprivileged, every capability dropped', () => {
      expect(container()).toMatchObject({
        Name: 'crm',
        Essential: true,
        ReadonlyRootFilesystem: true,
        User: '1000',
        Privileged: false,
        Memory: config.workload.memoryMiB,
        LinuxParameters: { Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: true },
        PortMappings: [{ ContainerPort: config.workload.containerPort, Protocol: 'tcp', Name: 'http' }],
        MountPoints: [{ ContainerPath: '/tmp', SourceVolume: 'tmp', ReadOnly: false }],
      });
      expect(container().LinuxParameters.Capabilities.Add).toBeUndefined();
      expect(container().Environment).toBeUndefined();
      expect(taskDefinition().Volumes).toEqual([{ Name: 'tmp' }]);
    });

    test('the container health check calls the configured path on the container port', () => {
      expect(container().HealthCheck).toEqual({
        Command: [
          'CMD-SHELL',
          `wget -q -O /dev/null 'http://127.0.0.1:${config.workload.containerPort}${config.workload.healthCheckPath}' || exit 1`,
        ],
        Interval: 30,
        Timeout: 5,
        Retries: 3,
        StartPeriod: 60,
      });
    });

    test('runs the configured ECR image, or the placeholder built from containers/placeholder', () => {
      const image = flat(container().Image['Fn::Sub'] ?? container().Image);
      if (config.workload.image) {
        const { repositoryName, tag } = config.workload.image;
        const separator = tag.startsWith('sha256:') ? '@' : ':';
        expect(image).toBe(`${account}.dkr.ecr.${config.regions.primary}.<AWS::URLSuffix>/${repositoryName}${separator}${tag}`);
      } else {
        expect(image).toMatch(/\/cdk-hnb659fds-container-assets-\$\{AWS::AccountId\}-us-east-1:[0-9a-f]{64}$/);
      }
    });

    test('logs in blocking mode to its own log group, encrypted with the audit key and kept as configured', () => {
      expect(container().LogConfiguration).toEqual({
        LogDriver: 'awslogs',
        Options: {
          'awslogs-group': { Ref: 'CrmServiceLogGroup' },
          'awslogs-stream-prefix': 'crm',
          'awslogs-region': config.regions.primary,
          mode: 'blocking',
        },
      });
      const group = resources.CrmServiceLogGroup.Properties;
      expect(group.LogGroupName).toBe(`/ecs/${config.name}/crm`);
      expect(isCrossStackRef(group.KmsKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
      expect(group.RetentionInDays).toBe(config.logs.retentionDays);
    });
  });

  describe('IAM', () => {
    const taskRoleId = () => taskDefinition().TaskRoleArn['Fn::GetAtt'][0] as string;
    const executionRoleId = () => taskDefinition().ExecutionRoleArn['Fn::GetAtt'][0] as string;

    test('both roles carry only their customer-managed policy: no inline or AWS-managed policy', () => {
      for (const id of [taskRoleId(), executionRoleId()]) {
        expect(resources[id].Properties.Policies).toBeUndefined();
        expect(resources[id].Properties.ManagedPolicyArns).toBeUndefined();
      }
      expect(ofType('AWS::IAM::Policy')).toEqual([]);
    });

    test('only ECS tasks of this account may assume the task role', () => {
      const [trust] = resources[taskRoleId()].Properties.AssumeRolePolicyDocument.Statement;
      expect(flatPartitioned(trust)).toEqual({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:<AWS::Partition>:ecs:${config.regions.primary}:${account}:*` },
        },
      });
    });

    test('the task role has exactly the least-privilege statements', () => {
      const statements = policyOfRole(taskRoleId());
      const dbUserArn = flatExports(statements[0].Resource);
      expect(dbUserArn).toBe(`arn:<AWS::Partition>:rds-db:${config.regions.primary}:${account}:dbuser:<export>/crm_app`);
      expect(
        isCrossStackRef(
          statements[0].Resource['Fn::Join'][1].find((p: any) => p['Fn::ImportValue']),
          'PhiDatabase',
          'DbiResourceId',
        ),
      ).toBe(true);
      for (const s of statements) expect(s.Effect).toBe('Allow');
      expect(normalized(statements)).toEqual([
        { Sid: 'ConnectToDatabaseAsCrmUser', Action: ['rds-db:connect'], Resource: [dbUserArn], Condition: undefined },
        { Sid: 'ListDocuments', Action: ['s3:ListBucket'], Resource: ['<export>'], Condition: undefined },
        {
          Sid: 'ReadWriteDocuments',
          Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
          Resource: ['<export>/*'],
          Condition: undefined,
        },
        {
          Sid: 'UseDocumentsKeyThroughS3',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: ['<PhiKey.Arn>'],
          Condition: expect.objectContaining({
            StringEquals: { 'kms:ViaService': `s3.${config.regions.primary}.amazonaws.com` },
          }),
        },
      ]);
      expect(isCrossStackRef(statements[1].Resource, 'PhiDocumentsBucket', 'Arn')).toBe(true);
      expect(isCrossStackRef(statements[2].Resource['Fn::Join'][1][0], 'PhiDocumentsBucket', 'Arn')).toBe(true);
      for (const s of statements) for (const a of [s.Action].flat()) expect(a).not.toContain('*');
    });

    test("the execution role may pull the image and GuardDuty's agent, get a registry token and write the CRM log streams only", () => {
      const statements = normalized(policyOfRole(executionRoleId()));
      const repository = config.workload.image
        ? `arn:<AWS::Partition>:ecr:${config.regions.primary}:${account}:repository/${config.workload.image.repositoryName}`
        : expect.stringMatching(/:repository\/.*cdk-hnb659fds-container-assets-/);
      expect(statements).toEqual([
        { Sid: undefined, Action: ['ecr:GetAuthorizationToken'], Resource: ['*'], Condition: undefined },
        {
          Sid: 'PullGuardDutyRuntimeMonitoringAgent',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Resource: [guardDutyFargateAgentRepositoryArn(config.regions.primary).replace(/^arn:aws:/, 'arn:<AWS::Partition>:')],
          Condition: undefined,
        },
        {
          Sid: undefined,
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Resource: [repository],
          Condition: undefined,
        },
        {
          Sid: undefined,
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: ['<CrmServiceLogGroup.Arn>'],
          Condition: undefined,
        },
      ]);
    });
  });

  describe('network access of the CRM', () => {
    test('admits only the load balancer, on the container port', () => {
      const own = JSON.stringify({ 'Fn::GetAtt': [crmSg(), 'GroupId'] });
      expect(resources[crmSg()].Properties.SecurityGroupIngress).toBeUndefined();
      expect(rulesOf('AWS::EC2::SecurityGroupIngress').filter((r) => JSON.stringify(r.GroupId) === own)).toEqual([
        expect.objectContaining({
          SourceSecurityGroupId: { 'Fn::GetAtt': [albSg(), 'GroupId'] },
          IpProtocol: 'tcp',
          FromPort: config.workload.containerPort,
          ToPort: config.workload.containerPort,
        }),
      ]);
    });

    test('egress: HTTPS to the VPC and to the S3 prefix list, the database port, nothing else', () => {
      const own = JSON.stringify({ 'Fn::GetAtt': [crmSg(), 'GroupId'] });
      expect(resources[crmSg()].Properties.SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: config.network.vpcCidr, IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
      ]);
      const egress = rulesOf('AWS::EC2::SecurityGroupEgress').filter((r) => JSON.stringify(r.GroupId) === own);
      expect(egress).toHaveLength(2);
      expect(egress).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            DestinationPrefixListId: S3_PREFIX_LIST_US_EAST_1,
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
          }),
          expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5433, ToPort: 5433 }),
        ]),
      );
      const dbSgId = fx.databaseSecurityGroupId;
      const toDb = egress.find((r) => r.FromPort === 5433)!;
      expect(isCrossStackRef(toDb.DestinationSecurityGroupId, dbSgId, 'GroupId')).toBe(true);
      expect(JSON.stringify(resources)).not.toMatch(/"CidrIpv6"/);
    });

    test("the database admits the CRM on its port, by a rule in the CRM's stack; the database's stack does not reference it", () => {
      const dbSgId = fx.databaseSecurityGroupId;
      const toDb = rulesOf('AWS::EC2::SecurityGroupIngress').filter((r) => isCrossStackRef(r.GroupId, dbSgId, 'GroupId'));
      expect(toDb).toEqual([
        expect.objectContaining({
          SourceSecurityGroupId: { 'Fn::GetAtt': [crmSg(), 'GroupId'] },
          IpProtocol: 'tcp',
          FromPort: 5433,
          ToPort: 5433,
        }),
      ]);
      const data = JSON.stringify(Template.fromStack(fx.built.data.stack).toJSON());
      expect(data).not.toContain(fx.built.stack.stackName);
      expect(fx.built.data.stack.dependencies).not.toContain(fx.built.stack);
    });
  });
});

/** Dotted paths of every `Count` key in `value`. */
function countPaths(value: unknown, at: string[] = []): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => [
    ...(key === 'Count' ? [[...at, key].join('.')] : []),
    ...countPaths(v, [...at, key]),
  ]);
}

describe('CrmApp WAF options', () => {
  // One CrmApp with every WAF option off its default: each option reaches the web ACL (the rule shapes
  // of each option alone are web-acl.test.ts's).
  const resources = resourcesOf(
    buildCrmApp(
      shippedConfig('config/demo.json', {
        waf: {
          blockAnonymousIps: false,
          largeBodyPaths: ['/api/documents', '/api/Imports/'],
          allowedCidrs: ['192.0.2.0/24'],
          rateLimitPer5Minutes: 2000,
        },
      }),
    ).stack,
  );
  const rules = webAclRules(resources);

  test('blockAnonymousIps false drops the anonymous-IP list; several upload paths: one label rule after the common rule set', () => {
    expect(rules.map((r) => r.Name)).toEqual([
      'RateLimitPerAddress',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesCommonRuleSet',
      'BlockLargeBodiesOutsideUploadPaths',
      'AWSManagedRulesSQLiRuleSet',
      'AllowServiceCalls',
      'AllowListedAddresses',
    ]);
    expect(rules.map((r) => r.Priority)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('the upload-path rule excludes exactly those prefixes from the body-size block', () => {
    expect(rules[3].Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
    const [label, not] = rules[4].Statement.AndStatement.Statements;
    expect(label).toEqual({
      LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body' },
    });
    expect(
      not.NotStatement.Statement.OrStatement.Statements.map((s: any) => [
        s.ByteMatchStatement.SearchString,
        s.ByteMatchStatement.PositionalConstraint,
        s.ByteMatchStatement.TextTransformations,
      ]),
    ).toEqual([
      ['/api/documents', 'STARTS_WITH', [{ Priority: 0, Type: 'NONE' }]],
      ['/api/Imports/', 'STARTS_WITH', [{ Priority: 0, Type: 'NONE' }]],
    ]);
  });

  test('an allow-list turns the default action to BLOCK and allows the listed networks last; the rate limit is the configured one', () => {
    const acl = onlyIn(resources, 'AWS::WAFv2::WebACL')[1].Properties;
    expect(acl.DefaultAction).toEqual({ Block: {} });
    expect(onlyIn(resources, 'AWS::WAFv2::IPSet')[1].Properties.Addresses).toEqual(['192.0.2.0/24']);
    expect(rules[0].Statement.RateBasedStatement.Limit).toBe(2000);
    expect(rules.slice(-2).map((r) => [r.Name, r.Action])).toEqual([
      ['AllowServiceCalls', { Allow: {} }],
      ['AllowListedAddresses', { Allow: {} }],
    ]);
  });
});

describe('crmAppSettings', () => {
  test('takes the S3 prefix list of the primary region and the log retention from the config', () => {
    const config = shippedConfig('config/production.example.json');
    const settings = crmAppSettings(config);
    expect(settings.s3PrefixListId).toBe(S3_PREFIX_LIST_US_EAST_1);
    expect(settings.logRetention).toBe(config.logs.retentionDays);
    expect(settings.deployment).toBe(config.name);
  });
});
