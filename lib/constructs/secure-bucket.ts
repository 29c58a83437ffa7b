import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** Oldest TLS version a bucket policy lets through (HIPAA 164.312(e)(1) transmission security). */
export const MINIMUM_BUCKET_TLS_VERSION = 1.2;

/** Incomplete multipart uploads are invisible parts that nobody reads; they are aborted after this. */
export const ABORT_INCOMPLETE_UPLOADS_AFTER = Duration.days(7);

/**
 * Settings every bucket of this project has and no caller can weaken: no public access, no ACLs,
 * TLS 1.2+ only, versioned, retained when the stack is deleted. They are applied last in
 * `secureBucketProps`, so a caller's props cannot override them.
 */
export const SECURE_BUCKET_SETTINGS = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: MINIMUM_BUCKET_TLS_VERSION,
  versioned: true,
  removalPolicy: RemovalPolicy.RETAIN,
  autoDeleteObjects: false,
} as const satisfies s3.BucketProps;

/** `props` (encryption, lifecycle, ...) with the secure settings on top. */
export function secureBucketProps(props: s3.BucketProps): s3.BucketProps {
  return { ...props, ...SECURE_BUCKET_SETTINGS };
}
