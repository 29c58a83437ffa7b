import { createHash } from 'node:crypto';
import { ErasureRefused } from '../../../lambda/crypto-erasure/errors';
import { KIND } from '../../../lambda/crypto-erasure/inventory';
import type { ErasurePlan } from '../../../lambda/shared/key-lifecycle-contract';
import { awsError } from '../fixtures';
import { RUN_ID, confirmedDigest, execute } from './helpers';
import { ARNS, DR, EVIDENCE_BUCKET, FakeWorld, IDS, PRIMARY, READ_ONLY_COMMANDS, SNAPSHOT_ARN, rpArn, VAULT } from './world';

let world: FakeWorld;
beforeEach(() => {
  world = new FakeWorld();
});
afterEach(() => world.restore());

const destructive = () => world.log.filter((l) => !READ_ONLY_COMMANDS.has(l.split(' ')[1]));
const ALL = [ARNS.phi, ARNS.backup, ARNS['phi-dr'], ARNS['backup-dr']];

describe('execute: confirmation', () => {
  test('a wrong digest is refused before anything is encrypted, written or disabled', async () => {
    const digest = await confirmedDigest(world);
    world.resetLog();
    const wrong = digest.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await expect(execute(world, wrong)).rejects.toThrow(ErasureRefused);
    await expect(execute(world, wrong)).rejects.toThrow(/not the confirmed .*Nothing was changed; plan again/);
    expect(destructive()).toEqual([]);
    expect(world.calls()).not.toContain('EncryptCommand');
    expect(world.evidence.size).toBe(0);
  });

  test('a digest confirmed before the inventory changed is refused', async () => {
    const digest = await confirmedDigest(world);
    world.snapshots.push({ region: PRIMARY, arn: `${SNAPSHOT_ARN}-new`, kmsKeyId: ARNS.phi });
    world.resetLog();
    await expect(execute(world, digest)).rejects.toThrow(ErasureRefused);
    expect(destructive()).toEqual([]);
    expect(world.keys.filter((k) => k.state !== 'Enabled')).toEqual([]);
  });

  test('a plan with blockers is refused even with its own digest', async () => {
    world.points.push({ region: PRIMARY, vault: VAULT, arn: rpArn(PRIMARY, 'foreign'), keyArn: ARNS.unrelated });
    const digest = await confirmedDigest(world);
    world.resetLog();
    await expect(execute(world, digest)).rejects.toThrow(/protected by no key in scope.*nothing was changed/);
    expect(destructive()).toEqual([]);
  });
});

