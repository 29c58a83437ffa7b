import { claimsOf } from './claims';

const cognitoAuth = {
  Type: 'authenticate-cognito',
  Order: 1,
  AuthenticateCognitoConfig: { UserPoolArn: 'arn:pool', SessionTimeout: 28800 },
};

describe('AWS::ElasticLoadBalancingV2::Listener', () => {
  test('an HTTPS listener is transmission security, with its TLS policy', () => {
    const how = 'HTTPS listener on port 443, TLS policy ELBSecurityPolicy-TLS13-1-2-2021-06';
    expect(
      claimsOf('AWS::ElasticLoadBalancingV2::Listener', {
        Protocol: 'HTTPS',
        Port: 443,
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        DefaultActions: [{ Type: 'forward' }],
      }),
    ).toEqual({ '164.312(e)(1)': how, '164.312(e)(2)(i)': how, '164.312(e)(2)(ii)': how });
    expect(claimsOf('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS', Port: 443 })).toMatchObject({
      '164.312(e)(1)': 'HTTPS listener on port 443, TLS policy default',
    });
  });

  test('an HTTP listener that only redirects to HTTPS is transmission security; one that forwards is not', () => {
    const redirect = { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443' } };
    expect(claimsOf('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTP', Port: 80, DefaultActions: [redirect] })).toEqual(
      {
        '164.312(e)(1)': 'HTTP listener on port 80 only redirects to HTTPS',
      },
    );
    expect(
      claimsOf('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTP', DefaultActions: [{ Type: 'forward' }] }),
    ).toEqual({});
  });

  test('Cognito authentication before forwarding is authentication and access control, with the session timeout', () => {
    expect(
      claimsOf('AWS::ElasticLoadBalancingV2::Listener', {
        Protocol: 'HTTPS',
        Port: 443,
        DefaultActions: [cognitoAuth, { Type: 'forward', Order: 2 }],
      }),
    ).toMatchObject({
      '164.312(d)': 'authenticates every request with Cognito before forwarding it',
      '164.312(a)(1)': 'authenticates every request with Cognito before forwarding it',
      '164.312(a)(2)(iii)': 'sign-in session expires after 28800 seconds',
    });
  });
});

describe('the load balancer and its certificate', () => {
  test('access logs to S3 are an audit control', () => {
    const attributes = (enabled: string) => ({ LoadBalancerAttributes: [{ Key: 'access_logs.s3.enabled', Value: enabled }] });
    expect(claimsOf('AWS::ElasticLoadBalancingV2::LoadBalancer', attributes('true'))).toEqual({
      '164.312(b)': 'access logs written to S3',
    });
    expect(claimsOf('AWS::ElasticLoadBalancingV2::LoadBalancer', attributes('false'))).toEqual({});
  });

  test('the TLS certificate is transmission security', () => {
    expect(claimsOf('AWS::CertificateManager::Certificate', { DomainName: 'crm.example.org' })).toEqual({
      '164.312(e)(1)': 'TLS certificate for crm.example.org',
    });
  });
});
