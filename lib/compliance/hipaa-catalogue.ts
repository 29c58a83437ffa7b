/**
 * The HIPAA Security Rule (45 CFR 164.308-164.316) and the breach-notification duties (164.404-164.410)
 * as this deployment meets them: every standard and implementation specification with who is
 * responsible for it here, and how resources of the synthesized templates map onto them.
 *
 * Responsibility is the one that best describes the specification in this deployment:
 * - `infrastructure`: this deployment implements the mechanism (people may still operate it);
 * - `shared`: AWS implements part under the shared-responsibility model (its data centres, hardware,
 *   media, its own workforce), this deployment or the practice the rest;
 * - `customer`: the practice's own policies, procedures, training and workforce; the deployment at
 *   most supplies evidence.
 *
 * Read by `npm run report` (lib/report). The resource mapping only claims what a template shows: each
 * entry reads the resource's own properties and returns nothing when they do not support the claim.
 */
import { TAG_DATA_CLASS } from '../stacks/deployment-stack-props';
import {
  bucketEncryption,
  deniedDeleteActions,
  deniesInsecureTransport,
  describeObjectLock,
  days,
  isRecord,
  isTrue,
  literalText,
  minimumTlsVersion,
  num,
  objectLock,
  prop,
  replications,
  str,
  asArray,
  tagValue,
  trustedPrincipals,
  trustRequiresMfa,
  type TemplateResource,
} from '../report/template-facts';

export type Responsibility = 'infrastructure' | 'shared' | 'customer';
export type Requirement = 'required' | 'addressable';
export type SpecKind = 'standard' | 'implementation specification' | 'breach notification';
export type RulePart = 'administrative' | 'physical' | 'technical' | 'organizational' | 'documentation' | 'breach';

export interface HipaaSpec {
  /** The citation, e.g. `164.312(a)(2)(iv)`. */
  readonly id: string;
  readonly title: string;
  readonly part: RulePart;
  readonly kind: SpecKind;
  /** A standard without implementation specifications is itself required (164.306(d)). */
  readonly requirement: Requirement;
  /** The standard an implementation specification belongs to. */
  readonly standard?: string;
  readonly responsibility: Responsibility;
  /** How it is met here, in plain words. */
  readonly how: string;
}

export const RULE_PARTS: Readonly<Record<RulePart, string>> = {
  administrative: '164.308 Administrative safeguards',
  physical: '164.310 Physical safeguards',
  technical: '164.312 Technical safeguards',
  organizational: '164.314 Organizational requirements',
  documentation: '164.316 Policies and procedures and documentation requirements',
  breach: '164.404-164.410 Breach notification (as process)',
};

const R: Requirement = 'required';
const A: Requirement = 'addressable';

/** An entry as written below; its part and standard follow from its place in the list. */
type Entry = Omit<HipaaSpec, 'part' | 'standard'>;

function std(id: string, title: string, responsibility: Responsibility, how: string): Entry {
  return { id, title, kind: 'standard', requirement: R, responsibility, how };
}

function impl(id: string, title: string, requirement: Requirement, responsibility: Responsibility, how: string): Entry {
  return { id, title, kind: 'implementation specification', requirement, responsibility, how };
}

function breach(id: string, title: string, responsibility: Responsibility, how: string): Entry {
  return { id, title, kind: 'breach notification', requirement: R, responsibility, how };
}

const PART_OF_SECTION: Readonly<Record<string, RulePart>> = {
  '164.308': 'administrative',
  '164.310': 'physical',
  '164.312': 'technical',
  '164.314': 'organizational',
  '164.316': 'documentation',
};

/** Adds each entry's part (from its section) and, for an implementation specification, the standard before it. */
function structured(entries: readonly Entry[]): HipaaSpec[] {
  let standard: string | undefined;
  return entries.map((e) => {
    if (e.kind === 'standard') standard = e.id;
    return {
      ...e,
      part: PART_OF_SECTION[e.id.slice(0, 7)] ?? 'breach',
      standard: e.kind === 'implementation specification' ? standard : undefined,
    };
  });
}

