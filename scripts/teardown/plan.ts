/**
 * The erasure plan: a read-only, synchronous invoke of the crypto-erasure function with
 * `{ phase: 'plan', requestedBy }`. The function resolves the keys from the deployment's tags,
 * inventories what each protects and returns the plan with its digest; it changes nothing.
 *
 * The command does not take the function's word for the scope: a plan is refused unless it is for this
 * deployment and account, every key is one of this deployment's erasable keys (by alias, data class,
 * account and region) or exactly one of its configured external keys (the backup account's air-gapped
 * vault keys, with accounts apart), and the audit keys are not in it. Anything else fails closed (exit 2, nothing
 * changed).
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { isAwsError } from '../../lambda/shared/errors';
import {
  airGappedErasureKeys,
  ERASURE_FORMAT_VERSION,
  type ErasurePlan,
  type ErasureRequest,
  type ExternalErasureKey,
} from '../../lambda/shared/key-lifecycle-contract';
import { deploymentNames, ERASABLE_DATA_CLASSES, PROTECTED_DATA_CLASSES, type ErasableDataClass } from '../../lib/vocabulary';
import { organizationSettings } from '../../lib/config/organization';
import type { DeploymentConfig } from '../../lib/config/schema';
import { describeError } from '../cli/start';

/** A teardown that cannot go on; exit code 2 means nothing was changed. */
export class TeardownError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'TeardownError';
  }
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the shape of an ErasurePlan; throws an Error naming the first field that is wrong. */
export function parseErasurePlan(value: unknown): ErasurePlan {
  const fail = (field: string): never => {
    throw new Error(`field ${field} is missing or of the wrong type`);
  };
  if (!isObject(value)) throw new Error('not an object');
  if (typeof value.deployment !== 'string') fail('deployment');
  if (typeof value.account !== 'string') fail('account');
  if (typeof value.createdAt !== 'string') fail('createdAt');
  if (typeof value.digest !== 'string' || !SHA256_HEX.test(value.digest)) fail('digest');
  if (!Array.isArray(value.keys)) fail('keys');
  (value.keys as unknown[]).forEach((k, i) => {
    if (!isObject(k)) return fail(`keys[${i}]`);
    for (const field of ['keyArn', 'alias', 'account', 'region', 'dataClass']) {
      if (typeof k[field] !== 'string') fail(`keys[${i}].${field}`);
    }
    if (!Array.isArray(k.protects)) fail(`keys[${i}].protects`);
    (k.protects as unknown[]).forEach((p, j) => {
      if (
        !isObject(p) ||
        typeof p.kind !== 'string' ||
        (p.arn !== undefined && typeof p.arn !== 'string') ||
        (p.count !== undefined && typeof p.count !== 'number')
      ) {
        fail(`keys[${i}].protects[${j}]`);
      }
    });
    if (k.canaryCiphertext !== undefined && typeof k.canaryCiphertext !== 'string') fail(`keys[${i}].canaryCiphertext`);
  });
  if (!Array.isArray(value.remains)) fail('remains');
  (value.remains as unknown[]).forEach((r, i) => {
    if (!isObject(r) || typeof r.what !== 'string' || (r.until !== undefined && typeof r.until !== 'string'))
      fail(`remains[${i}]`);
  });
  if (value.formatVersion !== ERASURE_FORMAT_VERSION) {
    throw new Error(
      `plan format ${JSON.stringify(value.formatVersion ?? null)}, not ${ERASURE_FORMAT_VERSION}: the function and this command are of different versions (deploy the Operations stack of this version)`,
    );
  }
  return value as unknown as ErasurePlan;
}

export interface PlanScope {
  readonly deployment: string;
  readonly account: string;
  readonly regions: { readonly primary: string; readonly dr: string };
  /** Keys of other accounts the plan may name (accounts apart: `airGappedErasureKeys`); none by default. */
  readonly externalKeys?: readonly ExternalErasureKey[];
}

/** The keys of other accounts a plan of this config may name: the air-gapped vault keys, with accounts apart. */
export function externalErasureKeys(config: DeploymentConfig, partition: string): ExternalErasureKey[] {
  const organization = organizationSettings(config);
  if (!organization) return [];
  return airGappedErasureKeys(
    config.name,
    { account: organization.backupAccount, regions: organization.backupRegions },
    partition,
  );
}

