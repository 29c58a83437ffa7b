/** Which KMS or S3 call failed, kept with the error so the evidence and the log can name it. */
import { errorName, loggableError, type LoggableError } from '../shared/errors';

export class StageError extends Error {
  constructor(
    /** The API call that failed, e.g. `EnableKeyRotation`. */
    readonly stage: string,
    cause: unknown,
  ) {
    // Own words only: the SDK message can repeat request values.
    super(`${stage} failed: ${errorName(cause)}`, { cause });
    this.name = 'StageError';
  }

  /** What may be logged and recorded: the call, the error name, HTTP status and request ID. */
  describe(): { readonly stage: string } & LoggableError {
    return { stage: this.stage, ...loggableError(this.cause) };
  }
}

/** Runs one call; a failure becomes a `StageError` naming it (the SDK has already retried what it could). */
export async function step<T>(stage: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof StageError ? error : new StageError(stage, error);
  }
}

/** A failure as recorded: `stage` is `unknown` for an error that did not come from a named call. */
export function describeFailure(error: unknown): { readonly stage: string } & LoggableError {
  return error instanceof StageError ? error.describe() : { stage: 'unknown', ...loggableError(error) };
}
