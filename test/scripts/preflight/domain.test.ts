import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { GetHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { checkDomain, isPlaceholderDomain } from '../../../scripts/preflight/domain';
import { shippedConfig } from '../../helpers/config';

const route53 = mockClient(Route53Client);
const acm = mockClient(ACMClient);
afterEach(() => [route53, acm].forEach((m) => m.reset()));

const ACCOUNT = '111122223333';
const clients = () => ({ route53: new Route53Client({}), acm: new ACMClient({}) });
const zoneDomain = { name: 'crm.clinic.org', hostedZone: { id: 'Z0123456789ABC', name: 'clinic.org' } };
const CERT = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/00000000-0000-4000-8000-000000000000`;
const certDomain = { name: 'crm.clinic.org', certificateArn: CERT };

describe('hosted zone', () => {
  test('a public zone of the account with the configured name passes', async () => {
    route53.on(GetHostedZoneCommand, { Id: 'Z0123456789ABC' }).resolves({
      HostedZone: { Id: 'Z0123456789ABC', Name: 'clinic.org.', CallerReference: 'x', Config: { PrivateZone: false } },
    });
    expect(await checkDomain(clients(), zoneDomain, 'us-east-1', ACCOUNT, 'config/x.json')).toEqual([
      expect.objectContaining({ status: 'PASS', scope: 'global' }),
    ]);
  });

  test("the demo config's placeholder zone fails and says the config cannot deploy as is", async () => {
    route53.on(GetHostedZoneCommand).rejects(Object.assign(new Error('No hosted zone found'), { name: 'NoSuchHostedZone' }));
    const demo = shippedConfig('config/demo.json');
    const [r] = await checkDomain(clients(), demo.domain, 'us-east-1', ACCOUNT, 'config/demo.json');
    expect(r.status).toBe('FAIL');
    expect(r.what).toContain('hosted zone Z00000000000000DEMO (demo.example.com) does not exist in account 111122223333');
    expect(r.what).toContain(
      'crm.demo.example.com is a placeholder (reserved by RFC 2606): config/demo.json cannot deploy as is',
    );
    expect(r.fix).toContain('domain.hostedZone');
  });

  test('a private zone fails', async () => {
    route53.on(GetHostedZoneCommand).resolves({
      HostedZone: { Id: 'Z0123456789ABC', Name: 'clinic.org.', CallerReference: 'x', Config: { PrivateZone: true } },
    });
    expect((await checkDomain(clients(), zoneDomain, 'us-east-1', ACCOUNT, 'c.json'))[0]).toMatchObject({
      status: 'FAIL',
      what: expect.stringContaining('private zone'),
    });
  });

  test('a zone with another name fails', async () => {
    route53.on(GetHostedZoneCommand).resolves({ HostedZone: { Id: 'Z0123456789ABC', Name: 'other.org.', CallerReference: 'x' } });
    expect((await checkDomain(clients(), zoneDomain, 'us-east-1', ACCOUNT, 'c.json'))[0].what).toBe(
      'hosted zone Z0123456789ABC is other.org, not clinic.org',
    );
  });

  test('access denied fails with the permission', async () => {
    route53.on(GetHostedZoneCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));
    expect((await checkDomain(clients(), zoneDomain, 'us-east-1', ACCOUNT, 'c.json'))[0].what).toContain(
      'missing permission route53:GetHostedZone',
    );
  });
});

describe('certificate', () => {
  test('an issued certificate that covers the name passes (wildcards too)', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { Status: 'ISSUED', DomainName: '*.clinic.org' } });
    expect((await checkDomain(clients(), certDomain, 'us-east-1', ACCOUNT, 'c.json'))[0]).toMatchObject({
      status: 'PASS',
      scope: 'us-east-1',
    });
  });

  test('a certificate still pending validation fails', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { Status: 'PENDING_VALIDATION', DomainName: 'crm.clinic.org' } });
    expect((await checkDomain(clients(), certDomain, 'us-east-1', ACCOUNT, 'c.json'))[0]).toMatchObject({
      status: 'FAIL',
      what: expect.stringContaining('PENDING_VALIDATION'),
    });
  });

  test('a certificate for another name fails', async () => {
    acm
      .on(DescribeCertificateCommand)
      .resolves({ Certificate: { Status: 'ISSUED', DomainName: '*.other.org', SubjectAlternativeNames: ['a.b.clinic.org'] } });
    expect((await checkDomain(clients(), certDomain, 'us-east-1', ACCOUNT, 'c.json'))[0].what).toContain('not crm.clinic.org');
  });

  test('a missing certificate fails with the request command', async () => {
    acm.on(DescribeCertificateCommand).rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
    expect((await checkDomain(clients(), certDomain, 'us-east-1', ACCOUNT, 'c.json'))[0].fix).toMatch(
      /^aws acm request-certificate --region us-east-1 --domain-name crm.clinic.org/,
    );
  });

  test('a certificate of another region or account fails without asking ACM', async () => {
    const elsewhere = { ...certDomain, certificateArn: CERT.replace('us-east-1', 'eu-west-1') };
    expect((await checkDomain(clients(), elsewhere, 'us-east-1', ACCOUNT, 'c.json'))[0]).toMatchObject({
      status: 'FAIL',
      what: expect.stringContaining('111122223333/eu-west-1'),
    });
    expect(acm.calls()).toHaveLength(0);
  });
});

test('reserved names are placeholders, real ones are not', () => {
  expect(['crm.demo.example.com', 'example.org', 'x.test', 'a.invalid'].map(isPlaceholderDomain)).toEqual([
    true,
    true,
    true,
    true,
  ]);
  expect(['crm.clinic.org', 'example-clinic.com', 'myexample.com'].map(isPlaceholderDomain)).toEqual([false, false, false]);
});
