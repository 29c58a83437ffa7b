/** The canary's configuration, read from its environment; a missing or malformed value is a deployment bug. */
import type { DbTarget } from '../shared/db';
import { requireEnv } from '../shared/env';
import { CANARY_DB_USER, CANARY_ENV } from '../shared/restore-validation-contract';

export function parsePort(value: string, name: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`environment variable ${name} must be a TCP port`);
  }
  return port;
}

/** The live database, reached as the canary user. */
export function canaryTarget(env: NodeJS.ProcessEnv = process.env): DbTarget {
  return {
    host: requireEnv(CANARY_ENV.host, env),
    port: parsePort(requireEnv(CANARY_ENV.port, env), CANARY_ENV.port),
    database: requireEnv(CANARY_ENV.databaseName, env),
    user: CANARY_DB_USER,
    region: requireEnv('AWS_REGION', env),
  };
}
