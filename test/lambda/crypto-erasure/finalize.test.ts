import { CloudTrailEventsNotYetVisible, ErasureRefused, KeysNotYetDeleted } from '../../../lambda/crypto-erasure/errors';
import { certify, executedAndVerified, finalize } from './helpers';
import { ARNS, DR, FakeWorld, IDS } from './world';

let world: FakeWorld;
beforeEach(() => {
  world = new FakeWorld();
});
afterEach(() => world.restore());

async function certified() {
  const { verified } = await executedAndVerified(world);
  return certify(world, verified);
}

describe('finalize', () => {
  test('before KMS deleted the keys: KeysNotYetDeleted (retryable), naming each key and its deletion date', async () => {
    const previous = await certified();
    const error = await finalize(world, previous).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeysNotYetDeleted);
    expect((error as Error).name).toBe('KeysNotYetDeleted');
    expect((error as Error).message).toContain(`${ARNS.phi} (deletion date 2026-05-11T10:00:00.000Z)`);
  });

  test('after deletion: NotFound proofs and the DeleteKey service events, DR keys through the DR-region clients', async () => {
    const previous = await certified();
    world.now = new Date('2026-05-11T11:00:00Z');
    world.deletePendingKeys();
    world.resetLog();
    const result = await finalize(world, previous);
    expect(result).toMatchObject({ phase: 'finalize', completed: true, evidenceComplete: true });
    for (const key of result.keys) {
      const deleteKey = world.trail.find((e) => e.keyArn === key.keyArn && e.eventName === 'DeleteKey')!;
      expect(key).toMatchObject({
        done: true,
        state: 'Deleted',
        cloudTrailEventIds: [deleteKey.eventId],
        notFound: { at: '2026-05-11T11:00:00.000Z' },
      });
    }
    expect(world.inputs<{ KeyId: string }>(DR, 'DescribeKeyCommand').map((i) => i.KeyId)).toEqual([
      ARNS['phi-dr'],
      ARNS['backup-dr'],
    ]);
    expect(new Set(world.calls())).toEqual(new Set(['DescribeKeyCommand', 'LookupEventsCommand']));
  });

  test('DeleteKey events not yet visible are retried, then reported missing on the last attempt', async () => {
    const previous = await certified();
    world.deletePendingKeys();
    world.trailVisible = false;
    await expect(finalize(world, previous)).rejects.toThrow(CloudTrailEventsNotYetVisible);
    const last = await finalize(world, previous, true);
    expect(last).toMatchObject({ completed: true, evidenceComplete: false });
    expect(last.keys[0]).toMatchObject({ done: true, missingEvents: ['DeleteKey'] });
  });

  test('a key whose deletion was cancelled fails the phase (no retry)', async () => {
    const previous = await certified();
    world.deletePendingKeys();
    const backup = world.key(IDS.backup);
    backup.deleted = false;
    backup.state = 'Disabled';
    const result = await finalize(world, previous);
    expect(result.completed).toBe(false);
    expect(result.keys[1]).toMatchObject({
      keyArn: ARNS.backup,
      done: false,
      state: 'Disabled',
      detail: 'key is Disabled: its deletion was cancelled, it still exists',
    });
    expect(result.detail).toContain(`1 of 4 key(s) not deleted: ${ARNS.backup}`);
  });

  test('refuses without a completed verify', async () => {
    const previous = await certified();
    const history = previous.history!.map((h) => (h.phase === 'verify' ? { ...h, completed: false } : h));
    await expect(finalize(world, { ...previous, history })).rejects.toThrow(ErasureRefused);
  });
});
