import { INSERT_CANARY_SQL, SERVER_TIME_SQL, writeCanaryRow } from '../../../lambda/integrity-canary/write';
import type { SqlClient } from '../../../lambda/shared/db';
import { fakeDatabase } from './fake-sql';

const NONCE = 'ffeeddccbbaa99887766554433221100';
const at = new Date('2026-04-05T05:50:00.123Z');

async function connected(answer: Parameters<typeof fakeDatabase>[0]): Promise<[SqlClient, ReturnType<typeof fakeDatabase>]> {
  const db = fakeDatabase(answer);
  return [await db.connect({ host: 'h', port: 1, database: 'd', user: 'u', region: 'r' }), db];
}

describe('writeCanaryRow', () => {
  test('needs INSERT only: the time comes from a table-less SELECT and the insert returns nothing', () => {
    expect(SERVER_TIME_SQL).toBe("SELECT date_trunc('milliseconds', statement_timestamp()) AS written_at");
    expect(INSERT_CANARY_SQL).toBe('INSERT INTO "hipaa_ops"."restore_canary" (written_at, nonce, sha256) VALUES ($1, $2, $3)');
    expect(INSERT_CANARY_SQL).not.toMatch(/RETURNING/i);
  });

  test('returns the server time it stored', async () => {
    const [client] = await connected((text) =>
      text === SERVER_TIME_SQL ? { rows: [{ written_at: at }] } : { rows: [], rowCount: 1 },
    );
    await expect(writeCanaryRow(client, NONCE)).resolves.toEqual({ writtenAt: at });
  });

  test('fails when the database returns no time, before inserting anything', async () => {
    const [client, db] = await connected(() => ({ rows: [{ written_at: '2026-04-05' }] }));
    await expect(writeCanaryRow(client, NONCE)).rejects.toThrow('the database returned no server time');
    expect(db.queries).toHaveLength(1);
  });

  test('fails when the insert did not add exactly one row', async () => {
    const [client] = await connected((text) =>
      text === SERVER_TIME_SQL ? { rows: [{ written_at: at }] } : { rows: [], rowCount: 0 },
    );
    await expect(writeCanaryRow(client, NONCE)).rejects.toThrow('the canary insert affected 0 rows, expected 1');
  });
});