/**
 * Why the plan reaches outside this deployment, if it does: every problem, so a reviewer sees them all.
 * Empty when every key is one of the deployment's erasable keys or one of its configured external keys.
 */
export function planScopeProblems(plan: ErasurePlan, scope: PlanScope): string[] {
  const problems: string[] = [];
  if (plan.deployment !== scope.deployment)
    problems.push(`the plan is for deployment ${plan.deployment}, not ${scope.deployment}`);
  if (plan.account !== scope.account) problems.push(`the plan is for account ${plan.account}, not ${scope.account}`);
  if (plan.keys.length === 0) problems.push('the plan names no key: there would be nothing to erase');
  const regions = [scope.regions.primary, scope.regions.dr];
  const seen = new Set<string>();
  for (const key of plan.keys) {
    const where = `key ${key.keyArn}`;
    if (seen.has(key.keyArn)) problems.push(`${where} is listed twice`);
    seen.add(key.keyArn);
    if ((PROTECTED_DATA_CLASSES as readonly string[]).includes(key.dataClass)) {
      problems.push(`${where} is an ${key.dataClass} key: the audit trail's keys are never erased`);
      continue;
    }
    const arn = /^arn:[a-z-]+:kms:([a-z0-9-]+):(\d{12}):key\/[A-Za-z0-9-]+$/.exec(key.keyArn);
    if (!arn) {
      problems.push(`${where} is not a KMS key ARN`);
      continue;
    }
    if (key.account !== arn[2]) problems.push(`${where} is listed for account ${key.account} but its ARN says ${arn[2]}`);
    if (key.region !== arn[1]) problems.push(`${where} is listed for region ${key.region} but its ARN says ${arn[1]}`);
    if (arn[2] !== scope.account) {
      const external = (scope.externalKeys ?? []).find(
        (e) => e.account === arn[2] && e.region === arn[1] && e.alias === key.alias && e.dataClass === key.dataClass,
      );
      if (!external) {
        problems.push(
          `${where} is in account ${arn[2]}, not ${scope.account}, and is not a configured external key (${key.alias} in ${arn[1]})`,
        );
      }
      continue;
    }
    if (!(ERASABLE_DATA_CLASSES as readonly string[]).includes(key.dataClass)) {
      problems.push(`${where} has data class "${key.dataClass}", not one of ${ERASABLE_DATA_CLASSES.join(', ')}`);
      continue;
    }
    if (!regions.includes(arn[1])) problems.push(`${where} is in region ${arn[1]}, not ${regions.join(' or ')}`);
    const alias = deploymentNames(scope.deployment).keyAlias(key.dataClass as ErasableDataClass);
    if (key.alias !== alias) problems.push(`${where} has alias ${key.alias}, expected ${alias}`);
  }
  return problems;
}

/** Lambda's error payload `{ errorType, errorMessage }`, shortened; the function logs identifiers only. */
function describeFunctionError(payload: string): string {
  try {
    const parsed = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    const text = [parsed.errorType, parsed.errorMessage].filter((x) => typeof x === 'string').join(': ');
    if (text) return text.slice(0, 500);
  } catch {
    // not JSON: fall through
  }
  return payload ? payload.slice(0, 500) : 'no error details';
}

/** Asks the erasure function for the plan (read-only); throws TeardownError (exit 2) on anything but a well-formed plan. */
export async function requestErasurePlan(
  lambda: LambdaClient,
  functionName: string,
  requestedBy: string,
  signal?: AbortSignal,
): Promise<ErasurePlan> {
  const request: ErasureRequest = { phase: 'plan', requestedBy };
  let response;
  try {
    response = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
      { abortSignal: signal },
    );
  } catch (e) {
    const hint = isAwsError(e, 'ResourceNotFoundException')
      ? ' (is the Operations stack of this deployment deployed, with the crypto-erasure function?)'
      : '';
    throw new TeardownError(`could not invoke ${functionName}: ${describeError(e)}${hint}`);
  }
  const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
  if (response.FunctionError) {
    throw new TeardownError(
      `${functionName} could not make the plan (${response.FunctionError}): ${describeFunctionError(text)}`,
    );
  }
  if (response.StatusCode !== 200) {
    throw new TeardownError(`${functionName} answered with status ${response.StatusCode ?? 'none'}`);
  }
  try {
    return parseErasurePlan(JSON.parse(text) as unknown);
  } catch (e) {
    throw new TeardownError(`${functionName} returned an unreadable plan: ${(e as Error).message}`);
  }
}
