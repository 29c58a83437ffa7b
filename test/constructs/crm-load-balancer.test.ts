import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import { CrmLoadBalancer, type CrmLoadBalancerProps } from '../../lib/constructs/crm-load-balancer';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

const CERT = 'arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-4000-8000-000000000000';

function build(overrides: Partial<CrmLoadBalancerProps> = {}) {
  const stack = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'Lb', {
    env: { account: '111122223333', region: 'us-east-1' },
  });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false }],
  });
  const userPool = new cognito.UserPool(stack, 'Pool');
  const lb = new CrmLoadBalancer(stack, 'LoadBalancer', {
    vpc,
    subnets: { subnetGroupName: 'Public' },
    domainName: 'crm.example.com',
    certificateArn: CERT,
    signIn: {
      userPool,
      client: userPool.addClient('Client', { generateSecret: true }),
      domain: userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: 'test-signin' } }),
    },
    target: new targets.IpTarget('10.0.0.10'),
    targetPort: 8080,
    healthCheckPath: '/health',
    ...overrides,
  });
  return { stack, lb };
}

const acknowledgedAt = (stack: Stack) =>
  stack.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.keys(m.data as Record<string, string>).map((id) => `${c.node.path} ${id}`)),
    )
    .sort();

describe('CrmLoadBalancer', () => {
  test('needs exactly one of a certificate ARN or a hosted zone', () => {
    expect(() => build({ certificateArn: undefined })).toThrow(/exactly one/);
    expect(() => build({ hostedZone: { id: 'Z0123456789ABCDEFGHIJ', name: 'example.com' } })).toThrow(/exactly one/);
  });

  test('the session timeout defaults to 15 minutes and can be set', () => {
    for (const [timeout, seconds] of [
      [undefined, '900'],
      [Duration.minutes(30), '1800'],
    ] as const) {
      Template.fromStack(build({ sessionTimeout: timeout }).stack).hasResourceProperties(
        'AWS::ElasticLoadBalancingV2::Listener',
        {
          Port: 443,
          DefaultActions: [
            { Type: 'authenticate-cognito', AuthenticateCognitoConfig: { SessionTimeout: seconds } },
            { Type: 'forward' },
          ],
        },
      );
    }
  });

  test('acknowledges exactly the open-to-the-internet and redirect-listener findings, on those resources', () => {
    // CDK itself acknowledges the literal-AZ warning on the bare test stack; not ours.
    const ours = acknowledgedAt(build().stack).filter((a) => a.startsWith('Lb/LoadBalancer/') && !a.includes('/AccessLogs/'));
    expect(ours).toEqual([
      'Lb/LoadBalancer/Resource/Http/Resource HIPAA.Security::HIPAA.Security-ELBv2ACMCertificateRequired',
      'Lb/LoadBalancer/Resource/Http/Resource NIST.800.53.R5::NIST.800.53.R5-ELBv2ACMCertificateRequired',
      'Lb/LoadBalancer/SecurityGroup/Resource AwsSolutions::AwsSolutions-EC23',
    ]);
  });

  test('without a hosted zone there is no DNS record, and the DNS name is an output', () => {
    const template = Template.fromStack(build().stack);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(Object.keys(template.toJSON().Outputs)).toEqual([expect.stringMatching(/^LoadBalancerDnsName/)]);
  });

  test('a new DNS-validated certificate is named <stack>/<id>/Certificate', () => {
    const { stack } = build({ certificateArn: undefined, hostedZone: { id: 'Z0123456789ABCDEFGHIJ', name: 'example.com' } });
    Template.fromStack(stack).hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'crm.example.com',
      Tags: Match.arrayWith([{ Key: 'Name', Value: 'Lb/LoadBalancer/Certificate' }]),
    });
  });
});
