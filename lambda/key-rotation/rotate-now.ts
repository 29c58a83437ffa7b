/**
 * On-demand rotation (suspected key compromise): `{"action":"rotate-now","key":...,"reason":...,"requestedBy":...}`.
 *
 * The key must pass exactly the checks of a scheduled run, plus two of its own: it is named by one of
 * this deployment's aliases (`alias/<deployment>/<class>`) or by the ARN of a key that one of them
 * points at, and it is an Enabled symmetric key that KMS can rotate. A request naming anything else
 * is refused before any call is made to that key. Then RotateKeyOnDemand; KMS's answers that mean
 * "not now" or "never again" are refusals, not failures:
 * - `LimitExceededException`: the key has used its 25 on-demand rotations (a lifetime quota that AWS
 *   does not raise): re-key or crypto-erase instead (runbook);
 * - `ConflictException`: a rotation of this key is in progress or due within 20 minutes: ask again later.
 *
 * Every request, refused or not, is recorded under `key-rotation/on-demand/`. The reason and the
 * requester are recorded there and never logged.
 */
import { RotateKeyOnDemandCommand, type KMSClient } from '@aws-sdk/client-kms';
import { deploymentNames } from '../../lib/vocabulary';
import { isAwsError } from '../shared/errors';
import { ON_DEMAND_ROTATION_QUOTA, type RotateNowRefusalCode, type RotateNowRequest } from '../shared/key-lifecycle-contract';
import { listRotations } from './check';
import type { RotationConfig } from './config';
import { discoverDeploymentKeys, parseKeyArn, proveOwnership, type OwnedKey, type Owner } from './keys';
import { lastRotation, rotationSupport } from './policy';
import { describeFailure, StageError, step } from './stage';

export interface OnDemandRecord {
  readonly kind: 'key-rotation-on-demand';
  readonly schemaVersion: 1;
  readonly deployment: string;
  readonly account: string;
  readonly region: string;
  readonly requestedAt: string;
  readonly requestedBy: string;
  readonly reason: string;
  /** The key as named in the request. */
  readonly requestedKey: string;
  readonly outcome: 'rotation-started' | 'refused' | 'failed';
  readonly key?: {
    readonly keyId: string;
    readonly keyArn?: string;
    readonly aliases: readonly string[];
    readonly dataClass?: string;
    readonly keyState?: string;
    readonly keySpec?: string;
  };
  readonly refusal?: { readonly code: RotateNowRefusalCode; readonly detail: string };
  readonly onDemandRotationQuota: number;
  /** Completed on-demand rotations of the key before this request. */
  readonly onDemandRotationsUsedBefore?: number;
  readonly failure?: {
    readonly stage: string;
    readonly errorName: string;
    readonly httpStatus?: number;
    readonly requestId?: string;
  };
}

export interface RotateNowContext {
  readonly kms: KMSClient;
  readonly config: RotationConfig;
  readonly owner: Owner;
  readonly now: Date;
}

