/**
 * certify: the certificate of destruction. A JSON document stating what was destroyed (the keys),
 * which copies that covered (what each key protected, with the full inventory as a separate evidence
 * object named by its SHA-256), when, at whose request and by which function, the confirmed plan
 * digest, and the evidence (key states, canary decrypt errors, CloudTrail event IDs, and after the
 * window the DeleteKey events and NotFound proofs). Written to the write-once evidence bucket; its
 * SHA-256 digest is signed with the KMS signing key (ECDSA_SHA_256, MessageType DIGEST) and the
 * base64 DER signature is written next to it, so anyone with the public key can verify it offline.
 *
 * `final: true` (after finalize) writes `certificate.final.json`, which also names the first one.
 */
import { createHash } from 'node:crypto';
import { SignCommand } from '@aws-sdk/client-kms';
import {
  ERASURE_FORMAT_VERSION,
  type ErasureKeyResult,
  type ErasurePhaseResult,
  type ErasurePlan,
} from '../shared/key-lifecycle-contract';
import type { ClientsFor } from './clients';
import type { ErasureConfig } from './config';
import { ErasureRefused } from './errors';
import { writeEvidence, evidenceKey } from './evidence-store';
import { parseKeyArn } from './keys';
import type { DestructivePhaseRequest } from './request';
import { carried, continueRun, latest, type RunState } from './run';

export interface CertifyDeps {
  readonly clientsFor: ClientsFor;
  readonly config: ErasureConfig;
  readonly now: () => Date;
  /** The function that acted (its ARN), recorded as the executor. */
  readonly executedBy: string;
}

export const SIGNING_ALGORITHM = 'ECDSA_SHA_256';

export async function certifyErasure(deps: CertifyDeps, request: DestructivePhaseRequest): Promise<ErasurePhaseResult> {
  const state = continueRun(request);
  const execute = latest(state.results, 'execute');
  const verify = latest(state.results, 'verify');
  const finalize = latest(state.results, 'finalize');
  const refusals: string[] = [];
  if (!execute?.completed) refusals.push('execute has not completed for this run');
  if (!verify?.completed) refusals.push('verify has not completed for this run (no proof the keys are unusable)');
  if (request.final && !finalize?.completed)
    refusals.push('finalize has not completed for this run (the keys are not confirmed deleted)');
  if (refusals.length > 0) throw new ErasureRefused([...refusals, 'no certificate was written']);

  const final = request.final === true;
  const name = final ? 'certificate.final.json' : 'certificate.json';
  const signatureName = `${name}.sig`;
  const first = final ? latest(state.results, 'certify')?.certificate : undefined;
  const certificate = buildCertificate({
    deps,
    request,
    state,
    verify: verify!,
    finalize: final ? finalize : undefined,
    name,
    signatureName,
    first,
  });
  const body = `${JSON.stringify(certificate, null, 2)}\n`;
  const written = await writeEvidence(deps, request.runId, name, body, 'application/json');

  const signingRegion = parseKeyArn(deps.config.signingKeyArn)?.region ?? deps.config.primaryRegion;
  const signed = await deps.clientsFor(signingRegion).kms.send(
    new SignCommand({
      KeyId: deps.config.signingKeyArn,
      Message: createHash('sha256').update(body, 'utf8').digest(),
      MessageType: 'DIGEST',
      SigningAlgorithm: SIGNING_ALGORITHM,
    }),
  );
  if (!signed.Signature) throw new Error(`Sign with ${deps.config.signingKeyArn} returned no signature`);
  const signature = await writeEvidence(
    deps,
    request.runId,
    signatureName,
    Buffer.from(signed.Signature).toString('base64'),
    'text/plain; charset=utf-8',
  );

  const source = final ? finalize! : verify!;
  const keys: ErasureKeyResult[] = source.keys.map((k) => ({
    ...k,
    detail: `${final ? 'final certificate' : 'certificate'} written: ${k.detail}`,
  }));
  return {
    phase: 'certify',
    runId: request.runId,
    digest: request.confirmDigest,
    completed: true,
    evidenceComplete: source.evidenceComplete ?? true,
    keys,
    certificate: {
      bucket: written.bucket,
      key: written.key,
      sha256: written.sha256,
      signatureKey: signature.key,
      signingKeyArn: deps.config.signingKeyArn,
      ...(written.versionId ? { versionId: written.versionId } : {}),
    },
    ...carried(state),
  };
}

interface BuildInput {
  readonly deps: CertifyDeps;
  readonly request: DestructivePhaseRequest;
  readonly state: RunState;
  readonly verify: ErasurePhaseResult;
  readonly finalize?: ErasurePhaseResult;
  readonly name: string;
  readonly signatureName: string;
  readonly first?: ErasurePhaseResult['certificate'];
}

