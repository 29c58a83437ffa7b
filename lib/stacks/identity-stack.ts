import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { AlbSignInClient } from '../constructs/alb-sign-in-client';
import { BreakGlassRole } from '../constructs/break-glass-role';
import { CrmUserPool } from '../constructs/crm-user-pool';
import { pascalCase, RoleMatrix } from '../constructs/role-matrix';
import { pinLogicalId } from '../constructs/logical-ids';

export interface IdentityStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/**
 * Stateful: the Cognito user pool with mandatory MFA, the role matrix, the break-glass role. The pool's
 * user activity is exported by the Audit stack (`UserActivityLog`), into its sign-in log bucket.
 */
export class IdentityStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly userPoolDomain: cognito.UserPoolDomain;
  /** The confidential client of the load balancer's Cognito authentication. */
  readonly albClient: cognito.UserPoolClient;
  readonly resourceServer: cognito.UserPoolResourceServer;
  /** One Cognito group per configured role, by role name. */
  readonly roleGroups: Record<string, cognito.CfnUserPoolGroup>;
  /** Role name to the OAuth scopes it grants; the CRM enforces it (see `RoleMatrix`). */
  readonly roleScopes: Record<string, readonly string[]>;
  readonly breakGlassRole: iam.Role;

  constructor(scope: Construct, id: string, props: IdentityStackProps) {
    super(scope, id, props);
    const { config } = props;
    const identity = config.identity;

    const pool = new CrmUserPool(this, 'Users', {
      userPoolName: `${config.name}-users`,
      domainPrefix: identity.domainPrefix ?? `${config.name}-signin`,
      temporaryPasswordValidity: Duration.days(identity.temporaryPasswordDays),
      signInUrl: `https://${config.domain.name}`,
    });
    this.userPool = pool.userPool;
    this.userPoolDomain = pool.domain;

    const roles = new RoleMatrix(this, 'Roles', { userPool: this.userPool, roles: identity.roles });
    this.resourceServer = roles.resourceServer;
    this.roleGroups = roles.groups;
    this.roleScopes = roles.matrix;

    const client = new AlbSignInClient(this, 'AlbClient', {
      userPool: this.userPool,
      domainName: config.domain.name,
      scopes: roles.oauthScopes(),
      accessTokenValidity: Duration.minutes(identity.accessTokenMinutes),
      idTokenValidity: Duration.minutes(identity.idTokenMinutes),
      refreshTokenValidity: Duration.hours(identity.refreshTokenHours),
    });
    this.albClient = client.client;

    this.breakGlassRole = new BreakGlassRole(this, 'BreakGlass', {
      roleName: `${config.name}-break-glass`,
      userPool: this.userPool,
    }).role;

    pinLogicalId(this.userPool, 'UserPool');
    pinLogicalId(this.userPoolDomain, 'UserPoolDomain');
    pinLogicalId(pool.riskConfiguration, 'UserPoolRiskConfiguration');
    pinLogicalId(this.resourceServer, 'CrmResourceServer');
    pinLogicalId(this.albClient, 'AlbClient');
    pinLogicalId(client.branding, 'AlbClientBranding');
    pinLogicalId(this.breakGlassRole, 'BreakGlassRole');
    const groupIds = new Map<string, string>();
    for (const [name, group] of Object.entries(this.roleGroups)) {
      const logicalId = roleGroupLogicalId(name);
      const clash = groupIds.get(logicalId);
      if (clash) throw new Error(`roles "${clash}" and "${name}" would share the logical ID ${logicalId}; rename one`);
      groupIds.set(logicalId, name);
      pinLogicalId(group, logicalId);
    }
  }
}

/** Pinned logical ID of a role's group: `RoleGroup<PascalCaseName>`, e.g. `RoleGroupFrontDesk`. */
export function roleGroupLogicalId(roleName: string): string {
  return `RoleGroup${pascalCase(roleName)}`;
}
