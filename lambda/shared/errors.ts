/**
 * What of an AWS SDK error may be logged: its name (e.g. `TooManyRequestsException`), HTTP status
 * and request ID. Not the message, which can repeat request values such as a username.
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

/** Whether `error` is an AWS SDK error with this name (the SDK sets `name` to the exception type). */
export function isAwsError(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
