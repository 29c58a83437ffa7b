/**
 * What the functions may say about a failure. Their logs and evidence are kept for 6 years, so an error
 * is reduced to what cannot carry data:
 * - any error: its name (the SDK sets it to the exception type, e.g. `TooManyRequestsException`), HTTP
 *   status and request ID. Never its message, which can repeat request values such as a username.
 * - an `InputError` (the function's environment or invocation is wrong): also its message, which this
 *   code wrote itself from variable names and reasons, never from values.
 */

export interface LoggableError {
  readonly errorName: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
}

export function loggableError(error: unknown): LoggableError {
  if (typeof error !== 'object' || error === null) return { errorName: typeof error };
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: number; requestId?: string } };
  return {
    errorName: typeof e.name === 'string' ? e.name : 'UnknownError',
    httpStatus: e.$metadata?.httpStatusCode,
    requestId: e.$metadata?.requestId,
  };
}

/** The error's name alone, e.g. `NotFoundException` (see `loggableError`). */
export function errorName(error: unknown): string {
  return loggableError(error).errorName;
}

/** Whether `error` is an AWS SDK error with this name (the SDK sets `name` to the exception type). */
export function isAwsError(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

/**
 * The function's input is wrong: its environment (a deployment bug) or its invocation (a caller's bug).
 * Raised only with this code's own words (variable names, reasons; no values), so its message may be logged.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The message of an `InputError`, which may be logged; undefined for every other error. */
export function inputProblem(error: unknown): string | undefined {
  return error instanceof InputError ? error.message : undefined;
}

/** Reads configuration the stack sets on the function; a missing value is a deployment bug (an InputError). */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new InputError(`environment variable ${name} is not set`);
  }
  return value;
}

/**
 * A fail-closed refusal with its reasons, in this code's own words (no values): the caller is told
 * `refused: <reason>; <reason>`, and nothing was changed. Each function names its refusals (`name`).
 */
export class Refusal extends Error {
  readonly reasons: readonly string[];
  constructor(name: string, reasons: readonly string[] | string) {
    const list = typeof reasons === 'string' ? [reasons] : reasons;
    super(`refused: ${list.join('; ')}`);
    this.name = name;
    this.reasons = list;
  }
}
