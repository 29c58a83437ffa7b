/**
 * Key rotation enforcer (HIPAA 164.312(a)(2)(iv) encryption, 164.308(a)(1)(ii)(B) risk management;
 * NIST SP 800-57 cryptoperiods): keeps KMS automatic rotation on, with the configured period, on every
 * key of this deployment in this region, flags keys whose material is overdue, and rotates a key on
 * demand when it is suspected compromised.
 *
 * - Scheduled (EventBridge) or `{"action":"check"}`: check mode (check.ts).
 * - `RotateNowRequest`: on-demand rotation of one key (rotate-now.ts).
 *
 * Keys are found by the deployment's alias prefix and proven by their tags, account and region
 * (keys.ts); nothing else is ever touched. Each run writes an evidence record (JSON: key ARNs,
 * aliases, dates, findings; no PHI) and metrics; a run in which any key could not be checked, or
 * whose record could not be written, fails after both, so Lambda retries it and the alarms fire.
 * Logs carry key identifiers, statuses and AWS error names only: never the request's reason or
 * requester, never SDK error messages.
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { createClient } from '../shared/clients';
import { errorName, inputProblem } from '../shared/errors';
import { ROTATION_METRIC_SERVICE, ROTATION_METRICS, type RotateNowResult } from '../shared/key-lifecycle-contract';
import { createLogger, createMetrics } from '../shared/powertools';
import { runCheck, type RotationCheckRecord } from './check';
import { ownAccount, parseRotationConfig, type RotationConfig } from './config';
import { parseInvocation } from './invocation';
import type { Owner } from './keys';
import { evidenceKey, writeRecord } from './record';
import { rotateNow } from './rotate-now';
import { describeFailure } from './stage';

export interface RotationDeps {
  readonly kms: KMSClient;
  readonly s3: S3Client;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
}

/** What a check run returns (its full record is the evidence object). */
export interface CheckResult {
  readonly evidenceKey: string;
  readonly summary: RotationCheckRecord['summary'];
}

export type RotationHandler = (event: unknown, context: Context) => Promise<CheckResult | RotateNowResult>;

