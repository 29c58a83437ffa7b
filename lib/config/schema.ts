/**
 * The deployment configuration: one JSON file per deployment under `config/`.
 *
 * Everything a real deployment legitimately varies is here; defaults that would weaken a control
 * (encryption, MFA, Multi-AZ, TLS, backup retention below 35 days, logs under 6 years) are not.
 * Every field carries a description: it is rendered into `config/schema.json` for editors and into
 * `docs/configuration.md`.
 */
import { z } from 'zod';
import { baaGateIssues } from './baa-gate';
import { cidrField, isValidCidr } from './cidr';
import { itemsOf, numberAt, reportIssues, RUN_ON_ANY_OBJECT, stringAt, valueAt, type ConfigIssue } from './cross-field';
import { phiLockIssues } from './phi-locks';
import { accessReviewSchema, identitySchema } from './schema-identity';
import { domainSchema, wafSchema, workloadSchema } from './schema-app';
import { backupSchema } from './schema-backup';
import { integrationsSchema } from './schema-integrations';
import { organizationIssues, organizationSchema, REGION_CODE } from './schema-organization';
import { DEPLOYMENT_PROFILES, profileIssues } from './profile-gate';

/** CloudWatch Logs only accepts these retention values; the ones at or above 6 years (HIPAA 164.316(b)(2)). */
export const LOG_RETENTION_DAYS_ALLOWED = [2192, 2557, 2922, 3288, 3653] as const;
/** Six years in days (6 x 365 + 2 leap days), the HIPAA documentation-retention floor. */
export const SIX_YEARS_IN_DAYS = 2192;

const region = z
  .string()
  .regex(REGION_CODE, 'must be an AWS region code such as "us-east-1"')
  .describe('AWS region code, for example "us-east-1".');

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'is not a real calendar date');

/**
 * The rules between the regions and the availability zones: the DR region differs from the primary one
 * (HIPAA 164.308(a)(7)(ii)(B): the off-site copy), every zone is in the primary region and none is listed
 * twice. Takes the raw input: it runs even when other fields failed (see cross-field.ts).
 */
export function regionIssues(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const primary = stringAt(config, 'regions', 'primary');
  if (primary !== undefined && primary === stringAt(config, 'regions', 'dr')) {
    issues.push({
      path: ['regions', 'dr'],
      message: 'must differ from regions.primary: the off-site copy has to be in another region',
    });
  }
  const zones = itemsOf(valueAt(config, 'network', 'availabilityZones'));
  zones.forEach((zone, i) => {
    // A malformed region is reported once, on regions.primary, not again on every zone; a zone that is
    // not a string is reported by its own type check.
    if (primary && REGION_CODE.test(primary) && typeof zone === 'string' && !zone.startsWith(primary)) {
      issues.push({ path: ['network', 'availabilityZones', i], message: `"${zone}" is not in the primary region ${primary}` });
    }
  });
  if (new Set(zones).size !== zones.length) {
    issues.push({ path: ['network', 'availabilityZones'], message: 'lists the same availability zone twice' });
  }
  return issues;
}

/** Limits of a Macie custom data identifier (https://docs.aws.amazon.com/macie/latest/user/cdis-options.html). */
export const MACIE_IDENTIFIER_LIMITS = {
  regexLength: 512,
  keywords: 50,
  keywordLength: [3, 90],
  matchDistance: [1, 300],
} as const;

/** Whether `pattern` compiles as a regular expression (JavaScript's dialect, close to the PCRE subset Macie accepts). */
function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

