import { Duration, RemovalPolicy, Stack, type CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeCrossStackKey } from '../compliance/acknowledge';
import { SIX_YEARS_IN_DAYS } from '../config/schema';

/**
 * Node.js runtime of the project's functions: the newest Lambda offers (AwsSolutions-L1 requires the
 * latest of the family), pinned so that CDK upgrades never change it silently.
 */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

export interface SecureFunctionNetwork {
  readonly vpc: ec2.IVpc;
  /**
   * The VPC's IPv4 CIDR as a literal (not a token): the only egress allowed is HTTPS to it, where the
   * interface endpoints are, and cdk-nag can only evaluate literal CIDRs.
   */
  readonly vpcCidr: string;
  /** Subnets for the function's network interfaces (isolated; AWS is reached through endpoints). */
  readonly subnets: ec2.SubnetSelection;
}

/**
 * Where a SecureFunction runs, stated explicitly so that a reviewer sees the choice at every call site.
 *
 * - `{ network }`: in the given isolated subnets of the VPC, with its own security group, reaching AWS
 *   through the VPC's interface endpoints only. The default choice for any function.
 * - `{ outsideVpc: { reason } }`: in the Lambda service's own network, for a function that must call an
 *   AWS API that no interface endpoint can serve here. The deployment has no NAT by design, so such a
 *   function cannot work inside the VPC: AWS documents that a Cognito user pool with a domain (our
 *   managed login) cannot be used through the `cognito-idp` PrivateLink endpoint. Its calls are still
 *   TLS and SigV4-signed, with the same least-privilege role; it must hold no PHI. The `reason` is
 *   recorded in the compliance acknowledgements of the function (HIPAA/NIST LambdaInsideVPC and the
 *   Control Tower guard rule), so it must say why this function in particular cannot be in the VPC.
 */
export type SecureFunctionPlacement =
  | { readonly network: SecureFunctionNetwork; readonly outsideVpc?: never }
  | { readonly outsideVpc: { readonly reason: string }; readonly network?: never };

/**
 * Why any function is outside the VPC; the caller's own reason follows it in the acknowledgements.
 */
export const OUTSIDE_VPC_REASON =
  'Deliberately outside the VPC: AWS documents that the Cognito user pools API cannot be used through its AWS ' +
  'PrivateLink interface endpoint (cognito-idp) for a user pool that has a domain, and the VPC has no NAT by ' +
  'design, so a function that calls that API cannot run in the isolated subnets. Its calls to AWS are still TLS ' +
  'and SigV4-signed, under a least-privilege role.';

export interface SecureFunctionProps {
  /** TypeScript entry file with an exported `handler`, bundled locally with esbuild. */
  readonly entry: string;
  /** Function name; the log group is `/aws/lambda/<functionName>`. */
  readonly functionName: string;
  readonly description: string;
  /** Configuration only; never secrets (they would be readable by anyone who can read the function). */
  readonly environment?: Record<string, string>;
  /** Where the function runs: in the VPC, or outside it for a stated reason. */
  readonly placement: SecureFunctionPlacement;
  /** Encrypts the log group and the dead-letter queue (the audit key). */
  readonly encryptionKey: kms.IKey;
  /** Log retention in days: one of the CloudWatch values of at least 6 years. */
  readonly logRetentionDays: number;
  /**
   * What the function may do beyond logging, tracing, its network interfaces (in the VPC) and its
   * dead-letter queue. Written into the function's customer-managed policy as given.
   */
  readonly statements: iam.PolicyStatement[];
  /**
   * When `statements` put actions on `"*"`: which, and why none of them supports a narrower resource.
   * Appended to the reason of the policy's one `AwsSolutions-IAM5[Resource::*]` acknowledgement, which
   * otherwise names only the base statements (tracing, network interfaces).
   * @default - `statements` use no `"*"` resource
   */
  readonly wildcardResourceReason?: string;
  /** Reserved concurrency: caps the function's blast radius and its share of the Cognito quotas. @default 1 */
  readonly reservedConcurrency?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Lambda retries of a failed asynchronous invocation before the event goes to the dead-letter queue. @default 2 */
  readonly retryAttempts?: number;
}

