import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { AccessReview } from '../constructs/access-review';
import { FunctionAlarms } from '../constructs/function-alarms';
import { pinLogicalId } from '../constructs/logical-ids';
import type { SecureFunctionPlacement } from '../constructs/secure-function';
import { SessionRevocation } from '../constructs/session-revocation';
import { deploymentNames, LOGICAL_IDS } from '../vocabulary';
import { Capability, type CapabilityProps } from './capability';

/** What the config decides about access governance. */
export interface AccessGovernanceSettings {
  /** Deployment name: names of the functions and alarms (`deploymentNames`), and the name in each review. */
  readonly deployment: string;
  /** When the access review runs: an EventBridge cron expression in UTC (`accessReview.schedule`). */
  readonly reviewSchedule: string;
  /** Enabled accounts without a successful sign-in for this many days are flagged (`accessReview.inactiveDays`). */
  readonly inactiveDays: number;
  /** Groups the review lists apart as highest privilege: the roles that grant the `admin` scope. */
  readonly privilegedGroups: readonly string[];
  /** Retention of the functions' log groups in days (`logs.retentionDays`, at least 6 years). */
  readonly logRetentionDays: number;
}

/** The access governance settings of a deployment. */
export function accessGovernanceSettings(config: DeploymentConfig): AccessGovernanceSettings {
  return {
    deployment: config.name,
    reviewSchedule: config.accessReview.schedule,
    inactiveDays: config.accessReview.inactiveDays,
    // The role matrix is the policy: whichever roles grant the admin scope are the highest privilege.
    privilegedGroups: config.identity.roles.filter((r) => r.scopes.includes('admin')).map((r) => r.name),
    logRetentionDays: config.logs.retentionDays,
  };
}

export interface AccessGovernanceProps extends AccessGovernanceSettings, CapabilityProps {
  /** The user pool whose users' sessions are revoked and whose users are reviewed. */
  readonly userPool: cognito.IUserPool;
  /** Write-once evidence store: the review reports go under `access-reviews/`. */
  readonly evidenceBucket: s3.IBucket;
  /**
   * Notifies the security contact: each review, and every alarm of the two functions. It must accept
   * CloudWatch alarms of this account.
   */
  readonly securityTopic: sns.ITopic;
  /** Encrypts the functions' log groups and dead-letter queues (the audit key). */
  readonly encryptionKey: kms.IKey;
}

/**
 * Why the functions are outside the VPC, recorded with their LambdaInsideVPC acknowledgements.
 * `calls`: the AWS services the function calls; `logs`: what it writes to its log.
 */
function outsideVpc(calls: string, logs: string): SecureFunctionPlacement {
  return {
    outsideVpc: {
      reason:
        'its Cognito admin calls cannot complete through the cognito-idp PrivateLink endpoint, which AWS documents as ' +
        'incompatible with a user pool that has a domain (this pool has one, for the managed login of the load ' +
        `balancer), and the VPC has no NAT. It calls ${calls}, and holds and logs no PHI: ${logs} only.`,
    },
  };
}

/**
 * Access governance (HIPAA 164.308(a)(3)(ii)(B)-(C), 164.308(a)(4)(ii)(C)): session revocation reacts
 * to the Cognito admin calls that end or change a user's access; the access review runs on the
 * configured schedule and stores its report in the evidence bucket.
 *
 * Both run outside the VPC. Their work is Cognito admin calls, and Cognito documents that user pool API
 * requests through its PrivateLink endpoint (`cognito-idp`) do not complete for a user pool that has a
 * domain; the pool has one (managed login for the load balancer), and the VPC has no NAT by design.
 * Outside the VPC they reach Cognito, S3 and SNS at their public regional endpoints over TLS with
 * SigV4-signed requests, under least-privilege roles; they hold and log no PHI (user `sub`s and counts
 * only). The LambdaInsideVPC findings are acknowledged on each function with this reason.
 *
 * Failures are retried, counted (`RevocationFailures`, `AccessReviewFailures`) and end in the
 * dead-letter queues, never silently: `FunctionAlarms` sends each to the security topic (Lambda errors,
 * dead-letter queue depth, the failure metrics). The access review has no "did not run" alarm: it runs
 * quarterly by default, and CloudWatch alarms look back 7 days at most.
 *
 * Pins the logical IDs of both log groups (`LOGICAL_IDS.operations`).
 */
