import { createErasureHandler } from '../../../lambda/crypto-erasure/index';
import type { ErasurePhaseResult, ErasurePlan } from '../../../lambda/shared/key-lifecycle-contract';
import { awsError, captureOutput, lambdaContext } from '../fixtures';
import { FUNCTION_ARN, REQUESTED_BY, RUN_ID } from './helpers';
import { ERASURE_EXTERNAL_KEYS_ENV } from '../../../lambda/shared/key-lifecycle-contract';
import { BACKUP_ACCOUNT, ENV, FakeWorld, IDS, PRIMARY } from './world';

let world: FakeWorld;
let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  world = new FakeWorld();
  output = captureOutput();
});
afterEach(() => {
  output.restore();
  world.restore();
});

const context = { ...lambdaContext('crm-demo-crypto-erasure'), invokedFunctionArn: FUNCTION_ARN };
const handlerWith = (env: NodeJS.ProcessEnv = ENV) =>
  createErasureHandler({ clientsFor: world.clientsFor, env, now: () => world.now, planRunId: () => 'plan-test' });
const invoke = (event: unknown, env?: NodeJS.ProcessEnv) => handlerWith(env)(event, context);

/** The EMF metrics written: `<name>:<Phase>`. */
const metrics = () =>
  output
    .lines()
    .filter((l) => l._aws)
    .flatMap((l) =>
      (l._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics.flatMap((m) =>
        m.Metrics.map((x) => `${x.Name}:${String(l.Phase)}:${String(l.service)}`),
      ),
    );
const logs = () => output.lines().filter((l) => !l._aws);

describe('crypto-erasure handler: accounts apart', () => {
  test("plan reaches the backup account's air-gapped key through a session named for the plan's run", async () => {
    world.withAirGappedKey();
    const env = { ...ENV, [ERASURE_EXTERNAL_KEYS_ENV]: JSON.stringify(world.config.externalKeys) };
    const sessionNames: string[] = [];
    const handler = createErasureHandler({
      clientsFor: world.clientsFor,
      env,
      now: () => world.now,
      planRunId: () => 'plan-test',
      externalSessions: (name) => {
        sessionNames.push(name);
        return world.externalClientsFor(name);
      },
    });
    const plan = (await handler({ requestedBy: REQUESTED_BY }, context)) as ErasurePlan;
    expect(plan.keys.map((k) => k.account)).toEqual([...Array(4).fill(world.config.account), BACKUP_ACCOUNT]);
    expect(sessionNames).toEqual(['crypto-erasure-plan-test']);
    expect(world.inputs(PRIMARY, 'AssumeRoleCommand')).toEqual([
      expect.objectContaining({ RoleSessionName: 'crypto-erasure-plan-test' }),
    ]);
  });

  test('external keys in the environment without a way to reach them is a configuration error', async () => {
    world.withAirGappedKey();
    const env = { ...ENV, [ERASURE_EXTERNAL_KEYS_ENV]: JSON.stringify(world.config.externalKeys) };
    await expect(invoke({ requestedBy: REQUESTED_BY }, env)).rejects.toMatchObject({ name: 'ErasureConfigError' });
  });
});

describe('crypto-erasure handler', () => {
  test('plan is the default phase: read-only, returns the plan, counts ErasurePhaseSucceeded for Phase=plan', async () => {
    const plan = (await invoke({ requestedBy: REQUESTED_BY })) as ErasurePlan;
    expect(plan.keys).toHaveLength(4);
    expect(plan.runId).toBe('plan-test');
    expect(metrics()).toEqual(['ErasurePhaseSucceeded:plan:crypto-erasure']);
    const made = logs().find((l) => l.message === 'Plan made')!;
    expect(made).toMatchObject({ digest: plan.digest, phase: 'plan', unchecked: 1 });
    // Identifiers and counts: no canary ciphertext, no resource list.
    expect(output.text()).not.toContain(plan.keys[0].canaryCiphertext!);
    expect(output.text()).not.toContain('snapshot:rds:crm-demo-db');
  });

  test('a missing digest is refused before any AWS call', async () => {
    const error = await invoke({ phase: 'execute', requestedBy: REQUESTED_BY, runId: RUN_ID }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ErasureRefused', message: expect.stringContaining('confirmDigest is missing') });
    expect(world.calls()).toEqual([]);
    expect(metrics()).toEqual(['ErasurePhaseFailed:execute:crypto-erasure']);
    expect(logs().find((l) => l.message === 'Phase refused')).toMatchObject({ level: 'ERROR', errorName: 'ErasureRefused' });
  });

  test('malformed requests are refused: unknown phase, no requestedBy, bad digest or run ID', async () => {
    await expect(invoke({ phase: 'destroy', requestedBy: REQUESTED_BY })).rejects.toMatchObject({
      name: 'ErasureRefused',
      message: expect.stringContaining('unknown phase'),
    });
    await expect(invoke({ phase: 'plan' })).rejects.toMatchObject({
      name: 'ErasureRefused',
      message: expect.stringContaining('requestedBy'),
    });
    await expect(
      invoke({ phase: 'execute', requestedBy: REQUESTED_BY, runId: RUN_ID, confirmDigest: 'ABC' }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('confirmDigest is not a lowercase SHA-256 hex digest'),
    });
    await expect(
      invoke({ phase: 'verify', requestedBy: REQUESTED_BY, runId: '../x', confirmDigest: 'a'.repeat(64) }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('runId'),
    });
    expect(world.calls()).toEqual([]);
  });

  test('a configuration error names every bad variable', async () => {
    const error = await invoke(
      { requestedBy: REQUESTED_BY },
      { ...ENV, PENDING_WINDOW_DAYS: '40', ACCOUNT_ID: 'x', DR_REGION: ENV.PRIMARY_REGION },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ErasureConfigError' });
    expect((error as Error).message).toContain('PENDING_WINDOW_DAYS must be a whole number of days from 7 to 30');
    expect((error as Error).message).toContain('ACCOUNT_ID is not a 12-digit account ID');
    expect((error as Error).message).toContain('the primary and DR regions must differ');
    expect(world.calls()).toEqual([]);
  });

  test('an AWS error is rethrown under its own name without its message, which is not logged either', async () => {
    world.failures.set('ListResourceTagsCommand', () => awsError('AccessDeniedException', 403));
    const error = await invoke({ requestedBy: REQUESTED_BY }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException', message: 'crypto-erasure plan failed: AccessDeniedException' });
    expect(output.text()).not.toContain('alice@example.com');
    expect(logs().find((l) => l.message === 'Phase failed')).toMatchObject({
      errorName: 'AccessDeniedException',
      httpStatus: 403,
      requestId: 'req-1',
    });
    expect(metrics()).toEqual(['ErasurePhaseFailed:plan:crypto-erasure']);
  });

  test('the whole run through the handler, as the state machine chains it; CloudTrail lag counts as pending, not failed', async () => {
    const plan = (await invoke({ requestedBy: REQUESTED_BY })) as ErasurePlan;
    const base = { confirmDigest: plan.digest, requestedBy: REQUESTED_BY, runId: RUN_ID };
    const executed = (await invoke({ ...base, phase: 'execute' })) as ErasurePhaseResult;
    expect(executed.completed).toBe(true);

    world.trailVisible = false;
    await expect(invoke({ ...base, phase: 'verify', previous: executed })).rejects.toMatchObject({
      name: 'CloudTrailEventsNotYetVisible',
    });
    expect(logs().find((l) => l.message === 'Phase not ready yet; the state machine retries')).toMatchObject({ level: 'WARN' });
    world.trailVisible = true;
    const verified = (await invoke({ ...base, phase: 'verify', previous: executed })) as ErasurePhaseResult;
    const certified = (await invoke({ ...base, phase: 'certify', previous: verified })) as ErasurePhaseResult;
    await expect(invoke({ ...base, phase: 'finalize', previous: certified })).rejects.toMatchObject({
      name: 'KeysNotYetDeleted',
    });

    world.now = new Date(certified.pendingWindowEndsAt!);
    world.deletePendingKeys();
    const finalized = (await invoke({ ...base, phase: 'finalize', previous: certified })) as ErasurePhaseResult;
    const final = (await invoke({ ...base, phase: 'certify', final: true, previous: finalized })) as ErasurePhaseResult;

    expect(final.certificate?.key).toBe(`certificates-of-destruction/${RUN_ID}/certificate.final.json`);
    expect(metrics()).toEqual([
      'ErasurePhaseSucceeded:plan:crypto-erasure',
      'ErasurePhaseSucceeded:execute:crypto-erasure',
      'ErasurePhasePending:verify:crypto-erasure',
      'ErasurePhaseSucceeded:verify:crypto-erasure',
      'ErasurePhaseSucceeded:certify:crypto-erasure',
      'ErasurePhasePending:finalize:crypto-erasure',
      'ErasurePhaseSucceeded:finalize:crypto-erasure',
      'ErasurePhaseSucceeded:certify:crypto-erasure',
    ]);
    // Step Functions passes each result on: it must stay well under the 256 KiB payload quota.
    for (const result of [executed, verified, certified, finalized, final])
      expect(JSON.stringify(result).length).toBeLessThan(64 * 1024);
    // The input the state machine sends (with previous) must be accepted as is after a JSON round trip.
    expect(JSON.parse(JSON.stringify(final)).history.map((h: ErasurePhaseResult) => h.phase)).toEqual([
      'execute',
      'verify',
      'certify',
      'finalize',
    ]);
  });

  test('a phase that did not complete is counted as failed and logged loudly', async () => {
    const plan = (await invoke({ requestedBy: REQUESTED_BY })) as ErasurePlan;
    world.failures.set('DisableKeyCommand', (input) =>
      input.KeyId === world.keyArn(world.key(IDS.backup)) ? awsError('AccessDeniedException') : undefined,
    );
    const result = (await invoke({
      phase: 'execute',
      confirmDigest: plan.digest,
      requestedBy: REQUESTED_BY,
      runId: RUN_ID,
    })) as ErasurePhaseResult;
    expect(result.completed).toBe(false);
    expect(metrics()).toEqual(['ErasurePhaseSucceeded:plan:crypto-erasure', 'ErasurePhaseFailed:execute:crypto-erasure']);
    expect(logs().find((l) => l.message === 'Phase NOT completed')).toMatchObject({ level: 'ERROR', completed: false });
  });
});
