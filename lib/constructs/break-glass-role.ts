import { Duration, type CfnResource } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';

export interface BreakGlassRoleProps {
  /** Fixed role name, so that alarms on its use (CloudTrail AssumeRole events) can match it. */
  readonly roleName: string;
  /** The user pool whose accounts the role may restore. */
  readonly userPool: cognito.IUserPool;
  /**
   * Longest a valid MFA sign-in may be before assuming the role (at most 1 hour).
   * @default Duration.hours(1)
   */
  readonly maxMfaAge?: Duration;
}

/**
 * Cognito actions that restore staff access to the CRM in an emergency: find the user, re-enable
 * or create the account, reset the password (the code goes to the user's verified e-mail), reset a
 * lost authenticator (the user enrols a new one at the next sign-in, MFA stays REQUIRED), fix group
 * membership, end sessions. Deliberately absent: AdminSetUserPassword (would let the operator know a
 * user's password) and every pool-configuration change.
 */
export const RESTORE_ACCESS_ACTIONS = [
  'cognito-idp:AdminGetUser',
  'cognito-idp:ListUsers',
  'cognito-idp:ListUsersInGroup',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:AdminListUserAuthEvents',
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminResetUserPassword',
  'cognito-idp:AdminSetUserMFAPreference',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminUserGlobalSignOut',
] as const;

/** Direct reads of PHI (and of the database credentials) that the role may never make. */
export const DENIED_PHI_ACTIONS = [
  'kms:Decrypt',
  'secretsmanager:GetSecretValue',
  'rds-db:connect',
  's3:GetObject',
  's3:GetObjectVersion',
] as const;

/**
 * The emergency-access role (HIPAA 164.312(a)(2)(ii) emergency access procedure,
 * 164.308(a)(4)(ii)(B) access authorization). When staff cannot reach the CRM because of its
 * identity layer (administrators locked out, lost authenticators, a mistaken group change), a person
 * of this account with a recent MFA sign-in assumes it for at most one hour to diagnose and restore
 * their access; the CRM then serves the ePHI with its own access control and audit log.
 *
 * - Trust: principals of this account only (an IAM policy must also allow them sts:AssumeRole on
 *   it), with MFA present and at most `maxMfaAge` old. Intended for a dedicated IAM user with a
 *   hardware MFA device kept under dual control: IAM Identity Center and other federated sessions
 *   do not carry `aws:MultiFactorAuthPresent` and cannot assume it.
 * - Permissions: the AWS managed ReadOnlyAccess policy, to diagnose anything; the
 *   `RESTORE_ACCESS_ACTIONS` on this user pool only; and an explicit deny of direct PHI reads
 *   (`DENIED_PHI_ACTIONS`), so access to patient data always goes through the audited CRM.
 *   Infrastructure faults are not its job: the database fails over and ECS replaces tasks on their
 *   own, and changes ship through the deployment pipeline.
 * - The fixed name lets the Audit stack alarm on every AssumeRole of it.
 */
export class BreakGlassRole extends Construct {
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: BreakGlassRoleProps) {
    super(scope, id);
    const maxMfaAge = props.maxMfaAge ?? Duration.hours(1);
    if (maxMfaAge.toSeconds() > 3600) throw new Error('BreakGlassRole: maxMfaAge must be at most 1 hour');

    this.role = new iam.Role(this, 'Resource', {
      roleName: props.roleName,
      description: 'Break-glass: restores staff access to the CRM in an emergency. Every use raises an alarm.',
      assumedBy: new iam.AccountRootPrincipal().withConditions({
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        NumericLessThan: { 'aws:MultiFactorAuthAge': String(maxMfaAge.toSeconds()) },
      }),
      maxSessionDuration: Duration.hours(1),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
    });

    // A customer-managed policy rather than the role's inline default policy (IAMNoInlinePolicy).
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Break-glass: restore staff accounts in the CRM user pool; never read PHI directly',
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'RestoreStaffAccess',
          actions: [...RESTORE_ACCESS_ACTIONS],
          resources: [props.userPool.userPoolArn],
        }),
        new iam.PolicyStatement({
          sid: 'NeverReadPhiDirectly',
          effect: iam.Effect.DENY,
          actions: [...DENIED_PHI_ACTIONS],
          resources: ['*'],
        }),
      ],
    });

    acknowledge(this.role.node.defaultChild as CfnResource, {
      ruleId: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess]',
      control: '164.312(a)(2)(ii)',
      reason:
        'Emergency access procedure (also 164.308(a)(4)(ii)(B)): in an emergency the operator must be able to diagnose ' +
        'any service of the deployment, and AWS keeps ReadOnlyAccess current as services change, which a hand-written ' +
        'list would not. It grants no write and no PHI: an explicit deny in the role blocks kms:Decrypt, secret values, ' +
        'database connections and S3 object reads. Only MFA-authenticated principals of this account can assume the ' +
        'role, for at most one hour, and every use raises an alarm.',
    });
  }
}
