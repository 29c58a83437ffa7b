import { formatPlan, keyStateLines } from '../../../scripts/teardown/report';
import { ACCOUNT, erasurePlan, phaseResult, REGION } from './fixtures';

const BACKUP = '777788889999';
const LAG_ARN = `arn:aws:kms:us-east-2:${BACKUP}:key/9999`;
const plan = erasurePlan({
  keys: [
    ...erasurePlan().keys,
    {
      keyArn: LAG_ARN,
      alias: 'alias/crm-demo/backup-lag',
      account: BACKUP,
      region: 'us-east-2',
      dataClass: 'backup-lag',
      protects: [
        {
          kind: 'backup:logically-air-gapped-vault',
          arn: `arn:aws:backup:us-east-2:${BACKUP}:backup-vault:crm-demo-backup-vault-lag`,
        },
      ],
    },
  ],
  missingKeys: [{ dataClass: 'backup-lag', alias: 'alias/crm-demo/backup-lag', account: BACKUP, region: 'us-west-1' }],
});

describe('formatPlan with keys in two accounts', () => {
  const text = formatPlan(plan, {
    region: REGION,
    drRegion: 'us-west-2',
    pendingWindowDays: 30,
    appStack: { verdict: 'absent', stackName: 'crm-demo-app' },
  });

  test('prints the account and region of every key', () => {
    expect(text).toMatch(/class {5}phi\n\s+account\s+111122223333\n\s+region\s+us-east-1\n/);
    expect(text).toMatch(
      new RegExp(
        `class {5}backup-lag\\n\\s+account\\s+${BACKUP}\\n\\s+region\\s+us-east-2\\n\\s+alias\\s+alias/crm-demo/backup-lag\\n\\s+key\\s+${LAG_ARN}`,
      ),
    );
  });

  test('prints the account and region of a missing key', () => {
    expect(text).toMatch(`backup-lag alias/crm-demo/backup-lag (account ${BACKUP}, us-west-1)`);
  });
});

describe('keyStateLines with keys in two accounts', () => {
  test('names the account and region of each key, and which account to check a key in', () => {
    const result = phaseResult('execute', {
      completed: false,
      keys: [{ keyArn: LAG_ARN, state: 'Enabled', done: false, detail: 'DisableKey failed with AccessDeniedException' }],
    });
    expect(keyStateLines(result, plan)).toContain(
      `  NOT DONE  backup-lag account ${BACKUP} us-east-2  ${LAG_ARN} [Enabled]: DisableKey failed with AccessDeniedException`,
    );
    expect(keyStateLines(undefined, plan).join('\n')).toMatch(
      `aws kms describe-key --region us-east-2 --key-id ${LAG_ARN} --query KeyMetadata.[KeyState,DeletionDate]   # with credentials of account ${BACKUP}`,
    );
    expect(keyStateLines(undefined, plan).join('\n')).not.toMatch(
      `${ACCOUNT}:key/11111111-1111-1111-1111-111111111111 --query KeyMetadata.[KeyState,DeletionDate]   #`,
    );
  });
});