export function createRotationHandler(deps: RotationDeps): RotationHandler {
  const logger = createLogger(ROTATION_METRIC_SERVICE);
  const metrics = createMetrics(ROTATION_METRIC_SERVICE);
  const count = (name: string, value: number) => metrics.addMetric(name, MetricUnit.Count, value);

  const check = async (config: RotationConfig, owner: Owner, trigger: 'schedule' | 'manual'): Promise<CheckResult> => {
    const now = deps.now();
    const record = await runCheck({ kms: deps.kms, config, owner, now, trigger });
    for (const k of record.keys) {
      const fields = {
        keyArn: k.keyArn ?? k.keyId,
        aliases: k.aliases,
        dataClass: k.dataClass,
        status: k.status,
        findings: k.findings,
      };
      if (k.status === 'in-policy' || k.status === 'not-rotatable') logger.info('Key checked', fields);
      else logger.warn('Key needs attention', { ...fields, failure: k.failure });
    }
    if (record.runFailure) logger.error('Deployment keys could not be listed', { ...record.runFailure });

    const key = evidenceKey('check', now, owner.region);
    const evidenceFailure = await write(config, key, record);
    const s = record.summary;
    // Only a run that could list the keys counts as having run (the "did not run" alarm watches this).
    if (!record.runFailure) count(ROTATION_METRICS.keysChecked, s.keysChecked);
    count(ROTATION_METRICS.keysOutOfPolicy, s.outOfPolicy + s.refused);
    count(ROTATION_METRICS.driftFixed, s.driftFixed);
    const failures = s.failures + (evidenceFailure ? 1 : 0);
    count(ROTATION_METRICS.failures, failures);
    logger.info('Rotation check finished', { summary: s, evidenceKey: evidenceFailure ? undefined : key });
    if (failures > 0) {
      throw new Error(
        `key rotation check incomplete: ${s.failures} key(s) or listing not checked` +
          (evidenceFailure ? `, evidence not written (${evidenceFailure.errorName})` : ''),
      );
    }
    return { evidenceKey: key, summary: s };
  };

  const onDemand = async (
    config: RotationConfig,
    owner: Owner,
    request: Parameters<typeof rotateNow>[1],
  ): Promise<RotateNowResult> => {
    const now = deps.now();
    const record = await rotateNow({ kms: deps.kms, config, owner, now }, request);
    const key = evidenceKey('on-demand', now, owner.region);
    const evidenceFailure = await write(config, key, record);
    if (record.outcome === 'rotation-started') count(ROTATION_METRICS.onDemandRotations, 1);
    count(ROTATION_METRICS.failures, (record.outcome === 'failed' ? 1 : 0) + (evidenceFailure ? 1 : 0));
    const fields = {
      outcome: record.outcome,
      keyArn: record.key?.keyArn ?? record.key?.keyId,
      aliases: record.key?.aliases,
      refusal: record.refusal?.code,
      onDemandRotationsUsedBefore: record.onDemandRotationsUsedBefore,
      failure: record.failure,
    };
    if (record.outcome === 'rotation-started') logger.info('On-demand rotation started', fields);
    else if (record.outcome === 'refused') logger.warn('On-demand rotation refused', fields);
    else logger.error('On-demand rotation failed', fields);

    if (record.outcome === 'failed')
      throw new Error(`rotate-now failed at ${record.failure?.stage}: ${record.failure?.errorName}`);
    if (evidenceFailure) {
      throw new Error(
        `rotate-now ${record.outcome === 'rotation-started' ? 'STARTED the rotation but' : 'was refused and'} its evidence was ` +
          `not written (${evidenceFailure.errorName}): record it by hand`,
      );
    }
    return {
      outcome: record.outcome,
      keyArn: record.key?.keyArn,
      ...(record.refusal ? { refusal: record.refusal } : {}),
      evidenceKey: key,
    };
  };

  const write = async (config: RotationConfig, key: string, record: object) => {
    try {
      await writeRecord(deps.s3, config, key, record);
      return undefined;
    } catch (error) {
      const failure = describeFailure(error);
      logger.error('Evidence record not written', { ...failure, evidenceKey: key });
      return failure;
    }
  };

  return async (event, context) => {
    logger.addContext(context);
    try {
      const invocation = parseInvocation(event);
      if (invocation.kind === 'invalid') {
        logger.error('Invocation refused', { reason: invocation.reason });
        throw new Error(`key rotation: invalid invocation: ${invocation.reason}`);
      }
      const setup = configure(deps.env, context, metrics, logger);
      return invocation.kind === 'check'
        ? await check(setup.config, setup.owner, invocation.trigger)
        : await onDemand(setup.config, setup.owner, invocation.request);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** Configuration errors are this code's own words (variable names, no values); they fail the invocation. */
function configure(
  env: NodeJS.ProcessEnv,
  context: Context,
  metrics: Metrics,
  logger: ReturnType<typeof createLogger>,
): { config: RotationConfig; owner: Owner } {
  try {
    const config = parseRotationConfig(env);
    return {
      config,
      owner: { deployment: config.deployment, region: config.region, account: ownAccount(context.invokedFunctionArn) },
    };
  } catch (error) {
    metrics.addMetric(ROTATION_METRICS.failures, MetricUnit.Count, 1);
    const detail = inputProblem(error) ?? errorName(error);
    logger.error('Configuration invalid; nothing was checked', { detail });
    throw new Error(`key rotation: configuration invalid: ${detail}`);
  }
}

export const handler = createRotationHandler({
  kms: createClient(KMSClient),
  s3: createClient(S3Client),
  env: process.env,
  now: () => new Date(),
});