function buildCertificate(input: BuildInput) {
  const { deps, request, state, verify, finalize } = input;
  const { config } = deps;
  const plan = state.plan;
  const executes = state.results.filter((r) => r.phase === 'execute');
  const keyResult = (result: ErasurePhaseResult | undefined, keyArn: string) => result?.keys.find((k) => k.keyArn === keyArn);

  return {
    document: 'Certificate of destruction (crypto-erasure)',
    // 2: each key names its account (the backup account's air-gapped key beside the workload's).
    version: ERASURE_FORMAT_VERSION,
    final: finalize !== undefined,
    statement:
      finalize !== undefined
        ? 'The KMS keys below have been deleted by AWS KMS. Every copy of data encrypted under them (listed under "protects" and in the inventory) can never be decrypted again.'
        : 'The KMS keys below are disabled and scheduled for deletion: every copy of data encrypted under them (listed under "protects" and in the inventory) can no longer be decrypted. AWS KMS deletes the keys when the waiting period ends; the final certificate records that.',
    deployment: plan.deployment,
    account: plan.account,
    runId: request.runId,
    requestedBy: request.requestedBy,
    executedBy: input.deps.executedBy,
    issuedAt: deps.now().toISOString(),
    erasureStartedAt: state.startedAt,
    pendingWindowEndsAt: state.pendingWindowEndsAt ?? null,
    planDigest: plan.digest,
    inventory: plan.inventoryEvidence ?? null,
    evidenceComplete: (verify.evidenceComplete ?? true) && (finalize?.evidenceComplete ?? true),
    keys: plan.keys.map((key) => {
      const v = keyResult(verify, key.keyArn);
      const f = keyResult(finalize, key.keyArn);
      return {
        keyArn: key.keyArn,
        alias: key.alias,
        dataClass: key.dataClass,
        account: key.account,
        region: key.region,
        protects: key.protects,
        destroyedBy: [...new Set(executes.flatMap((e) => keyResult(e, key.keyArn)?.actions ?? []))],
        stateBeforeErasure: key.state ?? null,
        deletionDate: v?.deletionDate ?? null,
        verification: {
          state: v?.state ?? null,
          canaryDecryptError: v?.canaryDecryptError ?? null,
          cloudTrailEvents: v?.events ?? [],
          missingCloudTrailEvents: v?.missingEvents ?? [],
        },
        ...(f
          ? {
              deletion: {
                state: f.state ?? null,
                describeKeyNotFound: f.notFound ?? null,
                cloudTrailEvents: f.events ?? [],
                missingCloudTrailEvents: f.missingEvents ?? [],
              },
            }
          : {}),
      };
    }),
    keysNotFoundAtPlanTime: plan.missingKeys ?? [],
    copiesWhoseKeyWasAlreadyDeleted: (plan.uncovered ?? []).filter((u) => !u.blocking),
    notInspected: plan.unchecked ?? [],
    remains: plan.remains,
    // Only with the two-person rule: who asked, who approved, when, for which digest.
    ...(request.approval
      ? {
          twoPersonApproval: {
            requestId: request.approval.requestId,
            digest: request.approval.digest,
            requester: request.approval.requester.arn,
            requestedAt: request.approval.requestedAt,
            approver: request.approval.approver.arn,
            approvedAt: request.approval.approvedAt,
          },
        }
      : {}),
    ...(input.first
      ? { firstCertificate: { bucket: input.first.bucket, key: input.first.key, sha256: input.first.sha256 } }
      : {}),
    verification: verificationInstructions(config, request.runId, input.name, input.signatureName, plan),
  };
}

/** How anyone holding the public key checks this certificate (and the plan digest) with standard tools. */
function verificationInstructions(config: ErasureConfig, runId: string, name: string, signatureName: string, plan: ErasurePlan) {
  const signingRegion = parseKeyArn(config.signingKeyArn)?.region ?? config.primaryRegion;
  const bucket = config.evidenceBucket;
  const inventory = plan.inventoryEvidence?.key ?? evidenceKey(runId, 'plan.json');
  return {
    signingKeyArn: config.signingKeyArn,
    signingAlgorithm: SIGNING_ALGORITHM,
    messageType: 'DIGEST',
    signed: `the SHA-256 digest of the exact bytes of ${name}`,
    signatureObject: { bucket, key: evidenceKey(runId, signatureName), encoding: 'base64 of the DER-encoded ECDSA signature' },
    steps: [
      `aws s3api get-object --region ${config.primaryRegion} --bucket ${bucket} --key ${evidenceKey(runId, name)} ${name}`,
      `aws s3api get-object --region ${config.primaryRegion} --bucket ${bucket} --key ${evidenceKey(runId, signatureName)} ${signatureName}.b64`,
      `base64 -d ${signatureName}.b64 > ${signatureName}`,
      `aws kms get-public-key --region ${signingRegion} --key-id ${config.signingKeyArn} --query PublicKey --output text | base64 -d > signing-key.der`,
      'openssl pkey -pubin -inform DER -in signing-key.der -out signing-key.pem',
      `openssl dgst -sha256 -verify signing-key.pem -signature ${signatureName} ${name}   # prints "Verified OK"`,
      `sha256sum ${name}   # equals the object's x-amz-meta-sha256 and the sha256 in the phase result`,
    ],
    planDigest: {
      inventoryObject: { bucket, key: inventory, sha256: plan.inventoryEvidence?.sha256 ?? null },
      how: "SHA-256 of the canonical JSON (object keys sorted at every level, no whitespace) of the plan's formatVersion, deployment, account, keys (keyArn, alias, account, region, dataClass, protects only), missingKeys, uncovered, unchecked and remains",
      command: `jq -cSj '{formatVersion, deployment, account, keys: [.keys[] | {keyArn, alias, account, region, dataClass, protects}], missingKeys, uncovered, unchecked, remains}' plan.json | sha256sum   # equals planDigest`,
    },
  };
}