export class AccessGovernance extends Capability {
  readonly sessionRevocation: SessionRevocation;
  readonly accessReview: AccessReview;
  readonly sessionRevocationAlarms: FunctionAlarms;
  readonly accessReviewAlarms: FunctionAlarms;

  constructor(scope: Construct, id: string, props: AccessGovernanceProps) {
    super(scope, id, props);
    const names = deploymentNames(props.deployment);
    const common = {
      userPool: props.userPool,
      encryptionKey: props.encryptionKey,
      logRetentionDays: props.logRetentionDays,
    };

    this.sessionRevocation = new SessionRevocation(this.partsScope, 'SessionRevocation', {
      ...common,
      placement: outsideVpc('Cognito only', 'the subs of the users whose sessions it revokes'),
      functionName: names.sessionRevocationFunction,
    });

    this.accessReview = new AccessReview(this.partsScope, 'AccessReview', {
      ...common,
      placement: outsideVpc('Cognito, S3 (the evidence bucket) and SNS (the security topic)', 'user subs and counts'),
      functionName: names.accessReviewFunction,
      schedule: props.reviewSchedule,
      inactiveDays: props.inactiveDays,
      privilegedGroups: props.privilegedGroups,
      deploymentName: props.deployment,
      evidenceBucket: props.evidenceBucket,
      securityTopic: props.securityTopic,
    });

    // A revocation or review that failed must reach a person (HIPAA 164.308(a)(1)(ii)(D), 164.308(a)(6)(ii)).
    this.sessionRevocationAlarms = new FunctionAlarms(this.partsScope, 'SessionRevocationAlarms', {
      handler: this.sessionRevocation.handler,
      functionName: names.sessionRevocationFunction,
      alarmNamePrefix: names.sessionRevocationFunction,
      topic: props.securityTopic,
      serviceName: 'session-revocation',
      onFailure:
        'Until a retry succeeds, the user of the event (the log names their sub, or the CloudTrail event ID) may still ' +
        'have live sessions: sign them out by hand (Cognito console, or AdminUserGlobalSignOut) and check that the ' +
        'change to their access is what was intended.',
      failureMetrics: [
        {
          metricName: 'RevocationFailures',
          meaning: 'A user lost or changed access but signing them out failed (the error name is in the log); Lambda retries it.',
        },
        {
          // The rule only delivers revocation triggers on this pool, so an ignored event is never routine: a
          // trigger whose user could not be identified (no revocation happened) or a rule and parser that disagree.
          metricName: 'RevocationEventsIgnored',
          meaning:
            'An event reached session revocation but was ignored (the reason and event ID are in the log): if the ' +
            'reason is no-usable-user-identifier, a user lost or changed access and their sessions were NOT revoked.',
        },
      ],
    });
    this.accessReviewAlarms = new FunctionAlarms(this.partsScope, 'AccessReviewAlarms', {
      handler: this.accessReview.handler,
      functionName: names.accessReviewFunction,
      alarmNamePrefix: names.accessReviewFunction,
      topic: props.securityTopic,
      serviceName: 'access-review',
      onFailure:
        'If the retries fail too, no access review report exists for this period: fix the cause named in the log, ' +
        'then run the function again (any test event) so that the review is stored in the evidence bucket.',
      failureMetrics: [
        {
          metricName: 'AccessReviewFailures',
          meaning: 'The scheduled access review failed before its report was stored; Lambda retries it twice.',
        },
      ],
    });

    // Six years of logs each: a refactor must not orphan them for a new, empty group.
    pinLogicalId(this.sessionRevocation.handler.logGroup, LOGICAL_IDS.operations.sessionRevocationLogGroup);
    pinLogicalId(this.accessReview.handler.logGroup, LOGICAL_IDS.operations.accessReviewLogGroup);
  }
}
