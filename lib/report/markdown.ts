/**
 * Renders the report model as Markdown. Text from templates, configs and reasons is escaped for
 * table cells and inline HTML, so a value can neither break a table nor inject markup.
 */
import { implementedHere, RULE_PARTS, type RulePart } from '../compliance/hipaa/specifications';
import { TAG } from '../vocabulary';
import type { CheckKind, ExceptionEntry, ReportModel, SpecSection } from './model';
import type { ResourceLabel } from './policies';

/** Escapes text for a Markdown table cell or paragraph. */
export function md(text: string | number | undefined): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]])/g, '\\$1')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/** Inline code, for identifiers (backticks inside are replaced, they cannot be escaped in a code span). */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function where(r: ResourceLabel): string {
  return `${md(r.stack)}${r.region ? ` (${md(r.region)})` : ''}`;
}

const CHECK_ORDER: readonly CheckKind[] = ['rule pack', 'cfn-guard', 'project rule', 'AWS Config rule', 'project guard'];

function exceptionRows(list: readonly ExceptionEntry[]): string[] {
  return table(
    ['Resource', 'Rule', 'Reason'],
    list.map((e) => [
      e.resource ? `${where(e.resource)} ${md(e.resource.type)} ${code(e.resource.logicalId)}` : code(e.constructPath),
      `${md(e.plugin)}: ${code(e.rule)}`,
      `${e.citation ? `[HIPAA ${md(e.citation)}] ` : ''}${md(e.reason)}`,
    ]),
  );
}

/** Why a specification has no automated check: a gap when this deployment implements it. */
export function noCheck(s: SpecSection): string {
  return implementedHere(s.spec)
    ? 'No automated check: a coverage gap, this deployment implements it (see the summary).'
    : `No automated check here: it is ${s.owner}; see the evidence above.`;
}

function section(s: SpecSection): string[] {
  const { spec } = s;
  const out = [
    `#### ${md(spec.id)} ${md(spec.title)}`,
    '',
    `*${md(spec.kind)}, ${spec.requirement}${spec.standard ? `, under ${md(spec.standard)}` : ''}*. ` +
      `**Responsibility: ${md(s.owner)}.** ${md(spec.how)}`,
    '',
  ];
  if (s.evidenceElsewhere) out.push(`**Evidence outside this deployment:** ${md(s.evidenceElsewhere)}`, '');
  out.push(`**Implemented by** (${s.resources.length}):`, '');
  if (s.resources.length) {
    out.push(
      ...table(
        ['Stack', 'Type', 'Logical ID', 'How'],
        s.resources.map((r) => [where(r), md(r.type), code(r.logicalId), `${r.via ? `(${md(r.via)}) ` : ''}${md(r.how)}`]),
      ),
    );
  } else {
    out.push('No resource of this deployment implements it directly.');
  }
  out.push('', `**Verified by** (${s.checks.length}):`, '');
  if (s.checks.length) {
    for (const kind of CHECK_ORDER) {
      for (const c of s.checks.filter((x) => x.kind === kind))
        out.push(`- ${md(kind)} ${code(c.id)}${c.via ? ` (${md(c.via)})` : ''}: ${md(c.title)} (${md(c.coverage)})`);
    }
  } else {
    out.push(noCheck(s));
  }
  out.push('', `**Acknowledged exceptions** (${s.exceptions.length})${s.exceptions.length ? ':' : '.'}`, '');
  if (s.exceptions.length) out.push(...exceptionRows(s.exceptions), '');
  return out;
}

