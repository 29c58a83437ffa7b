import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { AccessReview } from '../constructs/access-review';
import type { SecureFunctionPlacement } from '../constructs/secure-function';
import { SessionRevocation } from '../constructs/session-revocation';
import type { IdentityStack } from './identity-stack';
import { pinLogicalId } from './logical-ids';

export interface OperationsStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly identity: IdentityStack;
  /** Write-once store for reports (access reviews). */
  readonly evidenceBucket: s3.IBucket;
  /** Notifies the security contact. */
  readonly securityTopic: sns.ITopic;
  readonly auditKey: kms.IKey;
}

/**
 * Why the Operations functions are outside the VPC, recorded with their LambdaInsideVPC acknowledgements.
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
 * Stateless: the operational functions and their triggers. Session revocation reacts to Cognito admin
 * calls; the access review runs on the configured schedule.
 *
 * Both run outside the VPC. Their work is Cognito admin calls, and Cognito documents that user pool API
 * requests through its PrivateLink endpoint (`cognito-idp`) do not complete for a user pool that has a
 * domain; the Identity stack assigns one (managed login for the load balancer), and the VPC has no NAT
 * by design. Outside the VPC they reach Cognito, S3 and SNS at their public regional endpoints over
 * TLS with SigV4-signed requests, under least-privilege roles; they hold and log no PHI (user `sub`s
 * and counts only). The LambdaInsideVPC findings are acknowledged on each function with this reason.
 * Failures are still retried, counted (`RevocationFailures`, `AccessReviewFailures`) and end in the
 * dead-letter queues, never silently.
 */
export class OperationsStack extends Stack {
  readonly sessionRevocation: SessionRevocation;
  readonly accessReview: AccessReview;

  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const userPool = props.identity.userPool;
    const common = {
      userPool,
      encryptionKey: props.auditKey,
      logRetentionDays: config.logs.retentionDays,
    };

    this.sessionRevocation = new SessionRevocation(this, 'SessionRevocation', {
      ...common,
      placement: outsideVpc('Cognito only', 'the subs of the users whose sessions it revokes'),
      functionName: `${config.name}-session-revocation`,
    });

    this.accessReview = new AccessReview(this, 'AccessReview', {
      ...common,
      placement: outsideVpc('Cognito, S3 (the evidence bucket) and SNS (the security topic)', 'user subs and counts'),
      functionName: `${config.name}-access-review`,
      schedule: config.accessReview.schedule,
      inactiveDays: config.accessReview.inactiveDays,
      // The role matrix is the policy: whichever roles grant the admin scope are the highest privilege.
      privilegedGroups: config.identity.roles.filter((r) => r.scopes.includes('admin')).map((r) => r.name),
      deploymentName: config.name,
      evidenceBucket: props.evidenceBucket,
      securityTopic: props.securityTopic,
    });

    // Six years of logs each: a refactor must not orphan them for a new, empty group.
    pinLogicalId(this.sessionRevocation.handler.logGroup, 'SessionRevocationLogGroup');
    pinLogicalId(this.accessReview.handler.logGroup, 'AccessReviewLogGroup');
  }
}