/** Every standard and implementation specification, in the order of the regulation. */
export const HIPAA_CATALOGUE: readonly HipaaSpec[] = structured([
  // 164.308 Administrative safeguards
  std(
    '164.308(a)(1)(i)',
    'Security management process',
    'customer',
    'The practice runs its security management process; this deployment feeds it with findings, alarms, acknowledged exceptions with their reasons, and this report.',
  ),
  impl(
    '164.308(a)(1)(ii)(A)',
    'Risk analysis',
    R,
    'customer',
    'The practice performs and documents the risk analysis; the resources, checks and exceptions in this report are inputs to it, not a substitute for it.',
  ),
  impl(
    '164.308(a)(1)(ii)(B)',
    'Risk management',
    R,
    'customer',
    'The practice decides how risks are reduced; every risk this deployment accepts is an acknowledged exception with its reason, and synth fails on any open finding.',
  ),
  impl(
    '164.308(a)(1)(ii)(C)',
    'Sanction policy',
    R,
    'customer',
    'The practice sanctions workforce members who break its security policies; nothing in the infrastructure replaces that policy.',
  ),
  impl(
    '164.308(a)(1)(ii)(D)',
    'Information system activity review',
    R,
    'infrastructure',
    'CloudTrail, the log groups, AWS Config, GuardDuty and Security Hub record activity, alarms and finding notifications reach the security contact, and saved queries support the reviews the compliance officer runs (docs/runbooks/audit-review.md).',
  ),
  std(
    '164.308(a)(2)',
    'Assigned security responsibility',
    'customer',
    'The practice names its security official; the configured security contact receives every alarm and finding notification.',
  ),
  std(
    '164.308(a)(3)(i)',
    'Workforce security',
    'customer',
    'The practice decides who in its workforce may access ePHI; the role matrix and the access review apply and check that decision.',
  ),
  impl(
    '164.308(a)(3)(ii)(A)',
    'Authorization and/or supervision',
    A,
    'customer',
    'Supervisors authorise access under the practice procedures; accounts exist only when an administrator creates them, and the access review lists who holds which role.',
  ),
  impl(
    '164.308(a)(3)(ii)(B)',
    'Workforce clearance procedure',
    A,
    'customer',
    'The practice screens workforce members before granting access; the quarterly access review report is the evidence of who currently has access.',
  ),
  impl(
    '164.308(a)(3)(ii)(C)',
    'Termination procedures',
    A,
    'customer',
    'The practice disables a leaving user on their last day; disabling, deleting or removing the user from a group then signs them out everywhere, and the access review flags accounts left active.',
  ),
  std(
    '164.308(a)(4)(i)',
    'Information access management',
    'infrastructure',
    'ePHI is reached only through the CRM behind Cognito sign-in, with one group per role, and every AWS component has its own least-privilege role.',
  ),
  impl(
    '164.308(a)(4)(ii)(A)',
    'Isolating health care clearinghouse functions',
    R,
    'customer',
    'Applies only when the organisation includes a health care clearinghouse; a clearinghouse it works with is an outside business associate listed in the integration inventory.',
  ),
  impl(
    '164.308(a)(4)(ii)(B)',
    'Access authorization',
    A,
    'infrastructure',
    'The role matrix in the config grants each job function only the scopes it needs (one Cognito group per role); AWS-side roles are least privilege and the break-glass role is denied direct PHI reads.',
  ),
  impl(
    '164.308(a)(4)(ii)(C)',
    'Access establishment and modification',
    A,
    'infrastructure',
    "Only administrators create accounts, a role change or removal revokes the user's sessions at once, and a quarterly access review reports every account's roles, MFA and last sign-in.",
  ),
  std(
    '164.308(a)(5)(i)',
    'Security awareness and training',
    'customer',
    'The practice trains its workforce in security awareness; nothing in the infrastructure replaces that training.',
  ),
  impl(
    '164.308(a)(5)(ii)(A)',
    'Security reminders',
    A,
    'customer',
    'The practice sends its workforce periodic security reminders.',
  ),
  impl(
    '164.308(a)(5)(ii)(B)',
    'Protection from malicious software',
    A,
    'infrastructure',
    'GuardDuty scans new objects of the PHI documents bucket for malware and watches the workload at runtime, and the web ACL blocks known-bad inputs and addresses in front of the CRM; the practice protects its own workstations.',
  ),
  impl(
    '164.308(a)(5)(ii)(C)',
    'Log-in monitoring',
    A,
    'infrastructure',
    'Cognito threat protection records every sign-in with its risk decision and blocks compromised credentials, sign-in events are exported for review, and failed console sign-ins raise an alarm.',
  ),
  impl(
    '164.308(a)(5)(ii)(D)',
    'Password management',
    A,
    'infrastructure',
    'Cognito enforces long passwords with every character class and a password history, temporary passwords expire within days, and the database master secret rotates automatically.',
  ),
  std(
    '164.308(a)(6)(i)',
    'Security incident procedures',
    'customer',
    'The practice keeps incident response procedures; the security alarms and finding notifications are where most incidents will show first.',
  ),
  impl(
    '164.308(a)(6)(ii)',
    'Response and reporting',
    R,
    'customer',
    'Alarms and GuardDuty and Security Hub findings reach the security contact by e-mail (undelivered ones alarm from a dead-letter queue); responding, mitigating and documenting incidents is the practice procedure.',
  ),
  std(
    '164.308(a)(7)(i)',
    'Contingency plan',
    'infrastructure',
    "Backups, off-site copies, Multi-AZ operation and scheduled restore tests are built in; the practice's written contingency plan refers to them (docs/runbooks/restore-drills.md).",
  ),
  impl(
    '164.308(a)(7)(ii)(A)',
    'Data backup plan',
    R,
    'infrastructure',
    'AWS Backup keeps continuous (point-in-time) backups and daily and monthly snapshots of the database and the PHI bucket in a locked vault; the database also keeps its own automated backups.',
  ),
  impl(
    '164.308(a)(7)(ii)(B)',
    'Disaster recovery plan',
    R,
    'infrastructure',
    'Every daily and monthly recovery point is copied to a locked vault in the DR region and the PHI documents are replicated there, re-encrypted with DR-region keys, so data can be restored if the primary region is lost.',
  ),
  impl(
    '164.308(a)(7)(ii)(C)',
    'Emergency mode operation plan',
    R,
    'shared',
    'AWS keeps its availability zones independent; this deployment runs the database Multi-AZ and the CRM on at least two tasks, so it keeps working with every control on when a zone fails; how the practice works without the CRM is its own plan.',
  ),
  impl(
    '164.308(a)(7)(ii)(D)',
    'Testing and revision procedures',
    A,
    'infrastructure',
    'Weekly restore tests restore the newest database and bucket recovery points, the restore validator checks them against the recovery targets and records the evidence, and alarms fire when a test fails or none passes.',
  ),
  impl(
    '164.308(a)(7)(ii)(E)',
    'Applications and data criticality analysis',
    A,
    'customer',
    'The practice ranks which applications and data are critical; the data classification table of this report shows which stores hold PHI.',
  ),
  std(
    '164.308(a)(8)',
    'Evaluation',
    'customer',
    'The practice evaluates its security periodically and after changes; every synth re-runs the rule packs, and Security Hub standards and AWS Config rules evaluate the deployed resources continuously.',
  ),
  std(
    '164.308(b)(1)',
    'Business associate contracts and other arrangements',
    'customer',
    'The practice executes a BAA with AWS and every business associate; synth refuses a deployment marked as holding PHI without a recorded BAA, and any resource type outside the AWS HIPAA eligible services.',
  ),
  impl(
    '164.308(b)(3)',
    'Written contract or other arrangement',
    R,
    'customer',
    'The executed AWS BAA (AWS Artifact) and the agreements with integrations are the written contracts; the config records where each one is filed.',
  ),
  // 164.310 Physical safeguards
  std(
    '164.310(a)(1)',
    'Facility access controls',
    'shared',
    'AWS controls physical access to its data centres (attested in its audit reports, covered by the BAA); the practice controls access to its own premises.',
  ),
  impl(
    '164.310(a)(2)(i)',
    'Contingency operations',
    A,
    'shared',
    'AWS data centre procedures cover emergency facility access; restoring this deployment needs no physical access.',
  ),
  impl(
    '164.310(a)(2)(ii)',
    'Facility security plan',
    A,
    'shared',
    'AWS keeps the facility security plan of its data centres; the practice keeps one for its premises.',
  ),
  impl(
    '164.310(a)(2)(iii)',
    'Access control and validation procedures',
    A,
    'shared',
    'AWS controls and validates who enters its data centres; the practice does so for its premises.',
  ),
  impl(
    '164.310(a)(2)(iv)',
    'Maintenance records',
    A,
    'shared',
    'AWS documents repairs and changes to the physical security of its data centres; the practice for its premises.',
  ),
  std(
    '164.310(b)',
    'Workstation use',
    'customer',
    'The practice sets how workstations that reach the CRM are used; the CRM is reached only over HTTPS with MFA.',
  ),
  std(
    '164.310(c)',
    'Workstation security',
    'customer',
    'The practice physically safeguards its workstations; ePHI is kept in the AWS stores of this deployment, not on them.',
  ),
  std(
    '164.310(d)(1)',
    'Device and media controls',
    'shared',
    'AWS handles the storage media of its data centres; this deployment keeps ePHI only in encrypted AWS storage and disposes of it by destroying the keys.',
  ),
  impl(
    '164.310(d)(2)(i)',
    'Disposal',
    R,
    'shared',
    'AWS sanitises and destroys decommissioned storage media; at contract end the crypto-erasure state machine destroys the keys of the PHI and its backups and writes signed certificates of destruction.',
  ),
  impl(
    '164.310(d)(2)(ii)',
    'Media re-use',
    R,
    'shared',
    'AWS wipes storage before it is reused; the practice handles the re-use of media on its premises.',
  ),
  impl(
    '164.310(d)(2)(iii)',
    'Accountability',
    A,
    'shared',
    'AWS tracks its hardware; the practice records the movements of its own devices and media.',
  ),
  impl(
    '164.310(d)(2)(iv)',
    'Data backup and storage',
    A,
    'infrastructure',
    'Recovery points in the locked primary and DR vaults and the replicated PHI bucket are retrievable exact copies, so no ePHI depends on one piece of equipment.',
  ),
  // 164.312 Technical safeguards
  std(
    '164.312(a)(1)',
    'Access control',
    'infrastructure',
    "Users reach ePHI only through the load balancer's Cognito sign-in; the database and the workload sit in isolated subnets, buckets block public access, and every AWS component has its own least-privilege role.",
  ),
  impl(
    '164.312(a)(2)(i)',
    'Unique user identification',
    R,
    'infrastructure',
    'Every user has their own Cognito account (a unique user name, created by an administrator), and CloudTrail attributes every AWS action to a principal.',
  ),
  impl(
    '164.312(a)(2)(ii)',
    'Emergency access procedure',
    R,
    'infrastructure',
    'A break-glass IAM role, assumable only with MFA for at most an hour, restores access in an emergency, and every use raises an alarm.',
  ),
  impl(
    '164.312(a)(2)(iii)',
    'Automatic logoff',
    A,
    'infrastructure',
    "Cognito tokens and the load balancer's session expire after minutes and refresh tokens after at most one shift, then the user signs in again with MFA; the CRM itself must end idle sessions.",
  ),
  impl(
    '164.312(a)(2)(iv)',
    'Encryption and decryption',
    A,
    'infrastructure',
    'Every store (database, buckets, backups, logs, queues, topics, secrets) is encrypted, with customer-managed KMS keys per data class that rotate automatically and are checked daily by the rotation enforcer.',
  ),
  std(
    '164.312(b)',
    'Audit controls',
    'infrastructure',
    'CloudTrail records every API call and every read and write of PHI documents; flow, database (pgaudit), load balancer, WAF, S3 access and sign-in logs are kept at least six years.',
  ),
  std(
    '164.312(c)(1)',
    'Integrity',
    'infrastructure',
    'Versioning and Object Lock on the buckets, Vault Lock on the backup vaults, deletion protection on the database and policies that deny deletes protect ePHI from improper alteration or destruction.',
  ),
  impl(
    '164.312(c)(2)',
    'Mechanism to authenticate electronic protected health information',
    A,
    'infrastructure',
    "CloudTrail log-file validation makes tampering with the trail detectable, and restore tests check restored objects against their stored checksums and the integrity canary's hashes.",
  ),
  std(
    '164.312(d)',
    'Person or entity authentication',
    'infrastructure',
    'Every user signs in with a password and MFA (TOTP or passkey), the database uses IAM authentication, and the break-glass role requires MFA.',
  ),
  std(
    '164.312(e)(1)',
    'Transmission security',
    'infrastructure',
    'The load balancer accepts only HTTPS (HTTP is redirected) with a TLS 1.3/1.2 policy, buckets refuse requests without TLS, the database forces TLS, and AWS APIs are reached through VPC endpoints.',
  ),
  impl(
    '164.312(e)(2)(i)',
    'Integrity controls',
    A,
    'infrastructure',
    'TLS, which detects any change to data in transit, is required on every connection the deployment accepts: load balancer, buckets and database.',
  ),
  impl(
    '164.312(e)(2)(ii)',
    'Encryption',
    A,
    'infrastructure',
    'ePHI is encrypted in transit with TLS 1.2 or later: browser to load balancer, and the workload to the database, S3 and AWS APIs.',
  ),
  // 164.314 Organizational requirements
  std(
    '164.314(a)(1)',
    'Business associate contracts or other arrangements',
    'customer',
    'Each BAA (with AWS and with every business associate that receives PHI) must contain what 164.314(a)(2) requires; the integration inventory records each agreement and the config refuses PHI integrations without one.',
  ),
  // 164.316 Policies and procedures and documentation requirements
  std(
    '164.316(a)',
    'Policies and procedures',
    'customer',
    "The practice adopts written security policies and procedures; this repository's runbooks document the procedures for the infrastructure.",
  ),
  std(
    '164.316(b)(1)',
    'Documentation',
    'customer',
    'The practice keeps its policies, procedures and required records in writing; this deployment writes its own evidence (access reviews, restore tests, certificates) to a write-once bucket.',
  ),
  impl(
    '164.316(b)(2)(i)',
    'Time limit',
    R,
    'infrastructure',
    'Every log group is kept at least six years and the trail and evidence buckets lock their objects for at least six years; the practice keeps its other documentation six years from creation or last effect.',
  ),
  impl(
    '164.316(b)(2)(ii)',
    'Availability',
    R,
    'customer',
    'The practice makes its documentation available to the people responsible for the procedures it describes.',
  ),
  impl(
    '164.316(b)(2)(iii)',
    'Updates',
    R,
    'customer',
    'The practice reviews and updates its documentation periodically and after changes; regenerate this report after every change to the deployment.',
  ),
  // 164.404-164.410 Breach notification
  breach(
    '164.404',
    'Notification to individuals',
    'customer',
    'The covered entity notifies affected individuals without unreasonable delay and within 60 days of discovery; alarms and findings help date the discovery, and data encrypted as here may fall outside "unsecured PHI" under HHS guidance if its keys were not compromised.',
  ),
  breach(
    '164.406',
    'Notification to the media',
    'customer',
    'For a breach involving more than 500 residents of a State or jurisdiction, the covered entity notifies prominent media outlets there.',
  ),
  breach(
    '164.408',
    'Notification to the Secretary',
    'customer',
    'The covered entity notifies the Secretary of HHS: at the same time as the individuals for 500 or more of them, otherwise in an annual log within 60 days after the end of the year.',
  ),
  breach(
    '164.410',
    'Notification by a business associate',
    'shared',
    'AWS, as business associate, notifies the practice of a breach of unsecured PHI under the BAA, as must every integration with a BAA; the practice then makes its own notifications.',
  ),
]);

