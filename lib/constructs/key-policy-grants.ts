/**
 * Key-policy grants: each function adds to the policy of one KMS key the statements that one consumer
 * of the key needs, so that the grant is made by the construct that needs it, next to the resource it
 * serves. Service principals and later-created roles are constrained to the key's own account and
 * region: account, region and partition come from `Stack.of(key)`, so a grant made from another stack
 * still resolves in the key's stack and references nothing of the caller's.
 *
 * Every grant fails closed: a key whose policy CDK cannot change (an imported key) throws, naming the
 * grant and the key, instead of deploying a consumer that the key will refuse.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ERASABLE_DATA_CLASSES, ERASURE_CANARY_CONTEXT } from '../../lambda/shared/key-lifecycle-contract';
import { AIR_GAPPED_DATA_CLASS } from '../vocabulary';

/** Adds the statements of `grant` to the key policy, or throws when CDK cannot change that policy. */
function addToKeyPolicy(key: kms.IKey, grant: string, ...statements: iam.PolicyStatement[]): void {
  for (const statement of statements) {
    if (!key.addToResourcePolicy(statement).statementAdded) {
      throw new Error(
        `${grant}: the key ${key.node.path} has no key policy CDK can change (an imported key?), ` +
          `so its statement ${statement.sid ?? ''} was not added`,
      );
    }
  }
}

/**
 * Denies `kms:CreateGrant` to every principal unless the grant is for an AWS service acting on a
 * resource (Control Tower CT.KMS.PR.3): nobody can hand the key's use to another principal by grant.
 */
