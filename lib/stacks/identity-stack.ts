import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { StaffIdentity, staffIdentitySettings } from '../capabilities/staff-identity';
import type { DeploymentConfig } from '../config/schema';

export interface IdentityStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/**
 * Stateful: the user pool with mandatory MFA, the role matrix and the break-glass role (see
 * `StaffIdentity`). The pool's user activity is exported by the Audit stack into its sign-in log bucket.
 */
export class IdentityStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly userPoolDomain: cognito.UserPoolDomain;
  /** The confidential client of the load balancer's Cognito authentication. */
  readonly albClient: cognito.UserPoolClient;
  readonly resourceServer: cognito.UserPoolResourceServer;
  /** One Cognito group per configured role, by role name. */
  readonly roleGroups: Record<string, cognito.CfnUserPoolGroup>;
  /** Role name to the OAuth scopes it grants; the CRM enforces it. */
  readonly roleScopes: Record<string, readonly string[]>;
  readonly breakGlassRole: iam.Role;

  constructor(scope: Construct, id: string, props: IdentityStackProps) {
    super(scope, id, props);
    // 'Default' keeps the logical IDs the resources had when they were created in the stack itself.
    const identity = new StaffIdentity(this, 'Default', staffIdentitySettings(props.config));
    this.userPool = identity.userPool;
    this.userPoolDomain = identity.userPoolDomain;
    this.albClient = identity.albClient;
    this.resourceServer = identity.resourceServer;
    this.roleGroups = identity.roleGroups;
    this.roleScopes = identity.roleScopes;
    this.breakGlassRole = identity.breakGlassRole;
  }
}
