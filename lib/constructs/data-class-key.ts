import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TAG_DATA_CLASS } from '../stacks/deployment-stack-props';
import { keyAliasName, type DataClass, type DrDataClass } from '../naming';

export interface DataClassKeyProps {
  /** Deployment name; prefixes the alias. */
  readonly deployment: string;
  /** The data class this key protects; becomes the alias suffix and the data-class tag. */
  readonly dataClass: DataClass | DrDataClass;
  /** What the key encrypts, for the key description. */
  readonly description: string;
  /** Automatic rotation period (90-365 days). @default Duration.days(365) */
  readonly rotationPeriod?: Duration;
  /** Waiting period before a key scheduled for deletion is destroyed (7-30 days). @default Duration.days(30) */
  readonly pendingWindow?: Duration;
}

/**
 * A customer-managed KMS key for one data class (HIPAA 164.312(a)(2)(iv) encryption at rest,
 * 164.312(b) key use is logged by CloudTrail). Secure by default and not configurable otherwise:
 * rotation on, retained on stack deletion, alias `alias/<deployment>/<data class>`, tagged with its
 * data class so that rotation enforcement and crypto-erasure can find it and nothing else.
 *
 * The key policy keeps CDK's account-root statement (IAM policies grant use, and every grant stays
 * least-privilege in the stack that needs it) and adds a deny that limits `kms:CreateGrant` to AWS
 * services acting for a resource (Control Tower CT.KMS.PR.3). Service principals are added with the
 * `allow*` methods, each constrained to this account and region.
 */
export class DataClassKey extends Construct {
  readonly key: kms.Key;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: DataClassKeyProps) {
    super(scope, id);
    this.aliasName = keyAliasName(props.deployment, props.dataClass);
    this.key = new kms.Key(this, 'Key', {
      description: `${props.deployment} ${props.dataClass}: ${props.description}`,
      enableKeyRotation: true,
      rotationPeriod: props.rotationPeriod ?? Duration.days(365),
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      alias: this.aliasName,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyGrantsExceptForAwsResources',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
    Tags.of(this.key).add(TAG_DATA_CLASS, props.dataClass);
  }

  /**
   * Lets CloudWatch Logs encrypt log groups of this account and region with the key
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
   */
  allowCloudWatchLogs(): void {
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );
  }

  /**
   * Lets EventBridge rules of this account write failed events into SQS dead-letter queues
   * encrypted with the key (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
   */
  allowEventBridgeDeadLetters(): void {
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeDeadLettersOfThisAccount',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:events:${stack.region}:${stack.account}:rule/*` },
        },
      }),
    );
  }
}
