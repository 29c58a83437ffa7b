/**
 * Writes one canary row. Two statements, so the canary user needs INSERT and nothing else (an
 * `INSERT ... RETURNING` would need SELECT on the table): first the server's clock, truncated to
 * milliseconds, then the row with that time, a fresh nonce and their digest.
 */
import { canaryDigest } from '../shared/canary-digest';
import type { SqlClient } from '../shared/db';
import { CANARY_TABLE_NAME } from '../shared/restore-validation-contract';
import { quoteQualifiedTableName } from '../shared/sql-identifier';

const TABLE = quoteQualifiedTableName(CANARY_TABLE_NAME);
export const SERVER_TIME_SQL = "SELECT date_trunc('milliseconds', statement_timestamp()) AS written_at";
export const INSERT_CANARY_SQL = `INSERT INTO ${TABLE} (written_at, nonce, sha256) VALUES ($1, $2, $3)`;

export async function writeCanaryRow(client: SqlClient, nonce: string): Promise<{ readonly writtenAt: Date }> {
  const { rows } = await client.query<{ written_at: unknown }>(SERVER_TIME_SQL);
  const writtenAt = rows[0]?.written_at;
  // pg parses timestamptz into a Date; anything else means the statement did not do what it says.
  if (!(writtenAt instanceof Date) || Number.isNaN(writtenAt.getTime())) {
    throw new Error('the database returned no server time');
  }
  const result = await client.query(INSERT_CANARY_SQL, [writtenAt, nonce, canaryDigest(writtenAt, nonce)]);
  if (result.rowCount !== 1) throw new Error(`the canary insert affected ${result.rowCount ?? 'no'} rows, expected 1`);
  return { writtenAt };
}
