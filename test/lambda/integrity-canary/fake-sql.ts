/** A stand-in for a connected `pg` client and the function that opens it: records every statement. */
import type { ConnectFn, DbTarget, DbTimeouts, SqlClient } from '../../../lambda/shared/db';

export interface SqlAnswer {
  readonly rows: Record<string, unknown>[];
  readonly rowCount?: number;
}

export type Answer = (text: string, values: unknown[] | undefined) => SqlAnswer | Error;

export interface FakeDatabase {
  readonly connect: jest.MockedFunction<ConnectFn>;
  readonly queries: { text: string; values?: unknown[] }[];
  readonly targets: { target: DbTarget; timeouts?: DbTimeouts }[];
  /** How often a connected client was closed. */
  ended: number;
}

/** `answer` decides each statement's result; `connectError` makes connecting fail instead. */
export function fakeDatabase(answer: Answer, connectError?: Error): FakeDatabase {
  const fake: FakeDatabase = {
    queries: [],
    targets: [],
    ended: 0,
    connect: jest.fn(async (target: DbTarget, timeouts?: DbTimeouts): Promise<SqlClient> => {
      fake.targets.push({ target, timeouts });
      if (connectError) throw connectError;
      return {
        query: async <R extends Record<string, unknown>>(text: string, values?: unknown[]) => {
          fake.queries.push({ text, values });
          const result = answer(text, values);
          if (result instanceof Error) throw result;
          return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
        },
        end: async () => {
          fake.ended++;
        },
      };
    }),
  };
  return fake;
}

/** A pg error with an SQLSTATE and a message that quotes a data value (which must never be logged). */
export function pgError(code: string): Error {
  return Object.assign(new Error(`failing row contains (42, Jane Doe, jane@example.com) [${code}]`), { code });
}
