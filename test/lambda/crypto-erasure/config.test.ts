import { parseErasureConfig } from '../../../lambda/crypto-erasure/config';
import { ERASURE_EXTERNAL_KEYS_ENV } from '../../../lambda/shared/key-lifecycle-contract';
import { ACCOUNT, BACKUP_ACCOUNT, BACKUP_REGION, ENV, LAG_ALIAS, LAG_ROLE_ARN } from './world';

const LAG = { account: BACKUP_ACCOUNT, region: BACKUP_REGION, alias: LAG_ALIAS, dataClass: 'backup-lag', roleArn: LAG_ROLE_ARN };
const withExternal = (value: unknown) => ({ ...ENV, [ERASURE_EXTERNAL_KEYS_ENV]: JSON.stringify(value) });

describe('parseErasureConfig: external keys', () => {
  test('none without the variable (a single-account deployment)', () => {
    expect(parseErasureConfig(ENV).externalKeys).toEqual([]);
  });

  test("the backup account's air-gapped key with its erasure role", () => {
    expect(parseErasureConfig(withExternal([LAG])).externalKeys).toEqual([LAG]);
  });

  test('refuses, listing every problem, anything but this deployment air-gapped key and role in another account', () => {
    const bad = [
      { ...LAG, account: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/crm-demo-lag-key-erasure` },
      { ...LAG, alias: 'alias/crm-demo/phi' },
      { ...LAG, region: 'us-west-2', dataClass: 'backup' },
      { ...LAG, region: 'eu-west-1', roleArn: 'arn:aws:iam::999988887777:role/crm-demo-lag-key-erasure' },
      { ...LAG, region: 'eu-west-2', roleArn: `arn:aws:iam::${BACKUP_ACCOUNT}:role/admin` },
      LAG,
      LAG,
    ];
    expect(() => parseErasureConfig(withExternal(bad))).toThrow(
      expect.objectContaining({
        name: 'ErasureConfigError',
        message: expect.stringMatching(
          new RegExp(
            [
              'EXTERNAL_KEYS\\[0\\]\\.account is the workload account',
              'EXTERNAL_KEYS\\[1\\]\\.alias is not alias/crm-demo/backup-lag',
              'EXTERNAL_KEYS\\[2\\]\\.dataClass is not backup-lag',
              `EXTERNAL_KEYS\\[3\\]\\.roleArn is not the role crm-demo-lag-key-erasure of account ${BACKUP_ACCOUNT}`,
              `EXTERNAL_KEYS\\[4\\]\\.roleArn is not the role crm-demo-lag-key-erasure of account ${BACKUP_ACCOUNT}`,
              `EXTERNAL_KEYS\\[6\\] repeats account ${BACKUP_ACCOUNT} and region ${BACKUP_REGION}`,
            ].join('.*'),
          ),
        ),
      }),
    );
  });

  test('refuses what is not a JSON array of keys', () => {
    expect(() => parseErasureConfig({ ...ENV, [ERASURE_EXTERNAL_KEYS_ENV]: '{' })).toThrow('EXTERNAL_KEYS is not JSON');
    expect(() => parseErasureConfig(withExternal({}))).toThrow('EXTERNAL_KEYS is not a JSON array');
    expect(() => parseErasureConfig(withExternal([{ account: BACKUP_ACCOUNT }]))).toThrow('EXTERNAL_KEYS[0] needs the strings');
  });
});
