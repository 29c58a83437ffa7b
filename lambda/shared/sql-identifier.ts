/**
 * Table names that go into SQL text. PostgreSQL cannot bind identifiers as parameters, so a name is
 * accepted only in the strict lowercase `schema.table` form (the same rule as the config's
 * `expectedTables`, plus PostgreSQL's 63-byte identifier limit) and then double-quoted: nothing from
 * configuration is ever interpolated into a statement as it came.
 */

/** `schema.table`, each part a lowercase unquoted PostgreSQL identifier of at most 63 characters. */
export const QUALIFIED_TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}\.[a-z_][a-z0-9_]{0,62}$/;

export function isQualifiedTableName(name: string): boolean {
  return QUALIFIED_TABLE_NAME.test(name);
}

/** `"schema"."table"` for a valid name; throws for anything else (the name is not echoed back). */
export function quoteQualifiedTableName(name: string): string {
  if (!isQualifiedTableName(name)) {
    throw new Error('table name rejected: not a lowercase "schema.table" identifier');
  }
  // The regex admits no quote characters, so wrapping each part is the complete quoting.
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}
