import { executeErasure } from '../../../lambda/crypto-erasure/execute';
import { approvalFor, confirmedDigest, phaseDeps, request, RUN_ID } from './helpers';
import { CONFIG, FakeWorld, PRIMARY } from './world';

let world: FakeWorld;
beforeEach(() => {
  world = new FakeWorld();
});
afterEach(() => world.restore());

const ruleOn = (w: FakeWorld) => ({ ...phaseDeps(w), config: { ...CONFIG, twoPersonRule: true } });
const RECORD_KEY = `certificates-of-destruction/${RUN_ID}/approval.json`;
/** No key was disabled or scheduled for deletion. */
const nothingDestroyed = (w: FakeWorld) => expect(w.calls().filter((c) => /DisableKey|ScheduleKeyDeletion/.test(c))).toEqual([]);

describe('execute with the two-person rule on', () => {
  test('refuses without an approval, and destroys nothing', async () => {
    const digest = await confirmedDigest(world);
    world.resetLog();
    await expect(executeErasure(ruleOn(world), request('execute', digest))).rejects.toThrow(/second person approved/);
    nothingDestroyed(world);
  });

  test('refuses an approval that was not recorded by the approve function (a direct invocation)', async () => {
    const digest = await confirmedDigest(world);
    world.resetLog();
    await expect(executeErasure(ruleOn(world), request('execute', digest, { approval: approvalFor(digest) }))).rejects.toThrow(
      /no approval is recorded/,
    );
    world.evidence.set(RECORD_KEY, JSON.stringify({ ...approvalFor(digest), approver: approvalFor(digest).requester }));
    await expect(executeErasure(ruleOn(world), request('execute', digest, { approval: approvalFor(digest) }))).rejects.toThrow(
      /not the one recorded/,
    );
    nothingDestroyed(world);
  });

  test('goes on with the recorded approval', async () => {
    const digest = await confirmedDigest(world);
    world.evidence.set(RECORD_KEY, JSON.stringify(approvalFor(digest)));
    const result = await executeErasure(ruleOn(world), request('execute', digest, { approval: approvalFor(digest) }));
    expect(result.completed).toBe(true);
    expect(world.inputs(PRIMARY, 'GetObjectCommand')).toEqual([expect.objectContaining({ Key: RECORD_KEY })]);
  });

  test('with the rule off, no approval is asked for or read', async () => {
    const digest = await confirmedDigest(world);
    world.resetLog();
    const result = await executeErasure(phaseDeps(world), request('execute', digest));
    expect(result.completed).toBe(true);
    expect(world.inputs(PRIMARY, 'GetObjectCommand')).toEqual([]);
  });
});
