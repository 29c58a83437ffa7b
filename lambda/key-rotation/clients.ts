/**
 * SDK clients of the rotation enforcer. KMS throttles key-management calls per account and region
 * (shared with everything else in the account), so every call is retried by the SDK: `adaptive` retries
 * throttling and transient errors with backoff and also slows this client's own request rate after a
 * throttle. Created here, once, so the tests exercise the same retry settings the function runs with.
 */
import { KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/** Up to 8 attempts: a daily run can afford to wait out a throttling burst rather than fail. */
export const KMS_RETRY = { maxAttempts: 8, retryMode: 'adaptive' } as const;
export const S3_RETRY = { maxAttempts: 5, retryMode: 'adaptive' } as const;

export function createKmsClient(overrides: KMSClientConfig = {}): KMSClient {
  return new KMSClient({ ...KMS_RETRY, ...overrides });
}

export function createS3Client(overrides: S3ClientConfig = {}): S3Client {
  return new S3Client({ ...S3_RETRY, ...overrides });
}
