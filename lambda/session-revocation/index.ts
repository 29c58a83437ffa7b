/**
 * Session revocation (HIPAA 164.308(a)(3)(ii)(C) termination procedures): when an administrator
 * disables or deletes a user or changes their groups, every session of that user ends.
 * Invoked asynchronously by EventBridge with the CloudTrail record of the Cognito admin call.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Context } from 'aws-lambda';
import { createClient } from '../shared/clients';
import { errorName, loggableError, requireEnv } from '../shared/errors';
import { createLogger, createMetrics } from '../shared/powertools';
import { parseRevocationEvent } from './event';
import { revokeSessions, type RevocationResult } from './revoke';

const logger = createLogger('session-revocation');
const metrics = createMetrics('session-revocation');
// Its retries absorb Cognito throttling before the invocation itself fails and is retried.
const cognito = createClient(CognitoIdentityProviderClient);

const METRIC_BY_RESULT: Record<RevocationResult, string> = {
  'signed-out': 'SessionsRevoked',
  'ended-by-deletion': 'SessionsEndedByDeletion',
  'user-not-found': 'RevocationUserNotFound',
};

export async function handler(event: unknown, context: Context): Promise<void> {
  logger.addContext(context);
  try {
    const userPoolId = requireEnv('USER_POOL_ID');
    const parsed = parseRevocationEvent(event, userPoolId);
    if (parsed.kind === 'ignore') {
      logger.warn('Event ignored', { reason: parsed.reason, eventName: parsed.eventName, eventId: parsed.eventId });
      metrics.addMetric('RevocationEventsIgnored', MetricUnit.Count, 1);
      return;
    }
    try {
      const outcome = await revokeSessions(cognito, userPoolId, parsed);
      metrics.addMetric(METRIC_BY_RESULT[outcome.result], MetricUnit.Count, 1);
      logger.info('Sessions handled', {
        result: outcome.result,
        trigger: parsed.trigger,
        eventId: parsed.eventId,
        sub: outcome.sub,
        subLookupError: outcome.subLookupError,
      });
    } catch (error) {
      metrics.addMetric('RevocationFailures', MetricUnit.Count, 1);
      logger.error('Session revocation failed; the invocation will be retried', {
        trigger: parsed.trigger,
        eventId: parsed.eventId,
        sub: parsed.sub,
        ...loggableError(error),
      });
      // Rethrown without the SDK message, which Lambda would log and which may repeat request values.
      throw new Error(`session revocation failed: ${errorName(error)}`);
    }
  } finally {
    metrics.publishStoredMetrics();
  }
}
