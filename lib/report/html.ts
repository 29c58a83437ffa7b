/**
 * Renders the report model as one standalone HTML page: inline CSS, no scripts, no external assets,
 * every text escaped (values come from templates, configs and acknowledgement reasons).
 */
import { implementedHere, RULE_PARTS, type RulePart } from '../compliance/hipaa/specifications';
import { noCheck } from './markdown';
import type { CheckKind, ExceptionEntry, ReportModel, SpecSection } from './model';
import type { ResourceLabel } from './policies';

/** Escapes text for HTML element content and attribute values. */
export function esc(text: string | number | undefined): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An id attribute for a specification: `164.312(a)(2)(iv)` -> `spec-164-312-a-2-iv`. */
export function anchor(specId: string): string {
  return `spec-${specId.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '')}`;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:2px solid #ddd}h3{margin-top:2rem}h4{margin:1.8rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}code{font-size:.85em;background:#f5f5f5;padding:0 .2em;word-break:break-all}
.resp{display:inline-block;padding:0 .4em;border-radius:.3em;font-size:.85em}
.infrastructure{background:#d9f0dd}.shared{background:#dde9f7}.customer{background:#f7ecd9}.aws{background:#ece3f5}
.bad{color:#a00000;font-weight:bold}.meta{color:#555;font-size:.9rem}
section.spec{border-left:3px solid #ddd;padding-left:1rem}
ul.checks{margin:.2rem 0 1rem;padding-left:1.2rem;font-size:.9rem}
`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return (
    `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

function code(text: string): string {
  return `<code>${esc(text)}</code>`;
}

function where(r: ResourceLabel): string {
  return `${esc(r.stack)}${r.region ? ` (${esc(r.region)})` : ''}`;
}

const CHECK_ORDER: readonly CheckKind[] = ['rule pack', 'cfn-guard', 'project rule', 'AWS Config rule', 'project guard'];

function exceptionsTable(list: readonly ExceptionEntry[]): string {
  return table(
    ['Resource', 'Rule', 'Reason'],
    list.map((e) => [
      e.resource ? `${where(e.resource)} ${esc(e.resource.type)} ${code(e.resource.logicalId)}` : code(e.constructPath),
      `${esc(e.plugin)}: ${code(e.rule)}`,
      `${e.citation ? `[HIPAA ${esc(e.citation)}] ` : ''}${esc(e.reason)}`,
    ]),
  );
}

function section(s: SpecSection): string {
  const { spec } = s;
  const parts = [
    `<section class="spec" id="${anchor(spec.id)}"><h4>${esc(spec.id)} ${esc(spec.title)}</h4>`,
    `<p><em>${esc(spec.kind)}, ${esc(spec.requirement)}${spec.standard ? `, under <a href="#${anchor(spec.standard)}">${esc(spec.standard)}</a>` : ''}</em>. ` +
      `<span class="resp ${spec.responsibility}">${esc(spec.responsibility)}</span> <strong>Responsibility: ${esc(s.owner)}.</strong> ${esc(spec.how)}</p>`,
    s.evidenceElsewhere ? `<p><strong>Evidence outside this deployment:</strong> ${esc(s.evidenceElsewhere)}</p>` : '',
    `<p><strong>Implemented by</strong> (${s.resources.length})</p>`,
    s.resources.length
      ? table(
          ['Stack', 'Type', 'Logical ID', 'How'],
          s.resources.map((r) => [where(r), esc(r.type), code(r.logicalId), `${r.via ? `(${esc(r.via)}) ` : ''}${esc(r.how)}`]),
        )
      : '<p>No resource of this deployment implements it directly.</p>',
    `<p><strong>Verified by</strong> (${s.checks.length})</p>`,
    s.checks.length
      ? `<ul class="checks">${CHECK_ORDER.flatMap((kind) =>
          s.checks
            .filter((c) => c.kind === kind)
            .map(
              (c) =>
                `<li>${esc(kind)} ${code(c.id)}${c.via ? ` (${esc(c.via)})` : ''}: ${esc(c.title)} <span class="meta">(${esc(c.coverage)})</span></li>`,
            ),
        ).join('')}</ul>`
      : `<p${implementedHere(spec) ? ' class="bad"' : ''}>${esc(noCheck(s))}</p>`,
    `<p><strong>Acknowledged exceptions</strong> (${s.exceptions.length})</p>`,
    s.exceptions.length ? exceptionsTable(s.exceptions) : '',
    '</section>',
  ];
  return parts.join('\n');
}

export function renderHtml(m: ReportModel): string {
  const s = m.summary;
  const p = m.policies;
  const body: string[] = [
    `<h1>HIPAA Security Rule report: ${esc(m.deployment)}</h1>`,
    `<p class="meta">Generated ${esc(m.generatedAt)} by <code>npm run report</code> from the cloud assembly ${code(m.assemblyDir)} and the config ${code(m.configFile)}. ` +
      `Regions: primary ${esc(m.regions.primary)}, DR ${esc(m.regions.dr)}. ` +
      `${m.holdsPhi ? 'This deployment holds PHI.' : 'This deployment is marked holdsPhi: false and must not hold PHI.'} ` +
      'What the templates show, not what is deployed: regenerate after every change.</p>',
    '<h2>Summary</h2>',
    table(
      ['Figure', 'Value'],
      [
        [
          'Stacks',
          `${s.stacks.length}: ${s.stacks.map((x) => `${esc(x.id)}${x.region ? ` (${esc(x.region)})` : ''}`).join(', ')}`,
        ],
        ['Resources', `${s.resources} of ${s.resourceTypes} types`],
        [
          'HIPAA specifications',
          `${s.specs}: <span class="resp infrastructure">${s.byResponsibility.infrastructure} infrastructure</span> ` +
            `<span class="resp shared">${s.byResponsibility.shared} shared (implemented here in part)</span> ` +
            `<span class="resp customer">${s.byResponsibility.customer} customer</span> <span class="resp aws">${s.byResponsibility.aws} AWS</span>`,
        ],
        ['Specifications with implementing resources', String(s.specsWithResources)],
        ['Specifications with automated checks', String(s.specsWithChecks)],
        [
          'Infrastructure and shared specifications with resources and a check',
          `${s.implementedHereCovered} of ${s.implementedHere}`,
        ],
        [
          'Infrastructure and shared specifications without both (must be 0)',
          `<span class="${s.coverageGaps.length ? 'bad' : ''}">${s.coverageGaps.length}</span>${s.coverageGaps.length ? `: ${s.coverageGaps.map((g) => `<a href="#${anchor(g.id)}">${esc(g.id)}</a>`).join(', ')}` : ''}`,
        ],
        ...s.checks.map((c) => [
          esc(c.source),
          `${c.rules} rules${c.applicable !== undefined ? `, ${c.applicable} apply to resources here` : ''}`,
        ]),
        ['Open findings (must be 0)', `<span class="${s.openFindings ? 'bad' : ''}">${s.openFindings}</span>`],
        ['Acknowledged exceptions', `${s.acknowledged} on ${s.acknowledgedResources} resources`],
        [
          'Resource types outside HIPAA eligible services',
          s.ineligibleTypes.length ? `<span class="bad">${s.ineligibleTypes.map(esc).join(', ')}</span>` : 'none',
        ],
      ],
    ),
  ];
  if (m.sandbox) {
    body.push(
      '<h2>Sandbox profile: controls relaxed for evaluation</h2>',
      '<p><strong>This deployment is an evaluation sandbox (profile <code>sandbox</code>, holdsPhi: false; refused with PHI).</strong> ' +
        '<code>cdk destroy --all</code> removes it completely, so the retention controls below are relaxed. A production deployment keeps every one of them.</p>',
      table(
        ['Control', 'HIPAA', 'Production', 'Sandbox'],
        m.sandbox.relaxed.map((r) => [esc(r.control), esc(r.hipaa), esc(r.production), esc(r.sandbox)]),
      ),
      '<p>What remains after <code>cdk destroy --all</code>, and until when:</p>',
      `<ul>${m.sandbox.remainders.map((r) => `<li>${esc(r.what)}: ${esc(r.until)}</li>`).join('')}</ul>`,
    );
  }
  if (m.notes.length) body.push('<h2>Notes</h2>', `<ul>${m.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  if (m.openFindings.length) {
    body.push(
      '<h2 class="bad">Open findings</h2>',
      table(
        ['Plugin', 'Rule', 'Severity', 'Resource', 'Finding'],
        m.openFindings.map((f) => [esc(f.plugin), code(f.rule), esc(f.severity), code(f.constructPath), esc(f.description)]),
      ),
    );
  }
  body.push(
    '<h2>Specifications at a glance</h2>',
    table(
      ['Specification', 'Title', 'R/A', 'Responsibility', 'Resources', 'Checks', 'Exceptions'],
      m.sections.map((x) => [
        `<a href="#${anchor(x.spec.id)}">${esc(x.spec.id)}</a>`,
        esc(x.spec.title),
        x.spec.requirement === 'required' ? 'R' : 'A',
        `<span class="resp ${x.spec.responsibility}">${esc(x.spec.responsibility)}</span>`,
        String(x.resources.length),
        String(x.checks.length),
        String(x.exceptions.length),
      ]),
    ),
    '<h2>Specifications</h2>',
  );
  for (const part of Object.keys(RULE_PARTS) as RulePart[]) {
    const sections = m.sections.filter((x) => x.spec.part === part);
    if (!sections.length) continue;
    body.push(`<h3>${esc(RULE_PARTS[part])}</h3>`, ...sections.map(section));
  }
  if (m.otherExceptions.length) {
    body.push(
      '<h2 class="bad">Exceptions citing no control of this catalogue</h2>',
      '<p>Every acknowledgement should start with a HIPAA citation of the catalogue; these do not, and need a look.</p>',
      exceptionsTable(m.otherExceptions),
    );
  }
  body.push(...accountsHtml(m));
  body.push(
    '<h2>Policies from config</h2>',
    '<h3>Role matrix</h3>',
    '<p>Each role is a Cognito group; the CRM maps <code>cognito:groups</code> to these scopes ("minimum necessary").</p>',
    table(
      ['Role', 'Job', 'Scopes', 'May', 'PHI', 'Cognito group'],
      p.roles.map((r) => [
        code(r.name),
        esc(r.description),
        r.scopes.map(code).join(' '),
        esc(r.mayDo.join('; ')),
        r.seesPhi ? 'yes' : 'no',
        r.group ? `${where(r.group)} ${code(r.group.logicalId)}` : '<span class="bad">not in the templates</span>',
      ]),
    ),
    '<h3>Data classification</h3>',
    '<p>Data class is the <code>hipaa-crm:data-class</code> tag of the KMS key that encrypts the store; stores of classes phi, phi-dr, backup and backup-dr are PHI stores (backups hold copies of the PHI).' +
      `${m.holdsPhi ? '' : ' While holdsPhi is false they must hold no real PHI.'}</p>`,
    table(
      ['Store', 'Stack', 'Type', 'Logical ID', 'Data class', 'PHI store', 'Controls'],
      p.stores.map((x) => [
        esc(x.name),
        where(x.resource),
        esc(x.resource.type),
        code(x.resource.logicalId),
        esc(x.dataClass ?? '-'),
        x.holdsPhi ? '<strong>yes</strong>' : 'no',
        esc(x.controls.join('; ')),
      ]),
    ),
    '<h3>Retention</h3>',
    table(
      ['What', 'Where', 'Retention', 'Note'],
      p.retention.map((r) => [esc(r.what), esc(r.where), esc(r.retention), esc(r.note ?? '')]),
    ),
    '<h3>Business Associate Agreement</h3>',
    table(
      ['Field', 'Value'],
      [
        ['Holds PHI', p.baa.holdsPhi ? 'yes' : 'no'],
        ['Agreement', esc(p.baa.reference ?? 'none recorded')],
        ['Executed on', esc(p.baa.executedOn ?? '-')],
        ['Counterparty', esc(p.baa.counterparty ?? '-')],
        ['BAA gate', esc(p.baa.gate)],
      ],
    ),
    '<h3>Third-party integrations</h3>',
    p.integrations.length
      ? table(
          ['Integration', 'Purpose', 'Fields shared', 'Receives PHI', 'BAA', 'Risk', 'Last reviewed'],
          p.integrations.map((i) => [
            esc(i.name),
            esc(i.purpose),
            esc(i.fieldsShared.join(', ')),
            i.receivesPhi ? 'yes' : 'no',
            i.baa.inPlace
              ? `in place: ${esc(i.baa.reference ?? '')}${i.baa.executedOn ? `, ${esc(i.baa.executedOn)}` : ''}`
              : 'none',
            esc(i.riskRating),
            esc(i.lastReviewed),
          ]),
        )
      : '<p>None recorded in the config (<code>integrations</code>): the CRM exchanges data with no third party.</p>',
  );
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>HIPAA Security Rule report: ${esc(m.deployment)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Accounts and what crosses between them (see markdown.ts). */
function accountsHtml(m: ReportModel): string[] {
  const a = m.accounts;
  const grants = a.grants.filter((g) => !g.loadBalancerLogDelivery);
  const elb = a.grants.length - grants.length;
  return [
    '<h2>Accounts and what crosses between them</h2>',
    table(
      ['Account', 'Part', 'Stacks'],
      a.accounts.map((x) => [
        code(x.account),
        esc(x.part),
        x.stacks.map((st) => `${esc(st.id)}${st.region ? ` (${esc(st.region)})` : ''}`).join(', '),
      ]),
    ),
    grants.length
      ? '<p>Every grant of a resource or trust policy to a principal of another account. Each must be scoped to the organization (aws:PrincipalOrgID) and name an exact role; <code>test/cross-account-trust.test.ts</code> fails otherwise.</p>'
      : '<p>No resource or trust policy grants anything to a principal of another account.</p>',
    ...(grants.length
      ? [
          table(
            ['Granted by', 'Resource', 'To account', 'Who', 'Actions', 'Scoped to the organization'],
            grants.map((g) => [
              `${esc(g.stack)} (${code(g.stackAccount)})`,
              `${code(g.logicalId)} ${esc(g.resourceType)}`,
              `${code(g.account)}${g.part ? ` (${esc(g.part)})` : ''}`,
              g.roleArns.length ? g.roleArns.map(code).join(' ') : esc(g.principal),
              g.actions.map(code).join(' '),
              g.inOrganization ? 'yes' : '<span class="bad">no</span>',
            ]),
          ),
        ]
      : []),
    ...(elb
      ? [
          `<p>Not listed: ${elb} grant(s) to the region's Elastic Load Balancing account to put access-log objects, AWS's documented bucket policy for load balancer access logs.</p>`,
        ]
      : []),
  ];
}
