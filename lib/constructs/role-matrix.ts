import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { CRM_SCOPES, type CrmScope, type RoleConfig } from '../config/schema-identity';

export interface RoleMatrixProps {
  /** The user pool that gets the resource server and one group per role. */
  readonly userPool: cognito.IUserPool;
  /** The job functions, in precedence order (the first wins when a user is in several groups). */
  readonly roles: readonly RoleConfig[];
  /**
   * Identifier of the CRM's OAuth resource server; scopes are named `<identifier>/<scope>`.
   * @default 'crm'
   */
  readonly identifier?: string;
}

/**
 * The role matrix (HIPAA 164.308(a)(4) access management, "minimum necessary"): an OAuth resource
 * server with one scope per CRM capability (`CRM_SCOPES`) and one Cognito group per job function,
 * whose description lists the scopes the role grants.
 *
 * Cognito groups do not restrict OAuth scopes by themselves: an access token carries every scope the
 * app client requested and allows, whatever the user's groups. The chosen enforcement point is the
 * CRM: it reads `cognito:groups` from the ID token (forwarded by the load balancer in
 * `x-amzn-oidc-data`) and grants the union of `scopesOf(group)`; `matrix` is the mapping to hand to
 * it (for example as a container environment variable). A pre-token-generation Lambda that drops
 * scopes per group would move that check into Cognito; it is not built yet.
 */
export class RoleMatrix extends Construct {
  readonly resourceServer: cognito.UserPoolResourceServer;
  /** The Cognito group of each role, by role name. */
  readonly groups: Record<string, cognito.CfnUserPoolGroup>;
  /** Role name to the full OAuth scope names (`crm/patients.read`, ...) it grants. */
  readonly matrix: Record<string, readonly string[]>;
  private readonly scopes: Record<CrmScope, cognito.ResourceServerScope>;

  constructor(scope: Construct, id: string, props: RoleMatrixProps) {
    super(scope, id);
    if (props.roles.length === 0) throw new Error('RoleMatrix: at least one role is required');
    const identifier = props.identifier ?? 'crm';

    this.scopes = Object.fromEntries(
      CRM_SCOPES.map((s) => [s, new cognito.ResourceServerScope({ scopeName: s, scopeDescription: `CRM ${s}` })]),
    ) as Record<CrmScope, cognito.ResourceServerScope>;
    this.resourceServer = new cognito.UserPoolResourceServer(this, 'ResourceServer', {
      userPool: props.userPool,
      identifier,
      userPoolResourceServerName: 'CRM',
      scopes: Object.values(this.scopes),
    });

    this.groups = {};
    const matrix: Record<string, readonly string[]> = {};
    props.roles.forEach((role, precedence) => {
      if (this.groups[role.name]) throw new Error(`RoleMatrix: role "${role.name}" is listed twice`);
      const scopes = [...new Set(role.scopes)].map((s) => `${identifier}/${s}`);
      matrix[role.name] = scopes;
      this.groups[role.name] = new cognito.CfnUserPoolGroup(this, `Group-${role.name}`, {
        userPoolId: props.userPool.userPoolId,
        groupName: role.name,
        // The CRM and the access review read the grant from here, so it is in words and in scope names.
        description: `${role.description}. Grants: ${scopes.join(' ')}`,
        precedence,
      });
    });
    this.matrix = matrix;
  }

  /** Every CRM scope as an OAuth scope, for the app clients that act for users of any role. */
  oauthScopes(): cognito.OAuthScope[] {
    return CRM_SCOPES.map((s) => cognito.OAuthScope.resourceServer(this.resourceServer, this.scopes[s]));
  }

  /** The full scope names a role grants. */
  scopesOf(roleName: string): readonly string[] {
    const scopes = this.matrix[roleName];
    if (!scopes) throw new Error(`RoleMatrix: no role "${roleName}"`);
    return scopes;
  }
}

/** `front-desk` -> `FrontDesk`: the role part of a group's pinned logical ID. */
export function pascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
