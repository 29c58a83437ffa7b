import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as organizations from 'aws-cdk-lib/aws-organizations';
import type { Construct } from 'constructs';
import type { OrganizationSettings } from '../config/organization';
import { deploymentNames } from '../vocabulary';
import {
  cdkExecutionRoleArns,
  OrganizationGuardrails,
  type GuardrailConcern,
  type OrganizationGuardrailsProps,
} from '../constructs/organization-guardrails';

/**
 * The guardrails of `organization`'s deployment: the workload's regions and the backup regions are the
 * allowed ones; the crypto-erasure role is the one that may destroy keys; the CDK execution roles of
 * every account of the deployment keep deploying settings changes.
 */
export function guardrailsOf(deployment: string, organization: OrganizationSettings): OrganizationGuardrailsProps {
  const allowedRegions = [...new Set([organization.primaryRegion, organization.drRegion, ...organization.backupRegions])];
  const accounts = [organization.workloadAccount, organization.logArchiveAccount, organization.backupAccount];
  const names = deploymentNames(deployment);
  return {
    deployment,
    organizationId: organization.organizationId,
    workloadOuId: organization.workloadOuId,
    allowedRegions,
    // The workload's erasure role, and the backup account's, which erases the air-gapped vault's key (it
    // matters when the backup account is in the OU too: its key carries the deployment tag).
    erasureRoleArns: [
      `arn:aws:iam::${organization.workloadAccount}:role/${names.cryptoErasureRole}`,
      `arn:aws:iam::${organization.backupAccount}:role/${names.airGappedKeyErasureRole}`,
    ],
    deployerRoleArns: cdkExecutionRoleArns({ accounts, regions: allowedRegions }),
  };
}

export interface GuardrailsStackProps extends StackProps {
  /** What the guardrails protect and whom they exempt (see `OrganizationGuardrailsProps`). */
  readonly guardrails: OrganizationGuardrailsProps;
}

/**
 * Management account, any one region (AWS Organizations is global): the service control policies of
 * one deployment, attached to its workload OU (see `OrganizationGuardrails`). Only the management
 * account (or a delegated administrator of SCPs) can create them, and SCPs never restrict the
 * management account itself: no workload runs there. Deployed after the workload's stacks, so that
 * their first deploy meets no guardrail; every later deploy goes through the exempt execution roles.
 */
export class GuardrailsStack extends Stack {
  readonly policies: Readonly<Record<GuardrailConcern, organizations.CfnPolicy>>;

  constructor(scope: Construct, id: string, props: GuardrailsStackProps) {
    super(scope, id, props);
    // 'Default' keeps the policies' logical IDs short and stable ('DataPolicy', 'AccountPolicy').
    this.policies = new OrganizationGuardrails(this, 'Default', props.guardrails).policies;
  }
}
