import { createHash, verify as verifySignature } from 'node:crypto';
import { ErasureRefused } from '../../../lambda/crypto-erasure/errors';
import { certifyErasure } from '../../../lambda/crypto-erasure/certify';
import {
  approvalFor,
  FUNCTION_ARN,
  REQUESTED_BY,
  RUN_ID,
  certify,
  executedAndVerified,
  finalize,
  phaseDeps,
  request,
} from './helpers';
import { ARNS, EVIDENCE_BUCKET, FakeWorld, PRIMARY } from './world';

let world: FakeWorld;
beforeEach(() => {
  world = new FakeWorld();
});
afterEach(() => world.restore());

const prefix = `certificates-of-destruction/${RUN_ID}/`;
const signatureValid = (body: string, base64: string) =>
  verifySignature('sha256', Buffer.from(body, 'utf8'), world.signingKey.publicKey, Buffer.from(base64, 'base64'));

describe('certify', () => {
  test('writes the certificate to the evidence bucket and its signature next to it, verifiable with the public key', async () => {
    const { digest, verified } = await executedAndVerified(world);
    world.resetLog();
    const result = await certify(world, verified);

    const body = world.evidence.get(`${prefix}certificate.json`)!;
    const signature = world.evidence.get(`${prefix}certificate.json.sig`)!;
    expect(result.certificate).toEqual({
      bucket: EVIDENCE_BUCKET,
      key: `${prefix}certificate.json`,
      sha256: createHash('sha256').update(body).digest('hex'),
      signatureKey: `${prefix}certificate.json.sig`,
      signingKeyArn: ARNS.signing,
      versionId: expect.any(String),
    });
    expect(signatureValid(body, signature)).toBe(true);
    expect(signatureValid(body.replace('"final": false', '"final": true'), signature)).toBe(false);
    expect(world.inputs(PRIMARY, 'SignCommand')).toEqual([
      {
        KeyId: ARNS.signing,
        Message: createHash('sha256').update(body).digest(),
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      },
    ]);
    // Written with the evidence key (the bucket is write-once; the SDK adds the checksum S3 verifies).
    expect(world.inputs(PRIMARY, 'PutObjectCommand')).toEqual([
      expect.objectContaining({ Key: `${prefix}certificate.json`, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: ARNS.audit }),
      expect.objectContaining({ Key: `${prefix}certificate.json.sig`, SSEKMSKeyId: ARNS.audit }),
    ]);
    expect(result).toMatchObject({ phase: 'certify', completed: true, evidenceComplete: true, digest });
  });

  test('the certificate says what was destroyed, which copies that covered, when, by whom, with the evidence', async () => {
    const { digest, executed, verified } = await executedAndVerified(world);
    await certify(world, verified);
    const certificate = JSON.parse(world.evidence.get(`${prefix}certificate.json`)!);
    expect(certificate).toMatchObject({
      final: false,
      deployment: 'crm-demo',
      account: '111122223333',
      runId: RUN_ID,
      requestedBy: REQUESTED_BY,
      executedBy: FUNCTION_ARN,
      planDigest: digest,
      erasureStartedAt: executed.startedAt,
      pendingWindowEndsAt: '2026-05-11T10:00:00.000Z',
      inventory: { bucket: EVIDENCE_BUCKET, key: `${prefix}plan.json`, sha256: executed.plan!.inventoryEvidence!.sha256 },
      evidenceComplete: true,
    });
    expect(certificate.keys.map((k: { alias: string }) => k.alias)).toEqual([
      'alias/crm-demo/phi',
      'alias/crm-demo/backup',
      'alias/crm-demo/phi-dr',
      'alias/crm-demo/backup-dr',
    ]);
    const phi = certificate.keys[0];
    expect(phi).toMatchObject({
      keyArn: ARNS.phi,
      destroyedBy: ['DisableKey', 'ScheduleKeyDeletion'],
      stateBeforeErasure: 'Enabled',
      verification: { state: 'PendingDeletion', canaryDecryptError: 'KMSInvalidStateException', missingCloudTrailEvents: [] },
    });
    expect(phi.protects).toEqual(
      expect.arrayContaining([
        { kind: 'rds:db-snapshot', count: 1 },
        { kind: 'secretsmanager:secret', count: 1 },
      ]),
    );
    expect(phi.verification.cloudTrailEvents.map((e: { eventId: string }) => e.eventId)).toEqual(
      verified.keys[0].cloudTrailEventIds,
    );
    expect(certificate.remains[0].what).toContain('alias/crm-demo/audit');
    expect(certificate.verification.steps.join('\n')).toContain(
      `aws kms get-public-key --region ${PRIMARY} --key-id ${ARNS.signing}`,
    );
    expect(certificate.verification.steps.join('\n')).toContain(
      'openssl dgst -sha256 -verify signing-key.pem -signature certificate.json.sig certificate.json',
    );
    expect(certificate.verification.planDigest.command).toContain('jq -cSj');
    expect(JSON.stringify(certificate)).not.toContain('canaryCiphertext');
  });

  test('refuses without a completed verify, and writes nothing', async () => {
    const { verified } = await executedAndVerified(world);
    world.resetLog();
    await expect(certify(world, { ...verified, completed: false })).rejects.toThrow(ErasureRefused);
    expect(world.calls()).toEqual([]);
  });

  test('final needs a completed finalize', async () => {
    const { verified } = await executedAndVerified(world);
    const certified = await certify(world, verified);
    await expect(certify(world, certified, true)).rejects.toThrow(/finalize has not completed/);
  });

  test('final: after the window, the final certificate records the DeleteKey events and the NotFound proofs, and names the first one', async () => {
    const { verified } = await executedAndVerified(world);
    const certified = await certify(world, verified);
    world.now = new Date('2026-05-11T12:00:00Z');
    world.deletePendingKeys();
    const finalized = await finalize(world, certified);
    const result = await certify(world, finalized, true);

    const body = world.evidence.get(`${prefix}certificate.final.json`)!;
    expect(result.certificate?.key).toBe(`${prefix}certificate.final.json`);
    expect(signatureValid(body, world.evidence.get(`${prefix}certificate.final.json.sig`)!)).toBe(true);
    const certificate = JSON.parse(body);
    expect(certificate).toMatchObject({
      final: true,
      firstCertificate: certified.certificate && { key: certified.certificate.key, sha256: certified.certificate.sha256 },
    });
    expect(certificate.statement).toContain('have been deleted by AWS KMS');
    for (const key of certificate.keys) {
      expect(key.deletion).toMatchObject({
        state: 'Deleted',
        describeKeyNotFound: { at: '2026-05-11T12:00:00.000Z', requestId: 'req-1' },
        missingCloudTrailEvents: [],
      });
      expect(key.deletion.cloudTrailEvents).toEqual([
        expect.objectContaining({ eventName: 'DeleteKey', eventType: 'AwsServiceEvent', principal: 'AWS Internal' }),
      ]);
    }
    expect(result.history?.map((h) => h.phase)).toEqual(['execute', 'verify', 'certify', 'finalize']);
  });

  test('single person: the certificate has no approval section', async () => {
    const { verified } = await executedAndVerified(world);
    await certify(world, verified);
    expect(JSON.parse(world.evidence.get(`${prefix}certificate.json`)!)).not.toHaveProperty('twoPersonApproval');
  });

  test('two-person rule: the certificate records the requester, the approver, both times and the digest', async () => {
    const { digest, verified } = await executedAndVerified(world);
    const approval = approvalFor(digest);

    await certifyErasure(phaseDeps(world), request('certify', digest, { previous: verified, approval }));
    expect(JSON.parse(world.evidence.get(`${prefix}certificate.json`)!).twoPersonApproval).toEqual({
      requestId: RUN_ID,
      digest,
      requester: REQUESTED_BY,
      requestedAt: '2026-05-04T09:00:00.000Z',
      approver: 'arn:aws:sts::111122223333:assumed-role/crm-demo-erasure-approver/erin',
      approvedAt: '2026-05-04T09:30:00.000Z',
    });
  });
});
