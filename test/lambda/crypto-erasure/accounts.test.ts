import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createExternalClientsFor, keyClients, roleSessionName } from '../../../lambda/crypto-erasure/accounts';
import type { KeyClients, SessionCredentials } from '../../../lambda/crypto-erasure/clients';
import { ErasureRefused } from '../../../lambda/crypto-erasure/errors';
import type { ExternalErasureKey } from '../../../lambda/shared/key-lifecycle-contract';
import { awsError } from '../fixtures';
import { ACCOUNT, BACKUP_ACCOUNT, BACKUP_REGION, CONFIG, LAG_ALIAS, LAG_ROLE_ARN, OTHER_ACCOUNT, PRIMARY } from './world';

const LAG: ExternalErasureKey = {
  account: BACKUP_ACCOUNT,
  region: BACKUP_REGION,
  alias: LAG_ALIAS,
  dataClass: 'backup-lag',
  roleArn: LAG_ROLE_ARN,
};
const SECOND: ExternalErasureKey = { ...LAG, region: 'us-west-1' };
const sts = new STSClient({ region: PRIMARY, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
const stsMock = mockClient(sts);
afterEach(() => stsMock.reset());
afterAll(() => stsMock.restore());

const fakeClients = (label: string) => ({ kms: { label }, cloudTrail: { label } }) as unknown as KeyClients;

describe('createExternalClientsFor', () => {
  test('assumes the exact role once per role, named for the run, and makes clients of each key region with its session', async () => {
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIA1',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date('2026-05-04T11:00:00Z'),
      },
    });
    const made: { region: string; credentials: SessionCredentials }[] = [];
    const externalClientsFor = createExternalClientsFor(
      sts,
      (region, credentials) => {
        made.push({ region, credentials });
        return fakeClients(region);
      },
      roleSessionName('teardown-20260504100000'),
    );
    const first = await externalClientsFor(LAG);
    expect(await externalClientsFor(LAG)).toBe(first);
    await externalClientsFor(SECOND);
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: LAG_ROLE_ARN, RoleSessionName: 'crypto-erasure-teardown-20260504100000' },
    ]);
    expect(made.map((m) => m.region)).toEqual([BACKUP_REGION, 'us-west-1']);
    expect(made[0].credentials).toMatchObject({ accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't' });
  });

  test('a failed AssumeRole is a refusal naming the role, the account and the key', async () => {
    stsMock.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 403));
    const externalClientsFor = createExternalClientsFor(sts, () => fakeClients('never'), 'crypto-erasure-x');
    const attempt = externalClientsFor(LAG);
    await expect(attempt).rejects.toThrow(ErasureRefused);
    await expect(attempt).rejects.toThrow(
      `could not assume ${LAG_ROLE_ARN} to reach ${LAG_ALIAS} in account ${BACKUP_ACCOUNT}, region ${BACKUP_REGION} (AccessDenied)`,
    );
  });

  test('session names stay within the 64 characters STS allows', () => {
    expect(roleSessionName('r'.repeat(80))).toHaveLength(64);
  });
});

describe('keyClients', () => {
  const local = fakeClients('local');
  const external = fakeClients('external');
  const deps = {
    clientsFor: () => ({ ...local, rds: {}, s3: {}, backup: {}, secrets: {} }) as never,
    config: { ...CONFIG, externalKeys: [LAG] },
    externalClientsFor: async (key: ExternalErasureKey) => (key === LAG ? external : fakeClients('wrong')),
  };
  const arn = (account: string, region: string) => `arn:aws:kms:${region}:${account}:key/1234`;

  test("the workload account's keys use the function's own clients; a plan of format 1 (no account) too", async () => {
    expect((await keyClients(deps, { account: ACCOUNT, region: PRIMARY, alias: 'alias/crm-demo/phi' })).kms).toBe(local.kms);
    expect((await keyClients(deps, { region: PRIMARY, alias: 'alias/crm-demo/phi', keyArn: arn(ACCOUNT, PRIMARY) })).kms).toBe(
      local.kms,
    );
  });

  test('a configured external key uses its session', async () => {
    const place = {
      account: BACKUP_ACCOUNT,
      region: BACKUP_REGION,
      alias: LAG_ALIAS,
      keyArn: arn(BACKUP_ACCOUNT, BACKUP_REGION),
    };
    expect(await keyClients(deps, place)).toBe(external);
  });

  test.each([
    ['another account', { account: OTHER_ACCOUNT, region: BACKUP_REGION, alias: LAG_ALIAS }, /is outside this deployment/],
    [
      'the backup account in a region not configured',
      { account: BACKUP_ACCOUNT, region: 'eu-west-1', alias: LAG_ALIAS },
      /is outside/,
    ],
    [
      'another alias of the backup account',
      { account: BACKUP_ACCOUNT, region: BACKUP_REGION, alias: 'alias/other' },
      /is outside/,
    ],
    [
      'an account that contradicts the ARN',
      { account: BACKUP_ACCOUNT, region: BACKUP_REGION, alias: LAG_ALIAS, keyArn: arn(OTHER_ACCOUNT, BACKUP_REGION) },
      /is listed for account 777788889999 but its ARN says 444455556666/,
    ],
  ])('refuses %s', async (_what, place, message) => {
    await expect(keyClients(deps, place)).rejects.toThrow(message);
  });
});
