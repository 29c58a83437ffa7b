import * as path from 'node:path';
import { Duration, type CfnResource } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { SecureFunction, type SecureFunctionPlacement } from './secure-function';
import { acknowledgeWildcardResource } from './wildcard-acknowledgement';

/** Prefix of the access-review reports in the evidence bucket; the function may write nowhere else. */
export const ACCESS_REVIEW_PREFIX = 'access-reviews/';

export interface AccessReviewProps {
  readonly userPool: cognito.IUserPool;
  /** EventBridge cron expression (UTC), e.g. `cron(0 13 1 1,4,7,10 ? *)`. */
  readonly schedule: string;
  /** Enabled accounts without a successful sign-in for this many days are flagged. */
  readonly inactiveDays: number;
  /** Groups listed apart as highest privilege (roles with the `admin` scope). */
  readonly privilegedGroups: readonly string[];
  /** Deployment name, written into the report. */
  readonly deploymentName: string;
  /** Write-once evidence store; reports go under `access-reviews/`. */
  readonly evidenceBucket: s3.IBucket;
  /** Receives the notification (counts and S3 keys only). */
  readonly securityTopic: sns.ITopic;
  /** In the VPC, or outside it for a stated reason (see `SecureFunctionPlacement`). */
  readonly placement: SecureFunctionPlacement;
  /** Encrypts the log group and the dead-letter queue (the audit key). */
  readonly encryptionKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly functionName: string;
}

/**
 * The scheduled access review (HIPAA 164.308(a)(3)(ii)(B), 164.308(a)(4)(ii)(C)): every user with
 * their groups, MFA and latest sign-in, flagged where a reviewer must act, stored as JSON and Markdown
 * with their SHA-256 in the evidence bucket, announced on the security topic.
 */
export class AccessReview extends Construct {
  readonly handler: SecureFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: AccessReviewProps) {
    super(scope, id);
    const bucketKey = props.evidenceBucket.encryptionKey;
    const topicKey = props.securityTopic.masterKey;
    const reportObjects = props.evidenceBucket.arnForObjects(`${ACCESS_REVIEW_PREFIX}*`);
    const keyStatements = (sid: string, key: kms.IKey | undefined, actions: string[]) =>
      key ? [new iam.PolicyStatement({ sid, actions, resources: [key.keyArn] })] : [];

    this.handler = new SecureFunction(this, 'Handler', {
      entry: path.join(__dirname, '..', '..', 'lambda', 'access-review', 'index.ts'),
      functionName: props.functionName,
      description: 'Scheduled access review report into the evidence bucket (HIPAA 164.308(a)(3)(ii)(B), (a)(4)(ii)(C))',
      environment: {
        USER_POOL_ID: props.userPool.userPoolId,
        INACTIVE_DAYS: String(props.inactiveDays),
        PRIVILEGED_GROUPS: props.privilegedGroups.join(','),
        DEPLOYMENT_NAME: props.deploymentName,
        EVIDENCE_BUCKET: props.evidenceBucket.bucketName,
        // Named on every write: asking for SSE-KMS without a key ID would use the aws/s3 key instead.
        ...(bucketKey ? { EVIDENCE_KMS_KEY_ARN: bucketKey.keyArn } : {}),
        SECURITY_TOPIC_ARN: props.securityTopic.topicArn,
      },
      placement: props.placement,
      encryptionKey: props.encryptionKey,
      logRetentionDays: props.logRetentionDays,
      reservedConcurrency: 1,
      // A few calls per user, four users at a time: minutes for a practice-sized directory.
      timeout: Duration.minutes(10),
      memorySize: 512,
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadUsersOfThisPool',
          actions: [
            'cognito-idp:ListUsers',
            'cognito-idp:AdminListGroupsForUser',
            'cognito-idp:AdminGetUser',
            'cognito-idp:AdminListUserAuthEvents',
          ],
          resources: [props.userPool.userPoolArn],
        }),
        new iam.PolicyStatement({
          sid: 'WriteAccessReviews',
          actions: ['s3:PutObject'],
          resources: [reportObjects],
        }),
        ...keyStatements('EncryptAccessReviews', bucketKey, ['kms:GenerateDataKey']),
        new iam.PolicyStatement({
          sid: 'NotifySecurityContact',
          actions: ['sns:Publish'],
          resources: [props.securityTopic.topicArn],
        }),
        ...keyStatements('EncryptNotification', topicKey, ['kms:GenerateDataKey', 'kms:Decrypt']),
      ],
    });

    acknowledgeWildcardResource(this.handler.policy.node.defaultChild as CfnResource, reportObjects, {
      control: '164.308(a)(4)(ii)(B)',
      reason:
        'Each review is a new object whose key holds its date (access-reviews/<yyyy>/<date>-access-review.json), so ' +
        's3:PutObject is granted on that prefix of the evidence bucket: no other prefix, no read, no delete. ' +
        'Object Lock keeps every written version.',
    });

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the access review',
      schedule: events.Schedule.expression(props.schedule),
    });
    this.rule.addTarget(
      new targets.LambdaFunction(this.handler.function, {
        deadLetterQueue: this.handler.deadLetterQueue,
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    );
  }
}
