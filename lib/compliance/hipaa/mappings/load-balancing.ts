/**
 * Elastic Load Balancing and AWS Certificate Manager: HTTPS listeners, the HTTP redirect, Cognito
 * authentication, access logs and the TLS certificate.
 */
import type { TemplateResource } from '../../../assembly/model';
import { asArray, isRecord, isTrue, literalText, num, prop } from '../../../assembly/template-facts';
import type { ResourceSpecMapping } from './mapping';

function listenerActions(r: TemplateResource): Record<string, unknown>[] {
  return asArray(prop(r, 'DefaultActions')).filter(isRecord);
}

function lbAttribute(r: TemplateResource, key: string): unknown {
  const attr = asArray(prop(r, 'LoadBalancerAttributes')).find((a) => isRecord(a) && a.Key === key);
  return isRecord(attr) ? attr.Value : undefined;
}

export const LOAD_BALANCING_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::ElasticLoadBalancingV2::Listener',
    specs: ['164.312(e)(1)', '164.312(e)(2)(i)', '164.312(e)(2)(ii)'],
    describe: (r) =>
      prop(r, 'Protocol') === 'HTTPS'
        ? `HTTPS listener on port ${literalText(prop(r, 'Port'))}, TLS policy ${literalText(prop(r, 'SslPolicy')) || 'default'}`
        : undefined,
  },
  {
    type: 'AWS::ElasticLoadBalancingV2::Listener',
    specs: ['164.312(e)(1)'],
    describe: (r) =>
      prop(r, 'Protocol') === 'HTTP' &&
      listenerActions(r).every(
        (a) => a.Type === 'redirect' && isRecord(a.RedirectConfig) && a.RedirectConfig.Protocol === 'HTTPS',
      )
        ? `HTTP listener on port ${literalText(prop(r, 'Port'))} only redirects to HTTPS`
        : undefined,
  },
  {
    type: 'AWS::ElasticLoadBalancingV2::Listener',
    specs: ['164.312(d)', '164.312(a)(1)'],
    describe: (r) =>
      listenerActions(r).some((a) => a.Type === 'authenticate-cognito')
        ? 'authenticates every request with Cognito before forwarding it'
        : undefined,
  },
  {
    type: 'AWS::ElasticLoadBalancingV2::Listener',
    specs: ['164.312(a)(2)(iii)'],
    describe: (r) => {
      const auth = listenerActions(r).find((a) => a.Type === 'authenticate-cognito');
      const timeout =
        auth && isRecord(auth.AuthenticateCognitoConfig) ? num(auth.AuthenticateCognitoConfig.SessionTimeout) : undefined;
      return timeout !== undefined ? `sign-in session expires after ${timeout} seconds` : undefined;
    },
  },
  {
    type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    specs: ['164.312(b)'],
    describe: (r) => (isTrue(lbAttribute(r, 'access_logs.s3.enabled')) ? 'access logs written to S3' : undefined),
  },
  {
    type: 'AWS::CertificateManager::Certificate',
    specs: ['164.312(e)(1)'],
    describe: (r) => `TLS certificate for ${literalText(prop(r, 'DomainName'))}`,
  },
];
