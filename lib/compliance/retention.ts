import { RemovalPolicy } from 'aws-cdk-lib';

/**
 * How every stateful resource is kept: retained when its stack is deleted or when an update removes or
 * replaces it (`DeletionPolicy: RetainExceptOnCreate`, `UpdateReplacePolicy: Retain`), except when the
 * stack operation that created it rolls back. Then CloudFormation deletes it, new and empty, so that a
 * retry of a failed first deploy does not fail on the fixed names (log groups, vaults, replica buckets,
 * the database) of resources a plain `Retain` would have left behind. "RetainExceptOnCreate can be
 * specified for any resource that supports the DeletionPolicy attribute":
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
 */
export const STATEFUL_REMOVAL_POLICY = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
