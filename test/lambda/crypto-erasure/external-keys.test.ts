/**
 * Accounts apart: the backup account's air-gapped vault key is erased with the workload's keys, through
 * the backup account's erasure role, and every plan, result and certificate names each key's account
 * and region.
 */
import { planDigest } from '../../../lambda/crypto-erasure/canonical';
import { ErasureRefused } from '../../../lambda/crypto-erasure/errors';
import { KIND } from '../../../lambda/crypto-erasure/inventory';
import { buildPlan } from '../../../lambda/crypto-erasure/plan';
import { awsError } from '../fixtures';
import { certify, confirmedDigest, execute, executedAndVerified, finalize, phaseDeps, request, RUN_ID } from './helpers';
import {
  ACCOUNT,
  BACKUP_ACCOUNT,
  BACKUP_REGION,
  FakeWorld,
  IDS,
  keyArnOf,
  LAG_ALIAS,
  LAG_ROLE_ARN,
  LAG_SESSION,
  OTHER_ACCOUNT,
  PRIMARY,
  READ_ONLY_COMMANDS,
} from './world';
import { verifyErasure } from '../../../lambda/crypto-erasure/verify';

const LAG_KEY_ARN = keyArnOf(BACKUP_REGION, IDS.lag, BACKUP_ACCOUNT);
/** How the fake world logs a call made with the backup account's session. */
const IN_BACKUP = `${BACKUP_ACCOUNT}:${BACKUP_REGION}`;

let world: FakeWorld;
beforeEach(() => {
  world = new FakeWorld().withAirGappedKey();
});
afterEach(() => world.restore());

const plan = () => buildPlan(phaseDeps(world), { runId: 'plan-1', canaries: true });
const destructive = () => world.log.filter((l) => !READ_ONLY_COMMANDS.has(l.split(' ')[1]) && !l.endsWith('AssumeRoleCommand'));

