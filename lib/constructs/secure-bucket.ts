import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { STATEFUL_REMOVAL_POLICY } from '../compliance/retention';
import { AUTO_DELETE_PROVIDER } from './disposal';
import { acknowledgeProviderOutsideVpc, providerHandler } from './provider-handler';

/** Oldest TLS version a bucket policy lets through (HIPAA 164.312(e)(1) transmission security). */
export const MINIMUM_BUCKET_TLS_VERSION = 1.2;

/** Incomplete multipart uploads are invisible parts that nobody reads; they are aborted after this. */
export const ABORT_INCOMPLETE_UPLOADS_AFTER = Duration.days(7);

/**
 * Settings every bucket of this project has and no caller can weaken: no public access, no ACLs,
 * TLS 1.2+ only, versioned, retained when the stack is deleted. `createSecureBucket` applies them
 * after the caller's props, so those cannot override them.
 */
export const SECURE_BUCKET_SETTINGS = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: MINIMUM_BUCKET_TLS_VERSION,
  versioned: true,
  removalPolicy: STATEFUL_REMOVAL_POLICY,
  autoDeleteObjects: false,
} as const satisfies s3.BucketProps;

/**
 * What a disposable bucket (sandbox profile only, see lib/config/profile.ts) has instead of being
 * retained: CDK empties it (`Custom::S3AutoDeleteObjects`) and deletes it with its stack.
 */
export const DISPOSABLE_BUCKET_SETTINGS = {
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
} as const satisfies s3.BucketProps;

export interface SecureBucketProps extends s3.BucketProps {
  /** Sandbox profile only (lib/config/profile.ts): `DISPOSABLE_BUCKET_SETTINGS`. @default false */
  readonly disposable?: boolean;
}

/**
 * A bucket with `props` (encryption, lifecycle, ...) and the secure settings on top; with `disposable`
 * (sandbox profile only), emptied and deleted with its stack instead of retained. It also sends
 * its object events (created, deleted, restored, ...) to the account's default EventBridge bus, so
 * that activity on it can be reviewed and alarmed on (HIPAA 164.308(a)(1)(ii)(D)). That is set on
 * the CloudFormation resource directly: the L2 `eventBridgeEnabled` prop would deploy a Lambda-backed
 * custom resource to do the same. Do not add S3 event notifications with `addEventNotification`
 * (its custom resource would replace this configuration); use EventBridge rules instead.
 */
export function createSecureBucket(scope: Construct, id: string, props: SecureBucketProps): s3.Bucket {
  const { disposable = false, ...bucketProps } = props;
  const bucket = new s3.Bucket(scope, id, {
    ...bucketProps,
    ...SECURE_BUCKET_SETTINGS,
    ...(disposable ? DISPOSABLE_BUCKET_SETTINGS : {}),
  });
  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
  cfnBucket.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
  if (disposable) acknowledgeAutoDeleteHandler(Stack.of(scope));
  return bucket;
}

/** The one finding of CDK's `Custom::S3AutoDeleteObjects` handler (one per stack, sandbox only). */
function acknowledgeAutoDeleteHandler(stack: Stack): void {
  acknowledgeProviderOutsideVpc(
    providerHandler(stack, AUTO_DELETE_PROVIDER),
    "CDK's handler that empties this stack's buckets when the stack is deleted (autoDeleteObjects), created only in " +
      'the sandbox profile (holdsPhi: false, refused with PHI). It runs only during CloudFormation deletions and calls ' +
      "only the S3 API on this stack's buckets.",
  );
}
