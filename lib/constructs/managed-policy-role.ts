import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export interface ManagedPolicyRoleProps extends iam.RoleProps {
  /** What the role's customer-managed policy allows, for its description. */
  readonly policyDescription: string;
}

/**
 * An IAM role whose every grant, CDK's automatic ones included (image pulls, log streams, ...),
 * lands in one customer-managed policy instead of the role's inline default policy
 * (HIPAA.Security / NIST IAMNoInlinePolicy): a managed policy is versioned and can be reviewed on
 * its own. The policy is created with the first grant (an empty managed policy is invalid).
 */
export class ManagedPolicyRole extends iam.Role {
  private readonly policyDescription: string;
  private managedPolicy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ManagedPolicyRoleProps) {
    const { policyDescription, ...roleProps } = props;
    super(scope, id, roleProps);
    this.policyDescription = policyDescription;
  }

  /** The role's customer-managed policy (created on first use). */
  get policy(): iam.ManagedPolicy {
    this.managedPolicy ??= new iam.ManagedPolicy(this, 'Policy', { description: this.policyDescription, roles: [this] });
    return this.managedPolicy;
  }

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}
