import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as organizations from 'aws-cdk-lib/aws-organizations';
import type { Construct } from 'constructs';
import {
  OrganizationGuardrails,
  type GuardrailConcern,
  type OrganizationGuardrailsProps,
} from '../constructs/organization-guardrails';

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
