/**
 * Scheduled access review (HIPAA 164.308(a)(3)(ii)(B), 164.308(a)(4)(ii)(C)): who has which role,
 * with or without MFA, and who has not signed in for too long. Writes the report into the evidence
 * bucket and notifies the security contact. The event is only a trigger: nothing is read from it.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { createClient } from '../shared/clients';
import { errorName, loggableError, requireEnv } from '../shared/errors';
import { createLogger, createMetrics } from '../shared/powertools';
import { collectUsers } from './collect';
import { publishReview } from './publish';
import { buildReport } from './report';

const logger = createLogger('access-review');
const metrics = createMetrics('access-review');
const cognito = createClient(CognitoIdentityProviderClient);
const s3 = createClient(S3Client);
const sns = createClient(SNSClient);

export async function handler(_event: unknown, context: Context): Promise<void> {
  logger.addContext(context);
  try {
    const userPoolId = requireEnv('USER_POOL_ID');
    const inactiveDays = Number(requireEnv('INACTIVE_DAYS'));
    if (!Number.isInteger(inactiveDays) || inactiveDays < 1) throw new Error('INACTIVE_DAYS must be a positive integer');
    const privilegedGroups = (process.env.PRIVILEGED_GROUPS ?? '').split(',').filter(Boolean);

    const users = await collectUsers(cognito, { userPoolId });
    const report = buildReport(users, {
      deployment: requireEnv('DEPLOYMENT_NAME'),
      userPoolId,
      inactiveDays,
      privilegedGroups,
      generatedAt: new Date(),
    });
    const stored = await publishReview({ s3, sns }, report, {
      bucket: requireEnv('EVIDENCE_BUCKET'),
      kmsKeyId: process.env.EVIDENCE_KMS_KEY_ARN || undefined,
      topicArn: requireEnv('SECURITY_TOPIC_ARN'),
    });

    const c = report.counts;
    metrics.addMetric('AccessReviewUsers', MetricUnit.Count, c.users);
    metrics.addMetric('AccessReviewFlaggedUsers', MetricUnit.Count, c.flaggedUsers);
    metrics.addMetric('AccessReviewIncompleteUsers', MetricUnit.Count, c.byFlag.REVIEW_INCOMPLETE);
    logger.info('Access review stored', { key: stored.jsonKey, sha256: stored.jsonSha256, counts: c });
  } catch (error) {
    metrics.addMetric('AccessReviewFailures', MetricUnit.Count, 1);
    logger.error('Access review failed; the invocation will be retried', { ...loggableError(error) });
    // Rethrown without the SDK message, which Lambda would log and which may repeat request values.
    throw new Error(`access review failed: ${errorName(error)}`);
  } finally {
    metrics.publishStoredMetrics();
  }
}
