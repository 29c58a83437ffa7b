/**
 * Makes a test PostgreSQL server (postgres-server.ts) look like an RDS instance to the SQL that runs
 * there: the `rds_iam` role, a master user that is NOT a superuser, and an application database with
 * CONNECT revoked from PUBLIC (hardened). Then runs the DBA bootstrap as that master user.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client, type ClientConfig } from 'pg';
import { DATABASE_MASTER_USERNAME } from '../../lib/constructs/phi-database';
import type { PostgresServer } from './postgres-server';

export const BOOTSTRAP_SQL_FILE = path.join(__dirname, '..', '..', 'db', 'bootstrap-restore-validation.sql');
export const MASTER_USER = DATABASE_MASTER_USERNAME;
export const MASTER_PASSWORD = 'master-password-for-tests';

/**
 * The RDS side, as the server's superuser (on RDS, AWS does this):
 * - `rds_iam`: RDS's built-in role whose members authenticate with IAM tokens; a real PostgreSQL has
 *   no such role, so this creates a stand-in (NOLOGIN, like RDS's). The test server's pg_hba.conf lets
 *   its members in over TLS without a password, as RDS does with a valid token.
 * - the master user: CREATEROLE and CREATEDB but not a superuser (RDS's master user is a member of
 *   rds_superuser, not a superuser), and allowed to grant rds_iam, as RDS's master user is.
 * - the application database, owned by the master user, with CONNECT revoked from PUBLIC.
 */
export async function createRdsLikeDatabase(server: PostgresServer, database: string): Promise<void> {
  await server.asSuperuser(async (client) => {
    await client.query(`CREATE ROLE rds_iam NOLOGIN`);
    await client.query(`CREATE ROLE ${MASTER_USER} LOGIN CREATEROLE CREATEDB PASSWORD '${MASTER_PASSWORD}'`);
    await client.query(`GRANT rds_iam TO ${MASTER_USER} WITH ADMIN OPTION`);
    await client.query(`CREATE DATABASE ${database} OWNER ${MASTER_USER}`);
    await client.query(`REVOKE CONNECT ON DATABASE ${database} FROM PUBLIC`);
  });
}

export function masterUserConfig(server: PostgresServer, database: string): ClientConfig {
  return { ...server.superuserConfig(database), user: MASTER_USER, password: MASTER_PASSWORD };
}

/** Runs `fn` with a connected client of the master user, closed afterwards. */
export async function asMasterUser<T>(server: PostgresServer, database: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(masterUserConfig(server, database));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The bootstrap file as psql would run it with ON_ERROR_STOP. Its only psql meta-command is
 * `\set ON_ERROR_STOP on`; the rest goes in one simple-protocol query, which PostgreSQL also stops at
 * the first error. Any other meta-command would need psql, so it is refused rather than skipped.
 */
export function bootstrapStatements(file = BOOTSTRAP_SQL_FILE): string {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const metaCommands = lines.filter((l) => l.trimStart().startsWith('\\'));
  const unsupported = metaCommands.filter((l) => l.trim() !== '\\set ON_ERROR_STOP on');
  if (unsupported.length > 0) throw new Error(`${file} uses psql meta-commands this helper cannot run: ${unsupported.join(' ')}`);
  return lines.filter((l) => !metaCommands.includes(l)).join('\n');
}

/** Runs db/bootstrap-restore-validation.sql as the master user in `database`. */
export async function runBootstrap(server: PostgresServer, database: string): Promise<void> {
  await asMasterUser(server, database, (client) => client.query(bootstrapStatements()));
}
