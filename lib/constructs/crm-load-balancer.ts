import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as actions from 'aws-cdk-lib/aws-elasticloadbalancingv2-actions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct, type IConstruct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { acknowledgeNoDeletionProtection } from './disposal';
import { SIX_YEARS_IN_DAYS } from '../config/schema';
import { AccessLogBucket } from './access-log-bucket';

/**
 * TLS 1.3, and TLS 1.2 only with forward-secret AEAD ciphers, both with hybrid post-quantum key
 * exchange (ML-KEM) for clients that offer it: PHI recorded today cannot be decrypted later.
 * `TLS13_13_PQ` (TLS 1.3 only) is stricter but locks out clients and TLS-inspecting proxies
 * that still speak TLS 1.2.
 */
export const CRM_SSL_POLICY = elbv2.SslPolicy.TLS13_12_RES_PQ;

/** How long the load balancer trusts its session cookie before it asks Cognito again. */
export const ALB_SESSION_TIMEOUT = Duration.minutes(15);

export interface CrmLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  /** Public subnets, one per AZ. */
  readonly subnets: ec2.SubnetSelection;
  /** Public DNS name of the CRM, e.g. `crm.example-clinic.com`. */
  readonly domainName: string;
  /** Existing ACM certificate for `domainName`. Exactly one of this or `hostedZone`. */
  readonly certificateArn?: string;
  /** Route 53 zone of `domainName`: a DNS-validated certificate and an alias record are created in it. */
  readonly hostedZone?: { readonly id: string; readonly name: string };
  /** Cognito sign-in that every request must pass (the client is confidential, code flow). */
  readonly signIn: {
    readonly userPool: cognito.IUserPool;
    readonly client: cognito.IUserPoolClient;
    readonly domain: cognito.IUserPoolDomain;
  };
  /** What authenticated requests are forwarded to (plain HTTP inside the VPC). */
  readonly target: elbv2.IApplicationLoadBalancerTarget;
  /** Port the target listens on. */
  readonly targetPort: number;
  /** Path the target answers 200 on when healthy. */
  readonly healthCheckPath: string;
  /** Lifetime of the load balancer's authentication session. @default ALB_SESSION_TIMEOUT (15 minutes) */
  readonly sessionTimeout?: Duration;
  /** How long access logs are kept. @default 6 years */
  readonly accessLogRetention?: Duration;
  /**
   * Sandbox profile only (`sandboxRelaxations`, lib/config/profile.ts): no deletion protection, and the access-log bucket is emptied and deleted with its stack.
   * @default false
   */
  readonly disposable?: boolean;
}

/**
 * The internet-facing entry to the CRM (HIPAA 164.312(e)(1) transmission security, 164.312(d)
 * authentication, 164.312(b) audit controls):
 *
 * - HTTPS only with `CRM_SSL_POLICY`; port 80 only answers with a permanent redirect to HTTPS.
 * - Every request is authenticated with Cognito (`authenticate-cognito`, then forward): nothing
 *   reaches the CRM without a signed-in user with MFA, and the CRM receives the user's claims in
 *   the `x-amzn-oidc-*` headers (it must verify their signature).
 * - Invalid header fields are dropped, HTTP desync mitigation is `strictest`, WAF fails closed,
 *   deletion protection is on, access logs go to their own SSE-S3 bucket (the only encryption ELB
 *   log delivery supports).
 * - The security group admits 443 and 80 from anywhere and lets the load balancer out only to the
 *   target's port (added when the target registers) and to HTTPS anywhere: the load balancer calls
 *   Cognito's token and user-info endpoints on public addresses that are not fixed.
 *
 * Sessions: the load balancer keeps the Cognito tokens in its session cookie (`AWSELBAuthSessionCookie`)
 * for at most `sessionTimeout`, then sends the browser back to Cognito. While Cognito's own sign-in
 * session (one hour) lasts, that round trip is silent; after it, the user signs in again with MFA.
 * Access tokens live 15 minutes (Identity config), so a revoked user loses access within that time.
 * None of these measures inactivity: the 15-minute inactivity logoff (164.312(a)(2)(iii)) is the
 * CRM's, which must expire the `AWSELBAuthSessionCookie-*` cookies and redirect to Cognito's logout
 * endpoint after 15 idle minutes.
 */
