/**
 * The HIPAA Security Rule (45 CFR 164.308-164.316) and the breach-notification duties (164.404-164.410)
 * as this deployment meets them: every standard and implementation specification, whether it is
 * required or addressable, who is responsible for it here and how it is met, in plain words.
 *
 * Responsibility is the one that best describes the specification in this deployment:
 * - `infrastructure`: this deployment implements the mechanism (people may still operate it);
 * - `shared`: this deployment implements part, and AWS (its data centres, hardware, media) or the
 *   practice the rest;
 * - `customer`: the practice's own policies, procedures, training and workforce; the deployment at
 *   most supplies evidence;
 * - `aws`: AWS implements it for everything this deployment holds, under the BAA and the
 *   shared-responsibility model (https://aws.amazon.com/compliance/shared-responsibility-model/); the
 *   practice covers only its own premises and devices.
 * An `infrastructure` or `shared` specification must have implementing resources and an automated check
 * (test/report/demo-app.test.ts); for the others `EVIDENCE_ELSEWHERE` says where the evidence lives.
 *
 * Data only. Which resources implement a specification: resource-specs.ts; which checks verify one:
 * control-tower-objectives.ts, project-guards.ts and the project's cfn-guard rules
 * (lib/compliance/project-rules). Read by `npm run report` (lib/report).
 */
export type Responsibility = 'infrastructure' | 'shared' | 'customer' | 'aws';

/** Every responsibility, in the order the report lists them, with how it reads there. */
export const RESPONSIBILITIES: Readonly<Record<Responsibility, string>> = {
  infrastructure: 'this infrastructure',
  shared: 'shared: this infrastructure implements part',
  customer: "the customer's (the practice's) alone",
  aws: "AWS's alone, for what this deployment holds",
};
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
export const HIPAA_SPECIFICATIONS: readonly HipaaSpec[] = structured([
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
    'aws',
    'AWS controls physical access to its data centres (attested in its audit reports, covered by the BAA); the practice controls access to its own premises.',
  ),
  impl(
    '164.310(a)(2)(i)',
    'Contingency operations',
    A,
    'aws',
    'AWS data centre procedures cover emergency facility access; restoring this deployment needs no physical access.',
  ),
  impl(
    '164.310(a)(2)(ii)',
    'Facility security plan',
    A,
    'aws',
    'AWS keeps the facility security plan of its data centres; the practice keeps one for its premises.',
  ),
  impl(
    '164.310(a)(2)(iii)',
    'Access control and validation procedures',
    A,
    'aws',
    'AWS controls and validates who enters its data centres; the practice does so for its premises.',
  ),
  impl(
    '164.310(a)(2)(iv)',
    'Maintenance records',
    A,
    'aws',
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
    'aws',
    'AWS wipes storage before it is reused; the practice handles the re-use of media on its premises.',
  ),
  impl(
    '164.310(d)(2)(iii)',
    'Accountability',
    A,
    'aws',
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
    'aws',
    'AWS, as business associate, notifies the practice of a breach of unsecured PHI under the BAA, as must every integration with a BAA; the practice then makes its own notifications.',
  ),
]);

const BY_ID = new Map(HIPAA_SPECIFICATIONS.map((s) => [s.id, s]));

export function hipaaSpec(id: string): HipaaSpec | undefined {
  return BY_ID.get(id);
}

/**
 * The implementation specifications of a standard (164.308(a)(7)(ii)(A)-(E) of 164.308(a)(7)(i)); none
 * for a standard without any, or for an implementation specification. The report rolls a standard's
 * resources and checks up from them.
 */
export function implementationSpecsOf(standard: string): HipaaSpec[] {
  return HIPAA_SPECIFICATIONS.filter((s) => s.standard === standard);
}

/** Whether this deployment implements (all or part of) the specification, so it needs resources and a check. */
export function implementedHere(spec: HipaaSpec): boolean {
  return spec.responsibility === 'infrastructure' || spec.responsibility === 'shared';
}

/**
 * Where the evidence lives for what this deployment does not implement: the practice's own records, or
 * AWS's third-party audit reports and agreements, which AWS Artifact provides
 * (https://docs.aws.amazon.com/artifact/latest/ug/downloading-documents.html). Every specification that
 * is not `infrastructure` has an entry (test/compliance/hipaa/specifications.test.ts).
 */
