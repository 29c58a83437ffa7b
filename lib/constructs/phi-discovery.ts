import { createHash } from 'node:crypto';
import * as path from 'path';
import {
  CustomResource,
  CustomResourceProvider,
  CustomResourceProviderRuntime,
  Duration,
  Stack,
  Tags,
  type CfnResource,
} from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as macie from 'aws-cdk-lib/aws-macie';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { STATEFUL_REMOVAL_POLICY } from '../compliance/retention';
import { deploymentNames, TAG } from '../vocabulary';
import { allowMacieToRead } from './key-policy-grants';
import { acknowledgeProviderOutsideVpc, dropRedundantRoleDependency } from './provider-handler';

/** CloudFormation type of the custom resource that owns the Macie classification job. */
export const PHI_DISCOVERY_JOB_RESOURCE_TYPE = 'Custom::MaciePhiDiscoveryJob';

/** The CRM's record identifier as a Macie custom data identifier (`detection.macieRecordIdentifier`). */
export interface RecordIdentifier {
  readonly regex: string;
  readonly keywords: readonly string[];
  readonly maximumMatchDistance: number;
}

export interface PhiDiscoveryProps {
  /** Deployment name: the job scans the buckets tagged `TAG.deployment` with it. */
  readonly deployment: string;
  /** The CRM's record identifier, reported with Macie's managed identifiers. */
  readonly recordIdentifier: RecordIdentifier;
  /** The buckets that hold PHI by design: tagged `TAG.phiStore`, and so left out of the job. */
  readonly phiBuckets: readonly s3.IBucket[];
  /** Keys of the scanned buckets that are not SSE-S3 (the audit key): Macie's role may decrypt through S3. */
  readonly bucketKeys: readonly kms.IKey[];
}

/** The CreateClassificationJob request (without its client token) of the PHI discovery job. */
export type PhiDiscoveryJobRequest = Record<string, unknown> & { name: string };

/**
 * The scope of the job: every bucket of this deployment in this region (`TAG.deployment`), except those that hold
 * PHI by design (`TAG.phiStore` true). Macie evaluates bucket criteria again at each run of a scheduled job
 * (https://docs.aws.amazon.com/macie/latest/user/discovery-jobs-scope.html), so a bucket added later is scanned
 * unless it says it holds PHI: the scope fails closed, and no stack has to reference another's buckets.
 */
export function phiDiscoveryBucketCriteria(deployment: string): Record<string, unknown> {
  const tagIs = (key: string, value: string) => ({
    and: [{ tagCriterion: { comparator: 'EQ', tagValues: [{ key, value }] } }],
  });
  return { includes: tagIs(TAG.deployment, deployment), excludes: tagIs(TAG.phiStore, 'true') };
}

/** A short digest of what defines the job and the identifier: a change gives both a new name. */
function definitionSuffix(props: PhiDiscoveryProps): string {
  const definition = JSON.stringify([props.deployment, props.recordIdentifier, phiDiscoveryBucketCriteria(props.deployment)]);
  return createHash('sha256').update(definition).digest('hex').slice(0, 8);
}

/**
 * Amazon Macie looks for PHI where none may be (HIPAA 164.312(b) audit controls, 164.308(a)(1)(ii)(D)
 * information system activity review, 164.308(a)(6)(ii) response and reporting): the log, evidence, trail,
 * access-log, Config history and Athena result buckets, every day. Its findings go to the security topic
 * (`FindingNotifications.notifyPhiDiscovery`) and docs/runbooks/phi-in-logs.md says what to do.
 *
 * - The Macie session (`AWS::Macie::Session`), publishing finding updates every 15 minutes. It is retained
 *   when its stack is deleted: disabling Macie deletes its findings, the evidence of what was found.
 * - A custom data identifier (`AWS::Macie::CustomDataIdentifier`) for the CRM's record identifiers, next to
 *   every Macie managed data identifier (names, addresses, birth dates, health insurance, Medicare and
 *   provider numbers...): PHI is identifiers next to health data.
 * - A scheduled (daily) classification job over `phiDiscoveryBucketCriteria`, every object sampled, the
 *   existing objects at its first run, then the new and changed ones. CloudFormation has no job resource, so
 *   a custom resource calls `macie2:CreateClassificationJob` (lambda/phi-discovery-job), as a
 *   `CustomResourceProvider` like the project's other custom resources (its handler has one acknowledgement,
 *   where CDK's `AwsCustomResource` function would need several). Macie jobs cannot be changed: a new
 *   definition creates a new job (new name) and cancels the old one.
 * - Macie reads through its service-linked role; the scanned buckets' customer-managed keys let that role
 *   decrypt through S3 (`allowMacieToRead`). SSE-S3 buckets (access logs) need nothing.
 *
 * Macie is regional: the DR region's replicas are copies of buckets scanned here.
 */
