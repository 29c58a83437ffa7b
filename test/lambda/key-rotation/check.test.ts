import {
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeyRotationsCommand,
} from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { CheckResult } from '../../../lambda/key-rotation';
import { createRotationHandler } from '../../../lambda/key-rotation';
import type { KeyRotationReport, RotationCheckRecord } from '../../../lambda/key-rotation/check';
import { OVERDUE_GRACE_DAYS } from '../../../lambda/key-rotation/policy';
import { TAG } from '../../../lib/vocabulary';
import { awsError, captureOutput, lambdaContext } from '../fixtures';
import {
  ACCOUNT,
  DEPLOYMENT,
  ENV,
  EVIDENCE_BUCKET,
  EVIDENCE_KEY_ARN,
  FOREIGN_ACCOUNT,
  FUNCTION_ARN,
  NOW,
  PERIOD_DAYS,
  REGION,
  arnOf,
  daysAgo,
  deploymentKey,
  fakeKms,
  otherDeploymentKey,
  signingKey,
  type FakeKey,
} from './fake-kms';

const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
const context = { ...lambdaContext(`${DEPLOYMENT}-key-rotation`), invokedFunctionArn: FUNCTION_ARN };

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

/** The deployment's three keys plus the signing key, and another deployment's key in the same account. */
const standardKeys = () => [
  deploymentKey('phi'),
  deploymentKey('audit'),
  deploymentKey('backup'),
  signingKey(),
  otherDeploymentKey(),
];

function setup(keys: FakeKey[], env: Record<string, string> = ENV) {
  world = fakeKms(keys);
  const handler = createRotationHandler({
    kms: new KMSClient({ region: REGION }),
    s3: new S3Client({ region: REGION }),
    env,
    now: () => NOW,
  });
  const w = world;
  return {
    ...w,
    run: (event: unknown = scheduled) => handler(event, context) as Promise<CheckResult>,
    record: () => w.evidence()[0].record as unknown as RotationCheckRecord,
    report: (keyId: string) =>
      (w.evidence()[0].record as unknown as RotationCheckRecord).keys.find((k) => k.keyId === keyId) as KeyRotationReport,
  };
}

