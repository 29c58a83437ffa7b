import * as path from 'node:path';
import { ArnFormat, Duration, Stack, type CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { APPROVAL_ENV } from '../../lambda/erasure-approval/config';
import { ERASURE_EVIDENCE_PREFIX } from '../../lambda/shared/key-lifecycle-contract';
import { deploymentNames } from '../vocabulary';
import { SecureFunction } from './secure-function';
import { acknowledgeWildcardResource } from './wildcard-acknowledgement';

/** An IAM role name (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** Shortest and longest wait for an approval. */
export const REQUEST_EXPIRY_LIMITS = { min: Duration.hours(1), max: Duration.days(30) } as const;

/** The two-person rule of crypto-erasure (`CryptoErasureProps.twoPersonApproval`). */
export interface TwoPersonApproval {
  /** Name of the IAM role (in the deployment's account) whose sessions may approve; never the requester's. */
  readonly approverRoleName: string;
  /** How long a request waits for its approval before it expires, destroying nothing (1 hour to 30 days). */
  readonly requestExpiry: Duration;
  /** When set, both people must be principals of this organization (`aws:PrincipalOrgID`). */
  readonly organizationId?: string;
}

export interface ErasureApprovalProps extends TwoPersonApproval {
  readonly deployment: string;
  readonly account: string;
  /** ARN of the crypto-erasure state machine (built from its fixed name: the machine needs these functions first). */
  readonly stateMachineArn: string;
  /** The write-once evidence bucket: request and approval records go next to the run's certificates. */
  readonly evidenceBucket: s3.IBucket;
  readonly evidenceKey: kms.IKey;
  /** Encrypts the functions' log groups and dead-letter queues (the audit key). */
  readonly auditKey: kms.IKey;
  readonly logRetentionDays: number;
}

/**
 * The approval front door of crypto-erasure: two functions behind AWS_IAM function URLs, so each knows
 * from AWS, not from its caller, who calls (`requestContext.authorizer.iam`).
 *
 * - **request** (`<deployment>-crypto-erasure-request`; URL open to principals of this account, and of
 *   the organization when given): records the request (requester, digest, times) write-once under
 *   `certificates-of-destruction/<request>/request.json` and starts the erasure run. The state machine's
 *   wait task calls it back to confirm the run is the one it started.
 * - **approve** (`<deployment>-crypto-erasure-approve`; URL resource policy names only the approver role
 *   ARN, and the organization): refuses the wrong role, self-approval, a wrong digest, an expired or
 *   already approved request; records the approval write-once and completes the wait task. Its role is
 *   the only one here that may call `states:SendTaskSuccess`.
 *
 * A same-account principal whose own IAM policy allows `lambda:InvokeFunctionUrl` reaches a URL
 * without the resource policy (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html): the
 * handlers therefore check the caller themselves; the URL policy is the first gate, not the only one.
 *
 * What it does not stop, inside the account: a principal whose IAM policy allows `lambda:InvokeFunction`
 * on a function can invoke it directly with an event that claims any caller (only a URL call carries
 * an identity AWS vouches for), and the waiting task token is in the execution history, so a principal
 * allowed `states:SendTaskSuccess` can answer it. No project role has either; in an organization, a
 * service control policy should deny invoking these functions other than through their URLs (except
 * the state machine's role) and `states:SendTaskSuccess` on this state machine to everyone but the
 * approve function's role.
 *
 * Function URLs do not exist in every region (none in ap-south-2, ap-southeast-4 to -7, ap-east-2,
 * ca-west-1, eu-south-2, eu-central-2, il-central-1, me-central-1:
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html). There, deploying this fails;
 * an API Gateway with IAM auth in front of the same handlers is the fallback (not built).
 *
 * Both functions run outside the VPC (as the erasure function does): they call S3 and Step Functions only.
 */
export class ErasureApproval extends Construct {
  readonly requestFunction: SecureFunction;
  readonly approveFunction: SecureFunction;
  readonly requestUrl: lambda.FunctionUrl;
  readonly approveUrl: lambda.FunctionUrl;
  /** ARN of the approver role (IAM is global: the same in every region). */
  readonly approverRoleArn: string;

  constructor(scope: Construct, id: string, props: ErasureApprovalProps) {
    super(scope, id);
    const problems = twoPersonApprovalProblems(props);
    if (problems.length > 0) throw new Error(`${this.node.path}: ${problems.join('; ')}`);
    const stack = Stack.of(this);
    const names = deploymentNames(props.deployment);
    this.approverRoleArn = `arn:${stack.partition}:iam::${props.account}:role/${props.approverRoleName}`;

    const record = (name: 'request.json' | 'approval.json') =>
      props.evidenceBucket.arnForObjects(`${ERASURE_EVIDENCE_PREFIX}*/${name}`);
    const environment = {
      [APPROVAL_ENV.account]: props.account,
      [APPROVAL_ENV.approverRoleName]: props.approverRoleName,
      ...(props.organizationId ? { [APPROVAL_ENV.organizationId]: props.organizationId } : {}),
      [APPROVAL_ENV.stateMachineArn]: props.stateMachineArn,
      [APPROVAL_ENV.evidenceBucket]: props.evidenceBucket.bucketName,
      [APPROVAL_ENV.evidenceKmsKeyArn]: props.evidenceKey.keyArn,
      [APPROVAL_ENV.requestExpirySeconds]: String(props.requestExpiry.toSeconds()),
    };
    const recordsKey = new iam.PolicyStatement({
      sid: 'EncryptRecords',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [props.evidenceKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
    });
    const common = {
      placement: {
        outsideVpc: {
          reason:
            'it is reached through its AWS_IAM function URL and calls only S3 (the evidence bucket) and Step Functions ' +
            '(the crypto-erasure state machine), like the erasure function it gates, which runs outside the VPC. It holds ' +
            'and logs no PHI: request IDs, caller ARNs and plan digests only.',
        },
      },
      encryptionKey: props.auditKey,
      logRetentionDays: props.logRetentionDays,
      environment,
      // Called synchronously (URL, state machine): never retried behind the caller's back.
      retryAttempts: 0,
    };

    this.requestFunction = new SecureFunction(this, 'Request', {
      ...common,
      entry: path.join(__dirname, '..', '..', 'lambda', 'erasure-approval', 'request.ts'),
      functionName: names.cryptoErasureRequestFunction,
      description: 'Crypto-erasure two-person rule: records a request and starts the run, which waits for approval',
      statements: [
        new iam.PolicyStatement({
          sid: 'RecordRequests',
          actions: ['s3:PutObject', 's3:GetObject'],
          resources: [record('request.json')],
        }),
        recordsKey,
        new iam.PolicyStatement({
          sid: 'StartErasureRun',
          actions: ['states:StartExecution'],
          resources: [props.stateMachineArn],
        }),
      ],
    });

    const executions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${props.stateMachineArn.split(':').pop()}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.approveFunction = new SecureFunction(this, 'Approve', {
      ...common,
      entry: path.join(__dirname, '..', '..', 'lambda', 'erasure-approval', 'approve.ts'),
      functionName: names.cryptoErasureApproveFunction,
      description: 'Crypto-erasure two-person rule: a second person in the approver role approves a request',
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadRecords',
          actions: ['s3:GetObject'],
          resources: [record('request.json'), record('approval.json')],
        }),
        new iam.PolicyStatement({ sid: 'RecordApprovals', actions: ['s3:PutObject'], resources: [record('approval.json')] }),
        recordsKey,
        new iam.PolicyStatement({
          // The wait task's token is in its scheduled parameters: read there, stored nowhere else.
          sid: 'ReadRunHistory',
          actions: ['states:GetExecutionHistory'],
          resources: [executions],
        }),
        new iam.PolicyStatement({
          // What CDK's grantTaskResponse would grant, less SendTaskFailure and SendTaskHeartbeat: approving
          // is the only answer; a request nobody approves expires.
          sid: 'CompleteApprovalTask',
          actions: ['states:SendTaskSuccess'],
          resources: [props.stateMachineArn],
        }),
      ],
    });

    for (const [fn, resources] of [
      [this.requestFunction, [record('request.json')]],
      [this.approveFunction, [record('request.json'), record('approval.json')]],
    ] as const) {
      for (const resource of resources) {
        acknowledgeWildcardResource(fn.policy.node.defaultChild as CfnResource, resource, {
          control: '164.310(d)(2)(i)',
          reason:
            'The two-person rule records one request and one approval per erasure run, each a new write-once object named ' +
            'after its run (certificates-of-destruction/<run>/request.json or approval.json) next to the run certificates: ' +
            'only those two file names, written with If-None-Match so that none is overwritten.',
        });
      }
    }
    acknowledgeWildcardResource(this.approveFunction.policy.node.defaultChild as CfnResource, executions, {
      control: '164.310(d)(2)(i)',
      reason:
        'Read-only history of the executions of the crypto-erasure state machine, which are named after their request at ' +
        'run time: the approve function reads the waiting task token there and nowhere else.',
    });

    this.requestUrl = this.requestFunction.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    this.approveUrl = this.approveFunction.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    // Since October 2025 a URL call needs both actions in the resource policy.
    // https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
    this.allowUrlCalls(this.requestFunction, 'Requesters', props.account, props.organizationId);
    this.allowUrlCalls(this.approveFunction, 'Approver', this.approverRoleArn, props.organizationId);
  }

  private allowUrlCalls(fn: SecureFunction, id: string, principal: string, organizationId?: string): void {
    const org = organizationId ? { principalOrgId: organizationId } : {};
    new lambda.CfnPermission(this, `${id}InvokeUrl`, {
      functionName: fn.function.functionArn,
      action: 'lambda:InvokeFunctionUrl',
      principal,
      functionUrlAuthType: 'AWS_IAM',
      ...org,
    });
    new lambda.CfnPermission(this, `${id}InvokeViaUrl`, {
      functionName: fn.function.functionArn,
      action: 'lambda:InvokeFunction',
      principal,
      invokedViaFunctionUrl: true,
      ...org,
    });
  }
}

/** Every problem of a two-person-rule setting (empty: fine). */
export function twoPersonApprovalProblems(approval: TwoPersonApproval): string[] {
  const problems: string[] = [];
  if (!ROLE_NAME.test(approval.approverRoleName)) problems.push('approverRoleName is not an IAM role name');
  const seconds = approval.requestExpiry.toSeconds();
  if (seconds < REQUEST_EXPIRY_LIMITS.min.toSeconds() || seconds > REQUEST_EXPIRY_LIMITS.max.toSeconds()) {
    problems.push('requestExpiry must be from 1 hour to 30 days');
  }
  if (approval.organizationId !== undefined && !ORGANIZATION_ID.test(approval.organizationId)) {
    problems.push('organizationId is not an organization ID (o-...)');
  }
  return problems;
}