const BY_ID = new Map(HIPAA_CATALOGUE.map((s) => [s.id, s]));

export function catalogueSpec(id: string): HipaaSpec | undefined {
  return BY_ID.get(id);
}

/**
 * The catalogue entry a citation names. A citation of a standard's paragraph without its `(i)` or `(1)`
 * (`164.308(a)(7)`, `164.312(e)`) names that standard.
 */
export function resolveCitation(citation: string): HipaaSpec | undefined {
  return BY_ID.get(citation) ?? BY_ID.get(`${citation}(i)`) ?? BY_ID.get(`${citation}(1)`);
}

const CITATION = /^(164\.\d{3})?((?:\([A-Za-z0-9]+\))*)/;

/**
 * Every HIPAA citation in a text, as written: `[HIPAA 164.312(a)(2)(iv)]`, `(HIPAA 164.308(a)(3)(ii)(B),
 * (a)(4)(ii)(C))` (a bare `(a)(4)...` continues the section before it), `(Control IDs: 164.312(b), ...)`.
 */
export function parseHipaaCitations(text: string): string[] {
  const found: string[] = [];
  const lists =
    /(?:HIPAA|Control IDs?:)\s+(164\.\d{3}(?:\([A-Za-z0-9]+\))*(?:\s*(?:,|and)\s*(?:164\.\d{3})?(?:\([A-Za-z0-9]+\))+)*)/g;
  for (const m of text.matchAll(lists)) {
    let section = '';
    for (const part of m[1].split(/\s*(?:,|\band\b)\s*/)) {
      const c = CITATION.exec(part);
      if (!c || (!c[1] && !c[2])) continue;
      section = c[1] ?? section;
      if (section) found.push(`${section}${c[2]}`);
    }
  }
  return [...new Set(found)];
}