export function denyGrantsExceptForAwsResources(key: kms.IKey): void {
  addToKeyPolicy(
    key,
    'denyGrantsExceptForAwsResources',
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

/**
 * Lets CloudWatch Logs encrypt log groups of this account and region with the key
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */
export function allowCloudWatchLogs(key: kms.IKey): void {
  const stack = Stack.of(key);
  addToKeyPolicy(
    key,
    'allowCloudWatchLogs',
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
 * Lets EventBridge rules of this account write failed events into SQS dead-letter queues encrypted
 * with the key (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 */
export function allowEventBridgeDeadLetters(key: kms.IKey): void {
  const stack = Stack.of(key);
  addToKeyPolicy(
    key,
    'allowEventBridgeDeadLetters',
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
 * Lets CloudWatch alarms and EventBridge rules publish to SNS topics of this account and region that
 * are encrypted with the key, per "Enable compatibility between event sources from AWS services and
 * encrypted topics" (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services):
 * `kms:GenerateDataKey*` and `kms:Decrypt` for the service principal.
 *
 * Both statements only cover data keys for this account's topics in this region (SNS passes the topic
 * ARN as the encryption context `aws:sns:topicArn`). CloudWatch is also limited to alarms of this
 * account (`aws:SourceAccount`). EventBridge cannot be: SNS documents that `aws:SourceAccount` and
 * `aws:SourceArn` in a key policy are not supported for EventBridge deliveries to encrypted topics,
 * and every notification would fail with them.
 */
export function allowAlarmAndEventPublishers(key: kms.IKey): void {
  const stack = Stack.of(key);
  const topicsOfThisAccount = {
    'kms:EncryptionContext:aws:sns:topicArn': `arn:${stack.partition}:sns:${stack.region}:${stack.account}:*`,
  };
  addToKeyPolicy(
    key,
    'allowAlarmAndEventPublishers',
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
 * channel's `s3KmsKeyArn`). With the service-linked role, Config writes as its service principal, so
 * the key policy grants it the permissions AWS Config documents, for this account only
 * (https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html).
 */
export function allowConfigDelivery(key: kms.IKey): void {
  const stack = Stack.of(key);
  addToKeyPolicy(
    key,
    'allowConfigDelivery',
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
 * - CloudTrail may generate data keys, describe the key and decrypt (needed to create or update a trail
 *   whose bucket uses an S3 Bucket Key), only for that one trail (`aws:SourceArn`, confused-deputy
 *   protection); data keys also only in the CloudTrail encryption context of this account's trails.
 * - Principals of this account may decrypt CloudTrail log files. The principal is the account, so this
 *   is delegated to IAM like every other use of the key: a reader still needs an IAM policy granting
 *   `kms:Decrypt` (and `s3:GetObject` on the trail bucket). Not `Principal: *` with `kms:CallerAccount`,
 *   as the CloudTrail console writes it, which would let every principal of the account decrypt
 *   without an IAM grant.
 *
 * The trail is named, not referenced: the key's stack cannot reference a trail of a later stack.
 */
export function allowCloudTrail(key: kms.IKey, trailName: string): void {
  const stack = Stack.of(key);
  const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
  const thisTrail = {
    'aws:SourceArn': `arn:${stack.partition}:cloudtrail:${stack.region}:${stack.account}:trail/${trailName}`,
  };
  const trailsOfThisAccount = {
    'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`,
  };
  addToKeyPolicy(
    key,
    'allowCloudTrail',
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptLogsOfTheTrail',
      principals: [cloudTrail],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: thisTrail, ArnLike: trailsOfThisAccount },
    }),
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToDescribeKeyAndDecryptForTheTrail',
      principals: [cloudTrail],
      actions: ['kms:DescribeKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: thisTrail },
    }),
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
 * Lets the CloudWatch Logs delivery service (`delivery.logs.amazonaws.com`, which delivers vended logs
 * such as Cognito's user-activity export) encrypt the log files it writes into SSE-KMS buckets of this
 * account with the key, as "Enable logging from AWS services" documents for S3 destinations
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html#AWS-logs-SSE-KMS-S3):
 * data keys only (`kms:GenerateDataKey*`), only for log deliveries of this account and region
 * (`aws:SourceAccount`, `aws:SourceArn`: confused-deputy protection). The bucket policy decides which
 * bucket and prefix the service may write to.
 */
export function allowLogDeliveryToBuckets(key: kms.IKey): void {
  const stack = Stack.of(key);
  addToKeyPolicy(
    key,
    'allowLogDeliveryToBuckets',
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
 * Lets AWS Backup Audit Manager's report jobs write their reports into a bucket encrypted with the key,
 * as "Creating report plans" documents for customer-managed keys: the service-linked role
 * `AWSServiceRoleForBackupReports` may generate data keys and decrypt, through S3 only, in this
 * account. The role is created with the first report plan, after the key: a key policy that named it
 * as principal would be refused as invalid, so the principal is `*`, narrowed to that role's ARN.
 */
export function allowBackupReports(key: kms.IKey): void {
  const stack = Stack.of(key);
  addToKeyPolicy(
    key,
    'allowBackupReports',
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
 * The data classes a key's aliases name (`alias/<deployment>/<data class>`, as `deploymentNames().keyAlias`
 * spells them): crypto-erasure finds the keys it destroys by these aliases.
 */
function aliasedDataClasses(key: kms.IKey): string[] {
  return key.node.children
    .filter((child): child is kms.Alias => child instanceof kms.Alias)
    .map((alias) => (alias.node.defaultChild as kms.CfnAlias).aliasName.split('/').pop() ?? '');
}

/**
 * Lets exactly the crypto-erasure role `roleArn` (of this account) destroy the key, and nothing that
 * would read PHI: describe it and list its tags (to prove it belongs to this deployment), encrypt and
 * decrypt a canary (plan and verify; only with the canary's encryption context
 * `CRYPTO_ERASURE_CANARY_CONTEXT`, so the role can never decrypt a data key of the data it erases),
 * disable it, and schedule its deletion with at least the key's own waiting period
 * (`kms:ScheduleKeyDeletionPendingWindowInDays`: no shortcut to a 7-day window). These grants live in
 * the key policy, on this one key, so no IAM policy anywhere needs `kms:DisableKey` or
 * `kms:ScheduleKeyDeletion`.
 *
 * The role is created in a later stack (or, for the DR keys, another region's stack), so the principal
 * is `*`, narrowed to that role's ARN and this account (a policy that named a role that does not exist
 * yet would be refused). Only a key whose aliases all name an erasable data class may be granted: the
 * audit keys, any other class and a key without a data-class alias throw, so the audit trail can never
 * be put in scope of an erasure by a wiring mistake.
 */
export function allowCryptoErasureBy(key: kms.IKey, roleArn: string): void {
  const cfnKey = key.node.defaultChild;
  if (!(cfnKey instanceof kms.CfnKey)) {
    throw new Error(
      `allowCryptoErasureBy: the key ${key.node.path} is not defined in this app (an imported key?): ` +
        'its policy cannot be changed and its waiting period is unknown',
    );
  }
  const dataClasses = aliasedDataClasses(key);
  // The backup account's air-gapped vault key holds copies of the PHI recovery points: erasable too.
  const erasable: readonly string[] = [...ERASABLE_DATA_CLASSES, AIR_GAPPED_DATA_CLASS];
  const refused = dataClasses.find((c) => !erasable.includes(c));
  if (dataClasses.length === 0 || refused !== undefined) {
    throw new Error(
      `allowCryptoErasureBy: ${key.node.path}: the ${refused ?? 'unaliased'} key is not erasable ` +
        `(only ${erasable.join(', ')}); crypto-erasure must never be able to destroy it`,
    );
  }
  const stack = Stack.of(key);
  const pendingWindowDays = cfnKey.pendingWindowInDays ?? 30;
  const onlyTheErasureRole = {
    ArnEquals: { 'aws:PrincipalArn': roleArn },
    StringEquals: { 'kms:CallerAccount': stack.account },
  };
  addToKeyPolicy(
    key,
    'allowCryptoErasureBy',
    new iam.PolicyStatement({
      sid: 'AllowCryptoErasureToInspectAndDisable',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:DescribeKey', 'kms:ListResourceTags', 'kms:DisableKey'],
      resources: ['*'],
      conditions: onlyTheErasureRole,
    }),
    new iam.PolicyStatement({
      sid: 'AllowCryptoErasureToScheduleDeletion',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:ScheduleKeyDeletion'],
      resources: ['*'],
      conditions: {
        ...onlyTheErasureRole,
        // The operator is NumericGreaterThanEquals: an unknown operator makes KMS refuse the whole key policy
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
        NumericGreaterThanEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': pendingWindowDays },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowCryptoErasureCanary',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Encrypt', 'kms:Decrypt'],
      resources: ['*'],
      conditions: {
        ArnEquals: onlyTheErasureRole.ArnEquals,
        StringEquals: {
          ...onlyTheErasureRole.StringEquals,
          ...Object.fromEntries(Object.entries(CRYPTO_ERASURE_CANARY_CONTEXT).map(([k, v]) => [`kms:EncryptionContext:${k}`, v])),
        },
      },
    }),
  );
}

/**
 * The encryption context of the crypto-erasure canary (plan encrypts it, verify must fail to decrypt
 * it). The erasure role may use an erasable key with this context only; the function must pass exactly
 * this context on both calls.
 */
export const CRYPTO_ERASURE_CANARY_CONTEXT = ERASURE_CANARY_CONTEXT;

/** The one signer of each signing key: a second `allowSigningBy` on the same key throws. */
const signers = new WeakMap<kms.IKey, string>();

/** The algorithm certificates are signed with (ECC_NIST_P256 keys sign with ECDSA_SHA_256 only). */
export const CERTIFICATE_SIGNING_ALGORITHM = 'ECDSA_SHA_256';

/**
 * Lets exactly the role `roleArn` (of this account) sign with the key, with ECDSA_SHA_256 only. The
 * role lives in a later stack than the key: a key policy that named it as principal would be refused
 * while the role does not exist yet (and, once accepted, would silently break if the role were
 * recreated), so the principal is `*`, narrowed to that role's ARN and this account. One signer per
 * key: a second call throws, so a certificate's signature always points at one function.
 */
export function allowSigningBy(key: kms.IKey, roleArn: string): void {
  if (signers.has(key)) {
    throw new Error(`allowSigningBy: the signing key ${key.node.path} already has its signer; one role signs certificates`);
  }
  const stack = Stack.of(key);
  addToKeyPolicy(
    key,
    'allowSigningBy',
    new iam.PolicyStatement({
      sid: 'AllowSigningByTheCertificateSigner',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Sign'],
      resources: ['*'],
      conditions: {
        ArnEquals: { 'aws:PrincipalArn': roleArn },
        StringEquals: { 'kms:CallerAccount': stack.account, 'kms:SigningAlgorithm': CERTIFICATE_SIGNING_ALGORITHM },
      },
    }),
  );
  signers.set(key, roleArn);
}

/** Macie's service-linked role, through which it reads the objects a job analyzes. */
export function macieServiceLinkedRoleArn(stack: Stack): string {
  return `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie`;
}

/**
 * Lets Amazon Macie decrypt the S3 objects under the key that its jobs analyze, as its service-linked role
 * `AWSServiceRoleForAmazonMacie` (https://docs.aws.amazon.com/macie/latest/user/discovery-supported-encryption-types.html,
 * "Allowing Macie to use a customer managed AWS KMS key"): `kms:Decrypt` only, and only through S3 in the key's
 * region (`kms:ViaService`), the way S3 decrypts an SSE-KMS object for the role reading it. Macie creates the role
 * when it is enabled, after the key exists, so the principal is `*` narrowed to that role's ARN and this account
 * (a policy that named a role that does not exist yet would be refused).
 */
export function allowMacieToRead(key: kms.IKey): void {
  const stack = Stack.of(key);
  addToKeyPolicy(
    key,
    'allowMacieToRead',
    new iam.PolicyStatement({
      sid: 'AllowMacieToReadObjectsThroughS3',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: {
        ArnEquals: { 'aws:PrincipalArn': macieServiceLinkedRoleArn(stack) },
        StringEquals: { 'kms:CallerAccount': stack.account, 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
      },
    }),
  );
}

/** AWS Backup's service-linked role in `account`: the role AWS Backup itself acts as there. */
export function backupServiceLinkedRoleArn(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup`;
}

/**
 * What AWS Backup needs of a key to copy or restore recovery points under it, as the logically
 * air-gapped vault guide lists for copy and restore roles and for the destination account's
 * service-linked role ("Key policy for copy/restore",
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html#lag-encryption-key-types).
 * Never DisableKey, ScheduleKeyDeletion or a key-policy change.
 */
export const AWS_BACKUP_KEY_USE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:DescribeKey',
];

/**
 * Lets AWS Backup of the key's own account, as its service-linked role `AWSServiceRoleForBackup`, use
 * the key and grant it to AWS resources: the key of a vault that receives copies from another account,
 * which the destination account's AWS Backup re-encrypts with its vault key
 * (https://repost.aws/knowledge-center/backup-troubleshoot-cross-account-copy: "AWS Backup encrypts your
 * copy with the customer managed key of your destination vault"). The role may not exist yet when the key
 * is created, so the principal is `*`, narrowed to that role's ARN and this account.
 */
export function allowAwsBackupOfThisAccount(key: kms.IKey): void {
  const stack = Stack.of(key);
  const onlyAwsBackup = {
    ArnEquals: { 'aws:PrincipalArn': backupServiceLinkedRoleArn(stack.partition, stack.account) },
    StringEquals: { 'kms:CallerAccount': stack.account },
  };
  addToKeyPolicy(
    key,
    'allowAwsBackupOfThisAccount',
    new iam.PolicyStatement({
      sid: 'AllowAwsBackupOfThisAccountToUseTheKey',
      principals: [new iam.AnyPrincipal()],
      actions: AWS_BACKUP_KEY_USE_ACTIONS,
      resources: ['*'],
      conditions: onlyAwsBackup,
    }),
    new iam.PolicyStatement({
      sid: 'AllowAwsBackupOfThisAccountToGrantTheKeyToAwsResources',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { ...onlyAwsBackup, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  );
}

/** Exact roles of one other account of the organization that AWS Backup acts as, for `allowAwsBackupAcrossAccounts`. */
export interface CrossAccountBackupGrant {
  /** Statement ID prefix (`<sid>` and `<sid>Grants`): says whom and why. */
  readonly sid: string;
  /** The organization both accounts are in (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /** The other account (`aws:PrincipalAccount`). */
  readonly account: string;
  /** Exact ARNs of its roles (`aws:PrincipalArn`): no wildcard, never the account root. */
  readonly roleArns: readonly string[];
  /**
   * Only through AWS Backup (`kms:ViaService` `backup.*.amazonaws.com`), as the guide's copy-role
   * statements have it. Not for service-linked roles, which the guide grants without it. @default false
   */
  readonly onlyViaAwsBackup?: boolean;
}

/**
 * Lets exact roles of another account of the same organization use the key for AWS Backup copy and
 * restore jobs (`AWS_BACKUP_KEY_USE_ACTIONS`, and `kms:CreateGrant` for AWS resources only). Across
 * accounts the key policy alone is not enough: the other account's IAM must allow it too, except for
 * service-linked roles, whose policies AWS keeps. Scoped by `aws:PrincipalOrgID`, `aws:PrincipalAccount`
 * and the exact role ARNs (never an account root); the principal is `*` because a key policy naming a
 * role that does not exist yet (another account, deployed later) is refused as invalid.
 */
export function allowAwsBackupAcrossAccounts(key: kms.IKey, grant: CrossAccountBackupGrant): void {
  if (grant.roleArns.length === 0 || grant.roleArns.some((arn) => arn.includes('*') || /:root$/.test(arn))) {
    throw new Error(`allowAwsBackupAcrossAccounts: ${grant.sid} needs exact role ARNs, no wildcard and no account root`);
  }
  const conditions: Record<string, Record<string, unknown>> = {
    ArnEquals: { 'aws:PrincipalArn': [...grant.roleArns] },
    StringEquals: { 'aws:PrincipalOrgID': grant.organizationId, 'aws:PrincipalAccount': grant.account },
    ...(grant.onlyViaAwsBackup ? { StringLike: { 'kms:ViaService': 'backup.*.amazonaws.com' } } : {}),
  };
  addToKeyPolicy(
    key,
    'allowAwsBackupAcrossAccounts',
    new iam.PolicyStatement({
      sid: grant.sid,
      principals: [new iam.AnyPrincipal()],
      actions: AWS_BACKUP_KEY_USE_ACTIONS,
      resources: ['*'],
      conditions,
    }),
    new iam.PolicyStatement({
      sid: `${grant.sid}Grants`,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { ...conditions, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  );
}
