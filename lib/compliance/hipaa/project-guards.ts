/**
 * This project's own checks (not a rule pack) and the HIPAA specifications each one verifies on
 * every synth or config load. test/compliance/hipaa/project-guards.test.ts checks that every source
 * file and symbol named here exists, so the report cannot cite a removed guard.
 */

/** A check of this project's own (not a rule pack) that verifies specifications on every synth. */
export interface ProjectGuard {
  readonly name: string;
  /** Source file and the exported symbol that implements it (a test checks both exist). */
  readonly source: string;
  readonly symbol: string;
  readonly specs: readonly string[];
  readonly what: string;
}

export const PROJECT_GUARDS: readonly ProjectGuard[] = [
  {
    name: 'HIPAA eligible-services guard',
    source: 'lib/compliance/eligible-services-guard.ts',
    symbol: 'EligibleServicesGuard',
    specs: ['164.308(b)(1)', '164.314(a)(1)'],
    what: "synth fails on any resource type whose service is not on AWS's HIPAA Eligible Services Reference (this report re-checks every type)",
  },
  {
    name: 'BAA gate',
    source: 'lib/config/baa-gate.ts',
    symbol: 'baaGateIssues',
    specs: ['164.308(b)(1)', '164.308(b)(3)'],
    what: 'a config with holdsPhi: true is refused without an executed BAA that is not dated in the future',
  },
  {
    name: 'Integration BAA check',
    source: 'lib/config/schema-integrations.ts',
    symbol: 'integrationSchema',
    specs: ['164.308(b)(1)', '164.314(a)(1)'],
    what: 'a config is refused when an integration receives PHI without a BAA in place, or a BAA without its filing reference',
  },
  {
    name: 'Log policy aspect',
    source: 'lib/compliance/log-policy.ts',
    symbol: 'LogPolicyCheck',
    specs: ['164.312(b)', '164.312(a)(2)(iv)', '164.316(b)(2)(i)'],
    what: 'synth fails on any log group that is unencrypted, kept under six years or not retained on stack deletion',
  },
  {
    name: 'Config schema: MFA',
    source: 'lib/config/schema-identity.ts',
    symbol: 'identitySchema',
    specs: ['164.312(d)'],
    what: 'MFA can only be "REQUIRED" and SMS is refused as a factor',
  },
  {
    name: 'Config schema: token lifetimes',
    source: 'lib/config/schema-identity.ts',
    symbol: 'identitySchema',
    specs: ['164.312(a)(2)(iii)'],
    what: 'access and ID tokens live 5-60 minutes and refresh tokens at most 12 hours',
  },
  {
    name: 'Config schema: role matrix',
    source: 'lib/config/schema-identity.ts',
    symbol: 'CRM_SCOPES',
    specs: ['164.308(a)(4)(ii)(B)'],
    what: 'every role grants at least one, and only known, CRM scopes; role names are unique',
  },
  {
    name: 'Config schema: log retention floor',
    source: 'lib/config/schema.ts',
    symbol: 'LOG_RETENTION_DAYS_ALLOWED',
    specs: ['164.316(b)(2)(i)'],
    what: 'log retention below six years (2192 days) is refused',
  },
  {
    name: 'Config schema: backup floors',
    source: 'lib/config/schema-backup.ts',
    symbol: 'backupSchema',
    specs: ['164.308(a)(7)(ii)(A)', '164.312(c)(1)'],
    what: 'daily backups kept at least 35 days, monthly longer than daily, and Vault Lock retention that covers them',
  },
  {
    name: 'Config schema: DR region',
    source: 'lib/config/schema.ts',
    symbol: 'configSchema',
    specs: ['164.308(a)(7)(ii)(B)'],
    what: 'the DR region must differ from the primary region',
  },
  {
    name: 'Config schema: restore-test timing',
    source: 'lib/config/schema-backup.ts',
    symbol: 'backupSchema',
    specs: ['164.308(a)(7)(ii)(D)'],
    what: 'the integrity canary must write at least twice per recovery point objective',
  },
  {
    name: 'Config schema: key lifecycle',
    source: 'lib/config/schema.ts',
    symbol: 'configSchema',
    specs: ['164.312(a)(2)(iv)'],
    what: 'key rotation every 90-365 days is always on; the deletion waiting period is 7-30 days',
  },
  {
    name: 'Acknowledgement rule',
    source: 'lib/compliance/acknowledge.ts',
    symbol: 'acknowledge',
    specs: ['164.308(a)(1)(ii)(B)', '164.316(b)(1)'],
    what: 'every accepted finding is acknowledged on one resource, by exact rule id, with a reason that starts with its HIPAA control',
  },
  {
    name: 'Open-findings gate',
    source: 'lib/compliance/report.ts',
    symbol: 'assertNoOpenFindings',
    specs: ['164.308(a)(1)(ii)(B)', '164.308(a)(8)'],
    what: 'synth fails on any open finding of any plugin, warnings included',
  },
  {
    name: 'Config schema: COMPLIANCE locks with PHI',
    source: 'lib/config/phi-locks.ts',
    symbol: 'phiLockIssues',
    specs: ['164.312(c)(1)', '164.308(a)(7)(ii)(A)', '164.310(d)(2)(iv)'],
    what: 'a config with holdsPhi: true is refused unless S3 Object Lock (phiBucket.objectLockMode) and Vault Lock (backup.vaultLock.mode) are in COMPLIANCE mode, which nobody can lift; GOVERNANCE only without PHI',
  },
  {
    name: 'Config schema: CIDR blocks as written',
    source: 'lib/config/cidr.ts',
    symbol: 'cidrProblem',
    specs: ['164.312(a)(1)'],
    what: 'a CIDR block with host bits set is refused (naming its network address), so the VPC and the office ranges the WAF allows are exactly the ranges written',
  },
];