// ---------------------------------------------------------------------------------------------
// Resources -> specifications
// ---------------------------------------------------------------------------------------------

/** A KMS key a property points to, as the assembly index resolved it. */
export interface KeyInfo {
  readonly stack: string;
  readonly logicalId: string;
  /** The key's `hipaa-crm:data-class` tag. */
  readonly dataClass?: string;
}

/** What a mapping may look up beyond the resource itself. */
export interface MappingContext {
  /** The KMS key `value` (a property of `from`) refers to, when the reference can be followed. */
  keyOf(from: TemplateResource, value: unknown): KeyInfo | undefined;
  /** Every resource of the assembly. */
  readonly resources: readonly TemplateResource[];
}

export interface ResourceSpecMapping {
  readonly type: string;
  readonly specs: readonly string[];
  /** How the resource implements the specs, from its own properties; undefined when it does not. */
  readonly describe: (resource: TemplateResource, ctx: MappingContext) => string | undefined;
}

/** One claim: this resource implements this specification, this way. */
export interface SpecImplementation {
  readonly spec: string;
  readonly how: string;
}

function keyText(ctx: MappingContext, r: TemplateResource, value: unknown): string {
  const key = ctx.keyOf(r, value);
  if (key) return `KMS key ${key.logicalId}${key.dataClass ? ` (${key.dataClass})` : ''}`;
  const literal = literalText(value);
  return literal && !literal.startsWith('<') ? `KMS key ${literal}` : 'a KMS key';
}

function kmsEncrypted(type: string, keyProperty: string, what: string): ResourceSpecMapping {
  return {
    type,
    specs: ['164.312(a)(2)(iv)'],
    describe: (r, ctx) => {
      const key = prop(r, keyProperty);
      return key === undefined ? undefined : `${what} encrypted with ${keyText(ctx, r, key)}`;
    },
  };
}

function policyOf(r: TemplateResource): unknown {
  return prop(r, 'PolicyDocument');
}

function bucketOfPolicy(r: TemplateResource): string {
  return literalText(prop(r, 'Bucket')).replace(/^<(.*)>$/, '$1');
}

/** The backup vault names that some backup plan copies recovery points into. */
function copyDestinations(ctx: MappingContext): string[] {
  return ctx.resources
    .filter((r) => r.type === 'AWS::Backup::BackupPlan')
    .flatMap((plan) => asArray(prop(plan, 'BackupPlan.BackupPlanRule')))
    .flatMap((rule) => (isRecord(rule) ? asArray(rule.CopyActions) : []))
    .map((copy) => (isRecord(copy) ? literalText(copy.DestinationBackupVaultArn) : ''));
}

function enabledFeatures(r: TemplateResource): string[] {
  return asArray(prop(r, 'Features'))
    .filter((f): f is Record<string, unknown> => isRecord(f) && f.Status === 'ENABLED')
    .map((f) => String(f.Name));
}

function listenerActions(r: TemplateResource): Record<string, unknown>[] {
  return asArray(prop(r, 'DefaultActions')).filter(isRecord);
}

function lbAttribute(r: TemplateResource, key: string): unknown {
  const attr = asArray(prop(r, 'LoadBalancerAttributes')).find((a) => isRecord(a) && a.Key === key);
  return isRecord(attr) ? attr.Value : undefined;
}

function containers(r: TemplateResource): Record<string, unknown>[] {
  return asArray(prop(r, 'ContainerDefinitions')).filter(isRecord);
}

/**
 * How resource types (and, for project constructs, their names) implement specifications. Every
 * `describe` reads only the resource's template properties (and, where noted, the resources that
 * refer to it).
 */
