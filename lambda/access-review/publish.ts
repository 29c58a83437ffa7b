/** Stores a finished review in the evidence bucket and tells the security contact where it is. */
import type { S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { putEvidence } from '../shared/evidence';
import { reportKeys, type AccessReviewReport } from './report';
import { renderNotification, renderSummary, type StoredReview } from './summary';

export interface PublishTargets {
  readonly bucket: string;
  /** The evidence bucket's key, named on every write. @default - the bucket's default encryption */
  readonly kmsKeyId?: string;
  readonly topicArn: string;
}

export async function publishReview(
  clients: { readonly s3: S3Client; readonly sns: SNSClient },
  report: AccessReviewReport,
  targets: PublishTargets,
): Promise<StoredReview> {
  const keys = reportKeys(new Date(report.generatedAt));
  const common = { bucket: targets.bucket, kmsKeyId: targets.kmsKeyId };
  const json = await putEvidence(clients.s3, {
    ...common,
    key: keys.json,
    body: `${JSON.stringify(report, null, 2)}\n`,
    contentType: 'application/json',
  });
  const markdown = await putEvidence(clients.s3, {
    ...common,
    key: keys.markdown,
    body: renderSummary(report),
    contentType: 'text/markdown; charset=utf-8',
  });
  const stored: StoredReview = { bucket: targets.bucket, jsonKey: json.key, jsonSha256: json.sha256, markdownKey: markdown.key };
  const { subject, message } = renderNotification(report, stored);
  await clients.sns.send(new PublishCommand({ TopicArn: targets.topicArn, Subject: subject, Message: message }));
  return stored;
}
