import * as path from 'node:path';
import { ArnFormat, Duration, Stack, Token, type CfnResource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  ERASURE_ENV,
  ERASURE_ERRORS,
  ERASURE_EVIDENCE_PREFIX,
  ERASURE_EXTERNAL_KEYS_ENV,
  ERASURE_TWO_PERSON_ENV,
  PROTECTED_DATA_CLASSES,
  type ErasurePhase,
  type ExternalErasureKey,
} from '../../lambda/shared/key-lifecycle-contract';
import { acknowledge } from '../compliance/acknowledge';
import { SIX_YEARS_IN_DAYS } from '../config/schema';
import { deploymentNames } from '../vocabulary';
import { CERTIFICATE_SIGNING_ALGORITHM } from './certificate-signing-key';
import { ErasureApproval, type TwoPersonApproval } from './erasure-approval';
import { immutableRoleReference } from './immutable-role-reference';
import { SecureFunction } from './secure-function';
import { acknowledgeWildcardResource } from './wildcard-acknowledgement';
import { STATEFUL_REMOVAL_POLICY } from '../compliance/retention';

/** How the state machine waits for CloudTrail (verify, finalize): every 2 minutes, for about 30 minutes. */
export const CLOUDTRAIL_RETRY = { interval: Duration.minutes(2), maxAttempts: 15 } as const;
/** How the state machine waits for KMS to delete the keys in finalize: hourly, for up to 2 days. */
export const FINALIZE_RETRY = { interval: Duration.hours(1), maxAttempts: 48 } as const;

/** Where the state keeps the latest phase result (`{ Payload: ErasurePhaseResult }`). */
const RESULT = '$.result';

/** Transient Lambda service errors (and throttling of the single reserved instance): retried with back-off. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** A backup vault the plan inventories (its recovery points are encrypted with an erasable key). */
export interface ErasureVault {
  readonly name: string;
  readonly arn: string;
}

export interface CryptoErasureProps {
  /** Deployment name: role, state machine and alarm names; the keys in scope carry its tag. */
  readonly deployment: string;
  /** Name of the function (`deploymentNames(deployment).cryptoErasureFunction`). */
  readonly functionName: string;
  /** The primary region and the DR region: the keys and the resources they protect live in both. */
  readonly regions: { readonly primary: string; readonly dr: string };
  /** The account (`Stack.account`): any key or resource elsewhere is refused by the function. */
  readonly account: string;
  /** Waiting period of the keys' scheduled deletion (`keys.pendingWindowDays`, 7-30). */
  readonly pendingWindowDays: number;
  /** Write-once evidence store: certificates go under `certificates-of-destruction/`. */
  readonly evidenceBucket: s3.IBucket;
  /** Key of the evidence bucket (the audit key). */
  readonly evidenceKey: kms.IKey;
  /** The asymmetric key that signs the certificates (`CertificateSigningKey`). */
  readonly signingKey: kms.IKey;
  /** Receives a failed run and the alarms (the security topic; its key, if any, is granted for publishing). */
  readonly securityTopic: sns.ITopic;
  /** The primary backup vault (encrypted with the `backup` key). */
  readonly backupVault: ErasureVault;
  /** The DR backup vault (encrypted with the `backup-dr` key), named deterministically in the DR region. */
  readonly drBackupVault: ErasureVault;
  /** Encrypts the function's log group and dead-letter queue and the state machine's log group (the audit key). */
  readonly auditKey: kms.IKey;
  /** Log retention in days: one of the CloudWatch values of at least 6 years. */
  readonly logRetentionDays: number;
  /** TypeScript entry of the function. @default lambda/crypto-erasure/index.ts */
  readonly entry?: string;
  /** Time limit of one phase (inventory across two regions, CloudTrail look-ups). @default Duration.minutes(15) */
  readonly timeout?: Duration;
  /**
   * The two-person rule (`ErasureApproval`): a run waits, before anything is destroyed, until a second
   * person in the approver role approves the same plan digest, or expires and destroys nothing.
   * Needs Lambda function URLs in the primary region (see `ErasureApproval`).
   * @default - one person with the erasure permissions runs the erasure (as before)
   */
  readonly twoPersonApproval?: TwoPersonApproval;
  /**
   * Keys of other accounts the erasure destroys too (accounts apart: the backup account's air-gapped
   * vault keys, `airGappedErasureKeys`). KMS key management is not cross-account, so the function
   * assumes each key's `roleArn` (a role of the key's account) and may assume those exact roles only.
   * @default - none: the workload account's keys only
   */
  readonly externalKeys?: readonly ExternalErasureKey[];
}