describe('plan with the air-gapped key', () => {
  test("lists it with the backup account and its region, after the workload's keys, with the vault it encrypts", async () => {
    const result = await plan();
    expect(result.formatVersion).toBe(2);
    expect(result.keys.map((k) => [k.dataClass, k.account, k.region])).toEqual([
      ['phi', ACCOUNT, PRIMARY],
      ['backup', ACCOUNT, PRIMARY],
      ['phi-dr', ACCOUNT, 'us-west-2'],
      ['backup-dr', ACCOUNT, 'us-west-2'],
      ['backup-lag', BACKUP_ACCOUNT, BACKUP_REGION],
    ]);
    const lag = result.keys[4];
    expect(lag).toMatchObject({ keyArn: LAG_KEY_ARN, alias: LAG_ALIAS, state: 'Enabled' });
    expect(lag.canaryCiphertext).toBeDefined();
    expect(lag.protects).toEqual([
      {
        kind: KIND.airGappedVault,
        arn: `arn:aws:backup:${BACKUP_REGION}:${BACKUP_ACCOUNT}:backup-vault:crm-demo-backup-vault-lag`,
      },
    ]);
    expect(result.remains.map((r) => r.what).join('\n')).toMatch(
      `logically air-gapped vault crm-demo-backup-vault-lag (account ${BACKUP_ACCOUNT}, ${BACKUP_REGION})`,
    );
    expect(result.blockers).toEqual([]);
  });

  test('resolves the alias in the backup account: AssumeRole of the exact role ARN, then KMS of the key region with that session', async () => {
    await plan();
    expect(world.inputs(PRIMARY, 'AssumeRoleCommand')).toEqual([
      { RoleArn: LAG_ROLE_ARN, RoleSessionName: 'crypto-erasure-test' },
    ]);
    expect(world.sessionsUsed).toEqual([{ region: BACKUP_REGION, credentials: expect.objectContaining(LAG_SESSION) }]);
    expect(world.inputs(IN_BACKUP, 'DescribeKeyCommand')[0]).toEqual({ KeyId: LAG_ALIAS });
    expect(world.calls(IN_BACKUP)).toEqual(['DescribeKeyCommand', 'ListResourceTagsCommand', 'EncryptCommand', 'DecryptCommand']);
    // Nothing of the workload's own clients reaches the backup region.
    expect(world.calls(BACKUP_REGION)).toEqual([]);
  });

  test("the digest covers each key's account", async () => {
    const result = await plan();
    const moved = {
      ...result,
      keys: result.keys.map((k) => (k.dataClass === 'backup-lag' ? { ...k, account: OTHER_ACCOUNT } : k)),
    };
    expect(planDigest(result)).toBe(result.digest);
    expect(planDigest(moved)).not.toBe(result.digest);
  });

  test('a missing air-gapped key (vault stack not deployed) is listed as missing, with its account and region', async () => {
    world.restore();
    world = new FakeWorld().withAirGappedKey(false);
    const result = await plan();
    expect(result.keys.map((k) => k.dataClass)).not.toContain('backup-lag');
    expect(result.missingKeys).toEqual([
      { dataClass: 'backup-lag', alias: LAG_ALIAS, account: BACKUP_ACCOUNT, region: BACKUP_REGION },
    ]);
    expect(result.blockers).toEqual([]);
  });

  test("an alias in the backup account that names another account's key is refused", async () => {
    const lag = world.key(IDS.lag);
    lag.account = OTHER_ACCOUNT;
    await expect(plan()).rejects.toThrow(`key is in account ${OTHER_ACCOUNT}, not ${BACKUP_ACCOUNT}`);
  });

  test("a key without this deployment's air-gapped class tag is refused", async () => {
    world.key(IDS.lag).tags['hipaa-crm:data-class'] = 'backup';
    await expect(plan()).rejects.toThrow('key is tagged hipaa-crm:data-class=backup, not backup-lag');
  });

  test('a role that cannot be assumed stops the plan with the role, account and key named', async () => {
    world.failures.set('AssumeRoleCommand', () => awsError('AccessDenied', 403));
    const refusal = plan();
    await expect(refusal).rejects.toThrow(ErasureRefused);
    await expect(refusal).rejects.toThrow(
      `could not assume ${LAG_ROLE_ARN} to reach ${LAG_ALIAS} in account ${BACKUP_ACCOUNT}, region ${BACKUP_REGION} (AccessDenied)`,
    );
  });
});

describe('execute with the air-gapped key', () => {
  test('disables it and schedules its deletion with the configured window, through the backup account session', async () => {
    const digest = await confirmedDigest(world);
    world.resetLog();
    const result = await execute(world, digest);
    expect(result.completed).toBe(true);
    expect(world.calls(IN_BACKUP).filter((c) => c === 'DisableKeyCommand' || c === 'ScheduleKeyDeletionCommand')).toEqual([
      'DisableKeyCommand',
      'ScheduleKeyDeletionCommand',
    ]);
    expect(world.inputs(IN_BACKUP, 'DisableKeyCommand')).toEqual([{ KeyId: LAG_KEY_ARN }]);
    expect(world.inputs(IN_BACKUP, 'ScheduleKeyDeletionCommand')).toEqual([{ KeyId: LAG_KEY_ARN, PendingWindowInDays: 7 }]);
    expect(world.key(IDS.lag).state).toBe('PendingDeletion');
    expect(result.keys.find((k) => k.keyArn === LAG_KEY_ARN)).toMatchObject({
      account: BACKUP_ACCOUNT,
      region: BACKUP_REGION,
      dataClass: 'backup-lag',
      done: true,
      actions: ['DisableKey', 'ScheduleKeyDeletion'],
    });
    expect(result.plan?.keys.find((k) => k.keyArn === LAG_KEY_ARN)?.account).toBe(BACKUP_ACCOUNT);
  });

  test('a role that cannot be assumed stops execute before anything is written or destroyed', async () => {
    const digest = await confirmedDigest(world);
    world.failures.set('AssumeRoleCommand', () => awsError('AccessDenied', 403));
    world.resetLog();
    await expect(execute(world, digest)).rejects.toThrow(/could not assume .*nothing was changed by this phase/);
    expect(destructive()).toEqual([]);
    expect(world.evidence.size).toBe(0);
    expect(world.keys.filter((k) => k.state !== 'Enabled')).toEqual([]);
  });

  test('a carried plan naming a key of an account not configured is refused before any call on it', async () => {
    const { executed } = await executedAndVerified(world);
    const foreign = keyArnOf(BACKUP_REGION, IDS.lag, OTHER_ACCOUNT);
    const tampered = {
      ...executed,
      plan: {
        ...executed.plan!,
        keys: executed.plan!.keys.map((k) =>
          k.dataClass === 'backup-lag' ? { ...k, keyArn: foreign, account: OTHER_ACCOUNT } : k,
        ),
      },
    };
    world.resetLog();
    await expect(verifyErasure(phaseDeps(world), request('verify', executed.digest, { previous: tampered }))).rejects.toThrow(
      `${LAG_ALIAS} in account ${OTHER_ACCOUNT}, region ${BACKUP_REGION} is outside this deployment`,
    );
    expect(world.calls(`${OTHER_ACCOUNT}:${BACKUP_REGION}`)).toEqual([]);
  });
});