describe('execute: the erasure', () => {
  test('writes the plan first, then per key DisableKey then ScheduleKeyDeletion with the configured window', async () => {
    const digest = await confirmedDigest(world);
    world.resetLog();
    const result = await execute(world, digest);

    expect(destructive()).toEqual([
      `${PRIMARY} PutObjectCommand`,
      `${PRIMARY} DisableKeyCommand`,
      `${PRIMARY} ScheduleKeyDeletionCommand`,
      `${PRIMARY} DisableKeyCommand`,
      `${PRIMARY} ScheduleKeyDeletionCommand`,
      `${DR} DisableKeyCommand`,
      `${DR} ScheduleKeyDeletionCommand`,
      `${DR} DisableKeyCommand`,
      `${DR} ScheduleKeyDeletionCommand`,
    ]);
    expect(world.inputs(DR, 'ScheduleKeyDeletionCommand')).toEqual([
      { KeyId: ARNS['phi-dr'], PendingWindowInDays: 7 },
      { KeyId: ARNS['backup-dr'], PendingWindowInDays: 7 },
    ]);
    const deletionDate = '2026-05-11T10:00:00.000Z';
    expect(result).toMatchObject({
      phase: 'execute',
      runId: RUN_ID,
      digest,
      completed: true,
      startedAt: world.now.toISOString(),
      pendingWindowEndsAt: deletionDate,
    });
    expect(result.keys).toEqual(
      ALL.map((keyArn) =>
        expect.objectContaining({
          keyArn,
          state: 'PendingDeletion',
          done: true,
          actions: ['DisableKey', 'ScheduleKeyDeletion'],
          deletionDate,
        }),
      ),
    );
    expect(world.keys.filter((k) => k.state === 'PendingDeletion').map((k) => k.keyId)).toEqual([
      IDS.phi,
      IDS.backup,
      IDS['phi-dr'],
      IDS['backup-dr'],
    ]);
    // The audit, signing and unrelated keys are untouched.
    expect([IDS.audit, IDS['audit-dr'], IDS.signing, IDS.unrelated].map((id) => world.key(id).state)).toEqual([
      'Enabled',
      'Enabled',
      'Enabled',
      'Enabled',
    ]);
  });

  test('the full plan is evidence; the carried plan is summarised and names it by SHA-256', async () => {
    const digest = await confirmedDigest(world);
    const result = await execute(world, digest);
    const key = `certificates-of-destruction/${RUN_ID}/plan.json`;
    const body = world.evidence.get(key)!;
    const full = JSON.parse(body) as ErasurePlan;
    expect(full.digest).toBe(digest);
    expect(full.keys.every((k) => k.canaryCiphertext && k.canaryEncryptionContext?.['hipaa-crm:erasure-run'] === RUN_ID)).toBe(
      true,
    );
    expect(full.keys[0].protects).toContainEqual({ kind: KIND.dbSnapshot, arn: SNAPSHOT_ARN });
    expect(result.plan?.inventoryEvidence).toEqual({
      bucket: EVIDENCE_BUCKET,
      key,
      sha256: createHash('sha256').update(body).digest('hex'),
      versionId: 'v-1',
    });
    const phi = result.plan!.keys[0];
    expect(phi.protects).toEqual(
      expect.arrayContaining([
        { kind: KIND.dbSnapshot, count: 1 },
        { kind: KIND.dbInstance, count: 1 },
        { kind: KIND.dbInstance, arn: expect.stringContaining(':db:crm-demo-db') },
      ]),
    );
    expect(phi.protects).not.toContainEqual({ kind: KIND.dbSnapshot, arn: SNAPSHOT_ARN });
    expect(phi.canaryCiphertext).toBe(full.keys[0].canaryCiphertext);
  });

  test('keys already disabled or pending deletion are handled idempotently', async () => {
    const digest = await confirmedDigest(world);
    world.key(IDS.backup).state = 'Disabled';
    const pending = world.key(IDS['phi-dr']);
    pending.state = 'PendingDeletion';
    pending.deletionDate = new Date('2026-05-20T00:00:00Z');
    world.resetLog();
    const result = await execute(world, digest);
    expect(result.completed).toBe(true);
    const byArn = Object.fromEntries(result.keys.map((k) => [k.keyArn, k]));
    expect(byArn[ARNS.backup]).toMatchObject({
      done: true,
      actions: ['ScheduleKeyDeletion'],
      detail: 'ScheduleKeyDeletion succeeded (was already disabled)',
    });
    expect(byArn[ARNS['phi-dr']]).toMatchObject({
      done: true,
      actions: [],
      deletionDate: '2026-05-20T00:00:00.000Z',
      detail: 'already pending deletion: nothing sent',
    });
    expect(world.inputs(PRIMARY, 'DisableKeyCommand')).toEqual([{ KeyId: ARNS.phi }]);
    expect(world.inputs(DR, 'DisableKeyCommand')).toEqual([{ KeyId: ARNS['backup-dr'] }]);
    expect(world.inputs(DR, 'ScheduleKeyDeletionCommand')).toEqual([{ KeyId: ARNS['backup-dr'], PendingWindowInDays: 7 }]);
    expect(result.pendingWindowEndsAt).toBe('2026-05-20T00:00:00.000Z');

    // Running it again changes nothing and still completes.
    world.resetLog();
    const again = await execute(world, digest, result);
    expect(again.completed).toBe(true);
    expect(destructive()).toEqual([`${PRIMARY} PutObjectCommand`]);
  });

  test('a key scheduled by someone else between the check and the call is success, not failure', async () => {
    const digest = await confirmedDigest(world);
    world.failures.set('ScheduleKeyDeletionCommand', (input) => {
      if (input.KeyId !== ARNS.backup) return undefined;
      const key = world.key(IDS.backup);
      key.state = 'PendingDeletion';
      key.deletionDate = new Date('2026-05-12T00:00:00Z');
      return awsError('KMSInvalidStateException');
    });
    const result = await execute(world, digest);
    expect(result.completed).toBe(true);
    expect(result.keys[1]).toMatchObject({
      keyArn: ARNS.backup,
      done: true,
      actions: ['DisableKey'],
      state: 'PendingDeletion',
      deletionDate: '2026-05-12T00:00:00.000Z',
    });
  });

  test('a failure half-way reports exactly what was and was not done, continues with the other keys, and a re-run finishes', async () => {
    const digest = await confirmedDigest(world);
    world.failures.set('ScheduleKeyDeletionCommand', (input) =>
      input.KeyId === ARNS.backup ? awsError('AccessDeniedException') : undefined,
    );
    world.failures.set('DisableKeyCommand', (input) =>
      input.KeyId === ARNS['phi-dr'] ? awsError('ThrottlingException') : undefined,
    );
    const first = await execute(world, digest);

    expect(first.completed).toBe(false);
    expect(first.detail).toContain(
      `2 of 4 key(s) not disabled and scheduled for deletion: ${ARNS.backup} (AccessDeniedException), ${ARNS['phi-dr']} (ThrottlingException)`,
    );
    const byArn = Object.fromEntries(first.keys.map((k) => [k.keyArn, k]));
    expect(byArn[ARNS.phi]).toMatchObject({
      done: true,
      state: 'PendingDeletion',
      actions: ['DisableKey', 'ScheduleKeyDeletion'],
    });
    expect(byArn[ARNS.backup]).toMatchObject({
      done: false,
      state: 'Disabled',
      actions: ['DisableKey'],
      errorName: 'AccessDeniedException',
      detail: 'ScheduleKeyDeletion failed with AccessDeniedException; succeeded before it: DisableKey; key is Disabled',
    });
    expect(byArn[ARNS['phi-dr']]).toMatchObject({ done: false, state: 'Enabled', actions: [], errorName: 'ThrottlingException' });
    // The key after the failing ones was still erased.
    expect(byArn[ARNS['backup-dr']]).toMatchObject({ done: true, state: 'PendingDeletion' });
    expect(JSON.stringify(first)).not.toContain('alice@example.com');

    world.failures.clear();
    world.resetLog();
    const second = await execute(world, digest, first);
    expect(second.completed).toBe(true);
    expect(destructive()).toEqual([
      `${PRIMARY} PutObjectCommand`,
      `${PRIMARY} ScheduleKeyDeletionCommand`,
      `${DR} DisableKeyCommand`,
      `${DR} ScheduleKeyDeletionCommand`,
    ]);
    expect(second.startedAt).toBe(first.startedAt);
    expect(second.history?.map((h) => [h.phase, h.completed])).toEqual([['execute', false]]);
    // The backup key could no longer encrypt a canary: the first attempt's is kept.
    expect(second.plan!.keys[1].canaryCiphertext).toBe(first.plan!.keys[1].canaryCiphertext);
  });

  test('previous from another run is refused', async () => {
    const digest = await confirmedDigest(world);
    const result = await execute(world, digest);
    await expect(execute(world, digest, { ...result, runId: 'teardown-other' })).rejects.toThrow(ErasureRefused);
  });
});