/**
 * Crypto-erasure at contract end (HIPAA 164.310(d)(2)(i) disposal, 164.310(d)(2)(ii) media re-use):
 * the PHI copies that Object Lock and Vault Lock keep are destroyed by destroying the keys that protect
 * them (`phi`, `backup`, `phi-dr`, `backup-dr`), with evidence a reviewer can check.
 *
 * - The **function** (`<deployment>-crypto-erasure`) runs one phase per invocation (plan, execute,
 *   verify, certify, finalize; see `lambda/shared/key-lifecycle-contract.ts`). Its role has a fixed name
 *   (`CryptoErasure.roleName`) because the four erasable keys' policies, two of them in the DR region,
 *   name it: the permission to disable a key and schedule its deletion is granted there, key by key
 *   (`DataClassKey.allowCryptoErasureBy`), never in IAM. Its IAM policy is read-only inventory of the
 *   two regions, signing with the signing key, and writing certificates under
 *   `certificates-of-destruction/` of the evidence bucket.
 * - The **state machine** (`<deployment>-crypto-erasure`) runs one erasure from execute to the final
 *   certificate, so every run has one execution history (inputs, each phase's result, every retry, who
 *   started it) besides the certificates: check input → execute → verify (retried every 2 minutes for
 *   about 30 minutes while CloudTrail delivers the events, then a last attempt with `lastAttempt: true`
 *   that records what is missing) → certify → wait for the pending window plus a day → finalize
 *   (retried hourly for 2 days until KMS has deleted the keys, then like verify for the DeleteKey
 *   events) → certify with `final: true` (the final certificate). Every phase must report
 *   `completed: true`; anything else, and any error, notifies the security topic (with the run's
 *   state) and ends in a Fail state whose cause says which phase stopped and why. The plan phase is not
 *   part of it: the operator runs it (read-only) and starts an execution with the plan's digest.
 * - **Two-person rule** (`twoPersonApproval`, off by default): the run is requested through the
 *   request function, and waits after the input check, before execute, for a second person in the
 *   approver role to approve the same digest through the approve function (`ErasureApproval`); no
 *   approval within the expiry ends it in "Request expired", nothing destroyed. Execute checks the
 *   approval again and the certificates record it. Needs Lambda function URLs in the primary region.
 * - **Accounts apart** (`externalKeys`, off by default): the backup account's air-gapped vault keys are
 *   erased with the others, key by key through that account's erasure role, which the function may
 *   assume (`sts:AssumeRole` on those exact role ARNs, nothing else); plan and certificate name each
 *   key's account and region.
 * - **Alarms** to the topic: a failed, timed-out or aborted execution (an abort after execute leaves
 *   keys disabled and pending deletion without a final certificate: a person must decide).
 *
 * The function is outside the VPC: it calls KMS, RDS, AWS Backup, Secrets Manager, CloudTrail and S3 in
 * the primary and in the DR region, and the VPC's interface endpoints serve the primary region only
 * (no NAT by design). It holds and logs no PHI: key, resource and event identifiers only.
 */
export class CryptoErasure extends Construct {
  /** Name of the function's role: fixed, so that key policies in both regions can name its ARN. */
  static roleName(deployment: string): string {
    return deploymentNames(deployment).cryptoErasureRole;
  }

  /** ARN of the function's role in the account of `scope`'s stack (IAM is global: the same in every region). */
  static roleArn(scope: Construct, deployment: string): string {
    const stack = Stack.of(scope);
    return `arn:${stack.partition}:iam::${stack.account}:role/${CryptoErasure.roleName(deployment)}`;
  }

  readonly handler: SecureFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly stateMachineRole: iam.Role;
  readonly stateMachinePolicy: iam.ManagedPolicy;
  readonly stateMachineLogGroup: logs.LogGroup;
  /** The request and approve functions, when `twoPersonApproval` is set. */
  readonly approval?: ErasureApproval;
  /** Executions that failed, timed out or were aborted. */
  readonly alarms: Readonly<Record<'ExecutionsFailed' | 'ExecutionsTimedOut' | 'ExecutionsAborted', cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: CryptoErasureProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { pendingWindowDays } = props;
    if (!Number.isInteger(pendingWindowDays) || pendingWindowDays < 7 || pendingWindowDays > 30) {
      throw new Error(`${this.node.path}: pendingWindowDays must be a whole number of days from 7 to 30 (KMS limits)`);
    }
    if (props.logRetentionDays < SIX_YEARS_IN_DAYS) {
      throw new Error(`${this.node.path}: log retention of ${props.logRetentionDays} days is below 6 years`);
    }
    if (Token.isUnresolved(props.deployment)) throw new Error(`${this.node.path}: deployment must be a literal`);

