/**
 * Pure checks of a restored database: the newest canary row and the expected tables. Check details
 * name identifiers and counts only; row values (nonce, digest) never leave this module.
 */
import { CANARY_NONCE, SHA256_HEX, canaryDigest } from '../shared/canary-digest';
import { CANARY_TABLE_NAME, type ValidationCheck } from '../shared/restore-validation-contract';
import { isQualifiedTableName, quoteQualifiedTableName } from '../shared/sql-identifier';

/** Newest row first; `id` breaks ties between rows written in the same millisecond. */
export const NEWEST_CANARY_SQL = `SELECT written_at, nonce, sha256 FROM ${quoteQualifiedTableName(CANARY_TABLE_NAME)} ORDER BY written_at DESC, id DESC LIMIT 1`;

export interface CanaryRowEvaluation {
  readonly checks: readonly ValidationCheck[];
  /** Set when a well-formed row was found (intact or not: its time still bounds the data age). */
  readonly writtenAt?: Date;
}

export function evaluateNewestCanaryRow(rows: readonly Record<string, unknown>[]): CanaryRowEvaluation {
  const row = rows[0];
  if (!row) {
    return {
      checks: [
        {
          name: 'canary-present',
          passed: false,
          detail: `${CANARY_TABLE_NAME} is empty in the restored copy: the integrity canary had written nothing before the recovery point`,
        },
      ],
    };
  }
  const { written_at: writtenAt, nonce, sha256 } = row;
  if (!(writtenAt instanceof Date) || Number.isNaN(writtenAt.getTime())) {
    return { checks: [{ name: 'canary-present', passed: false, detail: 'newest canary row has no valid written_at' }] };
  }
  const present: ValidationCheck = { name: 'canary-present', passed: true, detail: `newest row of ${CANARY_TABLE_NAME} found` };
  if (typeof nonce !== 'string' || !CANARY_NONCE.test(nonce) || typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
    return {
      checks: [
        present,
        {
          name: 'canary-sha256',
          passed: false,
          detail: 'newest canary row is malformed (nonce or sha256 not in the written format)',
        },
      ],
      writtenAt,
    };
  }
  const intact = canaryDigest(writtenAt, nonce) === sha256;
  return {
    checks: [
      present,
      {
        name: 'canary-sha256',
        passed: intact,
        detail: intact
          ? 'sha256 of written_at and nonce matches the stored digest'
          : 'sha256 of written_at and nonce does NOT match the stored digest: the restored row is corrupted',
      },
    ],
    writtenAt,
  };
}

/** An expected table as a statement, or the failed check that replaces it when the name is rejected. */
export type TableProbe =
  { readonly name: string; readonly checkName: string; readonly sql: string } | { readonly rejected: ValidationCheck };

export function tableProbes(expectedTables: readonly string[]): TableProbe[] {
  return expectedTables.map((name, index) =>
    isQualifiedTableName(name)
      ? { name, checkName: `table-readable:${name}`, sql: `SELECT 1 FROM ${quoteQualifiedTableName(name)} LIMIT 1` }
      : {
          // The rejected text is not echoed: it failed validation, so it could be anything.
          rejected: {
            name: `table-readable:#${index + 1}`,
            passed: false,
            detail: `entry ${index + 1} of EXPECTED_TABLES rejected: not a lowercase "schema.table" identifier`,
          },
        },
  );
}
