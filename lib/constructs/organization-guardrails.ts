import { DefaultStackSynthesizer, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { ORGANIZATION_ID, ORGANIZATIONAL_UNIT_ID, REGION_CODE } from '../config/schema-organization';
import { deploymentNames, TAG } from '../vocabulary';

/**
 * Longest SCP content AWS Organizations accepts; every character counts, whitespace included
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
 */
export const MAX_SCP_CHARACTERS = 5120;
/** SCPs that may be attached to one root, OU or account, AWS's `FullAWSAccess` included (same page). */
export const MAX_SCPS_PER_TARGET = 5;
/** `FullAWSAccess`, which every OU carries unless the organization replaced it: it counts against the limit. */
export const POLICIES_ALREADY_ON_TARGET = 1;

/**
 * Actions of services whose endpoint is global (served from us-east-1) and which a region deny must
 * therefore leave alone: AWS's example "Deny access to AWS based on the requested AWS Region"
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html)
 * and Control Tower's region deny list
 * (https://docs.aws.amazon.com/controltower/latest/userguide/primary-region-deny-policy.html), cut to
 * the services a deployment and its operators use. STS is global unless regional endpoints are used
 * (same page), and S3's bucket listing and location calls go to us-east-1.
 */
export const GLOBAL_SERVICE_ACTIONS = [
  'account:*',
  'artifact:*',
  'aws-portal:*',
  'billing:*',
  'budgets:*',
  'ce:*',
  'cloudfront:*',
  'cur:*',
  'ec2:DescribeRegions',
  'globalaccelerator:*',
  'health:*',
  'iam:*',
  'networkmanager:*',
  'organizations:*',
  'pricing:*',
  'route53:*',
  'route53domains:*',
  's3:GetAccountPublic*',
  's3:GetBucketLocation',
  's3:ListAllMyBuckets',
  'shield:*',
  'sts:*',
  'support:*',
  'trustedadvisor:*',
  'waf:*',
] as const;

/** The concerns, one SCP each: few enough to leave room on the OU for the organization's own. */
export type GuardrailConcern = 'data' | 'account';

/** An exact IAM role ARN: no wildcard, no account root, so an exemption names one role, never an account. */
const EXACT_ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@-]+(\/[\w+=,.@-]+)*$/;

export interface OrganizationGuardrailsProps {
  /** The deployment the guardrails protect: its keys by tag, its trail and vaults by name. */
  readonly deployment: string;
  /** The organization (`o-...`): named in the policies' descriptions, checked for shape. */
  readonly organizationId: string;
  /** The OU holding the deployment's accounts (`ou-...`): every policy is attached to it. */
  readonly workloadOuId: string;
  /** Every region the OU's accounts may use: the primary, DR and backup regions. */
  readonly allowedRegions: readonly string[];
  /**
   * Exact ARNs of the roles that may disable and schedule the deletion of this deployment's keys: the
   * workload's crypto-erasure role (and, with the air-gapped vault, the backup account's erasure role).
   */
  readonly erasureRoleArns: readonly string[];
  /**
   * Exact ARNs of the CDK CloudFormation execution roles that deploy the deployment's stacks (one per
   * account and region: `cdkExecutionRoleArns`). Only they may change key policies, vault access
   * policies and lock settings, the trail's settings and the detective services' settings.
   */
  readonly deployerRoleArns: readonly string[];
  /** @default 'aws' */
  readonly partition?: string;
}

/** One service control policy: its name, what it is for, and its content as AWS Organizations stores it. */
export interface GuardrailPolicy {
  readonly concern: GuardrailConcern;
  readonly name: string;
  readonly description: string;
  readonly content: { Version: string; Statement: Record<string, unknown>[] };
}

/**
 * Exact ARNs of the CDK bootstrap's CloudFormation execution roles, one per account and region, from
 * the template CDK's default synthesizer deploys with
 * (`cdk-<qualifier>-cfn-exec-role-<account>-<region>`, the bootstrap's default qualifier unless given).
 */
