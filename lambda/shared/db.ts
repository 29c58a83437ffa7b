/**
 * PostgreSQL connections of the operational functions: IAM database authentication (a 15-minute
 * token signed with the function's role, no password anywhere) over TLS that verifies the server
 * certificate against the RDS CAs. Used by the integrity canary (live database) and the restore
 * validator (restored copies).
 */
import { Signer } from '@aws-sdk/rds-signer';
import { Client, type ClientConfig } from 'pg';
import { InputError } from './errors';
import { RDS_CA_BUNDLE_ENV } from './restore-validation-contract';

export interface DbTarget {
  /** Endpoint address of the instance (the name its certificate is issued for, never an IP address). */
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** Database user that has the `rds_iam` role. */
  readonly user: string;
  /** Region of the instance (signs the token). */
  readonly region: string;
}

export interface DbTimeouts {
  /** TCP + TLS + authentication. @default 10_000 */
  readonly connectMs?: number;
  /** Server-side limit of each statement, and the client-side wait for its answer. @default 10_000 */
  readonly statementMs?: number;
}

/** What the functions use of a connected `pg` client; small, so tests can hand in a fake. */
export interface SqlClient {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
  end(): Promise<void>;
}

/** Opens an authenticated connection; injected into the functions so tests replace it. */
export type ConnectFn = (target: DbTarget, timeouts?: DbTimeouts) => Promise<SqlClient>;

/** Signs an IAM authentication token (presigned `rds-db:connect` URL); local computation, no API call. */
export type TokenSigner = (target: DbTarget) => Promise<string>;

export const signIamToken: TokenSigner = (target) =>
  new Signer({ hostname: target.host, port: target.port, username: target.user, region: target.region }).getAuthToken();

/**
 * Fails fast when the RDS CA bundle is not loaded: without it every TLS handshake to RDS fails with a
 * certificate-chain error that does not say what is missing.
 */
export function assertRdsCaBundle(env: NodeJS.ProcessEnv = process.env): void {
  const [name, path] = Object.entries(RDS_CA_BUNDLE_ENV)[0];
  if (env[name] !== path) {
    throw new InputError(`environment variable ${name} must be ${path} (the RDS CA bundle of the Lambda runtime)`);
  }
}

/** The `pg` client configuration: TLS with certificate and host name verification, bounded waits. */
export function pgClientConfig(
  target: DbTarget,
  password: string,
  timeouts: DbTimeouts = {},
  applicationName = 'hipaa-ops',
): ClientConfig {
  const statementMs = timeouts.statementMs ?? 10_000;
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password,
    // Verifies the chain (RDS CAs via NODE_EXTRA_CA_CERTS) and that the certificate names `host`.
    ssl: { rejectUnauthorized: true },
    connectionTimeoutMillis: timeouts.connectMs ?? 10_000,
    statement_timeout: statementMs,
    query_timeout: statementMs + 2_000,
    application_name: applicationName,
  };
}

/** Builds a `pg` client; replaced in tests. */
export type NewPgClient = (config: ClientConfig) => Pick<Client, 'connect' | 'query' | 'end'>;

/** Connects with a fresh IAM token; on failure the half-open client is closed before the error is rethrown. */
export function iamConnector(
  applicationName: string,
  sign: TokenSigner = signIamToken,
  newClient: NewPgClient = (config) => new Client(config),
): ConnectFn {
  return async (target, timeouts) => {
    const token = await sign(target);
    const client = newClient(pgClientConfig(target, token, timeouts, applicationName));
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client as unknown as SqlClient;
  };
}

/**
 * What of a database or network error may be logged or recorded: the SQLSTATE (e.g. `42P01`
 * undefined table, `28000` authentication failed) or Node's error code (e.g. `ECONNREFUSED`), and a
 * marker for timeouts. Never the message: PostgreSQL messages can quote values of the statement.
 */
export function dbErrorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const e = error as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof e.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(e.code)) return e.code;
  // pg reports its own timeouts without a code; these fixed texts hold no values.
  if (typeof e.message === 'string' && /timeout|timed out/i.test(e.message)) return 'timeout';
  return typeof e.name === 'string' && /^[A-Za-z]{1,60}$/.test(e.name) ? e.name : 'unknown';
}

/** Plain words for the SQLSTATEs the checks expect; the code itself for the rest. */
export function describeDbError(error: unknown): string {
  const code = dbErrorCode(error);
  const known: Record<string, string> = {
    '42P01': 'table does not exist (SQLSTATE 42P01)',
    '3F000': 'schema does not exist (SQLSTATE 3F000)',
    '42501': 'permission denied (SQLSTATE 42501)',
    '28000': 'authentication rejected (SQLSTATE 28000): is the user granted rds_iam, and IAM authentication enabled?',
    '28P01': 'authentication failed (SQLSTATE 28P01)',
    '3D000': 'database does not exist (SQLSTATE 3D000)',
    '57014': 'statement timed out (SQLSTATE 57014)',
    timeout: 'timed out',
    ECONNREFUSED: 'connection refused (ECONNREFUSED)',
    ETIMEDOUT: 'connection timed out (ETIMEDOUT)',
    ENOTFOUND: 'host name not found (ENOTFOUND)',
    SELF_SIGNED_CERT_IN_CHAIN: 'server certificate not trusted (SELF_SIGNED_CERT_IN_CHAIN): is the RDS CA bundle loaded?',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      'server certificate not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE): is the RDS CA bundle loaded?',
    ERR_TLS_CERT_ALTNAME_INVALID: 'server certificate does not name the host (ERR_TLS_CERT_ALTNAME_INVALID)',
  };
  return known[code] ?? `error ${code}`;
}