/** Never throws: a failed call is recorded as `failed` (the handler counts it and fails the invocation). */
export async function rotateNow(ctx: RotateNowContext, request: RotateNowRequest): Promise<OnDemandRecord> {
  const base = {
    kind: 'key-rotation-on-demand' as const,
    schemaVersion: 1 as const,
    deployment: ctx.config.deployment,
    account: ctx.owner.account,
    region: ctx.owner.region,
    requestedAt: ctx.now.toISOString(),
    requestedBy: request.requestedBy,
    reason: request.reason,
    requestedKey: request.key,
    onDemandRotationQuota: ON_DEMAND_ROTATION_QUOTA,
  };
  const refused = (code: RotateNowRefusalCode, detail: string, extra: Partial<OnDemandRecord> = {}): OnDemandRecord => ({
    ...base,
    ...extra,
    outcome: 'refused',
    refusal: { code, detail },
  });

  const named = nameCheck(request.key, ctx.config.deployment, ctx.owner);
  if (named.refusal) return refused(named.refusal.code, named.refusal.detail);

  let keyRecord: OnDemandRecord['key'];
  let usedBefore: number | undefined;
  try {
    const targets = await discoverDeploymentKeys(ctx.kms, ctx.config.deployment);
    const target = targets.find((t) => (named.alias ? t.aliases.includes(named.alias) : t.keyId === named.keyId));
    if (!target) {
      return refused(
        'not-a-deployment-key',
        `no alias under ${deploymentNames(ctx.config.deployment).keyAliasPrefix} points at this key`,
      );
    }
    keyRecord = { keyId: target.keyId, aliases: target.aliases };
    const ownership = await proveOwnership(ctx.kms, target, ctx.owner);
    if (!ownership.owned) {
      return refused(ownership.refusal, ownership.detail, {
        key: { ...keyRecord, keyArn: ownership.keyArn, keyState: ownership.keyState },
      });
    }
    const key: OwnedKey = ownership.key;
    keyRecord = {
      keyId: key.keyId,
      keyArn: key.keyArn,
      aliases: key.aliases,
      dataClass: key.dataClass,
      keyState: key.keyState,
      keySpec: key.keySpec,
    };
    if (key.keyState !== 'Enabled') {
      return refused('key-not-enabled', `the key is ${key.keyState}; only an Enabled key can be rotated`, { key: keyRecord });
    }
    const support = rotationSupport(key);
    if (support.kind !== 'automatic') {
      return refused('not-rotatable', `${support.detail}: KMS cannot rotate it on demand`, { key: keyRecord });
    }
    usedBefore = lastRotation(await listRotations(ctx.kms, key.keyArn), key.creationDate)?.onDemandRotations ?? 0;

    const arn = key.keyArn;
    await step('RotateKeyOnDemand', () => ctx.kms.send(new RotateKeyOnDemandCommand({ KeyId: arn })));
    return { ...base, outcome: 'rotation-started', key: keyRecord, onDemandRotationsUsedBefore: usedBefore };
  } catch (error) {
    // Only RotateKeyOnDemand's own answers are refusals; the same names from another call are failures.
    const rotateError = error instanceof StageError && error.stage === 'RotateKeyOnDemand' ? error.cause : undefined;
    const extra = { key: keyRecord, onDemandRotationsUsedBefore: usedBefore };
    if (isAwsError(rotateError, 'LimitExceededException')) {
      return refused(
        'on-demand-quota-exhausted',
        `KMS allows ${ON_DEMAND_ROTATION_QUOTA} on-demand rotations per key over its life (a quota AWS does not raise) ` +
          'and refused another: re-encrypt the data under a new key or crypto-erase (runbook)',
        extra,
      );
    }
    if (isAwsError(rotateError, 'ConflictException')) {
      return refused(
        'rotation-in-progress',
        'KMS reports a rotation of this key in progress or due within 20 minutes: check ListKeyRotations, ask again later',
        extra,
      );
    }
    const { stage, errorName, httpStatus, requestId } = describeFailure(error);
    return { ...base, ...extra, outcome: 'failed', failure: { stage, errorName, httpStatus, requestId } };
  }
}

type NameCheck =
  | { readonly alias: string; readonly keyId?: never; readonly refusal?: never }
  | { readonly keyId: string; readonly alias?: never; readonly refusal?: never }
  | {
      readonly refusal: { readonly code: RotateNowRefusalCode; readonly detail: string };
      readonly alias?: never;
      readonly keyId?: never;
    };

/** Pure: whether the request names a key this deployment could own, before any call touches it. */
export function nameCheck(key: string, deployment: string, owner: Owner): NameCheck {
  const aliasPrefix = deploymentNames(deployment).keyAliasPrefix;
  if (key.startsWith('alias/')) {
    return key.startsWith(aliasPrefix) && key.length > aliasPrefix.length
      ? { alias: key }
      : { refusal: { code: 'outside-deployment', detail: `only aliases under ${aliasPrefix} can be rotated` } };
  }
  const arn = parseKeyArn(key);
  if (!arn) {
    return {
      refusal: {
        code: 'invalid-key-identifier',
        detail: `name the key by its alias (${aliasPrefix}<class>) or key ARN`,
      },
    };
  }
  if (arn.account !== owner.account || arn.region !== owner.region) {
    return {
      refusal: { code: 'foreign-key', detail: `the key is not in account ${owner.account}, region ${owner.region}` },
    };
  }
  return { keyId: arn.keyId };
}