/**
 * A Lambda function for operational tasks that is locked down by default:
 *
 * - bundled locally with esbuild (minified, source maps), never in Docker, ARM64, X-Ray active tracing;
 * - placed explicitly (see `SecureFunctionPlacement`): either in the given VPC subnets with its own
 *   security group whose only rule is HTTPS egress to the VPC CIDR (the interface endpoints; no NAT,
 *   no internet), or outside the VPC for a stated reason that is recorded with the acknowledged
 *   LambdaInsideVPC findings;
 * - a log group created up front (so Lambda needs no `logs:CreateLogGroup` on `*`), encrypted with
 *   the audit key, kept at least 6 years and retained on deletion;
 * - a dead-letter queue for failed asynchronous invocations, encrypted with the audit key, TLS only;
 * - reserved concurrency, explicit memory and timeout;
 * - an execution role whose only permissions are one customer-managed policy written here
 *   (no inline policy, no AWS-managed policy): the role given to the function is immutable, so
 *   CDK's automatic grants cannot add statements that the tests would not see.
 */
export class SecureFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue: sqs.Queue;
  /** Only when the function is in the VPC. */
  readonly securityGroup?: ec2.SecurityGroup;
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: SecureFunctionProps) {
    super(scope, id);
    if (props.logRetentionDays < SIX_YEARS_IN_DAYS) {
      throw new Error(`${this.node.path}: log retention of ${props.logRetentionDays} days is below 6 years`);
    }
    assertLocalEsbuild();
    const network = props.placement.network;
    const outsideVpc = props.placement.outsideVpc;
    if (!network && !outsideVpc?.reason.trim()) {
      throw new Error(`${this.node.path}: a function outside the VPC needs a reason`);
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      encryptionKey: props.encryptionKey,
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeCrossStackKey(
      this.logGroup.node.defaultChild as CfnResource,
      props.encryptionKey,
      'logGroup',
      `the log group of ${props.functionName}`,
    );

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      // Short-lived KMS data keys are cached by SQS; 5 minutes is the default, made explicit.
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Declares the queue a dead-letter queue (Control Tower CT.SQS.PR.1); "allowAll" is also SQS's default.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    });
    acknowledgeCrossStackKey(
      this.deadLetterQueue.node.defaultChild as CfnResource,
      props.encryptionKey,
      'sqsQueue',
      `the dead-letter queue of ${props.functionName}`,
    );

    if (network) {
      this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: network.vpc,
        description: `${props.functionName}: HTTPS to the VPC endpoints only`,
        allowAllOutbound: false,
      });
      this.securityGroup.addEgressRule(ec2.Peer.ipv4(network.vpcCidr), ec2.Port.tcp(443), 'HTTPS to the VPC endpoints');
    }

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
    });
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `What ${props.functionName} may do, and nothing else`,
      roles: [this.role],
      statements: [...this.baseStatements(props.encryptionKey, network !== undefined), ...props.statements],
    });
    const baseWildcards = network
      ? 'Only actions that support no resource-level permissions are on "*": xray:PutTraceSegments and ' +
        'xray:PutTelemetryRecords (active tracing), and the EC2 network-interface actions Lambda needs to attach ' +
        'the function to its subnets (the same actions as AWSLambdaVPCAccessExecutionRole).'
      : 'Only actions that support no resource-level permissions are on "*": xray:PutTraceSegments and ' +
        'xray:PutTelemetryRecords (active tracing). The function is outside the VPC and has no network-interface ' +
        'permissions.';
    const ownWildcards = props.wildcardResourceReason?.trim();
    acknowledge(this.policy.node.defaultChild as CfnResource, {
      ruleId: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      control: '164.312(a)(1)',
      reason: ownWildcards
        ? `${baseWildcards} Also on "*": ${ownWildcards} Every other statement names its resource.`
        : `${baseWildcards} Every other statement names its resource.`,
    });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      functionName: props.functionName,
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      reservedConcurrentExecutions: props.reservedConcurrency ?? 1,
      // Immutable: every permission is in `policy`, none is added behind the tests' back.
      role: this.role.withoutPolicyUpdates(),
      environment: props.environment,
      ...(network && this.securityGroup
        ? {
            vpc: network.vpc,
            vpcSubnets: network.subnets,
            securityGroups: [this.securityGroup],
            allowPublicSubnet: false,
          }
        : {}),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.retryAttempts ?? 2,
      bundling: {
        minify: true,
        sourceMap: true,
        // Stack traces map to file and line; the sources themselves are not shipped.
        sourcesContent: false,
        // What the tests ran against is what runs, whatever SDK version the runtime carries.
        bundleAwsSDK: true,
        forceDockerBundling: false,
      },
    });
    // Never without its permissions; in the VPC, Lambda also checks the network-interface permissions
    // when it creates the function.
    this.function.node.addDependency(this.policy);
    if (network) {
      acknowledgeCrossStackResource(this.function, network.vpc, {
        ruleId: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
        control: '164.312(e)(1)',
        reason:
          `False positive: ${props.functionName} IS in the VPC, in the workload subnets with its own security group. Its ` +
          'SubnetIds are cross-stack references (Network stack), and the CT.LAMBDA.PR.3 guard rule only recognises literal ' +
          'subnet IDs or subnets defined in the same template. The unit tests assert the VpcConfig.',
      });
    } else {
      const reason = `${OUTSIDE_VPC_REASON} ${props.functionName}: ${outsideVpc?.reason.trim()}`;
      acknowledge(
        this.function.node.defaultChild as CfnResource,
        ...OUTSIDE_VPC_RULES.map((ruleId) => ({ ruleId, control: '164.312(e)(1)' as const, reason })),
      );
    }
  }

  /** Logging, tracing, network interfaces (in the VPC only), the dead-letter queue and its key. */
  private baseStatements(key: kms.IKey, inVpc: boolean): iam.PolicyStatement[] {
    const networkInterfaces = new iam.PolicyStatement({
      sid: 'VpcNetworkInterfaces',
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      resources: ['*'],
    });
    return [
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'ActiveTracing',
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
      }),
      ...(inVpc ? [networkInterfaces] : []),
      new iam.PolicyStatement({
        sid: 'DeadLetterQueue',
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
      new iam.PolicyStatement({
        sid: 'DeadLetterQueueKey',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [key.keyArn],
      }),
    ];
  }
}

/** The findings a function outside the VPC raises, acknowledged on its function resource only. */
export const OUTSIDE_VPC_RULES = [
  'HIPAA.Security::HIPAA.Security-LambdaInsideVPC',
  'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC',
  'cdk-validator-cfnguard::lambda_inside_vpc_check',
] as const;

/**
 * Acknowledges a guard rule that cannot follow a cross-stack reference, on `resource` only, and only
 * when `referenced` really is in another stack (in the same stack the rule sees it and must pass).
 */
function acknowledgeCrossStackResource(
  resource: Construct,
  referenced: Construct,
  exception: Parameters<typeof acknowledge>[1],
): void {
  if (Stack.of(referenced) === Stack.of(resource)) return;
  acknowledge(resource.node.defaultChild as CfnResource, exception);
}

/** Fails synth when esbuild is not installed, instead of letting CDK fall back to Docker bundling. */
function assertLocalEsbuild(): void {
  try {
    require.resolve('esbuild');
  } catch {
    throw new Error('esbuild is not installed: run `npm ci` (functions are bundled locally, never in Docker)');
  }
}