const AWS_AUDIT_REPORTS = 'AWS Artifact: the SOC 2 Type 2 report and the ISO/IEC 27001 certification';
export const EVIDENCE_ELSEWHERE: Readonly<Record<string, string>> = {
  '164.308(a)(1)(i)':
    "The practice's documented security management process; this report and the alarm and finding history are its inputs.",
  '164.308(a)(1)(ii)(A)': "The practice's written risk analysis, dated and reviewed.",
  '164.308(a)(1)(ii)(B)':
    "The practice's risk management plan; the acknowledged exceptions of this report record the risks accepted here.",
  '164.308(a)(1)(ii)(C)': "The practice's sanction policy and its records of sanctions applied.",
  '164.308(a)(2)': "The practice's written designation of its security official.",
  '164.308(a)(3)(i)': "The practice's workforce security policy; the quarterly access review reports in the evidence bucket.",
  '164.308(a)(3)(ii)(A)': "The practice's authorization records; the access review reports in the evidence bucket.",
  '164.308(a)(3)(ii)(B)': "The practice's clearance (screening) records.",
  '164.308(a)(3)(ii)(C)': "The practice's termination checklist; CloudTrail records of the account disabled or removed.",
  '164.308(a)(4)(ii)(A)':
    "The practice's organisation chart and its business associate agreements (integration inventory of the config).",
  '164.308(a)(5)(i)': "The practice's training programme and attendance records.",
  '164.308(a)(5)(ii)(A)': "The practice's security reminders as sent.",
  '164.308(a)(6)(i)': "The practice's incident response procedures.",
  '164.308(a)(6)(ii)': "The practice's incident log; alarm and finding notifications and CloudTrail for what happened here.",
  '164.308(a)(7)(ii)(C)': `${AWS_AUDIT_REPORTS} (availability of AWS's zones); the practice's emergency mode operation plan for working without the CRM.`,
  '164.308(a)(7)(ii)(E)':
    "The practice's applications and data criticality analysis; the data classification table of this report.",
  '164.308(a)(8)':
    "The practice's evaluation reports; the validation report of every synth and the Security Hub and AWS Config history.",
  '164.308(b)(1)':
    'The executed AWS BAA (AWS Artifact, Agreements) and the BAAs the integration inventory of the config records.',
  '164.308(b)(3)': 'The executed AWS BAA (AWS Artifact, Agreements) and each integration BAA where the config says it is filed.',
  '164.310(a)(1)': `${AWS_AUDIT_REPORTS} (physical and environmental security of AWS data centres); the practice's facility access records for its premises.`,
  '164.310(a)(2)(i)': `${AWS_AUDIT_REPORTS} (data centre contingency and emergency access); the practice's plan for its premises.`,
  '164.310(a)(2)(ii)': `${AWS_AUDIT_REPORTS} (data centre security); the practice's facility security plan for its premises.`,
  '164.310(a)(2)(iii)': `${AWS_AUDIT_REPORTS} (data centre access control and validation); the practice's visitor and access records.`,
  '164.310(a)(2)(iv)': `${AWS_AUDIT_REPORTS} (data centre maintenance); the practice's maintenance records for its premises.`,
  '164.310(b)': "The practice's workstation use policy.",
  '164.310(c)': "The practice's workstation security policy and inventory.",
  '164.310(d)(1)': `${AWS_AUDIT_REPORTS} (media handling in AWS data centres); the practice's device and media policy for its own devices.`,
  '164.310(d)(2)(i)': `${AWS_AUDIT_REPORTS} (sanitisation and destruction of AWS storage media); here, the signed certificates of destruction in the evidence bucket.`,
  '164.310(d)(2)(ii)': `${AWS_AUDIT_REPORTS} (media sanitisation before re-use); the practice's media re-use procedure for its devices.`,
  '164.310(d)(2)(iii)': `${AWS_AUDIT_REPORTS} (asset management of AWS hardware); the practice's device and media inventory.`,
  '164.314(a)(1)': 'The executed AWS BAA (AWS Artifact, Agreements) and each integration BAA the config records.',
  '164.316(a)': "The practice's written policies and procedures; the runbooks in docs/runbooks for this infrastructure.",
  '164.316(b)(1)': "The practice's document repository; this deployment's own evidence in the write-once evidence bucket.",
  '164.316(b)(2)(ii)': "The practice's document repository and who may read it.",
  '164.316(b)(2)(iii)': "The practice's document review log; this report, regenerated after every change.",
  '164.404': "The practice's breach risk assessments and notification letters.",
  '164.406': "The practice's media notices.",
  '164.408': "The practice's submissions on the HHS breach portal.",
  '164.410':
    "The AWS BAA (AWS Artifact, Agreements) sets AWS's notification duty; each integration BAA sets that of the integration.",
};