export function renderMarkdown(m: ReportModel): string {
  const s = m.summary;
  const out: string[] = [
    `# HIPAA Security Rule report: ${md(m.deployment)}`,
    '',
    `Generated ${md(m.generatedAt)} by \`npm run report\` from the cloud assembly ${code(m.assemblyDir)} and the config ${code(m.configFile)}. ` +
      `Regions: primary ${md(m.regions.primary)}, DR ${md(m.regions.dr)}. ` +
      (m.holdsPhi ? 'This deployment holds PHI.' : 'This deployment is marked holdsPhi: false and must not hold PHI.'),
    '',
    'What the templates show, not what is deployed: regenerate after every change, and read it with the runbooks in `docs/runbooks/`.',
    '',
    '## Summary',
    '',
    ...table(
      ['Figure', 'Value'],
      [
        ['Stacks', `${s.stacks.length}: ${s.stacks.map((x) => `${md(x.id)}${x.region ? ` (${md(x.region)})` : ''}`).join(', ')}`],
        ['Resources', `${s.resources} of ${s.resourceTypes} types`],
        [
          'HIPAA specifications',
          `${s.specs}: ${s.byResponsibility.infrastructure} infrastructure, ${s.byResponsibility.shared} shared (implemented here in part), ` +
            `${s.byResponsibility.customer} customer, ${s.byResponsibility.aws} AWS`,
        ],
        ['Specifications with implementing resources', String(s.specsWithResources)],
        ['Specifications with automated checks', String(s.specsWithChecks)],
        [
          'Infrastructure and shared specifications with resources and a check',
          `${s.implementedHereCovered} of ${s.implementedHere}`,
        ],
        [
          '**Infrastructure and shared specifications without both** (must be 0)',
          `**${s.coverageGaps.length}**${s.coverageGaps.length ? `: ${s.coverageGaps.map((g) => md(g.id)).join(', ')}` : ''}`,
        ],
        ...s.checks.map((c) => [
          md(c.source),
          `${c.rules} rules${c.applicable !== undefined ? `, ${c.applicable} apply to resources here` : ''}`,
        ]),
        ['**Open findings** (must be 0)', `**${s.openFindings}**`],
        ['Acknowledged exceptions', `${s.acknowledged} on ${s.acknowledgedResources} resources`],
        [
          'Resource types outside HIPAA eligible services',
          s.ineligibleTypes.length ? `**${s.ineligibleTypes.map(md).join(', ')}**` : 'none',
        ],
      ],
    ),
    '',
  ];
  if (m.sandbox) {
    out.push(
      '## Sandbox profile: controls relaxed for evaluation',
      '',
      '**This deployment is an evaluation sandbox (profile `sandbox`, holdsPhi: false; refused with PHI).** `cdk destroy --all` ' +
        'removes it completely, so the retention controls below are relaxed. A production deployment keeps every one of them.',
      '',
      ...table(
        ['Control', 'HIPAA', 'Production', 'Sandbox'],
        m.sandbox.relaxed.map((r) => [md(r.control), md(r.hipaa), md(r.production), md(r.sandbox)]),
      ),
      '',
      'What remains after `cdk destroy --all`, and until when:',
      '',
      ...m.sandbox.remainders.map((r) => `- ${md(r.what)}: ${md(r.until)}`),
      '',
    );
  }
  if (m.notes.length) out.push('## Notes', '', ...m.notes.map((n) => `- ${md(n)}`), '');
  if (m.openFindings.length) {
    out.push(
      '## Open findings',
      '',
      ...table(
        ['Plugin', 'Rule', 'Severity', 'Resource', 'Finding'],
        m.openFindings.map((f) => [md(f.plugin), code(f.rule), md(f.severity), code(f.constructPath), md(f.description)]),
      ),
      '',
    );
  }

  out.push(
    '## Specifications at a glance',
    '',
    ...table(
      ['Specification', 'Title', 'R/A', 'Responsibility', 'Resources', 'Checks', 'Exceptions'],
      m.sections.map((x) => [
        md(x.spec.id),
        md(x.spec.title),
        x.spec.requirement === 'required' ? 'R' : 'A',
        x.spec.responsibility,
        String(x.resources.length),
        String(x.checks.length),
        String(x.exceptions.length),
      ]),
    ),
    '',
    '## Specifications',
    '',
  );
  for (const part of Object.keys(RULE_PARTS) as RulePart[]) {
    const sections = m.sections.filter((x) => x.spec.part === part);
    if (!sections.length) continue;
    out.push(`### ${md(RULE_PARTS[part])}`, '');
    for (const x of sections) out.push(...section(x));
  }
  if (m.otherExceptions.length) {
    out.push(
      '## Exceptions citing no control of this catalogue',
      '',
      'Every acknowledgement should start with a HIPAA citation of the catalogue; these do not, and need a look.',
      '',
      ...exceptionRows(m.otherExceptions),
      '',
    );
  }

  out.push(...accountsMarkdown(m));

  const p = m.policies;
  out.push(
    '## Policies from config',
    '',
    '### Role matrix',
    '',
    'Each role is a Cognito group; the CRM maps `cognito:groups` to these scopes ("minimum necessary").',
    '',
    ...table(
      ['Role', 'Job', 'Scopes', 'May', 'PHI', 'Cognito group'],
      p.roles.map((r) => [
        code(r.name),
        md(r.description),
        r.scopes.map(code).join(' '),
        md(r.mayDo.join('; ')),
        r.seesPhi ? 'yes' : 'no',
        r.group ? `${where(r.group)} ${code(r.group.logicalId)}` : '**not in the templates**',
      ]),
    ),
    '',
    '### Data classification',
    '',
    `Data class is the \`${TAG.dataClass}\` tag of the KMS key that encrypts the store; stores of classes phi, phi-dr, backup and backup-dr are PHI stores (backups hold copies of the PHI).` +
      (m.holdsPhi ? '' : ' While holdsPhi is false they must hold no real PHI.'),
    '',
    ...table(
      ['Store', 'Stack', 'Type', 'Logical ID', 'Data class', 'PHI store', 'Controls'],
      p.stores.map((x) => [
        md(x.name),
        where(x.resource),
        md(x.resource.type),
        code(x.resource.logicalId),
        md(x.dataClass ?? '-'),
        x.holdsPhi ? '**yes**' : 'no',
        md(x.controls.join('; ')),
      ]),
    ),
    '',
    '### Retention',
    '',
    ...table(
      ['What', 'Where', 'Retention', 'Note'],
      p.retention.map((r) => [md(r.what), md(r.where), md(r.retention), md(r.note ?? '')]),
    ),
    '',
    '### Business Associate Agreement',
    '',
    ...table(
      ['Field', 'Value'],
      [
        ['Holds PHI', p.baa.holdsPhi ? 'yes' : 'no'],
        ['Agreement', md(p.baa.reference ?? 'none recorded')],
        ['Executed on', md(p.baa.executedOn ?? '-')],
        ['Counterparty', md(p.baa.counterparty ?? '-')],
        ['BAA gate', md(p.baa.gate)],
      ],
    ),
    '',
    '### Third-party integrations',
    '',
  );
  if (p.integrations.length) {
    out.push(
      ...table(
        ['Integration', 'Purpose', 'Fields shared', 'Receives PHI', 'BAA', 'Risk', 'Last reviewed'],
        p.integrations.map((i) => [
          md(i.name),
          md(i.purpose),
          md(i.fieldsShared.join(', ')),
          i.receivesPhi ? 'yes' : 'no',
          i.baa.inPlace ? `in place: ${md(i.baa.reference ?? '')}${i.baa.executedOn ? `, ${md(i.baa.executedOn)}` : ''}` : 'none',
          md(i.riskRating),
          md(i.lastReviewed),
        ]),
      ),
    );
  } else {
    out.push('None recorded in the config (`integrations`): the CRM exchanges data with no third party.');
  }
  out.push('');
  return out.join('\n');
}

