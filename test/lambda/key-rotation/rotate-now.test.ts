import { KMSClient, ListAliasesCommand, RotateKeyOnDemandCommand } from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createRotationHandler } from '../../../lambda/key-rotation';
import type { OnDemandRecord } from '../../../lambda/key-rotation/rotate-now';
import {
  ON_DEMAND_ROTATION_QUOTA,
  type RotateNowRequest,
  type RotateNowResult,
} from '../../../lambda/shared/key-lifecycle-contract';
import { awsError, captureOutput, lambdaContext, metricNames } from '../fixtures';
import {
  ACCOUNT,
  DEPLOYMENT,
  ENV,
  EVIDENCE_BUCKET,
  FOREIGN_ACCOUNT,
  FUNCTION_ARN,
  NOW,
  REGION,
  arnOf,
  daysAgo,
  deploymentKey,
  fakeKms,
  otherDeploymentKey,
  signingKey,
  type FakeKey,
} from './fake-kms';

const context = { ...lambdaContext(`${DEPLOYMENT}-key-rotation`), invokedFunctionArn: FUNCTION_ARN };
const PHI_ARN = arnOf({ account: ACCOUNT, region: REGION, keyId: 'key-phi' });
/** Free text that must reach the evidence and never the log. */
const REASON = 'INC-4711 laptop of a key administrator stolen';
const REQUESTED_BY = 'arn:aws:sts::111122223333:assumed-role/SecurityOfficer/alice@example.com';

const request = (key: string, overrides: Partial<RotateNowRequest> = {}): RotateNowRequest => ({
  action: 'rotate-now',
  key,
  reason: REASON,
  requestedBy: REQUESTED_BY,
  ...overrides,
});

let output: ReturnType<typeof captureOutput>;
let world: ReturnType<typeof fakeKms> | undefined;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => {
  output.restore();
  world?.kms.restore();
  world?.s3.restore();
  world = undefined;
});

function setup(keys: FakeKey[] = [deploymentKey('phi'), deploymentKey('audit'), signingKey(), otherDeploymentKey()]) {
  world = fakeKms(keys);
  const handler = createRotationHandler({
    kms: new KMSClient({ region: REGION }),
    s3: new S3Client({ region: REGION }),
    env: ENV,
    now: () => NOW,
  });
  const w = world;
  return {
    ...w,
    invoke: (event: unknown) => handler(event, context) as Promise<RotateNowResult>,
    record: () => w.evidence()[0].record as unknown as OnDemandRecord,
  };
}

const ON_DEMAND_KEY = `key-rotation/on-demand/2026/06/2026-06-15T06:00:00.000Z-${REGION}.json`;

describe('rotate-now: rotation started', () => {
  test('by alias: RotateKeyOnDemand on the key ARN, recorded with the reason and requester under on-demand/', async () => {
    const w = setup([deploymentKey('phi', { rotations: [{ RotationDate: daysAgo(20), RotationType: 'ON_DEMAND' }] })]);
    const result = await w.invoke(request(`alias/${DEPLOYMENT}/phi`));

    expect(result).toEqual({ outcome: 'rotation-started', keyArn: PHI_ARN, evidenceKey: ON_DEMAND_KEY });
    expect(w.kms.commandCalls(RotateKeyOnDemandCommand).map((c) => c.args[0].input)).toEqual([{ KeyId: PHI_ARN }]);
    const [put] = w.evidence();
    expect(put).toMatchObject({ Bucket: EVIDENCE_BUCKET, Key: ON_DEMAND_KEY, ServerSideEncryption: 'aws:kms' });
    expect(w.record()).toMatchObject({
      kind: 'key-rotation-on-demand',
      outcome: 'rotation-started',
      deployment: DEPLOYMENT,
      account: ACCOUNT,
      region: REGION,
      requestedAt: NOW.toISOString(),
      requestedBy: REQUESTED_BY,
      reason: REASON,
      requestedKey: `alias/${DEPLOYMENT}/phi`,
      key: { keyArn: PHI_ARN, aliases: [`alias/${DEPLOYMENT}/phi`], dataClass: 'phi', keyState: 'Enabled' },
      onDemandRotationQuota: ON_DEMAND_ROTATION_QUOTA,
      onDemandRotationsUsedBefore: 1,
    });
    expect(metricNames(output.lines())).toEqual(expect.arrayContaining(['OnDemandRotations', 'KeyRotationFailures']));
    // Not a check run: the "did not run" alarm must not be fed by on-demand requests.
    expect(metricNames(output.lines())).not.toContain('KeysChecked');
  });

  test('by key ARN of one of the deployment keys', async () => {
    const w = setup();
    const result = await w.invoke(request(PHI_ARN));
    expect(result.outcome).toBe('rotation-started');
    expect(w.touched('RotateKeyOnDemand')).toEqual(['key-phi']);
  });

  test('logs the outcome and key, never the reason or the requester', async () => {
    const w = setup();
    await w.invoke(request(`alias/${DEPLOYMENT}/phi`));
    const text = output.text();
    expect(text).toContain('On-demand rotation started');
    expect(text).toContain(PHI_ARN);
    expect(text).not.toContain('INC-4711');
    expect(text).not.toContain('alice@example.com');
    expect(text).not.toContain('SecurityOfficer');
  });
});

