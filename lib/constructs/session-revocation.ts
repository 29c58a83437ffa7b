import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { REVOCATION_TRIGGERS } from '../../lambda/session-revocation/event';
import { SecureFunction, type SecureFunctionPlacement } from './secure-function';

export interface SessionRevocationProps {
  /** The pool whose users' sessions are revoked. */
  readonly userPool: cognito.IUserPool;
  /** In the VPC, or outside it for a stated reason (see `SecureFunctionPlacement`). */
  readonly placement: SecureFunctionPlacement;
  /** Encrypts the log group and the dead-letter queue (the audit key). */
  readonly encryptionKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly functionName: string;
  /** Enough for a burst of offboardings; throttled events wait in Lambda's queue. @default 2 */
  readonly reservedConcurrency?: number;
}

/**
 * Ends a user's sessions as soon as an administrator disables or deletes them or changes their groups
 * (HIPAA 164.308(a)(3)(ii)(C) termination procedures, 164.308(a)(4)(ii)(C) access modification).
 *
 * CloudTrail records the Cognito admin call and delivers it to the default event bus as an
 * "AWS API Call via CloudTrail" event (a write management event: no data events are needed). The
 * rule matches successful calls on this pool only; the function checks the event again and calls
 * `AdminUserGlobalSignOut`. EventBridge retries delivery for 24 hours; Lambda retries a failed run
 * twice; what still fails is kept in the dead-letter queue.
 */
export class SessionRevocation extends Construct {
  readonly handler: SecureFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SessionRevocationProps) {
    super(scope, id);
    this.handler = new SecureFunction(this, 'Handler', {
      entry: path.join(__dirname, '..', '..', 'lambda', 'session-revocation', 'index.ts'),
      functionName: props.functionName,
      description: 'Revokes the sessions of users who were disabled, deleted or changed role (HIPAA 164.308(a)(3)(ii)(C))',
      environment: { USER_POOL_ID: props.userPool.userPoolId },
      placement: props.placement,
      encryptionKey: props.encryptionKey,
      logRetentionDays: props.logRetentionDays,
      reservedConcurrency: props.reservedConcurrency ?? 2,
      statements: [
        new iam.PolicyStatement({
          sid: 'RevokeSessionsInThisPool',
          // AdminGetUser only resolves the user's sub for the log.
          actions: ['cognito-idp:AdminUserGlobalSignOut', 'cognito-idp:AdminGetUser'],
          resources: [props.userPool.userPoolArn],
        }),
      ],
    });

    this.rule = new events.Rule(this, 'Rule', {
      description: 'Cognito admin calls that end or change a user access: revoke the user sessions',
      eventPattern: {
        source: ['aws.cognito-idp'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['cognito-idp.amazonaws.com'],
          eventName: [...REVOCATION_TRIGGERS],
          requestParameters: { userPoolId: [props.userPool.userPoolId] },
          // A failed call changed nothing.
          errorCode: events.Match.doesNotExist(),
        },
      },
    });
    this.rule.addTarget(
      new targets.LambdaFunction(this.handler.function, {
        deadLetterQueue: this.handler.deadLetterQueue,
        retryAttempts: 185,
        // A late revocation is still a revocation: keep trying for the longest EventBridge allows.
        maxEventAge: Duration.hours(24),
      }),
    );
  }
}
