/**
 * Config of the accounts-apart layout (issue 14): the optional `organization` block. Absent (the
 * default), the deployment is one account as before and nothing of this file changes it. Set, the
 * audit trail's archive, the air-gapped backup copies and the guardrails live in accounts the workload
 * account cannot touch (the multi-account layout of the AWS Security Reference Architecture), and the
 * crypto-erasure needs a second person's approval.
 *
 * The rules across fields (`organizationIssues`) read the whole config (the workload account, the
 * deployment name, the detection toggles), so the root schema runs them; they take the raw input and run
 * even when other fields failed (see cross-field.ts).
 */
import { z } from 'zod';
import { deploymentNames } from '../vocabulary';
import { isRecord, itemsOf, stringAt, valueAt, type ConfigIssue } from './cross-field';

/** An AWS region code such as `us-east-1` or `us-gov-west-1`. */
export const REGION_CODE = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** Organization IDs: https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html (Id). */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** OU IDs: https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html (Id). */
export const ORGANIZATIONAL_UNIT_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
/** IAM role names: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName). */
export const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/**
 * AWS Backup's floor for a logically air-gapped vault's minimum retention: "The minimum value allowed is
 * `7` days" (https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html#lag-create).
 */
export const AIR_GAPPED_MIN_RETENTION_DAYS = 7;
/** How long an erasure request may wait for its second person, in hours. */
export const ERASURE_REQUEST_EXPIRY_HOURS = { min: 1, max: 72, default: 24 } as const;

const ACCOUNT_ID = /^\d{12}$/;
const accountId = z.string().regex(ACCOUNT_ID, 'must be a 12-digit AWS account ID');

export const organizationSchema = z
  .object({
    organizationId: z
      .string()
      .regex(
        ORGANIZATION_ID,
        'must be an AWS Organizations ID such as "o-a1b2c3d4e5" ("o-" and 10 to 32 lowercase letters or digits)',
      )
      .describe(
        'ID of the AWS organization the accounts belong to. Every cross-account grant is scoped to it (aws:PrincipalOrgID) as well as to exact role ARNs.',
      ),
    managementAccount: accountId.describe(
      "The organization's management account: the guardrails stack (service control policies) deploys there. Run no workload in it: SCPs do not apply to the management account.",
    ),
    workloadOuId: z
      .string()
      .regex(
        ORGANIZATIONAL_UNIT_ID,
        'must be an organizational unit ID such as "ou-ab12-cd34ef56" ("ou-", the root part, a dash, the OU part)',
      )
      .describe('The organizational unit that holds the workload account: the service control policies attach to it.'),
    logArchive: z
      .object({
        account: accountId.describe(
          'Account that keeps the write-once (COMPLIANCE-locked) copies of the CloudTrail logs and the evidence, under a key it owns.',
        ),
      })
      .strict()
      .describe('The log-archive account: the workload account can write copies into it but cannot read or delete them.'),
    backup: z
      .object({
        account: accountId.describe(
          'Account that holds the logically air-gapped backup vault(s) every scheduled recovery point is copied to, under a key it owns.',
        ),
        regions: z
          .array(z.string().regex(REGION_CODE, 'must be an AWS region code such as "us-west-2"'))
          .min(1, 'needs at least one region: where the air-gapped vault is')
          .describe(
            "Regions of the air-gapped vaults in the backup account, one vault each. The primary region (regions.primary) gets its copy restore-tested every week (a restore runs in the vault's region, where the restore targets are); the DR region (regions.dr) keeps the copy off-site too. The example lists both.",
          ),
      })
      .strict()
      .describe('The backup account: air-gapped copies of the backups that the workload account cannot delete.'),
    securityTooling: z
      .object({
        account: accountId.describe('Account that is the delegated administrator of GuardDuty, Security Hub and AWS Config.'),
      })
      .strict()
      .optional()
      .describe(
        'Optional: the security-tooling account that runs GuardDuty, Security Hub, AWS Config, Amazon Inspector and Amazon Macie for the whole organization. When set, this deployment defers to it: detection.guardDuty, detection.securityHub, detection.config, detection.inspector and detection.macie must be false.',
      ),
    erasureApproval: z
      .object({
        approverRoleName: z
          .string()
          .regex(IAM_ROLE_NAME, 'must be an IAM role name: 1 to 64 letters, digits or _+=,.@-')
          .optional()
          .describe(
            'IAM role (in the workload account) whose holder approves a crypto-erasure request: a second person, never the requester. Must differ from the break-glass and crypto-erasure roles. Default: `<name>-erasure-approver`, after the deployment name.',
          ),
        requestExpiryHours: z
          .number()
          .int('must be a whole number of hours')
          .min(ERASURE_REQUEST_EXPIRY_HOURS.min, `must be at least ${ERASURE_REQUEST_EXPIRY_HOURS.min} hour`)
          .max(ERASURE_REQUEST_EXPIRY_HOURS.max, `must be at most ${ERASURE_REQUEST_EXPIRY_HOURS.max} hours`)
          .default(ERASURE_REQUEST_EXPIRY_HOURS.default)
          .describe('Hours an erasure request waits for its approval; after that it expires and destroys nothing (1-72).'),
      })
      .strict()
      .prefault({})
      .describe(
        'The two-person rule for crypto-erasure: one person requests, another with the approver role approves the same plan.',
      ),
  })
  .strict()
  .optional()
  .describe(
    'Optional: put the audit archive, the backup copies and the guardrails in accounts the workload account cannot touch (AWS Security Reference Architecture). Omit it for a single-account deployment, the default, which stays unchanged.',
  );