/** Accounts and what crosses between them: stacks by account, and every grant to another account. */
function accountsMarkdown(m: ReportModel): string[] {
  const a = m.accounts;
  const grants = a.grants.filter((g) => !g.loadBalancerLogDelivery);
  const elb = a.grants.length - grants.length;
  return [
    '## Accounts and what crosses between them',
    '',
    ...table(
      ['Account', 'Part', 'Stacks'],
      a.accounts.map((x) => [
        code(x.account),
        md(x.part),
        x.stacks.map((st) => `${md(st.id)}${st.region ? ` (${md(st.region)})` : ''}`).join(', '),
      ]),
    ),
    '',
    grants.length
      ? 'Every grant of a resource or trust policy to a principal of another account. Each must be scoped to the organization (aws:PrincipalOrgID) and name an exact role; `test/cross-account-trust.test.ts` fails otherwise.'
      : 'No resource or trust policy grants anything to a principal of another account.',
    '',
    ...(grants.length
      ? [
          ...table(
            ['Granted by', 'Resource', 'To account', 'Who', 'Actions', 'Scoped to the organization'],
            grants.map((g) => [
              `${md(g.stack)} (${code(g.stackAccount)})`,
              `${code(g.logicalId)} ${md(g.resourceType)}`,
              `${code(g.account)}${g.part ? ` (${md(g.part)})` : ''}`,
              g.roleArns.length ? g.roleArns.map(code).join(' ') : md(g.principal),
              g.actions.map(code).join(' '),
              g.inOrganization ? 'yes' : '**no**',
            ]),
          ),
          '',
        ]
      : []),
    ...(elb
      ? [
          `Not listed: ${elb} grant(s) to the region's Elastic Load Balancing account to put access-log objects, AWS's documented bucket policy for load balancer access logs.`,
          '',
        ]
      : []),
  ];
}