export const RESOURCE_SPEC_MAPPINGS: readonly ResourceSpecMapping[] = [
  // Keys
  {
    type: 'AWS::KMS::Key',
    specs: ['164.312(a)(2)(iv)'],
    describe: (r) => {
      if (prop(r, 'KeyUsage') === 'SIGN_VERIFY' || !isTrue(prop(r, 'EnableKeyRotation'))) return undefined;
      const cls = tagValue(r, TAG_DATA_CLASS);
      const period = num(prop(r, 'RotationPeriodInDays'));
      return `customer-managed key${cls ? ` for data class ${cls}` : ''}, automatic rotation${period ? ` every ${period} days` : ''}`;
    },
  },
  {
    type: 'AWS::KMS::Key',
    specs: ['164.310(d)(2)(i)'],
    describe: (r) =>
      prop(r, 'KeyUsage') === 'SIGN_VERIFY' && tagValue(r, TAG_DATA_CLASS) === 'certificate-signing'
        ? `asymmetric ${str(prop(r, 'KeySpec')) ?? ''} key that signs the certificates of destruction`.replace(/\s+/g, ' ')
        : undefined,
  },
  // S3
  {
    type: 'AWS::S3::Bucket',
    specs: ['164.312(a)(2)(iv)'],
    describe: (r, ctx) => {
      const enc = bucketEncryption(r);
      if (!enc) return undefined;
      if (enc.algorithm.startsWith('aws:kms')) return `default encryption with ${keyText(ctx, r, enc.kmsKey)}`;
      return enc.algorithm === 'AES256' ? 'default encryption with S3-managed keys (SSE-S3)' : undefined;
    },
  },
  {
    type: 'AWS::S3::Bucket',
    specs: ['164.312(c)(1)'],
    describe: (r) => {
      const lock = objectLock(r);
      const versioned = prop(r, 'VersioningConfiguration.Status') === 'Enabled';
      if (!lock && !versioned) return undefined;
      return [versioned ? 'versioned' : '', lock ? describeObjectLock(lock) : ''].filter(Boolean).join(', ');
    },
  },
  {
    type: 'AWS::S3::Bucket',
    specs: ['164.308(a)(7)(ii)(B)', '164.310(d)(2)(iv)'],
    describe: (r) => {
      const reps = replications(r);
      return reps.length
        ? `replicates every object to ${reps.map((x) => x.destination + (x.replicaKey ? ` (re-encrypted with ${x.replicaKey})` : '')).join('; ')}`
        : undefined;
    },
  },
  {
    type: 'AWS::S3::Bucket',
    specs: ['164.312(b)'],
    describe: (r) =>
      prop(r, 'LoggingConfiguration') !== undefined
        ? `server access logs to ${literalText(prop(r, 'LoggingConfiguration.DestinationBucketName')) || 'a log bucket'}`
        : undefined,
  },
  {
    type: 'AWS::S3::Bucket',
    specs: ['164.312(a)(1)'],
    describe: (r) => {
      const block = prop(r, 'PublicAccessBlockConfiguration');
      const all = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];
      return isRecord(block) && all.every((k) => isTrue(block[k])) ? 'all public access blocked' : undefined;
    },
  },
  {
    type: 'AWS::S3::BucketPolicy',
    specs: ['164.312(e)(1)', '164.312(e)(2)(i)', '164.312(e)(2)(ii)'],
    describe: (r) => {
      if (!deniesInsecureTransport(policyOf(r))) return undefined;
      const tls = minimumTlsVersion(policyOf(r));
      return `denies every request to ${bucketOfPolicy(r)} made without TLS${tls ? ` or below TLS ${tls}` : ''}`;
    },
  },
  {
    type: 'AWS::S3::BucketPolicy',
    specs: ['164.312(c)(1)'],
    describe: (r) => {
      const denied = deniedDeleteActions(policyOf(r));
      return denied.length ? `denies ${denied.join(', ')} on ${bucketOfPolicy(r)} to every principal` : undefined;
    },
  },
  // RDS
  kmsEncrypted('AWS::RDS::DBInstance', 'KmsKeyId', 'storage'),
  {
    type: 'AWS::RDS::DBInstance',
    specs: ['164.308(a)(7)(ii)(C)'],
    describe: (r) => (isTrue(prop(r, 'MultiAZ')) ? 'Multi-AZ: synchronous standby in another availability zone' : undefined),
  },
  {
    type: 'AWS::RDS::DBInstance',
    specs: ['164.308(a)(7)(ii)(A)'],
    describe: (r) => {
      const d = num(prop(r, 'BackupRetentionPeriod'));
      return d ? `automated backups with point-in-time recovery, kept ${days(d)}` : undefined;
    },
  },
  {
    type: 'AWS::RDS::DBInstance',
    specs: ['164.312(d)'],
    describe: (r) => (isTrue(prop(r, 'EnableIAMDatabaseAuthentication')) ? 'IAM database authentication enabled' : undefined),
  },
  {
    type: 'AWS::RDS::DBInstance',
    specs: ['164.312(b)'],
    describe: (r) => {
      const exports = asArray(prop(r, 'EnableCloudwatchLogsExports')).map(String);
      return exports.length ? `exports ${exports.join(', ')} logs to CloudWatch Logs` : undefined;
    },
  },
  {
    type: 'AWS::RDS::DBInstance',
    specs: ['164.312(c)(1)'],
    describe: (r) => (isTrue(prop(r, 'DeletionProtection')) ? 'deletion protection on' : undefined),
  },
  {
    type: 'AWS::RDS::DBInstance',
    specs: ['164.312(a)(1)'],
    describe: (r) =>
      prop(r, 'PubliclyAccessible') === false || prop(r, 'PubliclyAccessible') === 'false'
        ? 'not publicly accessible'
        : undefined,
  },
  {
    type: 'AWS::RDS::DBParameterGroup',
    specs: ['164.312(e)(1)', '164.312(e)(2)(i)', '164.312(e)(2)(ii)'],
    describe: (r) => {
      // Parameter names contain dots, so they are read from the map, not with a property path.
      const params = prop(r, 'Parameters');
      if (!isRecord(params) || String(params['rds.force_ssl']) !== '1') return undefined;
      const min = str(params.ssl_min_protocol_version);
      return `rds.force_ssl=1: the database refuses connections without TLS${min ? ` (minimum ${min})` : ''}`;
    },
  },
  {
    type: 'AWS::RDS::DBParameterGroup',
    specs: ['164.312(b)'],
    describe: (r) => {
      const params = prop(r, 'Parameters');
      if (!isRecord(params) || !String(params.shared_preload_libraries ?? '').includes('pgaudit')) return undefined;
      return `pgaudit loaded${params['pgaudit.log'] ? ` (pgaudit.log=${String(params['pgaudit.log'])})` : ''}`;
    },
  },
  // Audit trail and logs
  {
    type: 'AWS::CloudTrail::Trail',
    specs: ['164.312(b)', '164.308(a)(1)(ii)(D)', '164.312(a)(2)(i)'],
    describe: (r) => {
      if (prop(r, 'IsLogging') === false) return undefined;
      const dataEvents = asArray(prop(r, 'EventSelectors')).flatMap((s) => (isRecord(s) ? asArray(s.DataResources) : []));
      return (
        `records API calls${isTrue(prop(r, 'IsMultiRegionTrail')) ? ' in every region' : ''}` +
        (dataEvents.length ? `, with data events on ${dataEvents.length} resource selector(s)` : '') +
        (prop(r, 'CloudWatchLogsLogGroupArn') !== undefined ? ', delivered to CloudWatch Logs' : '')
      );
    },
  },
  {
    type: 'AWS::CloudTrail::Trail',
    specs: ['164.312(c)(2)'],
    describe: (r) =>
      isTrue(prop(r, 'EnableLogFileValidation')) ? 'log-file validation: digest files make tampering detectable' : undefined,
  },
  kmsEncrypted('AWS::CloudTrail::Trail', 'KMSKeyId', 'log files'),
  {
    type: 'AWS::Logs::LogGroup',
    specs: ['164.312(b)'],
    describe: (r) => `log group ${literalText(prop(r, 'LogGroupName')) || r.logicalId}`,
  },
  kmsEncrypted('AWS::Logs::LogGroup', 'KmsKeyId', 'log group'),
  {
    type: 'AWS::Logs::LogGroup',
    specs: ['164.316(b)(2)(i)'],
    describe: (r) => {
      const d = num(prop(r, 'RetentionInDays'));
      return d !== undefined && d >= 2192 ? `kept ${days(d)}` : undefined;
    },
  },
  {
    type: 'AWS::Logs::MetricFilter',
    specs: ['164.308(a)(1)(ii)(D)'],
    describe: (r) => `turns matching log events of ${literalText(prop(r, 'LogGroupName'))} into an alarm metric`,
  },
  {
    type: 'AWS::Logs::QueryDefinition',
    specs: ['164.308(a)(1)(ii)(D)'],
    describe: (r) => `saved Logs Insights review query "${literalText(prop(r, 'Name'))}"`,
  },
  {
    type: 'AWS::Athena::NamedQuery',
    specs: ['164.308(a)(1)(ii)(D)'],
    describe: (r) => `saved Athena review query "${literalText(prop(r, 'Name'))}"`,
  },
  {
    type: 'AWS::Athena::WorkGroup',
    specs: ['164.308(a)(1)(ii)(D)'],
    describe: (r) =>
      prop(r, 'WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration') !== undefined
        ? 'workgroup for audit reviews, results encrypted'
        : undefined,
  },
  {
    type: 'AWS::EC2::FlowLog',
    specs: ['164.312(b)'],
    describe: (r) =>
      `flow log of ${literalText(prop(r, 'ResourceType'))} ${literalText(prop(r, 'ResourceId'))}, traffic ${literalText(prop(r, 'TrafficType'))}`,
  },
  // Detection and response
  {
    type: 'AWS::Config::ConfigurationRecorder',
    specs: ['164.308(a)(1)(ii)(D)'],
    describe: () => 'records configuration changes of the resources in the account',
  },
  {
    type: 'AWS::GuardDuty::Detector',
    specs: ['164.308(a)(1)(ii)(D)', '164.308(a)(6)(ii)'],
    describe: (r) =>
      isTrue(prop(r, 'Enable'))
        ? `threat detection on${enabledFeatures(r).length ? ` (${enabledFeatures(r).join(', ')})` : ''}`
        : undefined,
  },
  {
    type: 'AWS::GuardDuty::Detector',
    specs: ['164.308(a)(5)(ii)(B)'],
    describe: (r) => {
      const malware = enabledFeatures(r).filter((f) => /MALWARE|RUNTIME/.test(f));
      return isTrue(prop(r, 'Enable')) && malware.length
        ? `malware and runtime threat detection (${malware.join(', ')})`
        : undefined;
    },
  },
  {
    type: 'AWS::GuardDuty::MalwareProtectionPlan',
    specs: ['164.308(a)(5)(ii)(B)'],
    describe: (r) => `scans new objects of bucket ${literalText(prop(r, 'ProtectedResource.S3Bucket.BucketName'))} for malware`,
  },
  {
    type: 'AWS::SecurityHub::Hub',
    specs: ['164.308(a)(1)(ii)(D)'],
    describe: () => 'Security Hub collects findings of every detective service',
  },
  {
    type: 'AWS::SecurityHub::Standard',
    specs: ['164.308(a)(8)'],
    describe: (r) => `continuous evaluation against ${literalText(prop(r, 'StandardsArn')).replace(/^.*:standards\//, '')}`,
  },
  {
    type: 'AWS::Events::Rule',
    specs: ['164.308(a)(6)(ii)'],
    describe: (r) => {
      const sources = asArray(prop(r, 'EventPattern.source')).map(String);
      return sources.some((s) => s === 'aws.guardduty' || s === 'aws.securityhub')
        ? `routes ${sources.join(', ')} findings to ${asArray(prop(r, 'Targets')).length} target(s)`
        : undefined;
    },
  },
  {
    type: 'AWS::Events::Rule',
    specs: ['164.308(a)(7)(ii)(A)'],
    describe: (r) =>
      asArray(prop(r, 'EventPattern.source')).includes('aws.backup') &&
      asArray(prop(r, 'EventPattern.detail.state')).includes('FAILED')
        ? `reports failed ${asArray(prop(r, 'EventPattern.detail-type')).join(', ')} events`
        : undefined,
  },
  {
    type: 'AWS::SNS::Subscription',
    specs: ['164.308(a)(6)(ii)'],
    describe: (r) => `${literalText(prop(r, 'Protocol'))} delivery of alerts to ${literalText(prop(r, 'Endpoint'))}`,
  },
  kmsEncrypted('AWS::SNS::Topic', 'KmsMasterKeyId', 'topic'),
  kmsEncrypted('AWS::SQS::Queue', 'KmsMasterKeyId', 'queue'),
  // Secrets
  kmsEncrypted('AWS::SecretsManager::Secret', 'KmsKeyId', 'secret'),
  {
    type: 'AWS::SecretsManager::RotationSchedule',
    specs: ['164.308(a)(5)(ii)(D)'],
    describe: (r) => {
      const every = num(prop(r, 'RotationRules.AutomaticallyAfterDays'));
      const schedule = str(prop(r, 'RotationRules.ScheduleExpression'));
      return `rotates the secret automatically${every ? ` every ${every} days` : schedule ? ` (${schedule})` : ''}`;
    },
  },
  // Backups
  {
    type: 'AWS::Backup::BackupPlan',
    specs: ['164.308(a)(7)(ii)(A)'],
    describe: (r) => {
      const rules = asArray(prop(r, 'BackupPlan.BackupPlanRule')).filter(isRecord);
      if (!rules.length) return undefined;
      return `rules: ${rules
        .map(
          (x) =>
            `${literalText(x.RuleName)}${isTrue(x.EnableContinuousBackup) ? ' (continuous)' : ''} kept ${num(isRecord(x.Lifecycle) ? x.Lifecycle.DeleteAfterDays : undefined) ?? '?'} days`,
        )
        .join('; ')}`;
    },
  },
  {
    type: 'AWS::Backup::BackupPlan',
    specs: ['164.308(a)(7)(ii)(B)', '164.310(d)(2)(iv)'],
    describe: (r) => {
      const copies = asArray(prop(r, 'BackupPlan.BackupPlanRule')).filter(
        (x) => isRecord(x) && asArray(x.CopyActions).length > 0,
      );
      return copies.length ? `copies the recovery points of ${copies.length} rule(s) to another vault` : undefined;
    },
  },
  {
    type: 'AWS::Backup::BackupSelection',
    specs: ['164.308(a)(7)(ii)(A)'],
    describe: (r) => `selects ${asArray(prop(r, 'BackupSelection.Resources')).length} resource(s) by ARN for the backup plan`,
  },
  kmsEncrypted('AWS::Backup::BackupVault', 'EncryptionKeyArn', 'backup vault'),
  {
    type: 'AWS::Backup::BackupVault',
    specs: ['164.312(c)(1)'],
    describe: (r) => {
      const lock = prop(r, 'LockConfiguration');
      const denied = deniedDeleteActions(prop(r, 'AccessPolicy'));
      const parts: string[] = [];
      if (isRecord(lock)) {
        parts.push(
          `Vault Lock ${lock.ChangeableForDays !== undefined ? 'COMPLIANCE' : 'GOVERNANCE'} ` +
            `(retention ${literalText(lock.MinRetentionDays)}-${literalText(lock.MaxRetentionDays)} days)`,
        );
      }
      if (denied.length) parts.push(`denies ${denied.join(', ')} to every principal`);
      return parts.length ? parts.join('; ') : undefined;
    },
  },
  {
    type: 'AWS::Backup::BackupVault',
    specs: ['164.308(a)(7)(ii)(A)'],
    describe: (r) => `holds recovery points (vault ${literalText(prop(r, 'BackupVaultName'))})`,
  },
  {
    // The DR vault: a vault some backup plan copies into.
    type: 'AWS::Backup::BackupVault',
    specs: ['164.308(a)(7)(ii)(B)', '164.310(d)(2)(iv)'],
    describe: (r, ctx) => {
      const name = str(prop(r, 'BackupVaultName'));
      return name && copyDestinations(ctx).some((arn) => arn.endsWith(`:backup-vault:${name}`))
        ? `receives the copies of scheduled recovery points${r.region ? ` in ${r.region}` : ''}`
        : undefined;
    },
  },
  {
    type: 'AWS::Backup::RestoreTestingPlan',
    specs: ['164.308(a)(7)(ii)(D)'],
    describe: (r) => `restore tests on ${literalText(prop(r, 'ScheduleExpression'))}`,
  },
  {
    type: 'AWS::Backup::RestoreTestingSelection',
    specs: ['164.308(a)(7)(ii)(D)'],
    describe: (r) => `restores the ${literalText(prop(r, 'ProtectedResourceType'))} recovery points in every test`,
  },
  {
    type: 'AWS::Backup::Framework',
    specs: ['164.308(a)(7)(ii)(D)'],
    describe: (r) => `Backup Audit Manager framework with ${asArray(prop(r, 'FrameworkControls')).length} controls`,
  },
  {
    type: 'AWS::Backup::ReportPlan',
    specs: ['164.308(a)(7)(ii)(D)'],
    describe: (r) => `delivers the ${literalText(prop(r, 'ReportSetting.ReportTemplate'))} report`,
  },
  // Identity
  {
    type: 'AWS::Cognito::UserPool',
    specs: ['164.312(a)(2)(i)'],
    describe: (r) =>
      `one account per user, identified by ${asArray(prop(r, 'UsernameAttributes')).join(', ') || 'a unique user name'}`,
  },
  {
    type: 'AWS::Cognito::UserPool',
    specs: ['164.312(d)'],
    describe: (r) =>
      prop(r, 'MfaConfiguration') === 'ON'
        ? `MFA required for every user (${asArray(prop(r, 'EnabledMfas')).join(', ')})`
        : undefined,
  },
  {
    type: 'AWS::Cognito::UserPool',
    specs: ['164.308(a)(5)(ii)(D)'],
    describe: (r) => {
      const p = prop(r, 'Policies.PasswordPolicy');
      if (!isRecord(p)) return undefined;
      return (
        `passwords of at least ${literalText(p.MinimumLength)} characters` +
        (p.PasswordHistorySize !== undefined ? `, last ${literalText(p.PasswordHistorySize)} not reused` : '') +
        (p.TemporaryPasswordValidityDays !== undefined
          ? `, temporary passwords valid ${literalText(p.TemporaryPasswordValidityDays)} day(s)`
          : '')
      );
    },
  },
  {
    type: 'AWS::Cognito::UserPool',
    specs: ['164.308(a)(4)(ii)(C)'],
    describe: (r) =>
      isTrue(prop(r, 'AdminCreateUserConfig.AllowAdminCreateUserOnly'))
        ? 'accounts are created by administrators only'
        : undefined,
  },
  {
    type: 'AWS::Cognito::UserPool',
    specs: ['164.308(a)(5)(ii)(C)'],
    describe: (r) =>
      prop(r, 'UserPoolAddOns.AdvancedSecurityMode') === 'ENFORCED' ? 'threat protection enforced on every sign-in' : undefined,
  },
  {
    type: 'AWS::Cognito::UserPoolRiskConfigurationAttachment',
    specs: ['164.308(a)(5)(ii)(C)'],
    describe: (r) => {
      const compromised = prop(r, 'CompromisedCredentialsRiskConfiguration.Actions.EventAction');
      const high = prop(r, 'AccountTakeoverRiskConfiguration.Actions.HighAction.EventAction');
      const parts = [
        compromised ? `compromised credentials: ${literalText(compromised)}` : '',
        high ? `high-risk sign-ins: ${literalText(high)}` : '',
      ];
      return parts.some(Boolean) ? parts.filter(Boolean).join(', ') : undefined;
    },
  },
  {
    type: 'AWS::Cognito::UserPoolClient',
    specs: ['164.312(a)(2)(iii)'],
    describe: (r) => {
      const units = prop(r, 'TokenValidityUnits');
      const unit = (k: string, d: string) => (isRecord(units) && units[k] ? String(units[k]) : d);
      const access = prop(r, 'AccessTokenValidity');
      const refresh = prop(r, 'RefreshTokenValidity');
      if (access === undefined && refresh === undefined) return undefined;
      return (
        (access !== undefined ? `access tokens expire after ${literalText(access)} ${unit('AccessToken', 'hours')}` : '') +
        (refresh !== undefined
          ? `${access !== undefined ? ', ' : ''}refresh tokens after ${literalText(refresh)} ${unit('RefreshToken', 'days')}`
          : '')
      );
    },
  },
  {
    type: 'AWS::Cognito::UserPoolGroup',
    specs: ['164.308(a)(4)(ii)(B)'],
    describe: (r) =>
      `role group "${literalText(prop(r, 'GroupName'))}"${str(prop(r, 'Description')) ? `: ${str(prop(r, 'Description'))}` : ''}`,
  },
  {
    type: 'AWS::Cognito::UserPoolResourceServer',
    specs: ['164.308(a)(4)(ii)(B)'],
    describe: (r) => `defines the ${asArray(prop(r, 'Scopes')).length} scopes the roles grant`,
  },
  {
    type: 'AWS::Cognito::LogDeliveryConfiguration',
    specs: ['164.308(a)(5)(ii)(C)', '164.312(b)'],
    describe: (r) => {
      const sources = asArray(prop(r, 'LogConfigurations')).map((c) => (isRecord(c) ? literalText(c.EventSource) : ''));
      return `exports ${sources.join(', ')} events for review`;
    },
  },
  {
    type: 'AWS::IAM::Role',
    specs: ['164.312(a)(2)(ii)'],
    describe: (r) =>
      /break-glass$/.test(str(prop(r, 'RoleName')) ?? '') || r.logicalId === 'BreakGlassRole'
        ? `emergency access role${trustRequiresMfa(r) ? ', assumable only with MFA' : ''}${num(prop(r, 'MaxSessionDuration')) ? `, sessions of at most ${num(prop(r, 'MaxSessionDuration'))} seconds` : ''}`
        : undefined,
  },
  {
    type: 'AWS::IAM::Role',
    specs: ['164.312(d)'],
    describe: (r) => (trustRequiresMfa(r) ? 'can be assumed only with MFA' : undefined),
  },
  {
    type: 'AWS::IAM::Role',
    specs: ['164.312(a)(1)'],
    describe: (r) => {
      const who = trustedPrincipals(r);
      return who.length ? `role assumable by ${who.join(', ')} only` : undefined;
    },
  },
  // Network and transmission
  {
    type: 'AWS::ElasticLoadBalancingV2::Listener',
    specs: ['164.312(e)(1)', '164.312(e)(2)(i)', '164.312(e)(2)(ii)'],
    describe: (r) =>
      prop(r, 'Protocol') === 'HTTPS'
        ? `HTTPS listener on port ${literalText(prop(r, 'Port'))}, TLS policy ${literalText(prop(r, 'SslPolicy')) || 'default'}`
        : undefined,
  },
  {
    type: 'AWS::ElasticLoadBalancingV2::Listener',
    specs: ['164.312(e)(1)'],
    describe: (r) =>
      prop(r, 'Protocol') === 'HTTP' &&
      listenerActions(r).every(
        (a) => a.Type === 'redirect' && isRecord(a.RedirectConfig) && a.RedirectConfig.Protocol === 'HTTPS',
      )
        ? `HTTP listener on port ${literalText(prop(r, 'Port'))} only redirects to HTTPS`
        : undefined,
  },
  {
    type: 'AWS::ElasticLoadBalancingV2::Listener',
    specs: ['164.312(d)', '164.312(a)(1)'],
    describe: (r) =>
      listenerActions(r).some((a) => a.Type === 'authenticate-cognito')
        ? 'authenticates every request with Cognito before forwarding it'
        : undefined,
  },
  {
    type: 'AWS::ElasticLoadBalancingV2::Listener',
    specs: ['164.312(a)(2)(iii)'],
    describe: (r) => {
      const auth = listenerActions(r).find((a) => a.Type === 'authenticate-cognito');
      const timeout =
        auth && isRecord(auth.AuthenticateCognitoConfig) ? num(auth.AuthenticateCognitoConfig.SessionTimeout) : undefined;
      return timeout !== undefined ? `sign-in session expires after ${timeout} seconds` : undefined;
    },
  },
  {
    type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    specs: ['164.312(b)'],
    describe: (r) => (isTrue(lbAttribute(r, 'access_logs.s3.enabled')) ? 'access logs written to S3' : undefined),
  },
  {
    type: 'AWS::CertificateManager::Certificate',
    specs: ['164.312(e)(1)'],
    describe: (r) => `TLS certificate for ${literalText(prop(r, 'DomainName'))}`,
  },
  {
    type: 'AWS::WAFv2::WebACL',
    specs: ['164.308(a)(5)(ii)(B)'],
    describe: (r) => {
      const rules = asArray(prop(r, 'Rules')).map((x) => (isRecord(x) ? literalText(x.Name) : ''));
      return rules.length ? `web ACL with ${rules.length} rules (${rules.join(', ')})` : undefined;
    },
  },
  {
    type: 'AWS::WAFv2::LoggingConfiguration',
    specs: ['164.312(b)'],
    describe: (r) => {
      const redacted = asArray(prop(r, 'RedactedFields')).length;
      return `logs the requests the web ACL inspects${redacted ? ` (${redacted} field(s) redacted)` : ''}`;
    },
  },
  {
    type: 'AWS::EC2::VPCEndpoint',
    specs: ['164.312(e)(1)'],
    describe: (r) => `private endpoint for ${literalText(prop(r, 'ServiceName'))}: traffic to it stays on the AWS network`,
  },
  {
    type: 'AWS::EC2::SecurityGroup',
    specs: ['164.312(a)(1)'],
    describe: (r) => `security group: ${literalText(prop(r, 'GroupDescription'))}`,
  },
  {
    type: 'Custom::VpcRestrictDefaultSG',
    specs: ['164.312(a)(1)'],
    describe: () => "removes every rule from the VPC's default security group",
  },
  {
    type: 'AWS::EC2::Subnet',
    specs: ['164.312(a)(1)'],
    describe: (r) =>
      tagValue(r, 'aws-cdk:subnet-type') === 'Isolated' ? 'isolated subnet: no route to or from the internet' : undefined,
  },
  // Workload
  {
    type: 'AWS::ECS::TaskDefinition',
    specs: ['164.312(c)(1)'],
    describe: (r) => {
      const ro = containers(r).filter((c) => isTrue(c.ReadonlyRootFilesystem));
      return ro.length ? `${ro.map((c) => literalText(c.Name)).join(', ')}: read-only root filesystem` : undefined;
    },
  },
  {
    type: 'AWS::ECS::TaskDefinition',
    specs: ['164.312(a)(1)'],
    describe: (r) => {
      const safe = containers(r).filter(
        (c) => c.Privileged !== true && c.User !== undefined && !['root', '0'].includes(String(c.User)),
      );
      return safe.length
        ? `${safe.map((c) => `${literalText(c.Name)} runs as user ${literalText(c.User)}, not privileged`).join('; ')}`
        : undefined;
    },
  },
  {
    type: 'AWS::ECS::Service',
    specs: ['164.308(a)(7)(ii)(C)'],
    describe: (r) => {
      const count = num(prop(r, 'DesiredCount'));
      return count !== undefined && count >= 2 ? `runs ${count} tasks, so one can fail without an outage` : undefined;
    },
  },
  {
    type: 'AWS::StepFunctions::StateMachine',
    specs: ['164.310(d)(2)(i)', '164.310(d)(1)'],
    describe: (r) =>
      /crypto-erasure$/.test(str(prop(r, 'StateMachineName')) ?? '')
        ? 'crypto-erasure run: destroys the PHI and backup keys, verifies and certifies the destruction'
        : undefined,
  },
];