    this.handler = this.createFunction(props);
    const stateMachineName = deploymentNames(props.deployment).cryptoErasureStateMachine;
    const stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    if (props.twoPersonApproval) {
      this.approval = new ErasureApproval(this, 'Approval', {
        ...props.twoPersonApproval,
        deployment: props.deployment,
        account: props.account,
        stateMachineArn,
        evidenceBucket: props.evidenceBucket,
        evidenceKey: props.evidenceKey,
        auditKey: props.auditKey,
        logRetentionDays: props.logRetentionDays,
      });
    }

    // Step Functions delivers its logs as vended logs: a `/aws/vendedlogs/` name keeps CloudWatch Logs'
    // resource policy from growing by one entry per log group.
    this.stateMachineLogGroup = new logs.LogGroup(this, 'StateMachineLogGroup', {
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      encryptionKey: props.auditKey,
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: STATEFUL_REMOVAL_POLICY,
    });

    this.stateMachineRole = new iam.Role(this, 'StateMachineRole', {
      description: `Execution role of the ${stateMachineName} state machine`,
      // Only Step Functions, and only for this state machine (confused-deputy protection).
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stateMachineArn },
      }),
    });
    this.stateMachinePolicy = this.createStateMachinePolicy(props.securityTopic);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: `Crypto-erasure of ${props.deployment}: execute, verify, certify, wait ${pendingWindowDays + 1} days, finalize, certify`,
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition(props)),
      // Immutable: every permission is in `stateMachinePolicy`, none is added behind the tests' back.
      role: immutableRoleReference(this, 'StateMachineRoleReference', this.stateMachineRole),
      // Past the window, finalize's two days of retries and the phases themselves (and the wait for approval).
      timeout: props.twoPersonApproval
        ? Duration.seconds(Duration.days(pendingWindowDays + 5).toSeconds() + props.twoPersonApproval.requestExpiry.toSeconds())
        : Duration.days(pendingWindowDays + 5),
      tracingEnabled: true,
      logs: {
        destination: this.stateMachineLogGroup,
        level: sfn.LogLevel.ALL,
        // The history in Step Functions keeps the data; the log keeps the events without it.
        includeExecutionData: false,
      },
    });
    // Step Functions checks the role's log-delivery permissions when it creates the state machine.
    this.stateMachine.node.addDependency(this.stateMachinePolicy);

    this.alarms = this.createAlarms(props, stateMachineName);
  }

  private createFunction(props: CryptoErasureProps): SecureFunction {
    const stack = Stack.of(this);
    const bothRegions = { StringEquals: { 'aws:RequestedRegion': [props.regions.primary, props.regions.dr] } };
    const certificates = props.evidenceBucket.arnForObjects(`${ERASURE_EVIDENCE_PREFIX}*`);
    const approvals = props.evidenceBucket.arnForObjects(`${ERASURE_EVIDENCE_PREFIX}*/approval.json`);
    const keysOfBothRegions = [props.regions.primary, props.regions.dr].map(
      (region) => `arn:${stack.partition}:kms:${region}:${props.account}:key/*`,
    );
    const protectedAliases = PROTECTED_DATA_CLASSES.map((dataClass) => deploymentNames(props.deployment).keyAlias(dataClass));
    const externalKeys = props.externalKeys ?? [];
    for (const key of externalKeys) {
      if (Token.isUnresolved(key.account) || Token.isUnresolved(key.region)) {
        throw new Error(`${this.node.path}: external key ${key.alias}: account and region must be literals`);
      }
      if (key.account === props.account) {
        throw new Error(
          `${this.node.path}: external key ${key.alias} is in this account (${props.account}): not an external key`,
        );
      }
    }
    const externalRoleArns = [...new Set(externalKeys.map((key) => key.roleArn))].sort();

    const handler = new SecureFunction(this, 'Handler', {
      entry: props.entry ?? path.join(__dirname, '..', '..', 'lambda', 'crypto-erasure', 'index.ts'),
      functionName: props.functionName,
      // The erasable keys' policies name this role by ARN (two of them in the DR region, which cannot
      // reference this stack), so its name is fixed.
      roleName: CryptoErasure.roleName(props.deployment),
      description: 'Crypto-erasure phases: plan, execute, verify, certify, finalize (HIPAA 164.310(d)(2)(i))',
      environment: {
        [ERASURE_ENV.deployment]: props.deployment,
        [ERASURE_ENV.primaryRegion]: props.regions.primary,
        [ERASURE_ENV.drRegion]: props.regions.dr,
        [ERASURE_ENV.account]: props.account,
        [ERASURE_ENV.pendingWindowDays]: String(props.pendingWindowDays),
        [ERASURE_ENV.evidenceBucket]: props.evidenceBucket.bucketName,
        // Named on every write: asking for SSE-KMS without a key ID would use the aws/s3 key instead.
        [ERASURE_ENV.evidenceKmsKeyArn]: props.evidenceKey.keyArn,
        [ERASURE_ENV.signingKeyArn]: props.signingKey.keyArn,
        [ERASURE_ENV.backupVaultName]: props.backupVault.name,
        [ERASURE_ENV.drBackupVaultName]: props.drBackupVault.name,
        ...(props.twoPersonApproval ? { [ERASURE_TWO_PERSON_ENV]: 'on' } : {}),
        ...(externalKeys.length > 0 ? { [ERASURE_EXTERNAL_KEYS_ENV]: stack.toJsonString(externalKeys) } : {}),
      },
      placement: {
        outsideVpc: {
          reason:
            'it calls KMS, RDS, AWS Backup, Secrets Manager, CloudTrail and S3 in the primary AND the DR region; the ' +
            "VPC's interface endpoints serve the primary region only and the VPC has no NAT, so no placement in the " +
            'VPC can reach the DR region. It holds and logs no PHI: key, resource and CloudTrail event identifiers only.',
        },
      },
      encryptionKey: props.auditKey,
      logRetentionDays: props.logRetentionDays,
      // One phase at a time: two erasures (or a phase and its retry) never interleave.
      reservedConcurrency: 1,
      timeout: props.timeout ?? Duration.minutes(15),
      memorySize: 512,
      // Invoked synchronously (state machine, operator); a destructive phase is never repeated behind
      // the caller's back by Lambda's asynchronous retries.
      retryAttempts: 0,
      wildcardResourceReason:
        'read-only inventory that has to list every resource of the account to find the ones a key protects, in the ' +
        'two regions of the deployment only (aws:RequestedRegion): rds:DescribeDBInstances, DescribeDBSnapshots, ' +
        'DescribeDBClusters, DescribeDBClusterSnapshots, DescribeDBInstanceAutomatedBackups, ' +
        'DescribeDBClusterAutomatedBackups, secretsmanager:ListSecrets and cloudtrail:LookupEvents (the last two have no ' +
        'resource-level permissions); ' +
        's3:ListAllMyBuckets (no resource-level permission), and s3:GetEncryptionConfiguration and ' +
        's3:GetBucketObjectLockConfiguration on buckets of this account only (s3:ResourceAccount). Nothing on "*" ' +
        'writes, reads data or uses a key.',
      statements: [
        new iam.PolicyStatement({
          sid: 'InventoryDatabases',
          actions: [
            'rds:DescribeDBInstances',
            'rds:DescribeDBSnapshots',
            'rds:DescribeDBClusters',
            'rds:DescribeDBClusterSnapshots',
            'rds:DescribeDBInstanceAutomatedBackups',
            'rds:DescribeDBClusterAutomatedBackups',
          ],
          resources: ['*'],
          conditions: bothRegions,
        }),
        new iam.PolicyStatement({
          sid: 'InventorySecrets',
          actions: ['secretsmanager:ListSecrets'],
          resources: ['*'],
          conditions: bothRegions,
        }),
        new iam.PolicyStatement({
          sid: 'FindKeyEventsInCloudTrail',
          actions: ['cloudtrail:LookupEvents'],
          resources: ['*'],
          conditions: bothRegions,
        }),
        new iam.PolicyStatement({
          sid: 'ListBuckets',
          actions: ['s3:ListAllMyBuckets'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'InventoryBucketEncryption',
          actions: ['s3:GetEncryptionConfiguration', 's3:GetBucketObjectLockConfiguration'],
          resources: ['*'],
          conditions: { StringEquals: { 's3:ResourceAccount': props.account } },
        }),
        new iam.PolicyStatement({
          // The plan refuses any key in scope that is also the target of an audit alias: it must see
          // those targets. Metadata only; the audit keys' policies grant this role nothing.
          sid: 'IdentifyProtectedKeys',
          actions: ['kms:DescribeKey'],
          resources: keysOfBothRegions,
          conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': protectedAliases } },
        }),
        new iam.PolicyStatement({
          sid: 'InventoryRecoveryPoints',
          actions: ['backup:DescribeBackupVault', 'backup:ListRecoveryPointsByBackupVault'],
          resources: [props.backupVault.arn, props.drBackupVault.arn],
        }),
        new iam.PolicyStatement({
          sid: 'SignCertificates',
          actions: ['kms:Sign'],
          resources: [props.signingKey.keyArn],
          conditions: { StringEquals: { 'kms:SigningAlgorithm': CERTIFICATE_SIGNING_ALGORITHM } },
        }),
        new iam.PolicyStatement({
          sid: 'WriteCertificates',
          actions: ['s3:PutObject'],
          resources: [certificates],
        }),
        new iam.PolicyStatement({
          sid: 'EncryptCertificates',
          actions: ['kms:GenerateDataKey'],
          resources: [props.evidenceKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
        // Accounts apart: the erasure role of the backup account (trusted by this role only, allowed the
        // KMS calls of the erasure on its air-gapped key only). These exact roles, nothing else.
        ...(externalRoleArns.length > 0
          ? [
              new iam.PolicyStatement({
                sid: 'AssumeExternalKeyErasureRoles',
                actions: ['sts:AssumeRole'],
                resources: externalRoleArns,
              }),
            ]
          : []),
        // The two-person rule: execute reads the approval the approve function recorded.
        ...(props.twoPersonApproval
          ? [
              new iam.PolicyStatement({ sid: 'ReadApprovals', actions: ['s3:GetObject'], resources: [approvals] }),
              new iam.PolicyStatement({
                sid: 'DecryptApprovals',
                actions: ['kms:Decrypt'],
                resources: [props.evidenceKey.keyArn],
                conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
              }),
            ]
          : []),
      ],
    });
    if (props.twoPersonApproval) {
      acknowledgeWildcardResource(handler.policy.node.defaultChild as CfnResource, approvals, {
        control: '164.310(d)(2)(i)',
        reason:
          'Read-only: the approval record of each erasure run (certificates-of-destruction/<run>/approval.json, one ' +
          'write-once object per run, named at run time), which execute checks before it touches a key.',
      });
    }

    acknowledgeWildcardResource(handler.policy.node.defaultChild as CfnResource, certificates, {
      control: '164.310(d)(2)(i)',
      reason:
        'Each certificate of destruction is a new object whose key holds its run ID ' +
        '(certificates-of-destruction/<run>/...), so s3:PutObject is granted on that prefix of the evidence bucket: no ' +
        'other prefix, no read, no delete. Object Lock keeps every written version.',
    });
    for (const keys of keysOfBothRegions) {
      acknowledgeWildcardResource(handler.policy.node.defaultChild as CfnResource, keys, {
        control: '164.312(a)(1)',
        reason:
          'kms:DescribeKey only (key metadata, no use of the key), and only on keys that carry an audit alias of this ' +
          'deployment (kms:ResourceAliases): the audit-dr key lives in the DR region and its ARN cannot be referenced ' +
          'here, so the key is named by its alias. The plan needs their key IDs to refuse them if they ever were in scope.',
      });
    }
    return handler;
  }

  /** Invoke the one function, publish to the one topic, deliver logs and traces: nothing else. */
  private createStateMachinePolicy(topic: sns.ITopic): iam.ManagedPolicy {
    const stack = Stack.of(this);
    const topicKey = topic.masterKey;
    const policy = new iam.ManagedPolicy(this, 'StateMachinePolicy', {
      description: 'What the crypto-erasure state machine may do, and nothing else',
      roles: [this.stateMachineRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'InvokeErasureFunction',
          actions: ['lambda:InvokeFunction'],
          resources: [this.handler.function.functionArn],
        }),
        ...(this.approval
          ? [
              new iam.PolicyStatement({
                sid: 'ConfirmErasureRequest',
                actions: ['lambda:InvokeFunction'],
                resources: [this.approval.requestFunction.function.functionArn],
              }),
            ]
          : []),
        new iam.PolicyStatement({
          sid: 'NotifySecurityContact',
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
        }),
        ...(topicKey
          ? [
              new iam.PolicyStatement({
                sid: 'EncryptNotification',
                actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
                resources: [topicKey.keyArn],
                conditions: { StringEquals: { 'kms:ViaService': `sns.${stack.region}.amazonaws.com` } },
              }),
            ]
          : []),
        // As documented for Step Functions logging to CloudWatch Logs (vended logs) and X-Ray tracing.
        new iam.PolicyStatement({
          sid: 'DeliverLogs',
          actions: [
            'logs:CreateLogDelivery',
            'logs:GetLogDelivery',
            'logs:UpdateLogDelivery',
            'logs:DeleteLogDelivery',
            'logs:ListLogDeliveries',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
            'logs:DescribeLogGroups',
          ],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'ActiveTracing',
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
          resources: ['*'],
        }),
      ],
    });
    acknowledge(policy.node.defaultChild as CfnResource, {
      ruleId: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      control: '164.312(a)(1)',
      reason:
        'Only actions that support no resource-level permissions are on "*": the CloudWatch Logs log-delivery actions ' +
        'Step Functions needs to deliver its execution logs (vended logs), and the X-Ray actions of active tracing, as ' +
        'the Step Functions documentation lists them. Invoking the erasure function and publishing to the security topic ' +
        'name their resources.',
    });
    return policy;
  }

  /** The state machine's states; see the class comment. */
  private definition(props: CryptoErasureProps): sfn.IChainable {
    const states = new Construct(this, 'States');
    const failed = new sfn.Fail(states, 'Failed', {
      stateName: 'Erasure stopped',
      error: 'CryptoErasureFailed',
      // Why the run stopped (the phase and its error or result); the notification carries the whole state.
      causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.failure')),
    });
    const notify = new tasks.SnsPublish(states, 'NotifyFailure', {
      stateName: 'Notify the security contact',
      topic: props.securityTopic,
      subject: `${props.deployment}: crypto-erasure stopped`,
      message: sfn.TaskInput.fromText(
        sfn.JsonPath.format(
          `Crypto-erasure of ${props.deployment} stopped before its final certificate. Keys may be disabled or pending ` +
            'deletion: read the execution history, fix the cause, then decide whether to start a new run with the same ' +
            'digest (each phase checks the keys again) or to cancel the key deletions. Execution: {}. State: {}',
          sfn.JsonPath.executionId,
          sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$')),
        ),
      ),
      resultPath: sfn.JsonPath.DISCARD,
    });
    // A failed notification still ends the run as failed (and the ExecutionsFailed alarm tells someone).
    notify.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.notificationError' });
    notify.next(failed);

    /** Records why the run stops, then notifies. */
    const stop = (id: string, name: string, failure: Record<string, unknown>) =>
      new sfn.Pass(states, id, { stateName: name, parameters: failure, resultPath: '$.failure' }).next(notify);

    /**
     * One invocation of the erasure function. The state keeps the run's input and only the latest phase
     * result (`$.result`), which the next phase receives as `previous`: each result carries the earlier
     * ones in its `history`, and the execution history records every result anyway. Keeping every result
     * in the state would grow it towards Step Functions' 256 KiB payload limit.
     */
    const phase = (
      id: string,
      stateName: string,
      erasurePhase: Exclude<ErasurePhase, 'plan'>,
      extra: Record<string, unknown> = {},
    ) => {
      const task = new tasks.LambdaInvoke(states, id, {
        stateName,
        lambdaFunction: this.handler.function,
        payload: sfn.TaskInput.fromObject({
          phase: erasurePhase,
          confirmDigest: sfn.JsonPath.stringAt('$.confirmDigest'),
          requestedBy: sfn.JsonPath.stringAt('$.requestedBy'),
          runId: sfn.JsonPath.stringAt('$.runId'),
          ...extra,
        }),
        resultSelector: { 'Payload.$': '$.Payload' },
        resultPath: RESULT,
        retryOnServiceExceptions: false,
      });
      task.addRetry({
        errors: LAMBDA_SERVICE_ERRORS,
        interval: Duration.seconds(2),
        maxAttempts: 6,
        backoffRate: 2,
      });
      return task;
    };
    const previous = { previous: sfn.JsonPath.objectAt(`${RESULT}.Payload`) };
    const catchAll = (task: tasks.LambdaInvoke, id: string, stateName: string) =>
      task.addCatch(stop(`${id}Error`, `${stateName} failed`, { phase: stateName, 'error.$': '$.error' }), {
        errors: [sfn.Errors.ALL],
        resultPath: '$.error',
      });
    /**
     * Continues only when the phase reported `completed: true`. Otherwise the failure records the
     * result's required fields (key by key), not its carried plan and history: the Fail state's cause
     * stays small, and the notification has the whole state.
     */
    const completed = (id: string, stateName: string, next: sfn.IChainable) => {
      const done = `${RESULT}.Payload.completed`;
      const isTrue = sfn.Condition.and(
        sfn.Condition.isPresent(done),
        sfn.Condition.isBoolean(done),
        sfn.Condition.booleanEquals(done, true),
      );
      return new sfn.Choice(states, `${id}Completed`, { stateName: `${stateName} completed?` }).when(isTrue, next).otherwise(
        stop(`${id}Incomplete`, `${stateName} incomplete`, {
          phase: stateName,
          result: Object.fromEntries(
            ['phase', 'runId', 'digest', 'completed', 'keys'].map((f) => [`${f}.$`, `${RESULT}.Payload.${f}`]),
          ),
        }),
      );
    };

    /**
     * A phase that waits for CloudTrail (verify, finalize): retried while the events are not visible
     * yet, then a last attempt (`lastAttempt: true`) that records the missing events instead of waiting.
     * The catch keeps `$.result`, so the last attempt gets the same `previous`.
     */
    const waitingForCloudTrail = (id: string, stateName: string, erasurePhase: 'verify' | 'finalize', next: sfn.IChainable) => {
      const task = phase(id, stateName, erasurePhase, previous);
      const lastAttempt = phase(`${id}LastAttempt`, `${stateName} (last attempt)`, erasurePhase, {
        ...previous,
        lastAttempt: true,
      });
      task.addRetry({
        errors: [ERASURE_ERRORS.cloudTrailEventsNotYetVisible],
        interval: CLOUDTRAIL_RETRY.interval,
        maxAttempts: CLOUDTRAIL_RETRY.maxAttempts,
        backoffRate: 1,
      });
      task.addCatch(lastAttempt, { errors: [ERASURE_ERRORS.cloudTrailEventsNotYetVisible], resultPath: '$.error' });
      catchAll(lastAttempt, `${id}LastAttempt`, `${stateName} (last attempt)`);
      const isCompleted = completed(id, stateName, next);
      lastAttempt.next(isCompleted);
      return { task, lastAttempt, isCompleted };
    };

    // Built back to front: each phase continues into the next.
    const erased = new sfn.Succeed(states, 'Erased', { stateName: 'Erased' });

    // With the two-person rule, execute and certify get the approval the approve function sent (requester,
    // approver, both times, the digest): execute checks it, the certificates record it.
    const approved = this.approval ? { approval: sfn.JsonPath.objectAt('$.approval') } : {};
    const certifyFinal = phase('CertifyFinal', 'Certify final', 'certify', { ...previous, final: true, ...approved });
    catchAll(certifyFinal, 'CertifyFinal', 'Certify final');
    certifyFinal.next(completed('CertifyFinal', 'Certify final', erased));

    const finalize = waitingForCloudTrail('Finalize', 'Finalize', 'finalize', certifyFinal);
    // Before the DeleteKey events, KMS must have deleted the keys: hourly, for up to 2 days past the wait.
    finalize.task.addRetry({
      errors: [ERASURE_ERRORS.keysNotYetDeleted],
      interval: FINALIZE_RETRY.interval,
      maxAttempts: FINALIZE_RETRY.maxAttempts,
      backoffRate: 1,
    });
    catchAll(finalize.task, 'Finalize', 'Finalize');
    finalize.task.next(finalize.isCompleted);

    const waitForWindow = new sfn.Wait(states, 'WaitForPendingWindow', {
      stateName: 'Wait for the pending window',
      // Counted from after certify, so the keys' deletion dates (execute + window) have passed.
      time: sfn.WaitTime.duration(Duration.days(props.pendingWindowDays + 1)),
    });
    waitForWindow.next(finalize.task);

    const certify = phase('Certify', 'Certify', 'certify', { ...previous, ...approved });
    catchAll(certify, 'Certify', 'Certify');
    certify.next(completed('Certify', 'Certify', waitForWindow));

    const verify = waitingForCloudTrail('Verify', 'Verify', 'verify', certify);
    catchAll(verify.task, 'Verify', 'Verify');
    verify.task.next(verify.isCompleted);

    const execute = phase('Execute', 'Execute', 'execute', approved);
    catchAll(execute, 'Execute', 'Execute');
    execute.next(completed('Execute', 'Execute', verify.task));
    const afterCheck = this.approval
      ? this.awaitApproval(states, this.approval, props.twoPersonApproval!, execute, catchAll)
      : execute;

    const field = (p: string) => sfn.Condition.and(sfn.Condition.isPresent(p), sfn.Condition.isString(p));
    return new sfn.Choice(states, 'CheckInput', { stateName: 'Check input' })
      .when(sfn.Condition.and(field('$.confirmDigest'), field('$.requestedBy'), field('$.runId')), afterCheck)
      .otherwise(
        stop('InputInvalid', 'Input invalid', {
          phase: 'Check input',
          error: 'The input must be {"confirmDigest": string, "requestedBy": string, "runId": string}',
        }),
      );
  }

  /**
   * The two-person rule's wait, before execute: the request function confirms the run is one a request
   * started and returns at once; the task then waits for its token, which only the approve function
   * answers (`SendTaskSuccess` with the approval, kept in `$.approval`). No answer within the expiry:
   * `States.Timeout`, and the run ends in "Request expired" having destroyed nothing. A run that was
   * not requested fails the task (caught like every other error). TimeoutSeconds counts from the task's
   * start whatever heartbeats arrive:
   * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
   */
  private awaitApproval(
    states: Construct,
    approval: ErasureApproval,
    settings: TwoPersonApproval,
    execute: sfn.IChainable,
    catchAll: (task: tasks.LambdaInvoke, id: string, stateName: string) => unknown,
  ): tasks.LambdaInvoke {
    const wait = new tasks.LambdaInvoke(states, 'AwaitApproval', {
      stateName: 'Wait for approval',
      lambdaFunction: approval.requestFunction.function,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        awaitingApproval: {
          requestId: sfn.JsonPath.stringAt('$.runId'),
          digest: sfn.JsonPath.stringAt('$.confirmDigest'),
          requestedBy: sfn.JsonPath.stringAt('$.requestedBy'),
          executionArn: sfn.JsonPath.executionId,
        },
        taskToken: sfn.JsonPath.taskToken,
      }),
      taskTimeout: sfn.Timeout.duration(settings.requestExpiry),
      resultPath: '$.approval',
      retryOnServiceExceptions: false,
    });
    const expired = new sfn.Fail(states, 'RequestExpired', {
      stateName: 'Request expired',
      error: 'ErasureRequestExpired',
      cause: `No second person approved the erasure within ${settings.requestExpiry.toHumanString()}: nothing was destroyed.`,
    });
    // A retried invocation makes a new token; the approve function reads the latest one.
    wait.addRetry({ errors: LAMBDA_SERVICE_ERRORS, interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2 });
    wait.addCatch(expired, { errors: [sfn.Errors.TIMEOUT], resultPath: '$.error' });
    catchAll(wait, 'AwaitApproval', 'Wait for approval');
    wait.next(execute);
    return wait;
  }

  private createAlarms(props: CryptoErasureProps, stateMachineName: string) {
    const notify = new actions.SnsAction(props.securityTopic);
    const period = Duration.minutes(5);
    const action =
      'Keys may already be disabled or pending deletion without a final certificate: read the execution history of ' +
      `${stateMachineName} (Step Functions console) and its log group, then decide with the compliance owner whether to ` +
      'start a new run or cancel the key deletions (kms:CancelKeyDeletion within the pending window).';
    const alarm = (
      id: 'ExecutionsFailed' | 'ExecutionsTimedOut' | 'ExecutionsAborted',
      what: string,
      metric: cloudwatch.Metric,
    ) => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmName: `${stateMachineName}-${id}`,
        alarmDescription: `[HIPAA 164.310(d)(2)(i)] A crypto-erasure execution ${what}. ${action}`,
        metric,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        threshold: 0,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // No execution, no data point: nothing to report.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        actionsEnabled: true,
      });
      a.addAlarmAction(notify);
      return a;
    };
    const sum = { statistic: cloudwatch.Stats.SUM, period };
    return {
      ExecutionsFailed: alarm('ExecutionsFailed', 'failed', this.stateMachine.metricFailed(sum)),
      ExecutionsTimedOut: alarm('ExecutionsTimedOut', 'timed out', this.stateMachine.metricTimedOut(sum)),
      ExecutionsAborted: alarm('ExecutionsAborted', 'was stopped by someone', this.stateMachine.metricAborted(sum)),
    };
  }
}
