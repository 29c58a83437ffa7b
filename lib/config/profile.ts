/**
 * The deployment profiles, and the ONE place where the sandbox profile relaxes controls.
 *
 * `production` (the default) keeps every control as documented. `sandbox` is for evaluating the project
 * in an account that is thrown away afterwards: `cdk deploy --all` then `cdk destroy --all` must leave
 * nothing behind and nothing billable, which the retention controls (Object Lock, Vault Lock, retained
 * keys, logs and databases, deletion and termination protection) make impossible by design. The schema
 * refuses `sandbox` together with `holdsPhi: true` (profile-gate.ts), and every capability reads the
 * relaxation from `sandboxRelaxations(config)` in its `xxxSettings(config)`: there is no other switch.
 */
import type { DeploymentConfig } from './schema';
import { profileIssues, type DeploymentProfile } from './profile-gate';

export { DEPLOYMENT_PROFILES, type DeploymentProfile } from './profile-gate';

/** One control that the sandbox profile relaxes: what production does, the HIPAA rule, what the sandbox does. */
export interface RelaxedControl {
  /** Identifier for stack descriptions (which CDK limits to 512 characters), e.g. `object-lock-retention`. */
  readonly id: string;
  /** Short name, e.g. `S3 Object Lock default retention`. */
  readonly control: string;
  /** The HIPAA Security Rule citation the control serves. */
  readonly hipaa: `164.${string}`;
  /** What the production profile does. */
  readonly production: string;
  /** What the sandbox does instead, and why a no-PHI evaluation may. */
  readonly sandbox: string;
}

/** Something that outlives `cdk destroy --all` of a sandbox because AWS allows nothing shorter. */
export interface Remainder {
  /** What remains. */
  readonly what: string;
  /** Until when, and whether it is billed meanwhile (with the AWS page that says so). */
  readonly until: string;
}

/** Every control the sandbox profile relaxes, in the order the report and the synth output list them. */
export const SANDBOX_RELAXED_CONTROLS: readonly RelaxedControl[] = [
  {
    id: 'object-lock-retention',
    control: 'S3 Object Lock default retention',
    hipaa: '164.312(c)(1)',
    production:
      'every version in the PHI documents, evidence and trail buckets and their DR replicas is write-once for its retention (COMPLIANCE mode; GOVERNANCE only for the documents of a deployment without PHI)',
    sandbox:
      'Object Lock stays enabled but without a default retention, so nothing is locked and CDK can empty the buckets (a locked version could never be deleted; GOVERNANCE needs a bypass header that CDK does not send)',
  },
  {
    id: 'delete-deny-policies',
    control: 'Deny deleting access logs and delivered audit records',
    hipaa: '164.312(b)',
    production:
      'bucket policies deny s3:DeleteObject to every principal on the access-log, Config history and sign-in log buckets',
    sandbox: 'those deny statements are left out so that the buckets can be emptied on destroy',
  },
  {
    id: 'bucket-retention',
    control: 'Buckets retained on stack deletion',
    hipaa: '164.316(b)(2)(i)',
    production: 'every bucket is retained, with its objects, when its stack is deleted',
    sandbox: "every bucket is emptied (CDK's autoDeleteObjects) and deleted with its stack",
  },
  {
    id: 'vault-lock',
    control: 'AWS Backup Vault Lock and vault access policy',
    hipaa: '164.308(a)(7)(ii)(A)',
    production: 'both vaults are locked and deny deleting recovery points to every principal',
    sandbox:
      'no Vault Lock and no deny policy: recovery points can be deleted, so each vault is emptied by its emptier custom resource and deleted with its stack',
  },
  {
    id: 'resource-retention',
    control: 'Stateful resources retained on stack deletion',
    hipaa: '164.316(b)(2)(i)',
    production:
      'keys, log groups, the database, its secret, the user pool, the vaults and the web ACL log are retained (DeletionPolicy RetainExceptOnCreate)',
    sandbox:
      'DeletionPolicy Delete on every resource: log groups, the database (no final snapshot, automated backups deleted) and the user pool are deleted, keys are scheduled for deletion after keys.pendingWindowDays',
  },
  {
    id: 'deletion-protection',
    control: 'Deletion protection',
    hipaa: '164.308(a)(7)(ii)(B)',
    production: 'the database, the user pool and the load balancer refuse deletion',
    sandbox: 'the database, the user pool and the load balancer have no deletion protection',
  },
  {
    id: 'termination-protection',
    control: 'Stack termination protection',
    hipaa: '164.308(a)(7)(ii)(B)',
    production: 'every stateful stack is termination-protected',
    sandbox: 'no stack is termination-protected, so `cdk destroy --all` can delete them',
  },
];

/** What a destroyed sandbox leaves behind, and until when (the teardown output and the runbook print it). */
export function sandboxRemainders(config: Pick<DeploymentConfig, 'keys'>): Remainder[] {
  const days = config.keys.pendingWindowDays;
  return [
    {
      what: 'the KMS keys (phi, audit, backup, certificate-signing; phi-dr, audit-dr, backup-dr), pending deletion',
      until: `${days} days after \`cdk destroy\` (keys.pendingWindowDays; KMS allows 7-30). Keys pending deletion are not billed (https://aws.amazon.com/kms/pricing/)`,
    },
    {
      what: "the DNS validation record of the load balancer's certificate in your hosted zone, which CloudFormation may leave",
      until: 'you delete it (a record is not billed on its own; the hosted zone is yours and was there before)',
    },
    {
      what: 'the database secret, if Secrets Manager schedules it for deletion',
      until:
        'its recovery window (at least 7 days). Secrets marked for deletion are not billed (https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_delete-secret.html)',
    },
  ];
}

/** How a deployment's profile relaxes controls: read only through `sandboxRelaxations`. */
export interface ProfileRelaxations {
  readonly profile: DeploymentProfile;
  /**
   * True in the sandbox: every resource is deleted with its stack (buckets emptied first), no Object Lock
   * default retention, no Vault Lock, no deletion or termination protection.
   */
  readonly disposable: boolean;
  /** The controls relaxed (empty in production). */
  readonly relaxed: readonly RelaxedControl[];
}

const PRODUCTION: ProfileRelaxations = { profile: 'production', disposable: false, relaxed: [] };

/**
 * The relaxations of `config`'s profile: none in production. Fails closed even for a config that did
 * not come through the schema: a sandbox that holds PHI throws.
 */
export function sandboxRelaxations(config: Pick<DeploymentConfig, 'profile' | 'holdsPhi'>): ProfileRelaxations {
  if (config.profile !== 'sandbox') return PRODUCTION;
  const refused = profileIssues(config);
  if (refused.length) throw new Error(refused.map((i) => i.message).join('\n'));
  return { profile: 'sandbox', disposable: true, relaxed: SANDBOX_RELAXED_CONTROLS };
}

/** One line per relaxed control, for the synth output and the stack descriptions' reference. */
export function describeRelaxations(relaxations: ProfileRelaxations): string[] {
  return relaxations.relaxed.map((r) => `${r.control} (HIPAA ${r.hipaa}): ${r.sandbox}`);
}
