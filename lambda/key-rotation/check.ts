/**
 * Check mode: every key of the deployment in this region, one at a time (a handful of keys; one at a
 * time keeps well inside KMS's shared per-account request quotas).
 *
 * Per key: prove it is ours (keys.ts), else refuse it. A key that is not Enabled is reported with its
 * state and left alone. An asymmetric key is reported as not rotatable. A symmetric key gets
 * GetKeyRotationStatus; if automatic rotation is off or its period is not the configured one,
 * EnableKeyRotation with the configured period (the drift and the fix are recorded, and read back);
 * then ListKeyRotations for the last rotation, and the overdue check (policy.ts).
 *
 * A failed call marks that key `check-failed` and the run goes on with the others; the handler throws
 * after the evidence and metrics are written, so Lambda retries and the alarms fire.
 */
import {
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  paginateListKeyRotations,
  type KMSClient,
  type RotationsListEntry,
} from '@aws-sdk/client-kms';
import type { RotationConfig } from './config';
import { deploymentNames } from '../../lib/vocabulary';
import { discoverDeploymentKeys, proveOwnership, type DeploymentKeyTarget, type OwnedKey, type Owner } from './keys';
import { ageInDays, isOverdue, lastRotation, OVERDUE_GRACE_DAYS, rotationSupport } from './policy';
import { describeFailure, step } from './stage';

/**
 * - `in-policy`: rotation on with the configured period (possibly just restored) and not overdue;
 * - `out-of-policy`: a person must act: overdue, not Enabled, rotation not possible, or a fix that did not hold;
 * - `not-rotatable`: an asymmetric key (KMS never rotates those): reported, not a breach;
 * - `refused`: not provably this deployment's key (account, region, manager, tags): never touched;
 * - `check-failed`: a KMS call failed after the SDK's retries.
 */
export type KeyStatus = 'in-policy' | 'out-of-policy' | 'not-rotatable' | 'refused' | 'check-failed';

export interface RotationState {
  readonly automaticRotation: boolean;
  readonly rotationPeriodDays?: number;
}

export interface KeyRotationReport {
  readonly keyId: string;
  readonly keyArn?: string;
  readonly aliases: readonly string[];
  readonly dataClass?: string;
  readonly keyState?: string;
  readonly keySpec?: string;
  readonly status: KeyStatus;
  /** Machine-readable reasons, e.g. `overdue`, `automatic-rotation-was-off`, `key-state:Disabled`, `other-deployment`. */
  readonly findings: readonly string[];
  readonly detail?: string;
  /** Set when rotation was off or had another period: what was found and what it was set to. */
  readonly driftFixed?: { readonly found: RotationState; readonly setTo: RotationState };
  readonly rotation?: {
    readonly automaticRotation: boolean;
    readonly rotationPeriodDays?: number;
    readonly nextRotationDate?: string;
    readonly lastRotationDate?: string;
    readonly lastRotationSource?: 'ListKeyRotations' | 'CreationDate';
    readonly lastRotationType?: string;
    readonly keyMaterialAgeDays?: number;
    readonly overdue: boolean;
    readonly onDemandRotationsUsed: number;
    readonly onDemandRotationInProgressSince?: string;
  };
  readonly failure?: {
    readonly stage: string;
    readonly errorName: string;
    readonly httpStatus?: number;
    readonly requestId?: string;
  };
}

export interface RotationCheckRecord {
  readonly kind: 'key-rotation-check';
  readonly schemaVersion: 1;
  readonly deployment: string;
  readonly account: string;
  readonly region: string;
  readonly checkedAt: string;
  readonly trigger: 'schedule' | 'manual';
  readonly policy: {
    readonly aliasPrefix: string;
    readonly rotationPeriodDays: number;
    readonly overdueGraceDays: number;
  };
  readonly summary: {
    readonly keysChecked: number;
    readonly inPolicy: number;
    readonly outOfPolicy: number;
    readonly refused: number;
    readonly notRotatable: number;
    readonly driftFixed: number;
    /** Keys that could not be checked, plus 1 when the keys could not even be listed or none were found. */
    readonly failures: number;
  };
  readonly keys: readonly KeyRotationReport[];
  /** Set when the run could not list the keys, or found none: nothing was checked. */
  readonly runFailure?: { readonly stage: string; readonly errorName: string; readonly requestId?: string };
}