const macieRecordIdentifierSchema = z
  .object({
    regex: z
      .string()
      .min(1)
      .max(
        MACIE_IDENTIFIER_LIMITS.regexLength,
        `must be at most ${MACIE_IDENTIFIER_LIMITS.regexLength} characters (Macie's limit)`,
      )
      .refine(compiles, { error: 'is not a valid regular expression', abort: true })
      .refine((r) => !new RegExp(r).test(''), 'must not match the empty string')
      .default('[0-9]{6,10}')
      .describe("The CRM's record identifier (medical record number) as a regular expression."),
    keywords: z
      .array(z.string().min(MACIE_IDENTIFIER_LIMITS.keywordLength[0]).max(MACIE_IDENTIFIER_LIMITS.keywordLength[1]))
      .min(1)
      .max(MACIE_IDENTIFIER_LIMITS.keywords)
      .default(['MRN', 'medical record', 'record number', 'patient id', 'chart number'])
      .describe(
        'Words that must appear shortly before a match (maximumMatchDistance) for Macie to report it: they keep plain numbers in logs from being reported. 3 to 90 characters each, at most 50.',
      ),
    maximumMatchDistance: z
      .number()
      .int()
      .min(MACIE_IDENTIFIER_LIMITS.matchDistance[0])
      .max(MACIE_IDENTIFIER_LIMITS.matchDistance[1])
      .default(50)
      .describe('Most characters between a keyword and the end of a match.'),
  })
  .strict()
  .prefault({})
  .describe(
    "Macie's custom data identifier for the CRM's record identifiers, in addition to Macie's managed identifiers (names, addresses, dates of birth, health insurance and provider numbers...).",
  );

export const baaSchema = z
  .object({
    reference: z
      .string()
      .min(3, 'must name the executed agreement (for example the AWS Artifact agreement ID)')
      .describe('Identifier of the executed Business Associate Addendum, e.g. the AWS Artifact agreement reference.'),
    executedOn: isoDate.describe('Date the BAA was executed (YYYY-MM-DD). Must not be in the future.'),
    counterparty: z
      .string()
      .min(1)
      .default('Amazon Web Services, Inc.')
      .describe('The business associate the agreement is with.'),
  })
  .strict()
  .describe('The executed Business Associate Agreement with AWS. Required when holdsPhi is true.');