export class CrmLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly securityGroup: ec2.SecurityGroup;
  readonly httpsListener: elbv2.ApplicationListener;
  readonly httpListener: elbv2.ApplicationListener;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly accessLogs: AccessLogBucket;
  readonly certificate: acm.ICertificate;
  /** The alias record, when a hosted zone is given. */
  readonly aliasRecord?: route53.ARecord;

  constructor(scope: Construct, id: string, props: CrmLoadBalancerProps) {
    super(scope, id);
    const zone = props.hostedZone
      ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
          hostedZoneId: props.hostedZone.id,
          zoneName: props.hostedZone.name,
        })
      : undefined;
    this.certificate = this.certificateFor(props, zone);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Load balancer of ${props.domainName}: HTTPS (and HTTP to redirect) from the internet`,
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from clients');
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from clients, redirected to HTTPS');

    this.accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      loggedBucketDescription: `load balancer of ${props.domainName}`,
      source: 'elb',
      retention: props.accessLogRetention ?? Duration.days(SIX_YEARS_IN_DAYS),
      disposable: props.disposable,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: true,
      ipAddressType: elbv2.IpAddressType.IPV4,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
      deletionProtection: !props.disposable,
      http2Enabled: true,
      wafFailOpen: false,
    });
    this.loadBalancer.logAccessLogs(this.accessLogs.bucket);
    if (props.disposable) acknowledgeNoDeletionProtection(this.loadBalancer.node.defaultChild as IConstruct, 'load balancer');

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: props.vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: props.targetPort,
      targets: [props.target],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: props.healthCheckPath,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [this.certificate],
      sslPolicy: CRM_SSL_POLICY,
      open: false,
      defaultAction: new actions.AuthenticateCognitoAction({
        userPool: props.signIn.userPool,
        userPoolClient: props.signIn.client,
        userPoolDomain: props.signIn.domain,
        scope: 'openid email',
        sessionTimeout: props.sessionTimeout ?? ALB_SESSION_TIMEOUT,
        onUnauthenticatedRequest: elbv2.UnauthenticatedAction.AUTHENTICATE,
        // Adds egress 443 to anywhere: Cognito's endpoints have no fixed addresses or prefix list.
        allowHttpsOutbound: true,
        next: elbv2.ListenerAction.forward([this.targetGroup]),
      }),
    });
    this.httpListener = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });

    if (zone) {
      this.aliasRecord = new route53.ARecord(this, 'AliasRecord', {
        zone,
        recordName: props.domainName,
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.loadBalancer)),
      });
    }
    new CfnOutput(this, 'DnsName', {
      description: `Point ${props.domainName} at this name (alias or CNAME) when Route 53 does not host the zone`,
      value: this.loadBalancer.loadBalancerDnsName,
    });

    this.acknowledgeFindings();
  }

  private certificateFor(props: CrmLoadBalancerProps, zone?: route53.IHostedZone): acm.ICertificate {
    if (props.certificateArn && !zone) {
      return acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn);
    }
    if (zone && !props.certificateArn) {
      return new acm.Certificate(this, 'Certificate', {
        // Its Name tag: `<stack>/<id>/Certificate`, so that moving this construct does not rename it.
        certificateName: `${Stack.of(this).node.path}/${this.node.id}/Certificate`,
        domainName: props.domainName,
        validation: acm.CertificateValidation.fromDns(zone),
      });
    }
    throw new Error('CrmLoadBalancer: give exactly one of certificateArn or hostedZone');
  }

  private acknowledgeFindings(): void {
    const reason =
      'The internet-facing load balancer must accept clients from any address: 443 for the CRM and 80 only to ' +
      'answer with a redirect to HTTPS. Which clients get further is decided by the WAF web ACL (managed rules, ' +
      'rate limit, optional office allow-list) and by Cognito sign-in with MFA on every request.';
    acknowledge(this.securityGroup.node.defaultChild as ec2.CfnSecurityGroup, {
      ruleId: 'AwsSolutions::AwsSolutions-EC23',
      control: '164.312(e)(1)',
      reason,
    });
    const redirectOnly =
      'This HTTP listener has no certificate because it serves nothing: its only action is a permanent redirect ' +
      'to the same URL over HTTPS (TLS 1.3 policy, ACM certificate). Without it, users typing the name would get ' +
      'no answer instead of the secure site.';
    acknowledge(
      this.httpListener.node.defaultChild as elbv2.CfnListener,
      ...(['HIPAA.Security', 'NIST.800.53.R5'] as const).map((pack) => ({
        ruleId: `${pack}::${pack}-ELBv2ACMCertificateRequired`,
        control: '164.312(e)(1)' as const,
        reason: redirectOnly,
      })),
    );
  }
}