export class PhiDiscovery extends Construct {
  readonly session: macie.CfnSession;
  readonly recordIdentifier: macie.CfnCustomDataIdentifier;
  /** The job's custom resource; its `ref` is the Macie job ID. */
  readonly job: CustomResource;
  readonly provider: CustomResourceProvider;
  /** What the job was created with. */
  readonly jobRequest: PhiDiscoveryJobRequest;

  constructor(scope: Construct, id: string, props: PhiDiscoveryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const names = deploymentNames(props.deployment);
    const suffix = definitionSuffix(props);

    this.session = new macie.CfnSession(this, 'Session', {
      status: 'ENABLED',
      findingPublishingFrequency: 'FIFTEEN_MINUTES',
    });
    this.session.applyRemovalPolicy(STATEFUL_REMOVAL_POLICY);

    this.recordIdentifier = new macie.CfnCustomDataIdentifier(this, 'RecordIdentifier', {
      name: names.recordIdentifier(suffix),
      description: "The CRM's record identifiers (medical record numbers): PHI when found in a log",
      regex: props.recordIdentifier.regex,
      keywords: [...props.recordIdentifier.keywords],
      maximumMatchDistance: props.recordIdentifier.maximumMatchDistance,
    });
    this.recordIdentifier.addResourceDependency(this.session);

    for (const bucket of props.phiBuckets) Tags.of(bucket).add(TAG.phiStore, 'true');
    for (const key of props.bucketKeys) allowMacieToRead(key);

    this.jobRequest = {
      name: names.phiDiscoveryJob(suffix),
      description: 'PHI where none may be: logs, evidence, trail, access logs, Config history, Athena results',
      jobType: 'SCHEDULED',
      scheduleFrequency: { dailySchedule: {} },
      initialRun: true,
      samplingPercentage: 100,
      managedDataIdentifierSelector: 'ALL',
      customDataIdentifierIds: [this.recordIdentifier.attrId],
      s3JobDefinition: { bucketCriteria: phiDiscoveryBucketCriteria(props.deployment) },
    };

    this.provider = CustomResourceProvider.getOrCreateProvider(this, PHI_DISCOVERY_JOB_RESOURCE_TYPE, {
      codeDirectory: path.join(__dirname, '..', '..', 'lambda', 'phi-discovery-job'),
      // The line of the project's own functions (FUNCTION_RUNTIME).
      runtime: CustomResourceProviderRuntime.NODEJS_24_X,
      timeout: Duration.minutes(2),
      description: 'Creates and cancels the Amazon Macie job that looks for PHI in the buckets where none may be',
    });
    for (const statement of PhiDiscovery.policyStatements(stack)) this.provider.addToRolePolicy(statement);
    this.job = new CustomResource(this, 'Job', {
      resourceType: PHI_DISCOVERY_JOB_RESOURCE_TYPE,
      serviceToken: this.provider.serviceToken,
      properties: { JobRequest: stack.toJsonString(this.jobRequest) },
    });
    // The identifier's ID orders the job after the identifier; the session must exist too.
    this.job.node.addDependency(this.session);

    const handler = this.provider.node.findChild('Handler') as CfnResource;
    dropRedundantRoleDependency(handler);
    acknowledgeProviderOutsideVpc(
      handler,
      'Handler that creates and cancels the Amazon Macie PHI discovery job of this stack. It runs only during ' +
        'CloudFormation deployments, calls only the Macie job API and never reads an object.',
    );
  }

  /**
   * What the handler's role may do: create and cancel classification jobs of this account and region. The job
   * ARN contains an ID Macie chooses, hence the `*` (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmacie.html).
   */
  static policyStatements(stack: Stack): Record<string, unknown>[] {
    return [
      {
        Effect: 'Allow',
        Action: ['macie2:CreateClassificationJob', 'macie2:UpdateClassificationJob'],
        Resource: `arn:${stack.partition}:macie2:${stack.region}:${stack.account}:classification-job/*`,
      },
    ];
  }
}
