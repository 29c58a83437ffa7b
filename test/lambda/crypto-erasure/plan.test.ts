import { canonicalJson, planDigest } from '../../../lambda/crypto-erasure/canonical';
import { ErasureRefused } from '../../../lambda/crypto-erasure/errors';
import { KIND } from '../../../lambda/crypto-erasure/inventory';
import { buildPlan } from '../../../lambda/crypto-erasure/plan';
import { ERASURE_CANARY_CONTEXT } from '../../../lambda/shared/key-lifecycle-contract';
import {
  ACCOUNT,
  ARNS,
  CONFIG,
  DB_ARN,
  DEPLOYMENT,
  DR,
  DR_VAULT,
  EVIDENCE_BUCKET,
  FakeWorld,
  IDS,
  OTHER_ACCOUNT,
  PHI_BUCKET,
  PRIMARY,
  READ_ONLY_COMMANDS,
  REPLICA_BUCKET,
  SECRET_ARN,
  SNAPSHOT_ARN,
  VAULT,
  keyArnOf,
  rpArn,
} from './world';

let world: FakeWorld;
beforeEach(() => {
  world = new FakeWorld();
});
afterEach(() => world.restore());

const deps = () => ({ clientsFor: world.clientsFor, config: CONFIG, now: () => world.now });
const plan = (runId = 'plan-1') => buildPlan(deps(), { runId, canaries: true });
const refusal = async (): Promise<ErasureRefused> => {
  const error = await plan().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ErasureRefused);
  expect((error as Error).name).toBe('ErasureRefused');
  return error as ErasureRefused;
};
const destructive = () => world.calls().filter((c) => !READ_ONLY_COMMANDS.has(c));

