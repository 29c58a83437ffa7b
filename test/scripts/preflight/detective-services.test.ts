import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeDeliveryChannelsCommand,
} from '@aws-sdk/client-config-service';
import { GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { AccessDeniedException, GetMacieSessionCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { DescribeHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { checkDetectiveServices } from '../../../scripts/preflight/detective-services';

const guardduty = mockClient(GuardDutyClient);
const securityhub = mockClient(SecurityHubClient);
const config = mockClient(ConfigServiceClient);
const macie = mockClient(Macie2Client);
afterEach(() => [guardduty, securityhub, config, macie].forEach((m) => m.reset()));

const clients = () => ({
  guardduty: new GuardDutyClient({}),
  securityhub: new SecurityHubClient({}),
  config: new ConfigServiceClient({}),
  macie: new Macie2Client({}),
});
const ALL = { guardDuty: true, securityHub: true, config: true, macie: true };
const NONE = { guardDuty: false, securityHub: false, config: false, macie: false };
const macieNotEnabled = () => new AccessDeniedException({ message: 'Macie is not enabled.', $metadata: {} });

function accountHasAll(): void {
  guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: ['abc123'] });
  securityhub.on(DescribeHubCommand).resolves({ HubArn: 'arn:aws:securityhub:us-east-1:111122223333:hub/default' });
  config.on(DescribeConfigurationRecordersCommand).resolves({ ConfigurationRecorders: [{ name: 'default' }] });
  config.on(DescribeDeliveryChannelsCommand).resolves({ DeliveryChannels: [{ name: 'default' }] });
  macie.on(GetMacieSessionCommand).resolves({ status: 'ENABLED' });
}

function accountHasNone(): void {
  guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
  securityhub
    .on(DescribeHubCommand)
    .rejects(Object.assign(new Error('Account is not subscribed to AWS Security Hub'), { name: 'InvalidAccessException' }));
  config.on(DescribeConfigurationRecordersCommand).resolves({ ConfigurationRecorders: [] });
  config.on(DescribeDeliveryChannelsCommand).resolves({ DeliveryChannels: [] });
  macie.on(GetMacieSessionCommand).rejects(macieNotEnabled());
}

test('a toggle on where the account already has the service fails with the config edit', async () => {
  accountHasAll();
  const results = await checkDetectiveServices(clients(), 'us-east-1', ALL, true, 'config/x.json');
  expect(results.map((r) => r.status)).toEqual(['FAIL', 'FAIL', 'FAIL', 'FAIL']);
  expect(results[0]).toMatchObject({
    what: expect.stringContaining('detector abc123'),
    fix: 'set detection.guardDuty to false in config/x.json (the existing one stays in use)',
  });
  expect(results[1].fix).toContain('detection.securityHub');
  expect(results[2].what).toContain('recorder default, delivery channel default');
  expect(results[3]).toMatchObject({
    what: expect.stringContaining('Macie ENABLED'),
    fix: 'set detection.macie to false in config/x.json (the existing one stays in use)',
  });
});

test('Macie: "not enabled" is no session; a real permission denial fails with the permission', async () => {
  accountHasNone();
  expect((await checkDetectiveServices(clients(), 'us-east-1', ALL, true, 'config/x.json'))[3].status).toBe('PASS');
  macie
    .on(GetMacieSessionCommand)
    .rejects(new AccessDeniedException({ message: 'User is not authorized to perform: macie2:GetMacieSession', $metadata: {} }));
  const [, , , result] = await checkDetectiveServices(clients(), 'us-east-1', ALL, true, 'config/x.json');
  expect(result).toMatchObject({ status: 'FAIL', what: expect.stringContaining('missing permission macie2:GetMacieSession') });
});

test('a toggle on where the account has none passes', async () => {
  accountHasNone();
  const results = await checkDetectiveServices(clients(), 'us-east-1', ALL, true, 'config/x.json');
  expect(results.map((r) => r.status)).toEqual(['PASS', 'PASS', 'PASS', 'PASS']);
});

test('a toggle off where the account has one passes', async () => {
  accountHasAll();
  const results = await checkDetectiveServices(clients(), 'us-east-1', NONE, true, 'config/x.json');
  expect(results.map((r) => r.status)).toEqual(['PASS', 'PASS', 'PASS', 'PASS']);
});

test('a toggle off where the account has none warns', async () => {
  accountHasNone();
  const results = await checkDetectiveServices(clients(), 'us-east-1', NONE, true, 'config/x.json');
  expect(results.map((r) => r.status)).toEqual(['WARN', 'WARN', 'WARN', 'WARN']);
  expect(results[0].fix).toBe(
    'set detection.guardDuty to true in config/x.json, or aws guardduty create-detector --enable --region us-east-1',
  );
});

test('in the DR region, where the deployment creates none, a missing service warns with how to enable it', async () => {
  accountHasNone();
  const results = await checkDetectiveServices(clients(), 'us-west-2', NONE, false, 'config/x.json');
  expect(results.map((r) => r.status)).toEqual(['WARN', 'WARN', 'WARN', 'WARN']);
  expect(results[1].fix).toBe('aws securityhub enable-security-hub --region us-west-2');
});

test('a service that cannot be asked fails with its permission; the others still report', async () => {
  accountHasNone();
  guardduty.on(ListDetectorsCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
  const results = await checkDetectiveServices(clients(), 'us-east-1', ALL, true, 'config/x.json');
  expect(results[0]).toMatchObject({
    status: 'FAIL',
    what: expect.stringContaining('missing permission guardduty:ListDetectors'),
  });
  expect(results.slice(1).map((r) => r.status)).toEqual(['PASS', 'PASS', 'PASS']);
});