export function cdkExecutionRoleArns(opts: {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly qualifier?: string;
  readonly partition?: string;
}): string[] {
  const qualifier = opts.qualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  return opts.accounts.flatMap((account) =>
    opts.regions.map((region) =>
      DefaultStackSynthesizer.DEFAULT_CLOUDFORMATION_ROLE_ARN.replace('${AWS::Partition}', opts.partition ?? 'aws')
        .replace('${Qualifier}', qualifier)
        .replace(/\$\{AWS::AccountId\}/g, account)
        .replace('${AWS::Region}', region),
    ),
  );
}

/**
 * The guardrail policies of a deployment, checked: every value literal (the size is measured on what
 * AWS Organizations will store), every exemption an exact role ARN, every policy within the size limit.
 */
export function guardrailPolicies(props: OrganizationGuardrailsProps): GuardrailPolicy[] {
  checkProps(props);
  const names = deploymentNames(props.deployment);
  const partition = props.partition ?? 'aws';
  const erasers = [...new Set(props.erasureRoleArns)];
  const deployers = [...new Set(props.deployerRoleArns)];
  const cdkExecutionRoles = `arn:${partition}:iam::*:role/cdk-*-cfn-exec-role-*`;
  const exceptFor = (arns: string[]) => ({ ArnNotLike: { 'aws:PrincipalArn': arns } });
  const deploymentKeys = { StringEquals: { [`aws:ResourceTag/${TAG.deployment}`]: props.deployment } };
  const vaults = [names.backupVault, names.drBackupVault].map((v) => `arn:${partition}:backup:*:*:backup-vault:${v}`);
  const trail = `arn:${partition}:cloudtrail:*:*:trail/${names.trail}`;
  const deny = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, actions, resources, conditions });

  const data = [
    // KMS evaluates aws:ResourceTag on every operation on a key
    // (https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html). kms:CreateGrant is
    // left out: a grant can only allow cryptographic operations, never these
    // (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html), and the key policies refuse
    // grants that are not for AWS resources (denyGrantsExceptForAwsResources).
    deny('DenyKeyDestructionExceptErasure', ['kms:ScheduleKeyDeletion', 'kms:DisableKey'], ['*'], {
      ...deploymentKeys,
      ...exceptFor(erasers),
    }),
    deny('DenyKeyPolicyOrRotationChangesExceptDeploys', ['kms:PutKeyPolicy', 'kms:DisableKeyRotation'], ['*'], {
      ...deploymentKeys,
      ...exceptFor(deployers),
    }),
    // Without its deployment tag a key would escape the two statements above. Untagging has no request
    // tag, so the negated condition holds; re-tagging with the same value (a CloudFormation update) passes.
    deny('DenyKeyDeploymentTagChanges', ['kms:TagResource', 'kms:UntagResource'], ['*'], {
      ...deploymentKeys,
      'ForAnyValue:StringEquals': { 'aws:TagKeys': [TAG.deployment] },
      StringNotEquals: { [`aws:RequestTag/${TAG.deployment}`]: props.deployment },
    }),
    // Every recovery point in the OU's accounts: copies and RDS snapshots do not reliably carry the
    // deployment tag, and AWS Backup's own lifecycle expiry is not subject to SCPs.
    deny('DenyRecoveryPointDeletion', ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'], ['*']),
    deny('DenyVaultDeletion', ['backup:DeleteBackupVault', 'backup:DeleteBackupVaultLockConfiguration'], vaults),
    deny(
      'DenyVaultPolicyChangesExceptDeploys',
      ['backup:PutBackupVaultAccessPolicy', 'backup:DeleteBackupVaultAccessPolicy', 'backup:PutBackupVaultLockConfiguration'],
      vaults,
      exceptFor(deployers),
    ),
    // aws:PrincipalArn matches a role by name: an exempt role must not be deleted (and re-created) or
    // re-trusted by anyone but CloudFormation, which creates and updates the erasure role. Every CDK
    // execution role of the OU's accounts is covered by one pattern: a wider resource only denies more.
    deny(
      'DenyExemptRoleTakeover',
      ['iam:DeleteRole', 'iam:UpdateAssumeRolePolicy'],
      [...erasers, cdkExecutionRoles],
      exceptFor(deployers),
    ),
  ];

  const account = [
    deny('DenyTrailStopOrDeletion', ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'], [trail]),
    deny(
      'DenyTrailChangesExceptDeploys',
      ['cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors', 'cloudtrail:PutInsightSelectors'],
      [trail],
      exceptFor(deployers),
    ),
    // Replication is what copies the trail and the evidence into the DR region and the log archive:
    // switched off or redirected, later log files would have no copy out of reach. DeleteBucketReplication
    // is authorized as s3:PutReplicationConfiguration too
    // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketReplication.html). The trail and
    // evidence buckets have names CloudFormation generates from the stack name, which starts with the
    // deployment's name, so the prefix covers them (and every other bucket of the deployment).
    deny(
      'DenyReplicationChangesExceptDeploys',
      ['s3:PutReplicationConfiguration'],
      [`arn:${partition}:s3:::${names.stackPrefix}*`],
      exceptFor(deployers),
    ),
    deny(
      'DenyDetectionShutdown',
      [
        'guardduty:DeleteDetector',
        'guardduty:DisassociateFromAdministratorAccount',
        'guardduty:DisassociateFromMasterAccount',
        'securityhub:DisableSecurityHub',
        'securityhub:DisassociateFromAdministratorAccount',
        'securityhub:DisassociateFromMasterAccount',
        'config:StopConfigurationRecorder',
        'config:DeleteConfigurationRecorder',
        'config:DeleteDeliveryChannel',
        // Inspector and Macie too, which the workload enables itself unless a security-tooling account does
        // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoninspector2.html,
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmacie.html).
        'inspector2:Disable',
        'macie2:DisableMacie',
        'macie2:DisassociateFromAdministratorAccount',
      ],
      ['*'],
    ),
    deny(
      'DenyDetectionChangesExceptDeploys',
      [
        'guardduty:UpdateDetector',
        'guardduty:CreateFilter',
        'guardduty:UpdateFilter',
        'securityhub:BatchDisableStandards',
        'config:PutConfigurationRecorder',
        'config:DeleteConfigRule',
      ],
      ['*'],
      exceptFor(deployers),
    ),
    // Account-level Block Public Access overrides every bucket's own setting (the most restrictive
    // combination applies: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html),
    // so it is the one switch to hold. Denying it also denies turning it on: it must be on before.
    deny('DenyPublicAccessBlockChanges', ['s3:PutAccountPublicAccessBlock'], ['*']),
    deny('DenyLeavingOrganization', ['organizations:LeaveOrganization'], ['*']),
    new iam.PolicyStatement({
      sid: 'DenyOutsideAllowedRegions',
      effect: iam.Effect.DENY,
      notActions: [...GLOBAL_SERVICE_ACTIONS],
      resources: ['*'],
      conditions: { StringNotEquals: { 'aws:RequestedRegion': [...new Set(props.allowedRegions)] } },
    }),
  ];

  const policy = (concern: GuardrailConcern, what: string, statements: iam.PolicyStatement[]): GuardrailPolicy => {
    const document = new iam.PolicyDocument({ statements });
    const errors = document.validateForIdentityPolicy();
    if (errors.length > 0) throw new Error(`guardrail policy ${concern}: ${errors.join('; ')}`);
    const content = document.toJSON() as GuardrailPolicy['content'];
    const name = names.guardrailPolicy(concern);
    const size = JSON.stringify(content).length;
    if (size > MAX_SCP_CHARACTERS) {
      throw new Error(`guardrail policy ${name} is ${size} characters, over the SCP limit of ${MAX_SCP_CHARACTERS}`);
    }
    const description = `${props.deployment} (${props.organizationId}): ${what}`;
    return { concern, name, description, content };
  };
  return [
    policy('data', 'its keys, recovery points and vaults cannot be destroyed or weakened', data),
    policy('account', 'trail, detective services, Block Public Access, membership and regions stay as set', account),
  ];
}

