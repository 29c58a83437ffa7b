/**
 * Config of the Identity stack: who may sign in, how, for how long, and with which role.
 * MFA and the absence of SMS are not choices; the fields exist so that a config that tries to turn
 * them off is refused with a message that says why.
 */
import { z } from 'zod';
import { itemsOf, RUN_ON_ANY_ARRAY, stringAt } from './cross-field';

/** OAuth scopes of the CRM's resource server. A role grants the subset its job needs. */
export const CRM_SCOPES = [
  'patients.read',
  'patients.write',
  'clinical.read',
  'clinical.write',
  'billing.read',
  'billing.write',
  'exports',
  'admin',
  'audit.read',
] as const;
export type CrmScope = (typeof CRM_SCOPES)[number];

export interface RoleConfig {
  readonly name: string;
  readonly description: string;
  readonly scopes: readonly CrmScope[];
}

/**
 * The job functions the source documents name, with "minimum necessary" scopes. Edit them in the
 * config, not here: the role matrix is part of the practice's access-control policy.
 */
export const DEFAULT_ROLES: readonly RoleConfig[] = [
  { name: 'front-desk', description: 'Scheduling, check-in, demographics', scopes: ['patients.read', 'patients.write'] },
  {
    name: 'medical-assistant',
    description: 'Intake, vitals, clinical notes under a provider',
    scopes: ['patients.read', 'clinical.read', 'clinical.write'],
  },
  { name: 'billing', description: 'Claims, payments, insurance', scopes: ['patients.read', 'billing.read', 'billing.write'] },
  {
    name: 'provider',
    description: 'Clinicians: full clinical record',
    scopes: ['patients.read', 'patients.write', 'clinical.read', 'clinical.write'],
  },
  {
    name: 'practice-manager',
    description: 'Operations, reports, user administration',
    scopes: ['patients.read', 'billing.read', 'exports', 'admin'],
  },
  { name: 'compliance-officer', description: 'Audit logs and access reviews', scopes: ['audit.read'] },
];

const roleSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be lowercase letters, digits and dashes (it becomes a Cognito group name)'),
    description: z.string().min(1).max(200),
    scopes: z
      .array(z.enum(CRM_SCOPES, { error: `must be one of ${CRM_SCOPES.join(', ')}` }))
      .min(1, 'a role needs at least one scope'),
  })
  .strict();

export const identitySchema = z
  .object({
    mfa: z
      .literal('REQUIRED', {
        error: 'must be "REQUIRED": every user signs in with MFA (HIPAA 164.312(d)); optional or disabled MFA is not allowed',
      })
      .default('REQUIRED')
      .describe('Always "REQUIRED".'),
    mfaFactors: z
      .array(z.string())
      .default(['TOTP'])
      .superRefine((input: unknown, ctx) => {
        // Runs even when a factor is not a string (reported by its own type check), so SMS is named too.
        const factors = itemsOf(input);
        if (factors.includes('SMS')) {
          ctx.addIssue({
            code: 'custom',
            message:
              'SMS is not allowed: SMS codes can be intercepted or SIM-swapped and are not phishing-resistant; use TOTP (and passkeys)',
          });
        }
        for (const f of factors) {
          if (typeof f === 'string' && !['SMS', 'TOTP'].includes(f))
            ctx.addIssue({ code: 'custom', message: `"${f}" is not a supported MFA factor (TOTP)` });
        }
        if (!factors.includes('TOTP')) ctx.addIssue({ code: 'custom', message: 'must include "TOTP"' });
      }, RUN_ON_ANY_ARRAY)
      .describe(
        'Second factors offered. Only "TOTP"; passkeys are enabled automatically when a domain is configured. Never "SMS".',
      ),
    accessTokenMinutes: z
      .number()
      .int()
      .min(5, 'must be at least 5 minutes (Cognito minimum)')
      .max(60, 'must be at most 60 minutes: short tokens bound how long a revoked session keeps working')
      .default(15)
      .describe('Lifetime of access tokens, minutes (5-60; 15 matches the 15-minute inactivity logoff).'),
    idTokenMinutes: z
      .number()
      .int()
      .min(5, 'must be at least 5 minutes (Cognito minimum)')
      .max(60, 'must be at most 60 minutes')
      .default(15)
      .describe('Lifetime of ID tokens, minutes (5-60).'),
    refreshTokenHours: z
      .number()
      .int()
      .min(1, 'must be at least 1 hour (Cognito minimum)')
      .max(12, 'must be at most 12 hours: one working shift')
      .default(8)
      .describe('Lifetime of refresh tokens (rotated on every use), hours (1-12): the longest a session can last.'),
    temporaryPasswordDays: z
      .number()
      .int()
      .min(1)
      .max(7, 'must be at most 7 days')
      .default(1)
      .describe('How long an administrator-issued temporary password stays valid, days (1-7).'),
    domainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lowercase letters, digits and dashes')
      .refine((p) => !/aws|amazon|cognito/.test(p), 'must not contain "aws", "amazon" or "cognito" (Cognito refuses them)')
      .optional()
      .describe('Prefix of the Cognito hosted sign-in domain. @default "<name>-signin"'),
    roles: z
      .array(roleSchema)
      .min(1)
      .default(DEFAULT_ROLES.map((r) => ({ ...r, scopes: [...r.scopes] })))
      .superRefine((roles: unknown, ctx) => {
        // Runs even when a role failed its own checks, whose name may then be missing.
        const seen = new Set<string>();
        itemsOf(roles).forEach((role, i) => {
          const name = stringAt(role, 'name');
          if (name === undefined) return;
          if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `role "${name}" is listed twice` });
          seen.add(name);
        });
      }, RUN_ON_ANY_ARRAY)
      .describe('The role matrix: one Cognito group per job function, with the OAuth scopes it grants ("minimum necessary").'),
  })
  .strict()
  .describe('Cognito sign-in: MFA for every user, admin-created accounts, short tokens, the role matrix.');

export const accessReviewSchema = z
  .object({
    schedule: z
      .string()
      .regex(/^cron\(.+\)$/, 'must be an EventBridge cron expression, e.g. "cron(0 13 1 1,4,7,10 ? *)"')
      .default('cron(0 13 1 1,4,7,10 ? *)')
      .describe('When the access review runs (EventBridge cron, UTC). Default: quarterly.'),
    inactiveDays: z
      .number()
      .int()
      .min(30)
      .max(365)
      .default(90)
      .describe('Accounts with no sign-in for this many days are flagged.'),
  })
  .strict()
  .describe('The scheduled access review report (HIPAA 164.308(a)(3)(ii)(B), 164.308(a)(4)(ii)(C)).');