/** Metric name -> values in the EMF documents written to stdout. */
function metricValues(): Record<string, number[]> {
  const values: Record<string, number[]> = {};
  for (const line of output.lines().filter((l) => l._aws)) {
    const names = (line._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics.flatMap((m) =>
      m.Metrics.map((x) => x.Name),
    );
    for (const name of names) values[name] = [...(values[name] ?? []), ...[line[name] as number | number[]].flat()];
  }
  return values;
}

describe('key rotation check: keys in policy', () => {
  test('checks every key under alias/<deployment>/ and records them; nothing is changed', async () => {
    const w = setup(standardKeys());
    const result = await w.run();

    expect(result.summary).toEqual({
      keysChecked: 4,
      inPolicy: 3,
      outOfPolicy: 0,
      refused: 0,
      notRotatable: 1,
      driftFixed: 0,
      failures: 0,
    });
    expect(w.touched('EnableKeyRotation')).toEqual([]);
    expect(w.touched('RotateKeyOnDemand')).toEqual([]);
    const phi = w.report('key-phi');
    expect(phi).toMatchObject({
      keyArn: arnOf({ account: ACCOUNT, region: REGION, keyId: 'key-phi' }),
      aliases: [`alias/${DEPLOYMENT}/phi`],
      dataClass: 'phi',
      keyState: 'Enabled',
      status: 'in-policy',
      findings: [],
      rotation: {
        automaticRotation: true,
        rotationPeriodDays: PERIOD_DAYS,
        lastRotationDate: daysAgo(100).toISOString(),
        lastRotationSource: 'ListKeyRotations',
        lastRotationType: 'AUTOMATIC',
        keyMaterialAgeDays: 100,
        overdue: false,
        onDemandRotationsUsed: 0,
      },
    });
    expect(phi.rotation?.nextRotationDate).toBeDefined();
  });

  test("never describes a key outside the deployment's alias prefix (another deployment, AWS managed)", async () => {
    const w = setup(standardKeys());
    await w.run();
    expect(w.commandsFor('key-other-deployment')).toEqual([]);
    expect(w.commandsFor('aws-managed-s3')).toEqual([]);
    expect(w.touched('DescribeKey').sort()).toEqual(['key-audit', 'key-backup', 'key-certificate-signing', 'key-phi']);
  });

  test('follows ListAliases pagination to the last page', async () => {
    const keys = standardKeys();
    const w = setup(keys);
    await w.run();
    // 2 aliases of AWS + 5 keys, 2 per page: 4 pages.
    expect(w.touched('ListAliases')).toEqual(['first-page', '2', '4', '6']);
    expect(w.record().keys).toHaveLength(4);
  });

  test('writes the evidence to key-rotation/<yyyy>/<mm>/<iso>-<region>.json, encrypted with the evidence key', async () => {
    const w = setup(standardKeys());
    const result = await w.run();
    const [put] = w.evidence();
    const key = `key-rotation/2026/06/2026-06-15T06:00:00.000Z-${REGION}.json`;
    expect(put).toMatchObject({
      Bucket: EVIDENCE_BUCKET,
      Key: key,
      ContentType: 'application/json',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: EVIDENCE_KEY_ARN,
    });
    expect(result.evidenceKey).toBe(key);
    expect(put.record).toMatchObject({
      kind: 'key-rotation-check',
      deployment: DEPLOYMENT,
      account: ACCOUNT,
      region: REGION,
      checkedAt: NOW.toISOString(),
      trigger: 'schedule',
      policy: { aliasPrefix: `alias/${DEPLOYMENT}/`, rotationPeriodDays: PERIOD_DAYS, overdueGraceDays: OVERDUE_GRACE_DAYS },
    });
  });

  test('publishes KeysChecked, KeysOutOfPolicy, KeyRotationDriftFixed and KeyRotationFailures', async () => {
    const w = setup(standardKeys());
    await w.run();
    expect(metricValues()).toEqual({
      KeysChecked: [4],
      KeysOutOfPolicy: [0],
      KeyRotationDriftFixed: [0],
      KeyRotationFailures: [0],
    });
  });

  test('a manual {"action":"check"} runs the same check, recorded as manual', async () => {
    const w = setup(standardKeys());
    await w.run({ action: 'check' });
    expect(w.record()).toMatchObject({ trigger: 'manual', summary: { keysChecked: 4 } });
  });
});

describe('key rotation check: drift is fixed', () => {
  test('rotation off: enabled with the configured period, the drift and the fix recorded', async () => {
    const w = setup([deploymentKey('phi', { rotationEnabled: false, periodDays: undefined }), deploymentKey('audit')]);
    const result = await w.run();

    const enables = w.kms.commandCalls(EnableKeyRotationCommand).map((c) => c.args[0].input);
    expect(enables).toEqual([
      { KeyId: arnOf({ account: ACCOUNT, region: REGION, keyId: 'key-phi' }), RotationPeriodInDays: PERIOD_DAYS },
    ]);
    expect(w.report('key-phi')).toMatchObject({
      status: 'in-policy',
      findings: ['automatic-rotation-was-off'],
      driftFixed: { found: { automaticRotation: false }, setTo: { automaticRotation: true, rotationPeriodDays: PERIOD_DAYS } },
      rotation: { automaticRotation: true, rotationPeriodDays: PERIOD_DAYS },
    });
    expect(result.summary.driftFixed).toBe(1);
    expect(metricValues().KeyRotationDriftFixed).toEqual([1]);
    expect(metricValues().KeysOutOfPolicy).toEqual([0]);
  });

  test('rotation period differs: set back to the configured period', async () => {
    const w = setup([deploymentKey('backup', { periodDays: 730 })]);
    await w.run();
    expect(w.kms.commandCalls(EnableKeyRotationCommand).map((c) => c.args[0].input.RotationPeriodInDays)).toEqual([PERIOD_DAYS]);
    expect(w.report('key-backup')).toMatchObject({
      status: 'in-policy',
      findings: ['rotation-period-drift'],
      driftFixed: {
        found: { automaticRotation: true, rotationPeriodDays: 730 },
        setTo: { automaticRotation: true, rotationPeriodDays: PERIOD_DAYS },
      },
    });
  });

  test('a fix that does not hold (read back still off) is out of policy', async () => {
    const w = setup([deploymentKey('phi', { rotationEnabled: false, periodDays: undefined })]);
    w.kms.on(EnableKeyRotationCommand).resolves({});
    const result = await w.run();
    expect(w.report('key-phi')).toMatchObject({
      status: 'out-of-policy',
      findings: ['automatic-rotation-was-off', 'drift-not-fixed'],
    });
    expect(result.summary.outOfPolicy).toBe(1);
  });
});

describe('key rotation check: overdue keys', () => {
  test(`flagged when the last rotation is older than the period plus ${OVERDUE_GRACE_DAYS} days of grace`, async () => {
    const overdue = PERIOD_DAYS + OVERDUE_GRACE_DAYS + 1;
    const w = setup([
      deploymentKey('phi', { rotations: [{ RotationDate: daysAgo(overdue), RotationType: 'AUTOMATIC' }] }),
      deploymentKey('audit', {
        rotations: [{ RotationDate: daysAgo(PERIOD_DAYS + OVERDUE_GRACE_DAYS - 1), RotationType: 'AUTOMATIC' }],
      }),
    ]);
    const result = await w.run();
    expect(w.report('key-phi')).toMatchObject({
      status: 'out-of-policy',
      findings: ['overdue'],
      rotation: { overdue: true, keyMaterialAgeDays: overdue },
    });
    expect(w.report('key-audit')).toMatchObject({ status: 'in-policy', rotation: { overdue: false } });
    expect(result.summary.outOfPolicy).toBe(1);
    expect(metricValues().KeysOutOfPolicy).toEqual([1]);
  });

  test('the newest rotation counts, automatic or on demand, in whatever order KMS lists them', async () => {
    const w = setup([
      deploymentKey('phi', {
        creationDate: daysAgo(2000),
        rotations: [
          { RotationDate: daysAgo(10), RotationType: 'ON_DEMAND' },
          { RotationDate: daysAgo(1500), RotationType: 'AUTOMATIC' },
          { RotationDate: daysAgo(400), RotationType: 'AUTOMATIC' },
        ],
      }),
    ]);
    await w.run();
    expect(w.report('key-phi')).toMatchObject({
      status: 'in-policy',
      rotation: {
        lastRotationDate: daysAgo(10).toISOString(),
        lastRotationType: 'ON_DEMAND',
        onDemandRotationsUsed: 1,
        overdue: false,
      },
    });
  });

  test('never rotated: the age runs from the creation date', async () => {
    const w = setup([
      deploymentKey('phi', { creationDate: daysAgo(400), rotations: [] }),
      deploymentKey('audit', { creationDate: daysAgo(30), rotations: [] }),
    ]);
    await w.run();
    expect(w.report('key-phi')).toMatchObject({
      status: 'out-of-policy',
      findings: ['overdue'],
      rotation: { lastRotationSource: 'CreationDate', lastRotationDate: daysAgo(400).toISOString() },
    });
    expect(w.report('key-audit')).toMatchObject({ status: 'in-policy', rotation: { lastRotationSource: 'CreationDate' } });
  });

  test('a key that is not Enabled is reported with its state and left untouched', async () => {
    const w = setup([deploymentKey('phi', { keyState: 'PendingDeletion', rotationEnabled: false })]);
    await w.run();
    expect(w.report('key-phi')).toMatchObject({
      status: 'out-of-policy',
      findings: ['key-state:PendingDeletion'],
      keyState: 'PendingDeletion',
    });
    expect(w.commandsFor('key-phi')).toEqual(['DescribeKey', 'ListResourceTags']);
    expect(metricValues().KeysOutOfPolicy).toEqual([1]);
  });
});

describe('key rotation check: keys that are not provably the deployment are refused and untouched', () => {
  test('a key of another account behind one of our aliases: refused after DescribeKey, nothing else', async () => {
    const w = setup([
      deploymentKey('phi'),
      deploymentKey('backup', { keyId: 'key-foreign', account: FOREIGN_ACCOUNT, rotationEnabled: false }),
    ]);
    const result = await w.run();
    expect(w.report('key-foreign')).toMatchObject({
      status: 'refused',
      findings: ['foreign-key'],
      keyArn: arnOf({ account: FOREIGN_ACCOUNT, region: REGION, keyId: 'key-foreign' }),
    });
    expect(w.commandsFor('key-foreign')).toEqual(['DescribeKey']);
    expect(result.summary).toMatchObject({ refused: 1, inPolicy: 1 });
    // Refused keys need a person: someone pointed a deployment alias at a key that is not the deployment's.
    expect(metricValues().KeysOutOfPolicy).toEqual([1]);
  });

  test('a key of another region is refused', async () => {
    const w = setup([deploymentKey('phi', { region: 'us-west-2' })]);
    await w.run();
    expect(w.report('key-phi')).toMatchObject({ status: 'refused', findings: ['foreign-key'] });
    expect(w.commandsFor('key-phi')).toEqual(['DescribeKey']);
  });

  test.each([
    ['missing-deployment-tag', { [TAG.dataClass]: 'phi' }],
    ['other-deployment', { [TAG.deployment]: 'crm-prod', [TAG.dataClass]: 'phi' }],
    ['missing-data-class-tag', { [TAG.deployment]: DEPLOYMENT }],
  ])('%s: refused, rotation left as it is (off) and never rotated', async (finding, tags) => {
    const w = setup([deploymentKey('phi', { tags, rotationEnabled: false, periodDays: undefined })]);
    const result = await w.run();
    expect(w.report('key-phi')).toMatchObject({ status: 'refused', findings: [finding] });
    expect(w.commandsFor('key-phi')).toEqual(['DescribeKey', 'ListResourceTags']);
    expect(result.summary.driftFixed).toBe(0);
  });

  test('an AWS managed key behind one of our aliases is refused', async () => {
    const w = setup([deploymentKey('phi', { keyManager: 'AWS' })]);
    await w.run();
    expect(w.report('key-phi')).toMatchObject({ status: 'refused', findings: ['not-customer-managed'] });
    expect(w.commandsFor('key-phi')).toEqual(['DescribeKey']);
  });
});

describe('key rotation check: asymmetric keys', () => {
  test('the certificate-signing key is reported as not rotatable, never flagged, never sent a rotation call', async () => {
    const w = setup([deploymentKey('phi'), signingKey()]);
    const result = await w.run();
    expect(w.report('key-certificate-signing')).toMatchObject({
      status: 'not-rotatable',
      findings: ['asymmetric-key'],
      keySpec: 'ECC_NIST_P256',
      dataClass: 'certificate-signing',
    });
    expect(w.report('key-certificate-signing').detail).toMatch(/KMS does not rotate asymmetric keys/);
    expect(w.commandsFor('key-certificate-signing')).toEqual(['DescribeKey', 'ListResourceTags']);
    expect(result.summary).toMatchObject({ notRotatable: 1, outOfPolicy: 0 });
    expect(metricValues().KeysOutOfPolicy).toEqual([0]);
  });

  test('a symmetric key KMS cannot rotate (imported material) is out of policy, not left silent', async () => {
    const w = setup([deploymentKey('phi', { origin: 'EXTERNAL' })]);
    await w.run();
    expect(w.report('key-phi')).toMatchObject({ status: 'out-of-policy', findings: ['rotation-unsupported'] });
    expect(w.commandsFor('key-phi')).toEqual(['DescribeKey', 'ListResourceTags']);
  });
});

describe('key rotation check: failures', () => {
  test('a failed call: the other keys are still checked, evidence and failure metric written, then the run fails', async () => {
    const w = setup([deploymentKey('phi'), deploymentKey('backup', { rotationEnabled: false }), deploymentKey('audit')]);
    w.kms
      .on(GetKeyRotationStatusCommand, { KeyId: arnOf({ account: ACCOUNT, region: REGION, keyId: 'key-backup' }) })
      .rejects(awsError('AccessDeniedException'));

    await expect(w.run()).rejects.toThrow('key rotation check incomplete: 1 key(s) or listing not checked');
    expect(w.report('key-backup')).toMatchObject({
      status: 'check-failed',
      failure: { stage: 'GetKeyRotationStatus', errorName: 'AccessDeniedException', requestId: 'req-1' },
    });
    expect(w.report('key-phi').status).toBe('in-policy');
    expect(w.report('key-audit').status).toBe('in-policy');
    expect(w.record().summary.failures).toBe(1);
    expect(metricValues().KeyRotationFailures).toEqual([1]);
    // The evidence was written before the invocation failed.
    expect(w.s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  test('throttling that outlasts the SDK retries is a failed check of that key, named as such', async () => {
    const w = setup([deploymentKey('phi')]);
    w.kms.on(ListKeyRotationsCommand).rejects(awsError('ThrottlingException'));
    await expect(w.run()).rejects.toThrow('incomplete');
    expect(w.report('key-phi')).toMatchObject({
      status: 'check-failed',
      failure: { stage: 'ListKeyRotations', errorName: 'ThrottlingException' },
    });
  });

  test('keys cannot be listed: recorded as a run failure, no KeysChecked (the run did not happen), invocation fails', async () => {
    const w = setup([deploymentKey('phi')]);
    w.kms.on(ListAliasesCommand).rejects(awsError('AccessDeniedException'));
    await expect(w.run()).rejects.toThrow('incomplete');
    expect(w.record()).toMatchObject({ runFailure: { stage: 'ListAliases', errorName: 'AccessDeniedException' }, keys: [] });
    const metrics = metricValues();
    expect(metrics.KeyRotationFailures).toEqual([1]);
    expect(metrics.KeysChecked).toBeUndefined();
  });

  test('no key under the prefix is a failure: the deployment always has keys in its regions', async () => {
    const w = setup([otherDeploymentKey()]);
    await expect(w.run()).rejects.toThrow('incomplete');
    expect(w.record().runFailure).toEqual({ stage: 'ListAliases', errorName: 'NoDeploymentKeysFound' });
  });

  test('evidence not written: failure metric, the invocation fails', async () => {
    const w = setup([deploymentKey('phi')]);
    w.s3.on(PutObjectCommand).rejects(awsError('AccessDenied', 403));
    await expect(w.run()).rejects.toThrow('evidence not written (AccessDenied)');
    expect(metricValues().KeyRotationFailures).toEqual([1]);
  });

  test('missing configuration: nothing is called, failure metric, the invocation fails naming the variable', async () => {
    const env: Record<string, string> = { ...ENV };
    delete env.ROTATION_PERIOD_DAYS;
    const w = setup([deploymentKey('phi')], env);
    await expect(w.run()).rejects.toThrow('ROTATION_PERIOD_DAYS is not set');
    expect(Object.keys(w.calls)).toEqual([]);
    expect(metricValues().KeyRotationFailures).toEqual([1]);
  });

  test('an unknown event is refused before any call', async () => {
    const w = setup([deploymentKey('phi')]);
    await expect(w.run({ action: 'disable-key', key: 'alias/crm-demo/phi' })).rejects.toThrow('invalid invocation');
    expect(Object.keys(w.calls)).toEqual([]);
  });

  test('logs name keys, statuses and error names, never SDK error messages', async () => {
    const w = setup([deploymentKey('phi'), deploymentKey('backup')]);
    w.kms.on(ListKeyRotationsCommand).rejects(awsError('KMSInternalException', 500));
    await expect(w.run()).rejects.toThrow();
    const text = output.text();
    expect(text).toContain('KMSInternalException');
    expect(text).toContain(arnOf({ account: ACCOUNT, region: REGION, keyId: 'key-phi' }));
    // awsError's message quotes a user name, as real SDK messages can quote request values.
    expect(text).not.toContain('alice@example.com');
    expect(text).not.toContain('something about');
  });
});