describe('rotate-now: refused', () => {
  test('a key ARN of another account: refused before any KMS call, and recorded', async () => {
    const w = setup();
    const foreign = arnOf({ account: FOREIGN_ACCOUNT, region: REGION, keyId: 'key-phi' });
    const result = await w.invoke(request(foreign));
    expect(result).toMatchObject({ outcome: 'refused', refusal: { code: 'foreign-key' }, evidenceKey: ON_DEMAND_KEY });
    expect(w.calls).toEqual({});
    expect(w.record()).toMatchObject({ outcome: 'refused', requestedKey: foreign, refusal: { code: 'foreign-key' } });
  });

  test('a key ARN of another region: refused before any KMS call', async () => {
    const w = setup();
    const result = await w.invoke(request(arnOf({ account: ACCOUNT, region: 'eu-west-1', keyId: 'key-phi' })));
    expect(result.refusal?.code).toBe('foreign-key');
    expect(w.calls).toEqual({});
  });

  test("an alias outside the deployment's prefix: refused before any KMS call", async () => {
    const w = setup();
    for (const alias of ['alias/crm-demo2/phi', 'alias/aws/s3', `alias/${DEPLOYMENT}/`]) {
      const result = await w.invoke(request(alias));
      expect(result.refusal?.code).toBe('outside-deployment');
    }
    expect(w.calls).toEqual({});
  });

  test('a bare key ID or anything that is not an alias or key ARN is refused', async () => {
    const w = setup();
    const result = await w.invoke(request('key-phi'));
    expect(result.refusal?.code).toBe('invalid-key-identifier');
    expect(w.calls).toEqual({});
  });

  test("a key of this account that none of the deployment's aliases points at is refused without being described", async () => {
    const w = setup();
    const result = await w.invoke(request(arnOf({ account: ACCOUNT, region: REGION, keyId: 'key-other-deployment' })));
    expect(result.refusal?.code).toBe('not-a-deployment-key');
    expect(w.commandsFor('key-other-deployment')).toEqual([]);
    expect(w.touched('RotateKeyOnDemand')).toEqual([]);
  });

  test('a key behind our alias but tagged for another deployment: refused, never rotated', async () => {
    const w = setup([deploymentKey('phi', { tags: { 'hipaa-crm:deployment': 'crm-prod', 'hipaa-crm:data-class': 'phi' } })]);
    const result = await w.invoke(request(`alias/${DEPLOYMENT}/phi`));
    expect(result).toMatchObject({ outcome: 'refused', keyArn: PHI_ARN, refusal: { code: 'other-deployment' } });
    expect(w.commandsFor('key-phi')).toEqual(['DescribeKey', 'ListResourceTags']);
  });

  test('a foreign key behind our alias (DescribeKey says another account): refused, never rotated', async () => {
    const w = setup([deploymentKey('phi', { account: FOREIGN_ACCOUNT })]);
    const result = await w.invoke(request(`alias/${DEPLOYMENT}/phi`));
    expect(result.refusal?.code).toBe('foreign-key');
    expect(w.commandsFor('key-phi')).toEqual(['DescribeKey']);
  });

  test('the asymmetric signing key: refused as not rotatable', async () => {
    const w = setup();
    const result = await w.invoke(request(`alias/${DEPLOYMENT}/certificate-signing`));
    expect(result.refusal).toEqual({ code: 'not-rotatable', detail: expect.stringContaining('ECC_NIST_P256') });
    expect(w.touched('RotateKeyOnDemand')).toEqual([]);
  });

  test('a disabled key: refused', async () => {
    const w = setup([deploymentKey('phi', { keyState: 'Disabled' })]);
    const result = await w.invoke(request(`alias/${DEPLOYMENT}/phi`));
    expect(result.refusal?.code).toBe('key-not-enabled');
    expect(w.touched('RotateKeyOnDemand')).toEqual([]);
  });

  test(`KMS's on-demand quota (${ON_DEMAND_ROTATION_QUOTA} per key, LimitExceededException): a clear refusal, not a failure`, async () => {
    const used = Array.from({ length: ON_DEMAND_ROTATION_QUOTA }, (_, i) => ({
      RotationDate: daysAgo(i + 1),
      RotationType: 'ON_DEMAND' as const,
    }));
    const w = setup([deploymentKey('phi', { rotations: used })]);
    w.kms.on(RotateKeyOnDemandCommand).rejects(awsError('LimitExceededException'));

    const result = await w.invoke(request(`alias/${DEPLOYMENT}/phi`));
    expect(result).toMatchObject({ outcome: 'refused', keyArn: PHI_ARN, refusal: { code: 'on-demand-quota-exhausted' } });
    expect(result.refusal?.detail).toMatch(/25 on-demand rotations per key/);
    expect(w.record()).toMatchObject({ outcome: 'refused', onDemandRotationsUsedBefore: ON_DEMAND_ROTATION_QUOTA });
    const emf = output.lines().find((l) => l._aws) as Record<string, unknown>;
    expect(emf.KeyRotationFailures).toBe(0);
    expect(emf.OnDemandRotations).toBeUndefined();
  });

  test('a rotation already in progress (ConflictException): refused, ask again later', async () => {
    const w = setup();
    w.kms.on(RotateKeyOnDemandCommand).rejects(awsError('ConflictException'));
    const result = await w.invoke(request(`alias/${DEPLOYMENT}/phi`));
    expect(result.refusal?.code).toBe('rotation-in-progress');
  });

  test('a malformed request (no reason) is refused before any call and fails the invocation', async () => {
    const w = setup();
    await expect(w.invoke({ action: 'rotate-now', key: `alias/${DEPLOYMENT}/phi`, requestedBy: 'x' })).rejects.toThrow(
      'rotate-now needs "reason"',
    );
    expect(w.calls).toEqual({});
    expect(w.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('rotate-now: failures', () => {
  test('any other KMS error: recorded as failed, failure metric, then the invocation fails', async () => {
    const w = setup();
    w.kms.on(RotateKeyOnDemandCommand).rejects(awsError('AccessDeniedException'));
    await expect(w.invoke(request(`alias/${DEPLOYMENT}/phi`))).rejects.toThrow(
      'rotate-now failed at RotateKeyOnDemand: AccessDeniedException',
    );
    expect(w.record()).toMatchObject({
      outcome: 'failed',
      failure: { stage: 'RotateKeyOnDemand', errorName: 'AccessDeniedException' },
    });
    const emf = output.lines().find((l) => l._aws) as Record<string, unknown>;
    expect(emf.KeyRotationFailures).toBe(1);
    expect(output.text()).not.toContain('something about');
  });

  test('LimitExceededException from another call is a failure, not a quota refusal', async () => {
    const w = setup();
    w.kms.on(ListAliasesCommand).rejects(awsError('LimitExceededException'));
    await expect(w.invoke(request(`alias/${DEPLOYMENT}/phi`))).rejects.toThrow('rotate-now failed at ListAliases');
  });

  test('rotation started but the evidence could not be written: the invocation fails and says the rotation started', async () => {
    const w = setup();
    w.s3.on(PutObjectCommand).rejects(awsError('AccessDenied', 403));
    await expect(w.invoke(request(`alias/${DEPLOYMENT}/phi`))).rejects.toThrow(
      /STARTED the rotation but its evidence was not written/,
    );
    expect(w.touched('RotateKeyOnDemand')).toEqual(['key-phi']);
  });
});