export interface CheckContext {
  readonly kms: KMSClient;
  readonly config: RotationConfig;
  readonly owner: Owner;
  readonly now: Date;
  readonly trigger: 'schedule' | 'manual';
}

export async function runCheck(ctx: CheckContext): Promise<RotationCheckRecord> {
  let targets: DeploymentKeyTarget[] = [];
  let runFailure: RotationCheckRecord['runFailure'];
  try {
    targets = await discoverDeploymentKeys(ctx.kms, ctx.config.deployment);
    // Every deployment has keys in both regions: none found means a wrong name, region or permission.
    if (targets.length === 0) runFailure = { stage: 'ListAliases', errorName: 'NoDeploymentKeysFound' };
  } catch (error) {
    const { stage, errorName, requestId } = describeFailure(error);
    runFailure = { stage, errorName, requestId };
  }

  const keys: KeyRotationReport[] = [];
  for (const target of targets) keys.push(await checkTarget(ctx, target));

  const count = (status: KeyStatus) => keys.filter((k) => k.status === status).length;
  return {
    kind: 'key-rotation-check',
    schemaVersion: 1,
    deployment: ctx.config.deployment,
    account: ctx.owner.account,
    region: ctx.owner.region,
    checkedAt: ctx.now.toISOString(),
    trigger: ctx.trigger,
    policy: {
      aliasPrefix: deploymentNames(ctx.config.deployment).keyAliasPrefix,
      rotationPeriodDays: ctx.config.rotationPeriodDays,
      overdueGraceDays: OVERDUE_GRACE_DAYS,
    },
    summary: {
      keysChecked: keys.length,
      inPolicy: count('in-policy'),
      outOfPolicy: count('out-of-policy'),
      refused: count('refused'),
      notRotatable: count('not-rotatable'),
      driftFixed: keys.filter((k) => k.driftFixed).length,
      failures: count('check-failed') + (runFailure ? 1 : 0),
    },
    keys,
    ...(runFailure ? { runFailure } : {}),
  };
}

async function checkTarget(ctx: CheckContext, target: DeploymentKeyTarget): Promise<KeyRotationReport> {
  let known: KeyIdentity = { keyId: target.keyId, aliases: target.aliases };
  try {
    const ownership = await proveOwnership(ctx.kms, target, ctx.owner);
    if (!ownership.owned) {
      return {
        ...known,
        keyArn: ownership.keyArn,
        keyState: ownership.keyState,
        status: 'refused',
        findings: [ownership.refusal],
        detail: `not treated as a key of this deployment, left untouched: ${ownership.detail}`,
      };
    }
    known = identity(ownership.key);
    return await checkOwnedKey(ctx, ownership.key);
  } catch (error) {
    const { stage, errorName, httpStatus, requestId } = describeFailure(error);
    return { ...known, status: 'check-failed', findings: ['check-failed'], failure: { stage, errorName, httpStatus, requestId } };
  }
}

type KeyIdentity = Pick<KeyRotationReport, 'keyId' | 'keyArn' | 'aliases' | 'dataClass' | 'keyState' | 'keySpec'>;

function identity(key: OwnedKey): KeyIdentity {
  return {
    keyId: key.keyId,
    keyArn: key.keyArn,
    aliases: key.aliases,
    dataClass: key.dataClass,
    keyState: key.keyState,
    keySpec: key.keySpec,
  };
}

