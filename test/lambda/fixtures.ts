/** Shared helpers for the Lambda tests: a Lambda context, captured stdout, AWS SDK errors. */
import type { Context } from 'aws-lambda';

export const lambdaContext = (functionName = 'test-function'): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:111122223333:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2026/01/01/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 30000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/**
 * Captures what the function writes to stdout and stderr (Powertools logs, warnings and errors, EMF
 * metrics) as parsed JSON lines, so tests can assert what is logged and, above all, what is not.
 */
export function captureOutput(): { lines: () => Record<string, unknown>[]; text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [jest.spyOn(process.stdout, 'write'), jest.spyOn(process.stderr, 'write')];
  for (const spy of spies) spy.mockImplementation(record);
  const text = () => chunks.join('');
  return {
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((l) => l.trim().startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

/** Names of the EMF metrics in captured stdout lines. */
export function metricNames(lines: Record<string, unknown>[]): string[] {
  return lines
    .filter((l) => l._aws)
    .flatMap((l) => (l._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics)
    .flatMap((m) => m.Metrics.map((x) => x.Name));
}

/** An error shaped like the ones the AWS SDK v3 throws. */
export function awsError(name: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(`${name}: something about user alice@example.com`), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 },
  });
}