export const configSchema = z
  .object({
    $schema: z.string().optional().describe('Path to config/schema.json, for editor completion.'),
    name: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/,
        'must be 3-20 characters: lowercase letters, digits and dashes, starting with a letter',
      )
      .describe('Deployment name. Prefixes every stack and tags every resource; used in deterministic DR resource names.'),
    description: z.string().max(200).optional().describe('Free text shown in stack descriptions.'),
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account ID')
      .optional()
      .describe('AWS account ID to pin the stacks to. Omit to deploy into the account of the current credentials.'),
    regions: z
      .object({
        primary: region.describe('Region that hosts the workload, database and documents.'),
        dr: region.describe('Disaster-recovery region: replica bucket, DR keys and (later) the DR backup vault.'),
      })
      .strict()
      .describe('Where the deployment runs. Both regions must differ.'),
    profile: z
      .enum(DEPLOYMENT_PROFILES)
      .default('production')
      .describe(
        'production: every control as documented (the default). sandbox: an evaluation deployment that `cdk destroy` removes completely (no Object Lock, no Vault Lock, nothing retained; see lib/config/profile.ts for every relaxed control). Refused with holdsPhi: true.',
      ),
    holdsPhi: z
      .boolean()
      .describe(
        'True when this deployment stores real PHI. Requires a recorded BAA and COMPLIANCE-mode locks (phiBucket.objectLockMode, backup.vaultLock.mode). The demo config is false.',
      ),
    baa: baaSchema.optional(),
    securityContactEmail: z.email('must be an e-mail address').describe('Who receives security alarms and is named in reports.'),
    network: z
      .object({
        vpcCidr: cidrField('10.40.0.0/16')
          .refine((c) => {
            if (!isValidCidr(c)) return true; // already reported above
            const p = Number(c.split('/')[1]);
            return p >= 16 && p <= 22;
          }, 'prefix must be between /16 and /22 so every tier gets subnets in every AZ')
          .describe('IPv4 CIDR of the VPC (/16 to /22), written with its network address (10.40.0.0/16, not 10.40.1.0/16).'),
        availabilityZones: z
          .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'must be an AZ name such as "us-east-1a"'))
          .min(2, 'needs at least 2 availability zones (Multi-AZ database)')
          .max(3, 'at most 3 availability zones')
          .describe('Availability zones in the primary region (2 or 3). Explicit so synth needs no AWS lookup.'),
      })
      .strict()
      .describe('The VPC: public subnets for the load balancer only, isolated subnets for workload and database, no NAT.'),
    keys: z
      .object({
        rotationPeriodDays: z
          .number()
          .int()
          .min(90, 'must be at least 90 days (KMS minimum)')
          .max(365, 'must be at most 365 days')
          .default(365)
          .describe('KMS automatic rotation period in days (90-365).'),
        pendingWindowDays: z
          .number()
          .int()
          .min(7, 'must be at least 7 days (KMS minimum)')
          .max(30, 'must be at most 30 days (KMS maximum)')
          .default(30)
          .describe('Waiting period before a key scheduled for deletion is destroyed (7-30 days).'),
        rotationCheckSchedule: z
          .string()
          .regex(/^(cron|rate)\(.+\)$/, 'must be an EventBridge schedule expression such as "cron(0 6 * * ? *)"')
          .default('cron(0 6 * * ? *)')
          .describe('When the rotation enforcer checks every key of the deployment (UTC). Daily by default.'),
      })
      .strict()
      .describe('Customer-managed KMS keys (phi, audit, backup, DR). Rotation is always on.')
      .prefault({}),
    database: z
      .object({
        engineVersion: z
          .string()
          .regex(/^1[4-8]\.\d+$/, 'must be a PostgreSQL version "major.minor" from 14 to 18, e.g. "16.8"')
          .describe('RDS for PostgreSQL engine version, "major.minor".'),
        instanceType: z
          .string()
          .regex(/^[a-z][a-z0-9]*\.[a-z0-9]+$/, 'must be an instance type without the "db." prefix, e.g. "t4g.medium"')
          .refine((t) => !/\.(micro|small)$/.test(t), 'must be "medium" or larger: Performance Insights and Multi-AZ need it')
          .describe('RDS instance type without the "db." prefix.'),
        allocatedStorageGiB: z.number().int().min(20).max(65536).describe('Initial gp3 storage in GiB.'),
        maxAllocatedStorageGiB: z.number().int().min(20).max(65536).describe('Storage autoscaling ceiling in GiB.'),
        databaseName: z
          .string()
          .regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a lowercase PostgreSQL identifier')
          .default('crm')
          .describe('Name of the application database.'),
      })
      .strict()
      .describe('RDS for PostgreSQL. Always Multi-AZ, encrypted with the phi key, TLS-only, IAM auth, 35-day backups.')
      .refine(
        (d: unknown) => {
          const initial = numberAt(d, 'allocatedStorageGiB');
          const ceiling = numberAt(d, 'maxAllocatedStorageGiB');
          return initial === undefined || ceiling === undefined || ceiling >= initial;
        },
        {
          message: 'maxAllocatedStorageGiB must be at least allocatedStorageGiB',
          path: ['maxAllocatedStorageGiB'],
          ...RUN_ON_ANY_OBJECT,
        },
      ),
    phiBucket: z
      .object({
        objectLockMode: z
          .enum(['GOVERNANCE', 'COMPLIANCE'])
          .describe(
            'S3 Object Lock default mode. COMPLIANCE: nobody can shorten or remove the retention, not even the root user; required when holdsPhi is true. GOVERNANCE: privileged users can lift it; only for deployments without PHI (trials, the demo).',
          ),
        objectLockRetentionDays: z
          .number()
          .int()
          .min(1)
          .max(3653)
          .describe('Default Object Lock retention of every document version, in days.'),
        noncurrentVersionExpirationDays: z
          .number()
          .int()
          .min(1)
          .describe('Days after which an overwritten or deleted document version expires (once its lock has ended).'),
      })
      .strict()
      .describe('The PHI documents bucket (and its DR replica). Always KMS-encrypted, versioned, TLS-only, replicated.'),
    logs: z
      .object({
        retentionDays: z
          .literal(LOG_RETENTION_DAYS_ALLOWED, {
            error: `must be one of ${LOG_RETENTION_DAYS_ALLOWED.join(', ')}: HIPAA requires at least 6 years (2192 days) and CloudWatch accepts only these values`,
          })
          .default(SIX_YEARS_IN_DAYS)
          .describe('Retention of every CloudWatch log group, in days. Never below 6 years.'),
      })
      .strict()
      .describe('CloudWatch Logs. Every log group is encrypted with the audit key.')
      .prefault({}),
    alerts: z
      .object({
        additionalEmails: z
          .array(z.email('must be an e-mail address'))
          .default([])
          .describe('Further recipients of security alarms.'),
        minimumFindingSeverity: z
          .enum(['MEDIUM', 'HIGH', 'CRITICAL'])
          .default('HIGH')
          .describe('Lowest GuardDuty / Security Hub severity that pages the security contact.'),
      })
      .strict()
      .describe('Who is alerted, and from which finding severity.')
      .prefault({}),
    backup: backupSchema,
    domain: domainSchema,
    identity: identitySchema.prefault({}),
    accessReview: accessReviewSchema.prefault({}),
    waf: wafSchema,
    workload: workloadSchema,
    detection: z
      .object({
        guardDuty: z
          .boolean()
          .default(true)
          .describe(
            'Create a GuardDuty detector (S3, RDS login, ECS runtime, malware protection). Turn off only if the organisation already runs GuardDuty in this account and region.',
          ),
        securityHub: z
          .boolean()
          .default(true)
          .describe(
            'Enable Security Hub with the AWS Foundational and NIST 800-53 standards. Turn off only if the organisation already enables it.',
          ),
        config: z
          .boolean()
          .default(true)
          .describe(
            'Create the AWS Config recorder and delivery channel. Turn off if the account already has one (a second recorder fails to deploy); the managed rules are kept either way.',
          ),
        inspector: z
          .boolean()
          .default(true)
          .describe(
            'Turn on Amazon Inspector continuous vulnerability scanning of the ECR images (the CRM image) and the Lambda functions (packages and code) of this account and region. Turn off only if the organisation already runs Inspector for this account.',
          ),
        macie: z
          .boolean()
          .default(true)
          .describe(
            'Turn on Amazon Macie and run a daily job that looks for PHI in the buckets where none may be (logs, evidence, trail, access logs, Athena results). Turn off only if the organisation already runs Macie in this account and region, and its job covers these buckets.',
          ),
        macieRecordIdentifier: macieRecordIdentifierSchema,
      })
      .strict()
      .prefault({})
      .describe(
        'Detective services. On by default; switch off a service the organisation already runs in this account. With organization.securityTooling set, guardDuty, securityHub, config, inspector and macie must all be false: its delegated administrator runs them.',
      ),
    integrations: integrationsSchema,
    organization: organizationSchema,
    tags: z.record(z.string(), z.string()).default({}).describe('Extra tags applied to every resource.'),
  })
  .strict()
  .superRefine((config: unknown, ctx) => {
    reportIssues(ctx, baaGateIssues(config));
    reportIssues(ctx, profileIssues(config));
    reportIssues(ctx, phiLockIssues(config));
    reportIssues(ctx, regionIssues(config));
    reportIssues(ctx, organizationIssues(config));
  }, RUN_ON_ANY_OBJECT);

export type DeploymentConfig = z.output<typeof configSchema>;
export type DeploymentConfigInput = z.input<typeof configSchema>;
