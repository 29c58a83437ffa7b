import { CloudTrailEventsNotYetVisible, ErasureRefused } from '../../../lambda/crypto-erasure/errors';
import { confirmedDigest, execute, verify } from './helpers';
import { ARNS, DR, FakeWorld, IDS, PRIMARY } from './world';

let world: FakeWorld;
beforeEach(() => {
  world = new FakeWorld();
});
afterEach(() => world.restore());

async function executed() {
  const digest = await confirmedDigest(world);
  const result = await execute(world, digest);
  world.now = new Date(world.now.getTime() + 5 * 60_000);
  world.resetLog();
  return result;
}

describe('verify', () => {
  test('canaries are refused with the disabled / pending-deletion error, keys are PendingDeletion, and the CloudTrail event IDs are recorded', async () => {
    const result = await verify(world, await executed());
    expect(result).toMatchObject({ phase: 'verify', completed: true, evidenceComplete: true });
    for (const key of result.keys) {
      const events = world.trail.filter((e) => e.keyArn === key.keyArn);
      expect(key).toMatchObject({ done: true, state: 'PendingDeletion', canaryDecryptError: 'KMSInvalidStateException' });
      expect(key.cloudTrailEventIds?.slice().sort()).toEqual(events.map((e) => e.eventId).sort());
      expect(key.events?.map((e) => e.eventName).sort()).toEqual(['DisableKey', 'ScheduleKeyDeletion']);
      expect(key.events?.[0].principal).toContain(':assumed-role/crm-demo-crypto-erasure-role/');
    }
    // Nothing but reads: Decrypt (expected to fail), DescribeKey, LookupEvents.
    expect(new Set(world.calls())).toEqual(new Set(['DecryptCommand', 'DescribeKeyCommand', 'LookupEventsCommand']));
  });

  test('a disabled (not yet scheduled) key refuses with DisabledException, which is proof too, but the key must be PendingDeletion', async () => {
    const previous = await executed();
    const backup = world.key(IDS.backup);
    backup.state = 'Disabled';
    const result = await verify(world, previous);
    expect(result.completed).toBe(false);
    expect(result.keys[1]).toMatchObject({
      keyArn: ARNS.backup,
      done: false,
      canaryDecryptError: 'DisabledException',
      detail: 'key state is Disabled, not PendingDeletion',
    });
  });

  test('a canary that still decrypts FAILS the phase, without waiting for CloudTrail', async () => {
    const previous = await executed();
    world.key(IDS['phi-dr']).state = 'Enabled';
    world.trailVisible = false;
    const result = await verify(world, previous);
    expect(result.completed).toBe(false);
    expect(result.detail).toBe(`1 of 4 key(s) failed verification: ${ARNS['phi-dr']}`);
    expect(result.keys[2]).toMatchObject({
      done: false,
      detail: expect.stringContaining('FAILED: the canary still decrypts, the key is usable'),
    });
  });

  test('CloudTrail events not yet visible are retried (a retryable error), then reported as missing on the last attempt', async () => {
    const previous = await executed();
    world.trailVisible = false;
    const error = await verify(world, previous).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudTrailEventsNotYetVisible);
    expect((error as Error).name).toBe('CloudTrailEventsNotYetVisible');
    expect((error as Error).message).toContain(`${ARNS.phi} (DisableKey, ScheduleKeyDeletion)`);

    const last = await verify(world, previous, true);
    expect(last).toMatchObject({ completed: true, evidenceComplete: false });
    expect(last.keys[0]).toMatchObject({
      done: true,
      missingEvents: ['DisableKey', 'ScheduleKeyDeletion'],
      cloudTrailEventIds: [],
    });
    expect(last.keys[0].detail).toContain('CloudTrail events not found after the last attempt: DisableKey, ScheduleKeyDeletion');

    world.trailVisible = true;
    expect((await verify(world, previous)).evidenceComplete).toBe(true);
  });

  test('a failed DisableKey call in CloudTrail is not evidence', async () => {
    const previous = await executed();
    const disable = world.trail.find((e) => e.keyArn === ARNS.phi && e.eventName === 'DisableKey')!;
    disable.errorCode = 'AccessDenied';
    await expect(verify(world, previous)).rejects.toThrow(new RegExp(`${ARNS.phi} \\(DisableKey\\)`));
  });

  test('only the events of the calls execute made are expected (a key already pending deletion has none)', async () => {
    const digest = await confirmedDigest(world);
    const pending = world.key(IDS.backup);
    pending.state = 'PendingDeletion';
    pending.deletionDate = new Date('2026-05-09T00:00:00Z');
    const previous = await execute(world, digest);
    const result = await verify(world, previous);
    expect(result.evidenceComplete).toBe(true);
    expect(result.keys[1]).toMatchObject({ keyArn: ARNS.backup, done: true, cloudTrailEventIds: [] });
  });

  test('DR keys are checked and looked up through the DR-region clients', async () => {
    await verify(world, await executed());
    expect(world.inputs<{ KeyId: string }>(DR, 'DecryptCommand').map((i) => i.KeyId)).toEqual([
      ARNS['phi-dr'],
      ARNS['backup-dr'],
    ]);
    expect(world.inputs<{ KeyId: string }>(PRIMARY, 'DecryptCommand').map((i) => i.KeyId)).toEqual([ARNS.phi, ARNS.backup]);
    const lookups = (region: string) =>
      world
        .inputs<{ LookupAttributes: { AttributeValue: string }[] }>(region, 'LookupEventsCommand')
        .map((i) => i.LookupAttributes[0].AttributeValue);
    expect(lookups(DR)).toEqual(['DisableKey', 'ScheduleKeyDeletion']);
    expect(lookups(PRIMARY)).toEqual(['DisableKey', 'ScheduleKeyDeletion']);
  });

  test('needs the previous result of this run and digest', async () => {
    const previous = await executed();
    await expect(verify(world, { ...previous, runId: 'teardown-other' })).rejects.toThrow(ErasureRefused);
    await expect(verify(world, { ...previous, plan: undefined })).rejects.toThrow(/carries no plan/);
    await expect(verify(world, { ...previous, completed: false })).rejects.toThrow(/execute has not completed/);
  });
});