/** Resource properties that carry the deployment's own HIPAA citations (`[HIPAA 164.x] ...`). */
const CITING_PROPERTIES = ['Description', 'AlarmDescription'] as const;

/** Types whose citations make them checks (see the report's verifying checks), not implementations. */
export const CHECK_RESOURCE_TYPES: ReadonlySet<string> = new Set(['AWS::Config::ConfigRule']);

/** The HIPAA specifications a resource's own description cites (alarms, functions). */
export function citedSpecs(resource: TemplateResource): SpecImplementation[] {
  if (CHECK_RESOURCE_TYPES.has(resource.type)) return [];
  return CITING_PROPERTIES.flatMap((key) => {
    const text = str(resource.properties[key]);
    if (!text) return [];
    const how = text.replace(/^\[HIPAA [^\]]*\]\s*/, '').replace(/\s*\(HIPAA [^)]*(?:\([^)]*\)[^)]*)*\)\s*$/, '');
    return parseHipaaCitations(text).flatMap((c) => {
      const s = resolveCitation(c);
      return s ? [{ spec: s.id, how: how.length > 220 ? `${how.slice(0, 217)}...` : how }] : [];
    });
  });
}

/** Every specification a resource implements, and how (mapping table first, then its own citations). */
export function specsForResource(resource: TemplateResource, ctx: MappingContext): SpecImplementation[] {
  const out: SpecImplementation[] = [];
  const seen = new Set<string>();
  const add = (spec: string, how: string) => {
    if (seen.has(spec)) return;
    seen.add(spec);
    out.push({ spec, how });
  };
  for (const m of RESOURCE_SPEC_MAPPINGS) {
    if (m.type !== resource.type) continue;
    const how = m.describe(resource, ctx);
    if (how) for (const s of m.specs) add(s, how);
  }
  for (const c of citedSpecs(resource)) add(c.spec, c.how);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks -> specifications
// ---------------------------------------------------------------------------------------------

/**
 * Control Tower control objectives (the `Objectives` of each cfn-guard rule's metadata) and the
 * specifications a rule with that objective gives evidence for. Used only where a rule's AWS Config
 * counterpart is not in the project's own HIPAA Config rule table. CO.7 (costs) and CO.10 (protect
 * configurations) map to no specification.
 */
export const CONTROL_TOWER_OBJECTIVE_SPECS: Readonly<Record<string, readonly string[]>> = {
  'CO.1': ['164.312(b)'],
  'CO.2': ['164.312(a)(2)(iv)'],
  'CO.3': ['164.312(e)(1)', '164.312(e)(2)(ii)'],
  'CO.4': ['164.312(c)(1)'],
  'CO.5': ['164.308(a)(4)(ii)(B)'],
  'CO.6': ['164.312(a)(1)'],
  'CO.8': ['164.308(a)(7)(i)'],
  'CO.9': ['164.308(a)(7)(ii)(C)'],
  'CO.11': ['164.308(a)(6)(ii)'],
  'CO.12': ['164.308(a)(1)(ii)(B)'],
  'CO.15': ['164.312(d)'],
};

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
];
