/**
 * Unreserved Lambda concurrency. Lambda refuses a reservation that leaves fewer than 100 unreserved
 * concurrent executions in the region ("You can reserve up to the Unreserved account concurrency value
 * that is shown, minus 100", https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html),
 * so every function with `reservedConcurrentExecutions` fails to deploy in an account whose quota is
 * low: new accounts can start at 10 (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */
import { GetAccountSettingsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { fail, guarded, pass, type CheckResult } from './result';

/** What Lambda keeps unreserved for functions without a reservation. */
export const MIN_UNRESERVED_CONCURRENCY = 100;
/** Service Quotas code of "Concurrent executions" (service code lambda). */
export const LAMBDA_CONCURRENCY_QUOTA = 'L-B99A9384';

export function checkLambdaConcurrency(lambda: LambdaClient, region: string, reserved: number): Promise<CheckResult[]> {
  const what = 'unreserved Lambda concurrency';
  return guarded(region, what, 'lambda:GetAccountSettings', async () => {
    const limit = (await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit ?? {};
    const total = limit.ConcurrentExecutions ?? 0;
    const unreserved = limit.UnreservedConcurrentExecutions ?? total;
    const reservedElsewhere = total - unreserved;
    const needed = reserved + MIN_UNRESERVED_CONCURRENCY + reservedElsewhere;
    const left = unreserved - reserved;
    if (left >= MIN_UNRESERVED_CONCURRENCY) {
      return pass(
        region,
        `${what}: ${unreserved} of ${total}; this deployment reserves ${reserved}, leaving ${left} (Lambda keeps at least ${MIN_UNRESERVED_CONCURRENCY})`,
      );
    }
    const elsewhere = reservedElsewhere > 0 ? `, other functions reserve ${reservedElsewhere}` : '';
    return fail(
      region,
      `Lambda concurrency quota is ${total}${elsewhere}: this deployment reserves ${reserved} and Lambda keeps ${MIN_UNRESERVED_CONCURRENCY} unreserved, so at least ${needed} is needed and the functions would fail to deploy`,
      `aws service-quotas request-service-quota-increase --region ${region} --service-code lambda --quota-code ${LAMBDA_CONCURRENCY_QUOTA} --desired-value ${Math.max(1000, needed)} (then wait for it to be granted)`,
    );
  });
}
