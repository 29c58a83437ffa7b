/**
 * Integrity canary (HIPAA 164.308(a)(7)(ii)(D) testing of the backup and restore procedures): every
 * few minutes, writes one row into `hipaa_ops.restore_canary` of the live database, over TLS, with
 * IAM database authentication as `hipaa_canary` (INSERT only). The restore validator later finds the
 * newest row in each restored copy: its digest proves the copy is intact and its age is the RPO that
 * copy achieved. Logs carry no data values (no nonce, digest or time), only outcomes and error codes.
 * A failure is counted, then rethrown so that Lambda's error metric and the alarms see it.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { newCanaryNonce } from '../shared/canary-digest';
import { assertRdsCaBundle, dbErrorCode, iamConnector, type ConnectFn, type DbTarget, type SqlClient } from '../shared/db';
import { InputError, inputProblem, requireEnv } from '../shared/errors';
import { createLogger, createMetrics } from '../shared/powertools';
import { CANARY_DB_USER, CANARY_ENV, CANARY_METRICS, METRIC_SERVICE } from '../shared/restore-validation-contract';
import { writeCanaryRow } from './write';

/** The live database, reached as the canary user; a missing or malformed variable is a deployment bug. */
function canaryTarget(env: NodeJS.ProcessEnv): DbTarget {
  return {
    host: requireEnv(CANARY_ENV.host, env),
    port: parsePort(requireEnv(CANARY_ENV.port, env), CANARY_ENV.port),
    database: requireEnv(CANARY_ENV.databaseName, env),
    user: CANARY_DB_USER,
    region: requireEnv('AWS_REGION', env),
  };
}

function parsePort(value: string, name: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InputError(`environment variable ${name} must be a TCP port`);
  }
  return port;
}

export interface CanaryDeps {
  readonly connect: ConnectFn;
  readonly newNonce: () => string;
  readonly env: NodeJS.ProcessEnv;
}

export function createCanaryHandler(deps: CanaryDeps): (event: unknown, context: Context) => Promise<void> {
  const logger = createLogger(METRIC_SERVICE.canary);
  const metrics = createMetrics(METRIC_SERVICE.canary);
  return async (_event, context) => {
    logger.addContext(context);
    let client: SqlClient | undefined;
    let stage = 'config';
    try {
      assertRdsCaBundle(deps.env);
      const target = canaryTarget(deps.env);
      stage = 'connect';
      client = await deps.connect(target, { connectMs: 10_000, statementMs: 5_000 });
      stage = 'insert';
      await writeCanaryRow(client, deps.newNonce());
      metrics.addMetric(CANARY_METRICS.written, MetricUnit.Count, 1);
      logger.info('Canary row written');
    } catch (error) {
      metrics.addMetric(CANARY_METRICS.failed, MetricUnit.Count, 1);
      const code = dbErrorCode(error);
      // Configuration errors are this code's own words (variable names, no values); others are reduced to a code.
      const detail = inputProblem(error);
      logger.error('Canary row not written; the invocation fails', { stage, code, detail });
      // Rethrown without the original message, which Lambda would log and which may quote values.
      throw new Error(`integrity canary failed at ${stage}: ${code}`);
    } finally {
      await client?.end().catch(() => undefined);
      metrics.publishStoredMetrics();
    }
  };
}

export const handler = createCanaryHandler({
  connect: iamConnector(METRIC_SERVICE.canary),
  newNonce: () => newCanaryNonce(),
  env: process.env,
});