export type OrganizationConfig = z.output<typeof organizationSchema>;

/**
 * Regions without Lambda function URLs, through which the two-person rule's request and approval pass
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-urls.html, note at the top of the page).
 */
export const REGIONS_WITHOUT_FUNCTION_URLS = [
  'ap-south-2',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ap-east-2',
  'ca-west-1',
  'eu-south-2',
  'eu-central-2',
  'il-central-1',
  'me-central-1',
] as const;

/** The detection toggles the security-tooling account's delegated administrator takes over. */
const DEFERRED_DETECTION = [
  ['guardDuty', 'GuardDuty'],
  ['securityHub', 'Security Hub'],
  ['config', 'AWS Config'],
  // Inspector and Macie too: their delegated administrator enables member accounts, and a member's own
  // Macie session or Inspector activation would fail or fight it.
  ['inspector', 'Amazon Inspector'],
  ['macie', 'Amazon Macie'],
] as const;

/**
 * The rules of the `organization` block, on the whole raw config (paths from its root): the workload
 * account is pinned; every account has its own part; the backup regions are listed once; the detection
 * toggles defer to a security-tooling account; the approver role is none of the deployment's own roles.
 * Finds nothing when `organization` is absent or not an object (its own type error says so).
 */
export function organizationIssues(config: unknown): ConfigIssue[] {
  const organization = valueAt(config, 'organization');
  if (!isRecord(organization)) return [];
  const issues: ConfigIssue[] = [];

  if (valueAt(config, 'account') === undefined) {
    issues.push({
      path: ['account'],
      message:
        'is required when organization is set: the log-archive, backup and guardrails accounts grant access to this workload account by its ID',
    });
  }

  // Each part in its own account: the point of the layout is that the workload account cannot touch the others.
  const accounts: [string, (string | number)[]][] = [
    ['the workload account (account)', ['account']],
    ['organization.managementAccount', ['organization', 'managementAccount']],
    ['organization.logArchive.account', ['organization', 'logArchive', 'account']],
    ['organization.backup.account', ['organization', 'backup', 'account']],
    ['organization.securityTooling.account', ['organization', 'securityTooling', 'account']],
  ];
  // A malformed ID is reported by its own field check, not again here.
  const idAt = (path: (string | number)[]) => {
    const id = stringAt(config, ...path);
    return id !== undefined && ACCOUNT_ID.test(id) ? id : undefined;
  };
  accounts.forEach(([, path], i) => {
    const id = idAt(path);
    if (id === undefined) return;
    const first = accounts.slice(0, i).find(([, earlier]) => idAt(earlier) === id);
    if (first) {
      issues.push({
        path,
        message: `is the same account as ${first[0]} (${id}): each part needs its own account, or the workload account could reach what it must not touch`,
      });
    }
  });

  const regions = itemsOf(valueAt(organization, 'backup', 'regions'));
  regions.forEach((region, i) => {
    if (typeof region === 'string' && regions.indexOf(region) < i) {
      issues.push({ path: ['organization', 'backup', 'regions', i], message: `lists ${region} twice: one vault per region` });
    }
  });

  // The air-gapped vaults take the workload vaults' Vault Lock bounds (create-only), so the daily and
  // monthly copies always fit them; AWS Backup refuses a minimum under 7 days for this vault type.
  const minRetention = valueAt(config, 'backup', 'vaultLock', 'minRetentionDays');
  if (typeof minRetention === 'number' && minRetention < AIR_GAPPED_MIN_RETENTION_DAYS) {
    issues.push({
      path: ['backup', 'vaultLock', 'minRetentionDays'],
      message: `must be at least ${AIR_GAPPED_MIN_RETENTION_DAYS} when organization is set: the backup account's logically air-gapped vaults take this minimum, and AWS Backup refuses less for them`,
    });
  }
  // One cross-account copy, the governed one: its vault, key and trust are built and checked here.
  if (valueAt(config, 'backup', 'additionalCopyVaultArn') !== undefined) {
    issues.push({
      path: ['backup', 'additionalCopyVaultArn'],
      message:
        "must not be set when organization is set: every scheduled recovery point is already copied into the backup account's air-gapped vault (organization.backup); a further vault would sit outside the scoped trust, the key erasure and the audit of the copy",
    });
  }

  // A delegated administrator enables these services in every member account. A second GuardDuty detector
  // in an account fails ("a detector already exists for the current account",
  // https://github.com/hashicorp/terraform-provider-aws/issues/11780); an account and region has one
  // customer-managed Config recorder (https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder);
  // under Security Hub central configuration, configuration policies enable the members
  // (https://docs.aws.amazon.com/securityhub/latest/userguide/stop-central-configuration.html).
  if (isRecord(valueAt(organization, 'securityTooling'))) {
    const tooling = stringAt(organization, 'securityTooling', 'account') ?? 'the security-tooling account';
    for (const [toggle, service] of DEFERRED_DETECTION) {
      if (valueAt(config, 'detection', toggle) !== false) {
        issues.push({
          path: ['detection', toggle],
          message: `must be false when organization.securityTooling is set: the delegated administrator (${tooling}) runs ${service} for the organization, and a second one in this account would fail to deploy or duplicate it`,
        });
      }
    }
  }

  // The sandbox profile promises that `cdk destroy` removes everything; the other accounts' parts cannot
  // be removed that way (COMPLIANCE-locked archives, an air-gapped vault that is always compliance-locked).
  if (valueAt(config, 'profile') === 'sandbox') {
    issues.push({
      path: ['profile'],
      message:
        'cannot be sandbox when organization is set: the log archive and the air-gapped vault are locked in compliance mode, so cdk destroy could not remove them; evaluate the accounts-apart layout in production profile with holdsPhi: false',
    });
  }

  // The approval functions run in the primary region behind IAM-authenticated function URLs, the only way
  // a function learns which principal called it; without them the two-person rule cannot be enforced in
  // AWS, so the layout is refused there rather than deployed without it.
  const primary = stringAt(config, 'regions', 'primary');
  if (primary !== undefined && (REGIONS_WITHOUT_FUNCTION_URLS as readonly string[]).includes(primary)) {
    issues.push({
      path: ['regions', 'primary'],
      message: `cannot be ${primary} when organization is set: the two-person rule for crypto-erasure needs Lambda function URLs, which ${primary} does not offer; choose a primary region that does`,
    });
  }

  const approver = stringAt(organization, 'erasureApproval', 'approverRoleName');
  const name = stringAt(config, 'name');
  if (approver !== undefined && name !== undefined) {
    const names = deploymentNames(name);
    const ownRoles: [string, string][] = [
      ['the break-glass role', names.breakGlassRole],
      ['the crypto-erasure role', names.cryptoErasureRole],
    ];
    for (const [what, role] of ownRoles) {
      // IAM role names are unique regardless of case (API_CreateRole.html above: "Names are not distinguished by case").
      if (approver.toLowerCase() === role.toLowerCase()) {
        issues.push({
          path: ['organization', 'erasureApproval', 'approverRoleName'],
          message: `must differ from ${what} of this deployment (${role}): whoever holds that role must not also approve an erasure`,
        });
      }
    }
  }
  return issues;
}
