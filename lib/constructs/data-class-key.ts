import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { deploymentNames, type DataClass, type DrDataClass } from '../vocabulary';
import { ERASABLE_DATA_CLASSES, ERASURE_CANARY_CONTEXT } from '../../lambda/shared/key-lifecycle-contract';
import { TAG } from '../vocabulary';

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
/**
 * Denies `kms:CreateGrant` to every principal unless the grant is for an AWS service acting on a
 * resource (Control Tower CT.KMS.PR.3): nobody can hand the key's use to another principal by grant.
 */
export function denyGrantsExceptForAwsResources(key: kms.Key): void {
  key.addToResourcePolicy(
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
}

export class DataClassKey extends Construct {
  readonly key: kms.Key;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: DataClassKeyProps) {
    super(scope, id);
    this.aliasName = deploymentNames(props.deployment).keyAlias(props.dataClass);
    this.key = new kms.Key(this, 'Key', {
      description: `${props.deployment} ${props.dataClass}: ${props.description}`,
      enableKeyRotation: true,
      rotationPeriod: props.rotationPeriod ?? Duration.days(365),
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      alias: this.aliasName,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    denyGrantsExceptForAwsResources(this.key);
    Tags.of(this.key).add(TAG.dataClass, props.dataClass);
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

  /**
   * Lets CloudWatch alarms and EventBridge rules publish to SNS topics of this account and region
   * that are encrypted with the key (security alarms and finding notifications), per "Enable
   * compatibility between event sources from AWS services and encrypted topics"
   * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services):
   * `kms:GenerateDataKey*` and `kms:Decrypt` for the service principal.
   *
   * Both statements only cover data keys for this account's topics in this region (SNS passes the
   * topic ARN as the encryption context `aws:sns:topicArn`). CloudWatch is also limited to alarms
   * of this account (`aws:SourceAccount`). EventBridge cannot be: SNS documents that
   * `aws:SourceAccount` and `aws:SourceArn` in a key policy are not supported for EventBridge
   * deliveries to encrypted topics, and every notification would fail with them.
   */
  allowAlarmAndEventPublishers(): void {
    const stack = Stack.of(this);
    const topicsOfThisAccount = {
      'kms:EncryptionContext:aws:sns:topicArn': `arn:${stack.partition}:sns:${stack.region}:${stack.account}:*`,
    };
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToTopicsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: topicsOfThisAccount,
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeToPublishToTopicsOfThisAccount',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { ArnLike: topicsOfThisAccount },
      }),
    );
  }

  /**
   * Lets AWS Config encrypt the configuration history it delivers to S3 with the key (the delivery
   * channel's `s3KmsKeyArn`). With the service-linked role, Config writes as its service principal,
   * so the key policy grants it the permissions AWS Config documents, for this account only
   * (https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html).
   */
  allowConfigDelivery(): void {
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowConfigDeliveryOfThisAccount',
        principals: [new iam.ServicePrincipal('config.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
  }

  /**
   * Lets the CloudTrail trail `trailName` of this account and region encrypt its log files with the key,
   * as "Configure AWS KMS key policies for CloudTrail" documents
   * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html):
   * - CloudTrail may generate data keys, describe the key and decrypt (needed to create or update a
   *   trail whose bucket uses an S3 Bucket Key), only for that one trail (`aws:SourceArn`, confused-deputy
   *   protection); data keys also only in the CloudTrail encryption context of this account's trails.
   * - Principals of this account may decrypt CloudTrail log files. The principal is the account, so this
   *   is delegated to IAM like every other use of the key: a reader still needs an IAM policy granting
   *   `kms:Decrypt` (and `s3:GetObject` on the trail bucket). Not `Principal: *` with
   *   `kms:CallerAccount`, as the CloudTrail console writes it, which would let every principal of the
   *   account decrypt without an IAM grant.
   */
  allowCloudTrail(trailName: string): void {
    const stack = Stack.of(this);
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    const thisTrail = {
      'aws:SourceArn': `arn:${stack.partition}:cloudtrail:${stack.region}:${stack.account}:trail/${trailName}`,
    };
    const trailsOfThisAccount = {
      'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`,
    };
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToEncryptLogsOfTheTrail',
        principals: [cloudTrail],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: thisTrail, ArnLike: trailsOfThisAccount },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToDescribeKeyAndDecryptForTheTrail',
        principals: [cloudTrail],
        actions: ['kms:DescribeKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: thisTrail },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowPrincipalsOfThisAccountToDecryptCloudTrailLogs',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:CallerAccount': stack.account },
          Null: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'false' },
        },
      }),
    );
  }

  /**
   * Lets the CloudWatch Logs delivery service (`delivery.logs.amazonaws.com`, which delivers vended
   * logs such as Cognito's user-activity export) encrypt the log files it writes into SSE-KMS buckets
   * of this account with the key, as "Enable logging from AWS services" documents for S3 destinations
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html#AWS-logs-SSE-KMS-S3):
   * data keys only (`kms:GenerateDataKey*`), only for log deliveries of this account and region
   * (`aws:SourceAccount`, `aws:SourceArn`: confused-deputy protection). The bucket policy decides
   * which bucket and prefix the service may write to.
   */
  allowLogDeliveryToBuckets(): void {
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowLogDeliveryToEncryptLogFilesOfThisAccount',
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*` },
        },
      }),
    );
  }

  /**
   * Lets AWS Backup Audit Manager's report jobs write their reports into a bucket encrypted with this
   * key, as "Creating report plans" documents for customer-managed keys: the service-linked role
   * `AWSServiceRoleForBackupReports` may generate data keys and decrypt, through S3 only, in this
   * account. The role is created with the first report plan, after this key: a key policy that named it
   * as principal would be refused as invalid, so the principal is `*`, narrowed to that role's ARN.
   */
  allowBackupReports(): void {
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowBackupAuditManagerReportsOfThisAccount',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          ArnEquals: {
            'aws:PrincipalArn': `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports`,
          },
          StringEquals: { 'kms:CallerAccount': stack.account, 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
        },
      }),
    );
  }

  /**
   * Lets exactly the crypto-erasure role `roleArn` (of this account) destroy this key, and nothing that
   * would read PHI: describe it and list its tags (to prove it belongs to this deployment), encrypt and
   * decrypt a canary (plan and verify; only with the canary's encryption context
   * `CRYPTO_ERASURE_CANARY_CONTEXT`, so the role can never decrypt a data key of the data it erases),
   * disable it, and schedule its deletion with at least this key's own waiting period
   * (`kms:ScheduleKeyDeletionPendingWindowInDays`: no shortcut to a 7-day window). These grants live in
   * the key policy, on this one key, so no IAM policy anywhere needs `kms:DisableKey` or
   * `kms:ScheduleKeyDeletion`.
   *
   * The role is created in a later stack (or, for the DR keys, another region's stack), so the principal
   * is `*`, narrowed to that role's ARN and this account (a policy that named a role that does not exist
   * yet would be refused). Only erasable data classes may be granted: the audit keys (and any other
   * class) throw, so the audit trail can never be put in scope of an erasure by a wiring mistake.
   */
  allowCryptoErasureBy(roleArn: string): void {
    // The alias ends in the data class (`deploymentNames(...).keyAlias`), and the constructor keeps no other copy of it.
    const dataClass = this.aliasName.split('/').pop() ?? '';
    if (!(ERASABLE_DATA_CLASSES as readonly string[]).includes(dataClass)) {
      throw new Error(
        `${this.node.path}: the ${dataClass} key is not erasable (only ${ERASABLE_DATA_CLASSES.join(', ')}); ` +
          'crypto-erasure must never be able to destroy it',
      );
    }
    const stack = Stack.of(this);
    const pendingWindowDays = (this.key.node.defaultChild as kms.CfnKey).pendingWindowInDays ?? 30;
    const onlyTheErasureRole = {
      ArnEquals: { 'aws:PrincipalArn': roleArn },
      StringEquals: { 'kms:CallerAccount': stack.account },
    };
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCryptoErasureToInspectAndDisable',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:DescribeKey', 'kms:ListResourceTags', 'kms:DisableKey'],
        resources: ['*'],
        conditions: onlyTheErasureRole,
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCryptoErasureToScheduleDeletion',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:ScheduleKeyDeletion'],
        resources: ['*'],
        conditions: {
          ...onlyTheErasureRole,
          NumericGreaterThanOrEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': pendingWindowDays },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCryptoErasureCanary',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Encrypt', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          ArnEquals: onlyTheErasureRole.ArnEquals,
          StringEquals: {
            ...onlyTheErasureRole.StringEquals,
            ...Object.fromEntries(
              Object.entries(CRYPTO_ERASURE_CANARY_CONTEXT).map(([k, v]) => [`kms:EncryptionContext:${k}`, v]),
            ),
          },
        },
      }),
    );
  }
}

/**
 * The encryption context of the crypto-erasure canary (plan encrypts it, verify must fail to decrypt
 * it). The erasure role may use an erasable key with this context only; the function must pass exactly
 * this context on both calls.
 */
export const CRYPTO_ERASURE_CANARY_CONTEXT = ERASURE_CANARY_CONTEXT;