function checkProps(props: OrganizationGuardrailsProps): void {
  const problems: string[] = [];
  const values = [
    props.deployment,
    props.organizationId,
    props.workloadOuId,
    props.partition ?? 'aws',
    ...props.allowedRegions,
    ...props.erasureRoleArns,
    ...props.deployerRoleArns,
  ];
  // A token would be resolved by CloudFormation after the size check: the check would not be of what AWS stores.
  if (values.some((v) => Token.isUnresolved(v))) problems.push('every value must be a literal, not a token');
  if (!ORGANIZATION_ID.test(props.organizationId)) problems.push(`organizationId ${props.organizationId} is not o-...`);
  if (!ORGANIZATIONAL_UNIT_ID.test(props.workloadOuId)) problems.push(`workloadOuId ${props.workloadOuId} is not ou-...-...`);
  if (props.allowedRegions.length === 0) problems.push('allowedRegions is empty: every regional call would be denied');
  for (const r of props.allowedRegions.filter((r) => !REGION_CODE.test(r))) problems.push(`allowedRegions: ${r} is not a region`);
  if (props.erasureRoleArns.length === 0) problems.push('erasureRoleArns is empty: crypto-erasure could never run');
  if (props.deployerRoleArns.length === 0) problems.push('deployerRoleArns is empty: no deploy could change a key policy');
  for (const arn of [...props.erasureRoleArns, ...props.deployerRoleArns].filter((a) => !EXACT_ROLE_ARN.test(a))) {
    problems.push(`${arn} is not the exact ARN of one role (no wildcard, no account root)`);
  }
  if (problems.length > 0) throw new Error(`OrganizationGuardrails: ${problems.join('; ')}`);
}