async function checkOwnedKey(ctx: CheckContext, key: OwnedKey): Promise<KeyRotationReport> {
  const base = identity(key);
  const support = rotationSupport(key);
  if (support.kind === 'asymmetric') {
    return { ...base, status: 'not-rotatable', findings: ['asymmetric-key'], detail: support.detail };
  }
  if (key.keyState !== 'Enabled') {
    // Disabled or pending deletion: expected only during a crypto-erasure; otherwise data may be unreadable.
    return {
      ...base,
      status: 'out-of-policy',
      findings: [`key-state:${key.keyState}`],
      detail: 'the key is not Enabled; left untouched',
    };
  }
  if (support.kind === 'unsupported') {
    return { ...base, status: 'out-of-policy', findings: ['rotation-unsupported'], detail: support.detail };
  }

  const period = ctx.config.rotationPeriodDays;
  const found = await readRotationState(ctx.kms, key.keyArn);
  const findings: string[] = [];
  let current = found;
  let driftFixed: KeyRotationReport['driftFixed'];
  if (!found.state.automaticRotation || found.state.rotationPeriodDays !== period) {
    findings.push(found.state.automaticRotation ? 'rotation-period-drift' : 'automatic-rotation-was-off');
    await step('EnableKeyRotation', () =>
      ctx.kms.send(new EnableKeyRotationCommand({ KeyId: key.keyArn, RotationPeriodInDays: period })),
    );
    // Read back: the evidence states what KMS reports after the fix, not what was asked for.
    current = await readRotationState(ctx.kms, key.keyArn);
    driftFixed = { found: found.state, setTo: current.state };
    if (!current.state.automaticRotation || current.state.rotationPeriodDays !== period) findings.push('drift-not-fixed');
  }

  const rotations = await listRotations(ctx.kms, key.keyArn);
  const last = lastRotation(rotations, key.creationDate);
  const overdue = last ? isOverdue(last.date, period, ctx.now) : true;
  if (!last) findings.push('no-rotation-date');
  else if (overdue) findings.push('overdue');

  const needsPerson = findings.some((f) => f === 'overdue' || f === 'no-rotation-date' || f === 'drift-not-fixed');
  return {
    ...base,
    status: needsPerson ? 'out-of-policy' : 'in-policy',
    findings,
    ...(driftFixed ? { driftFixed } : {}),
    rotation: {
      automaticRotation: current.state.automaticRotation,
      rotationPeriodDays: current.state.rotationPeriodDays,
      nextRotationDate: current.nextRotationDate?.toISOString(),
      lastRotationDate: last?.date.toISOString(),
      lastRotationSource: last?.source,
      lastRotationType: last?.type,
      keyMaterialAgeDays: last ? ageInDays(last.date, ctx.now) : undefined,
      overdue,
      onDemandRotationsUsed: last?.onDemandRotations ?? 0,
      onDemandRotationInProgressSince: current.onDemandRotationStartDate?.toISOString(),
    },
  };
}

async function readRotationState(
  kms: KMSClient,
  keyArn: string,
): Promise<{ state: RotationState; nextRotationDate?: Date; onDemandRotationStartDate?: Date }> {
  const s = await step('GetKeyRotationStatus', () => kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn })));
  return {
    state: { automaticRotation: s.KeyRotationEnabled === true, rotationPeriodDays: s.RotationPeriodInDays },
    nextRotationDate: s.NextRotationDate,
    onDemandRotationStartDate: s.OnDemandRotationStartDate,
  };
}

/** Completed rotations of the key (automatic and on demand); the first key material is not listed. */
export async function listRotations(kms: KMSClient, keyArn: string): Promise<RotationsListEntry[]> {
  const rotations: RotationsListEntry[] = [];
  await step('ListKeyRotations', async () => {
    for await (const page of paginateListKeyRotations({ client: kms, pageSize: 1000 }, { KeyId: keyArn })) {
      rotations.push(...(page.Rotations ?? []));
    }
  });
  return rotations;
}
