/**
 * The public domain: the Route 53 hosted zone the deployment validates its certificate in and writes
 * the alias record to, or the existing ACM certificate it uses. The demo config's zone is a
 * placeholder (`example.com` is reserved, RFC 2606): it cannot be deployed as is.
 */
import { DescribeCertificateCommand, type ACMClient } from '@aws-sdk/client-acm';
import { GetHostedZoneCommand, type Route53Client } from '@aws-sdk/client-route-53';
import type { DeploymentConfig } from '../../lib/config/schema';
import { errorName, fail, GLOBAL, guarded, pass, type CheckResult } from './result';

/** Names reserved for documentation and tests (RFC 2606, RFC 6761): never a real deployment's. */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)\.?$/;

export function isPlaceholderDomain(name: string): boolean {
  return RESERVED_DOMAIN.test(name);
}

/** Whether certificate name `pattern` (maybe `*.`) covers `name`. */
function covers(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  return pattern.startsWith('*.') && name.endsWith(pattern.slice(1)) && !name.slice(0, -(pattern.length - 1)).includes('.');
}

export interface DomainClients {
  readonly route53: Route53Client;
  /** ACM in the primary region, where the load balancer's certificate must be. */
  readonly acm: ACMClient;
}

export function checkDomain(
  clients: DomainClients,
  domain: DeploymentConfig['domain'],
  primaryRegion: string,
  account: string,
  configPath: string,
): Promise<CheckResult[]> {
  const placeholder = isPlaceholderDomain(domain.name)
    ? ` ${domain.name} is a placeholder (reserved by RFC 2606): ${configPath} cannot deploy as is.`
    : '';
  const editDomain = `set domain.name and domain.hostedZone (a public zone of account ${account}) or domain.certificateArn in ${configPath}`;

  if (domain.hostedZone) {
    const zone = domain.hostedZone;
    const what = `hosted zone ${zone.id} (${zone.name})`;
    return guarded(GLOBAL, what, 'route53:GetHostedZone', async () => {
      let found;
      try {
        found = (await clients.route53.send(new GetHostedZoneCommand({ Id: zone.id }))).HostedZone;
      } catch (e) {
        if (!['NoSuchHostedZone', 'InvalidInput'].includes(errorName(e))) throw e;
      }
      if (!found) return fail(GLOBAL, `${what} does not exist in account ${account}.${placeholder}`, editDomain);
      const foundName = (found.Name ?? '').replace(/\.$/, '');
      if (foundName !== zone.name.replace(/\.$/, '')) {
        return fail(
          GLOBAL,
          `hosted zone ${zone.id} is ${foundName}, not ${zone.name}`,
          `correct domain.hostedZone in ${configPath}`,
        );
      }
      if (found.Config?.PrivateZone) {
        return fail(
          GLOBAL,
          `${what} is a private zone: the certificate's DNS validation and the CRM's name need a public one`,
          editDomain,
        );
      }
      if (placeholder) return fail(GLOBAL, `${what} exists, but${placeholder}`, editDomain);
      return pass(GLOBAL, `${what} exists and is public; the certificate for ${domain.name} is validated in it`);
    });
  }

  const arn = domain.certificateArn ?? '';
  const [, , , certRegion, certAccount] = arn.split(':');
  const what = `certificate ${arn}`;
  if (certRegion !== primaryRegion || certAccount !== account) {
    return Promise.resolve([
      fail(
        primaryRegion,
        `${what} is in ${certAccount}/${certRegion}: the load balancer needs one of account ${account} in ${primaryRegion}`,
        `request or import a certificate for ${domain.name} in ${primaryRegion} and set domain.certificateArn in ${configPath}`,
      ),
    ]);
  }
  const request = `aws acm request-certificate --region ${primaryRegion} --domain-name ${domain.name} --validation-method DNS, validate it, and set domain.certificateArn in ${configPath}`;
  return guarded(primaryRegion, what, 'acm:DescribeCertificate', async () => {
    let cert;
    try {
      cert = (await clients.acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate;
    } catch (e) {
      if (errorName(e) !== 'ResourceNotFoundException') throw e;
    }
    if (!cert) return fail(primaryRegion, `${what} does not exist.${placeholder}`, request);
    if (cert.Status !== 'ISSUED') return fail(primaryRegion, `${what} is ${cert.Status ?? 'not issued'}, not ISSUED`, request);
    const names = [cert.DomainName, ...(cert.SubjectAlternativeNames ?? [])].filter((n): n is string => !!n);
    if (!names.some((n) => covers(n, domain.name))) {
      return fail(primaryRegion, `${what} is for ${names.join(', ')}, not ${domain.name}`, request);
    }
    if (placeholder) return fail(primaryRegion, `${what} is issued, but${placeholder}`, editDomain);
    return pass(primaryRegion, `${what} is issued and covers ${domain.name}`);
  });
}