/**
 * The organization guardrails of one deployment (HIPAA 164.308(a)(1)(ii)(B) risk management,
 * 164.312(b) audit controls, 164.308(a)(7)(ii)(A)-(B) backup and disaster recovery): service control
 * policies attached to the workload OU, so that no principal of the OU's accounts, their
 * administrators and root users included, can destroy the deployment's keys, recovery points or trail,
 * switch off its detective services, open buckets to the public, leave the organization or work in
 * another region. They live in the management account, which SCPs do not restrict.
 */
export class OrganizationGuardrails extends Construct {
  /** The policies by concern (see `guardrailPolicies`). */
  readonly policies: Readonly<Record<GuardrailConcern, organizations.CfnPolicy>>;

  constructor(scope: Construct, id: string, props: OrganizationGuardrailsProps) {
    super(scope, id);
    const documents = guardrailPolicies(props);
    if (documents.length + POLICIES_ALREADY_ON_TARGET > MAX_SCPS_PER_TARGET) {
      throw new Error(`${documents.length} guardrail policies and FullAWSAccess exceed ${MAX_SCPS_PER_TARGET} SCPs per OU`);
    }
    const policies: Partial<Record<GuardrailConcern, organizations.CfnPolicy>> = {};
    for (const p of documents) {
      const id = `${p.concern[0].toUpperCase()}${p.concern.slice(1)}Policy`;
      // Content as an object, not a string: CloudFormation keeps drift detection on it, and the handler
      // serializes it compactly (Translator.convertObjectToString, Jackson's writeValueAsString, in
      // https://github.com/aws-cloudformation/aws-cloudformation-resource-providers-organizations), so the
      // size measured above is what AWS Organizations stores.
      policies[p.concern] = new organizations.CfnPolicy(this, id, {
        name: p.name,
        description: p.description,
        type: 'SERVICE_CONTROL_POLICY',
        targetIds: [props.workloadOuId],
        content: p.content,
      });
    }
    this.policies = policies as Record<GuardrailConcern, organizations.CfnPolicy>;
  }
}