describe('verify and certify with the air-gapped key', () => {
  test("verify finds the events in the backup account's CloudTrail; the certificate lists every key with account and region", async () => {
    const { verified } = await executedAndVerified(world);
    expect(verified.completed).toBe(true);
    const lag = verified.keys.find((k) => k.keyArn === LAG_KEY_ARN)!;
    expect(lag).toMatchObject({ account: BACKUP_ACCOUNT, region: BACKUP_REGION, state: 'PendingDeletion', done: true });
    expect(lag.canaryDecryptError).toBe('KMSInvalidStateException');
    expect(lag.events?.map((e) => e.eventName).sort()).toEqual(['DisableKey', 'ScheduleKeyDeletion']);
    expect(world.calls(IN_BACKUP)).toContain('LookupEventsCommand');

    await certify(world, verified);
    const certificate = JSON.parse(world.evidence.get(`certificates-of-destruction/${RUN_ID}/certificate.json`)!) as {
      version: number;
      account: string;
      keys: { keyArn: string; account: string; region: string; dataClass: string }[];
      verification: { planDigest: { command: string } };
    };
    expect(certificate.version).toBe(2);
    expect(certificate.account).toBe(ACCOUNT);
    expect(certificate.keys.map((k) => [k.dataClass, k.account, k.region])).toEqual([
      ['phi', ACCOUNT, PRIMARY],
      ['backup', ACCOUNT, PRIMARY],
      ['phi-dr', ACCOUNT, 'us-west-2'],
      ['backup-dr', ACCOUNT, 'us-west-2'],
      ['backup-lag', BACKUP_ACCOUNT, BACKUP_REGION],
    ]);
    expect(certificate.verification.planDigest.command).toMatch('{keyArn, alias, account, region, dataClass, protects}');
  });

  test("finalize confirms the deletion and finds DeleteKey in the backup account's CloudTrail", async () => {
    const { verified } = await executedAndVerified(world);
    const certified = await certify(world, verified);
    world.now = new Date(world.now.getTime() + 8 * 86_400_000);
    world.deletePendingKeys();
    world.resetLog();
    const finalized = await finalize(world, certified);
    expect(finalized.completed).toBe(true);
    expect(finalized.keys.find((k) => k.keyArn === LAG_KEY_ARN)).toMatchObject({
      account: BACKUP_ACCOUNT,
      region: BACKUP_REGION,
      state: 'Deleted',
      events: [expect.objectContaining({ eventName: 'DeleteKey' })],
    });
    expect(world.calls(IN_BACKUP)).toEqual(['DescribeKeyCommand', 'LookupEventsCommand']);
  });
});