describe('plan: keys in scope', () => {
  test('resolves the four erasable keys by alias, each in its own region, and never an audit key', async () => {
    const result = await plan();
    expect(result.keys.map((k) => [k.dataClass, k.alias, k.region, k.keyArn, k.state])).toEqual([
      ['phi', 'alias/crm-demo/phi', PRIMARY, ARNS.phi, 'Enabled'],
      ['backup', 'alias/crm-demo/backup', PRIMARY, ARNS.backup, 'Enabled'],
      ['phi-dr', 'alias/crm-demo/phi-dr', DR, ARNS['phi-dr'], 'Enabled'],
      ['backup-dr', 'alias/crm-demo/backup-dr', DR, ARNS['backup-dr'], 'Enabled'],
    ]);
    expect(result.keys.map((k) => k.keyArn)).not.toEqual(expect.arrayContaining([ARNS.audit]));
    expect(result).toMatchObject({ deployment: DEPLOYMENT, account: ACCOUNT, missingKeys: [], blockers: [] });
    expect(result.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  test('DR keys are resolved, tagged-checked and inventoried through the DR-region clients only', async () => {
    await plan();
    const drDescribes = world.inputs<{ KeyId: string }>(DR, 'DescribeKeyCommand').map((i) => i.KeyId);
    const primaryDescribes = world.inputs<{ KeyId: string }>(PRIMARY, 'DescribeKeyCommand').map((i) => i.KeyId);
    expect(drDescribes).toEqual(expect.arrayContaining(['alias/crm-demo/phi-dr', 'alias/crm-demo/backup-dr']));
    expect(primaryDescribes).not.toEqual(expect.arrayContaining(['alias/crm-demo/phi-dr']));
    expect(
      world
        .inputs<{ KeyId: string }>(DR, 'ListResourceTagsCommand')
        .map((i) => i.KeyId)
        .sort(),
    ).toEqual([ARNS['phi-dr'], ARNS['backup-dr']]);
    expect(
      world.inputs<{ BackupVaultName: string }>(DR, 'ListRecoveryPointsByBackupVaultCommand').map((i) => i.BackupVaultName),
    ).toEqual([DR_VAULT]);
    expect(
      world.inputs<{ BackupVaultName: string }>(PRIMARY, 'ListRecoveryPointsByBackupVaultCommand').map((i) => i.BackupVaultName),
    ).toEqual([VAULT]);
    // ListBuckets is filtered on the region whose endpoint it is sent to.
    expect(world.inputs<{ BucketRegion: string }>(DR, 'ListBucketsCommand').map((i) => i.BucketRegion)).toEqual([DR]);
    expect(world.inputs<{ BucketRegion: string }>(PRIMARY, 'ListBucketsCommand').map((i) => i.BucketRegion)).toEqual([PRIMARY]);
    expect(
      world
        .inputs<{ KeyId: string }>(DR, 'EncryptCommand')
        .map((i) => i.KeyId)
        .sort(),
    ).toEqual([ARNS['phi-dr'], ARNS['backup-dr']]);
  });

  test('plan mode never sends a destructive call and writes nothing', async () => {
    await plan();
    expect(world.calls().length).toBeGreaterThan(20);
    expect(destructive()).toEqual([]);
    expect(world.evidence.size).toBe(0);
    expect(world.keys.every((k) => k.state === 'Enabled')).toBe(true);
  });

  test('a key behind an alias of another account is refused, and the whole plan with it', async () => {
    const phi = world.key(IDS.phi);
    phi.account = OTHER_ACCOUNT;
    const error = await refusal();
    expect(error.message).toContain(
      `alias/crm-demo/phi (${keyArnOf(PRIMARY, IDS.phi, OTHER_ACCOUNT)}): key is in account ${OTHER_ACCOUNT}, not ${ACCOUNT}`,
    );
    expect(destructive()).toEqual([]);
  });

  test('an untagged key and a key of another deployment are refused, every problem listed at once', async () => {
    world.key(IDS.backup).tags = {};
    world.key(IDS['phi-dr']).tags = { 'hipaa-crm:deployment': 'crm-other', 'hipaa-crm:data-class': 'phi-dr' };
    const error = await refusal();
    expect(error.reasons).toEqual(
      expect.arrayContaining([
        expect.stringContaining('alias/crm-demo/backup'),
        expect.stringContaining('tagged for deployment crm-other, not crm-demo'),
      ]),
    );
    expect(error.message).toContain('key has no hipaa-crm:deployment tag');
    expect(error.message).toContain('key has no hipaa-crm:data-class tag');
    expect(world.calls()).not.toContain('EncryptCommand');
  });

  test('a key tagged with another data class, in the wrong region, AWS managed or multi-Region is refused', async () => {
    world.key(IDS.phi).tags['hipaa-crm:data-class'] = 'backup';
    const backup = world.key(IDS.backup);
    backup.multiRegion = true;
    world.key(IDS['phi-dr']).arnRegion = PRIMARY;
    world.key(IDS['backup-dr']).keyManager = 'AWS';
    const error = await refusal();
    expect(error.message).toContain('tagged hipaa-crm:data-class=backup, not phi');
    expect(error.message).toContain('multi-Region key');
    expect(error.message).toContain(`key is in region ${PRIMARY}, not ${DR}`);
    expect(error.message).toContain('not customer managed (AWS)');
    expect(error.reasons).toHaveLength(4);
  });

  test('the audit key is never in scope, even when an erasable alias names it and it is tagged erasable by mistake', async () => {
    const audit = world.key(IDS.audit);
    audit.tags['hipaa-crm:data-class'] = 'phi';
    audit.aliases.push('alias/crm-demo/phi');
    world.key(IDS.phi).aliases = [];
    const error = await refusal();
    expect(error.message).toContain(
      `alias/crm-demo/phi (${ARNS.audit}) is the audit key (alias/crm-demo/audit): protected keys are never erased`,
    );
    expect(destructive()).toEqual([]);
  });

  test('a key tagged with a protected class is refused as such', async () => {
    world.key(IDS.backup).tags['hipaa-crm:data-class'] = 'audit';
    const error = await refusal();
    expect(error.message).toContain('tagged hipaa-crm:data-class=audit, a protected class that is never erased');
  });

  test('the certificate signing key is never in scope', async () => {
    const signing = world.key(IDS.signing);
    signing.tags = { 'hipaa-crm:deployment': DEPLOYMENT, 'hipaa-crm:data-class': 'backup' };
    signing.aliases.push('alias/crm-demo/backup');
    world.key(IDS.backup).aliases = [];
    const error = await refusal();
    expect(error.message).toContain('is the certificate signing key');
  });

  test('a missing key is reported in the plan, not fatal', async () => {
    world.key(IDS['backup-dr']).deleted = true;
    const result = await plan();
    expect(result.keys.map((k) => k.dataClass)).toEqual(['phi', 'backup', 'phi-dr']);
    expect(result.missingKeys).toEqual([
      { dataClass: 'backup-dr', alias: 'alias/crm-demo/backup-dr', account: ACCOUNT, region: DR },
    ]);
  });

  test('no key at all is a blocker', async () => {
    for (const id of [IDS.phi, IDS.backup, IDS['phi-dr'], IDS['backup-dr']]) world.key(id).deleted = true;
    const result = await plan();
    expect(result.blockers).toEqual([expect.stringContaining('no key in scope was found')]);
  });
});

describe('plan: inventory', () => {
  test('lists what each key protects, identifiers only, in both regions', async () => {
    const result = await plan();
    const protects = Object.fromEntries(result.keys.map((k) => [k.dataClass, k.protects]));
    expect(protects.phi).toEqual([
      { kind: KIND.recoveryPoint, arn: `arn:aws:rds:${PRIMARY}:${ACCOUNT}:snapshot:awsbackup:job-1` },
      { kind: KIND.dbInstance, arn: DB_ARN },
      { kind: KIND.dbSnapshot, arn: SNAPSHOT_ARN },
      { kind: KIND.performanceInsights, arn: DB_ARN },
      { kind: KIND.bucket, arn: `arn:aws:s3:::${PHI_BUCKET}` },
      { kind: KIND.secret, arn: SECRET_ARN },
    ]);
    expect(protects.backup).toEqual([
      { kind: KIND.recoveryPoint, arn: rpArn(PRIMARY, 'continuous:s3-phi-1') },
      { kind: KIND.vault, arn: `arn:aws:backup:${PRIMARY}:${ACCOUNT}:backup-vault:${VAULT}` },
    ]);
    // The replica bucket names its key by alias; it is still attributed to phi-dr.
    expect(protects['phi-dr']).toEqual([{ kind: KIND.bucket, arn: `arn:aws:s3:::${REPLICA_BUCKET}` }]);
    expect(protects['backup-dr']).toEqual([
      { kind: KIND.recoveryPoint, arn: rpArn(DR, 'copy-1') },
      { kind: KIND.vault, arn: `arn:aws:backup:${DR}:${ACCOUNT}:backup-vault:${DR_VAULT}` },
    ]);
    expect(JSON.stringify(result)).not.toContain('other-app');
  });

  test('a bucket whose encryption settings are access-denied is listed as not inspected, not fatal', async () => {
    const result = await plan();
    expect(result.unchecked).toEqual([
      { kind: KIND.bucket, arn: 'arn:aws:s3:::other-team-bucket', reason: 'encryption settings access denied' },
    ]);
  });

  test('remains: the audit trail and evidence, the locked vaults until their last deletion date, the locked buckets', async () => {
    const result = await plan();
    expect(result.remains[0].what).toContain(
      `encrypted with alias/crm-demo/audit and alias/crm-demo/audit-dr, which are never erased: evidence bucket ${EVIDENCE_BUCKET}; Object Lock COMPLIANCE 2190 days`,
    );
    expect(result.remains).toEqual(
      expect.arrayContaining([
        {
          what: expect.stringMatching(
            new RegExp(
              `^backup vault ${VAULT} \\(${PRIMARY}\\), Vault Lock since 2026-01-10T00:00:00.000Z .*: 2 recovery point\\(s\\) stay as ciphertext under the destroyed key\\(s\\) alias/crm-demo/backup, alias/crm-demo/phi`,
            ),
          ),
          until: '2027-05-01T00:00:00.000Z',
        },
        expect.objectContaining({
          what: expect.stringContaining(`backup vault ${DR_VAULT} (${DR})`),
          until: '2027-05-02T00:00:00.000Z',
        }),
        { what: expect.stringContaining(`bucket ${PHI_BUCKET} (${PRIMARY}): Object Lock COMPLIANCE 6 years`) },
        { what: expect.stringContaining(`bucket ${REPLICA_BUCKET} (${DR}): Object Lock COMPLIANCE 6 years`) },
      ]),
    );
  });

  test('a recovery point no key in scope protects blocks the plan; one whose key is already deleted does not', async () => {
    world.points.push({ region: PRIMARY, vault: VAULT, arn: rpArn(PRIMARY, 'foreign'), keyArn: ARNS.unrelated });
    world.points.push({
      region: PRIMARY,
      vault: VAULT,
      arn: rpArn(PRIMARY, 'old'),
      keyArn: keyArnOf(PRIMARY, '99999999-9999-9999-9999-999999999999'),
    });
    world.points.push({ region: DR, vault: DR_VAULT, arn: rpArn(DR, 'clear'), isEncrypted: false });
    const result = await plan();
    expect(result.uncovered).toEqual([
      {
        kind: KIND.recoveryPoint,
        arn: rpArn(PRIMARY, 'foreign'),
        encryptionKeyArn: ARNS.unrelated,
        reason: 'encrypted with a key outside this erasure (Enabled)',
        blocking: true,
      },
      {
        kind: KIND.recoveryPoint,
        arn: rpArn(PRIMARY, 'old'),
        encryptionKeyArn: keyArnOf(PRIMARY, '99999999-9999-9999-9999-999999999999'),
        reason: 'its key no longer exists',
        blocking: false,
      },
      { kind: KIND.recoveryPoint, arn: rpArn(DR, 'clear'), reason: 'not encrypted', blocking: true },
    ]);
    expect(result.blockers).toEqual([
      expect.stringContaining('2 recovery point(s) in the backup vaults are protected by no key in scope'),
    ]);
  });
});

describe('plan: canaries', () => {
  test('each enabled key encrypts a canary under a context naming the deployment and run, and it decrypts back', async () => {
    const result = await plan('plan-abc');
    for (const key of result.keys) {
      expect(key.canaryCiphertext).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(key.canaryEncryptionContext).toEqual({
        'hipaa-crm:deployment': DEPLOYMENT,
        'hipaa-crm:erasure-run': 'plan-abc',
        'hipaa-crm:purpose': 'crypto-erasure-canary',
      });
    }
    expect(world.calls().filter((c) => c === 'DecryptCommand')).toHaveLength(4);
  });

  test("the canary context carries the pair the erasable keys' policies require for Encrypt/Decrypt", async () => {
    const result = await plan();
    for (const key of result.keys) expect(key.canaryEncryptionContext).toMatchObject(ERASURE_CANARY_CONTEXT);
  });

  test('a disabled key gets no canary (it cannot encrypt) and the plan still stands', async () => {
    world.key(IDS.backup).state = 'Disabled';
    const result = await plan();
    const backup = result.keys.find((k) => k.dataClass === 'backup')!;
    expect(backup).toMatchObject({ state: 'Disabled' });
    expect(backup.canaryCiphertext).toBeUndefined();
  });
});

describe('plan: digest', () => {
  test('is stable across re-plans (other time, run, canaries, key states) while nothing changed', async () => {
    const first = await plan('plan-1');
    world.now = new Date(world.now.getTime() + 3_600_000);
    world.key(IDS.phi).state = 'Disabled';
    const second = await plan('plan-2');
    expect(second.createdAt).not.toBe(first.createdAt);
    expect(second.keys[1].canaryCiphertext).not.toBe(first.keys[1].canaryCiphertext);
    expect(second.digest).toBe(first.digest);
    expect(planDigest(second)).toBe(first.digest);
  });

  test('changes when the inventory changes', async () => {
    const first = await plan();
    world.snapshots.push({ region: PRIMARY, arn: `${SNAPSHOT_ARN}-2`, kmsKeyId: ARNS.phi });
    const second = await plan();
    expect(second.digest).not.toBe(first.digest);
  });

  test('changes when a key is replaced behind its alias', async () => {
    const first = await plan();
    world.key(IDS['phi-dr']).keyId = '33333333-0000-0000-0000-333333333333';
    expect((await plan()).digest).not.toBe(first.digest);
  });

  test('format 2: the digest of a fixed plan is pinned (formatVersion and each key account are covered)', () => {
    const fixed = {
      formatVersion: 2,
      deployment: 'crm-demo',
      account: '111122223333',
      keys: [
        {
          keyArn: 'arn:aws:kms:us-east-1:111122223333:key/11111111-1111-1111-1111-111111111111',
          alias: 'alias/crm-demo/phi',
          account: '111122223333',
          region: 'us-east-1',
          dataClass: 'phi' as const,
          protects: [{ kind: 'rds:db-instance', arn: 'arn:aws:rds:us-east-1:111122223333:db:crm-demo-crm' }],
        },
        {
          keyArn: 'arn:aws:kms:us-east-2:777788889999:key/99999999-9999-9999-9999-999999999999',
          alias: 'alias/crm-demo/backup-lag',
          account: '777788889999',
          region: 'us-east-2',
          dataClass: 'backup-lag' as const,
          protects: [],
        },
      ],
      missingKeys: [],
      uncovered: [],
      unchecked: [],
      remains: [{ what: 'audit trail' }],
    };
    expect(planDigest(fixed)).toBe('97badf68d3614431b1421765dca06920f182c1ca142eb09ce01e967aa48482ae');
    expect(planDigest({ ...fixed, formatVersion: 1 })).not.toBe(planDigest(fixed));
  });

  test('canonical JSON sorts object keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: [{ y: 1, x: 2 }, 'a'], a: null, c: undefined })).toBe('{"a":null,"b":[{"x":2,"y":1},"a"]}');
  });
});
