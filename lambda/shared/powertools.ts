/**
 * Logger and metrics shared by the operational functions.
 *
 * What may be logged: Cognito `sub`s, group names, counts, CloudTrail event IDs and AWS error names.
 * Never usernames (they can be e-mail addresses), attributes, tokens or raw events, and never PHI:
 * these functions see workforce accounts only, and their logs are kept for 6 years.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../../lib/vocabulary';

// Re-exported for lib/constructs, which imports it from here.
export { METRICS_NAMESPACE };

/** A structured JSON logger; the level comes from the function's log configuration. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/** Metrics written as CloudWatch embedded metric format into the log stream (no PutMetricData call, no endpoint). */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
}
