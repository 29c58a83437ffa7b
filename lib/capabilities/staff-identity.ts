import { Duration } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import type { RoleConfig } from '../config/schema-identity';
import { AlbSignInClient } from '../constructs/alb-sign-in-client';
import { BreakGlassRole } from '../constructs/break-glass-role';
import { CrmUserPool } from '../constructs/crm-user-pool';
import { pinLogicalId } from '../constructs/logical-ids';
import { pascalCase, RoleMatrix } from '../constructs/role-matrix';
import { deploymentNames, LOGICAL_IDS } from '../vocabulary';

/** Pinned logical ID of a role's group: `RoleGroup<PascalCaseName>`, e.g. `RoleGroupFrontDesk`. */
export function roleGroupLogicalId(roleName: string): string {
  return `RoleGroup${pascalCase(roleName)}`;
}

/** The config-derived part of `StaffIdentityProps`: `StaffIdentity` receives no other resource. */
export interface StaffIdentitySettings {
  /** Deployment name: user pool, sign-in domain and break-glass role names. */
  readonly deployment: string;
  /** The CRM's domain name: sign-in callbacks and the invitation link. */
  readonly domainName: string;
  /** Prefix of the Cognito sign-in domain. @default `<deployment>-signin` */
  readonly domainPrefix?: string;
  /** How long an invitation's temporary password stays valid. */
  readonly temporaryPasswordValidity: Duration;
  /** Job roles: one Cognito group each, with the OAuth scopes the role grants. */
  readonly roles: readonly RoleConfig[];
  readonly accessTokenValidity: Duration;
  readonly idTokenValidity: Duration;
  readonly refreshTokenValidity: Duration;
}

/** Translates the config into the settings of `StaffIdentity`. */
export function staffIdentitySettings(config: DeploymentConfig): StaffIdentitySettings {
  const identity = config.identity;
  return {
    deployment: config.name,
    domainName: config.domain.name,
    domainPrefix: identity.domainPrefix,
    temporaryPasswordValidity: Duration.days(identity.temporaryPasswordDays),
    roles: identity.roles,
    accessTokenValidity: Duration.minutes(identity.accessTokenMinutes),
    idTokenValidity: Duration.minutes(identity.idTokenMinutes),
    refreshTokenValidity: Duration.hours(identity.refreshTokenHours),
  };
}

export type StaffIdentityProps = StaffIdentitySettings;

/**
 * Who may sign in to the CRM, and as what (HIPAA 164.312(a)(1), (d)): the Cognito user pool with
 * mandatory MFA and its sign-in domain, the role matrix (one group per job role, OAuth scopes per role),
 * the load balancer's confidential client, and the break-glass role for emergency access.
 */
export class StaffIdentity extends Construct {
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

  constructor(scope: Construct, id: string, props: StaffIdentityProps) {
    super(scope, id);
    const names = deploymentNames(props.deployment);

    const pool = new CrmUserPool(this, 'Users', {
      userPoolName: names.userPool,
      domainPrefix: props.domainPrefix ?? names.signInDomainPrefix,
      temporaryPasswordValidity: props.temporaryPasswordValidity,
      signInUrl: `https://${props.domainName}`,
    });
    this.userPool = pool.userPool;
    this.userPoolDomain = pool.domain;

    const roles = new RoleMatrix(this, 'Roles', { userPool: this.userPool, roles: props.roles });
    this.resourceServer = roles.resourceServer;
    this.roleGroups = roles.groups;
    this.roleScopes = roles.matrix;

    const client = new AlbSignInClient(this, 'AlbClient', {
      userPool: this.userPool,
      domainName: props.domainName,
      scopes: roles.oauthScopes(),
      accessTokenValidity: props.accessTokenValidity,
      idTokenValidity: props.idTokenValidity,
      refreshTokenValidity: props.refreshTokenValidity,
    });
    this.albClient = client.client;

    this.breakGlassRole = new BreakGlassRole(this, 'BreakGlass', {
      roleName: names.breakGlassRole,
      userPool: this.userPool,
    }).role;

    const ids = LOGICAL_IDS.identity;
    pinLogicalId(this.userPool, ids.userPool);
    pinLogicalId(this.userPoolDomain, ids.userPoolDomain);
    pinLogicalId(pool.riskConfiguration, ids.userPoolRiskConfiguration);
    pinLogicalId(this.resourceServer, ids.resourceServer);
    pinLogicalId(this.albClient, ids.albClient);
    pinLogicalId(client.branding, ids.albClientBranding);
    pinLogicalId(this.breakGlassRole, ids.breakGlassRole);
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
