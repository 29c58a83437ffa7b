import { anchor, esc, renderHtml } from '../../lib/report/html';
import { md, renderMarkdown } from '../../lib/report/markdown';
import type { ReportModel } from '../../lib/report/model';
import { fixtureModel } from './fixture';

const HOSTILE = `<script>alert("x")</script> & 'quotes' | pipe`;

/** The fixture model with hostile text in an acknowledgement reason and a role description. */
function hostileModel(): ReportModel {
  const model = fixtureModel();
  return {
    ...model,
    sections: model.sections.map((s) => ({ ...s, exceptions: s.exceptions.map((e) => ({ ...e, reason: HOSTILE })) })),
    policies: { ...model.policies, roles: model.policies.roles.map((r) => ({ ...r, description: HOSTILE })) },
  };
}

describe('HTML', () => {
  const html = renderHtml(hostileModel());

  test('escapes every text it shows', () => {
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; | pipe');
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  test('is one standalone page: inline style, no scripts, no external assets', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<link|<script|<img|<iframe|\bsrc=|@import|url\(/i);
    // Links stay inside the page.
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]).filter((h) => !h.startsWith('#spec-'))).toEqual([]);
  });

  test('shows the exception under its specification, and every specification has an anchor', () => {
    const section = html.slice(html.indexOf(`id="${anchor('164.308(a)(7)(ii)(B)')}"`));
    expect(section.slice(0, section.indexOf('</section>'))).toContain('PhiDocumentsAccessLogBucket');
    expect(anchor('164.312(a)(2)(iv)')).toBe('spec-164-312-a-2-iv');
    for (const s of fixtureModel().sections) expect(html).toContain(`id="${anchor(s.spec.id)}"`);
  });
});

describe('Markdown', () => {
  const text = renderMarkdown(hostileModel());

  test('escapes markup and table separators in values', () => {
    expect(text).not.toContain('<script');
    expect(text).toContain('&lt;script&gt;');
    expect(md('a | b')).toBe('a \\| b');
    expect(md('line\nbreak')).toBe('line break');
  });

  test('puts the summary first and names the acknowledged exception with its reason under its specification', () => {
    const model = fixtureModel();
    const plain = renderMarkdown(model);
    expect(plain.indexOf('## Summary')).toBeLessThan(plain.indexOf('## Specifications'));
    expect(plain).toMatch(/\| \*\*Open findings\*\* \(must be 0\) \| \*\*0\*\* \|/);
    const section = plain.slice(plain.indexOf('#### 164.308(a)(7)(ii)(B)'), plain.indexOf('#### 164.308(a)(7)(ii)(C)'));
    expect(section).toContain('`PhiDocumentsAccessLogBucket`');
    expect(section).toContain('`HIPAA.Security-S3BucketReplicationEnabled`');
    expect(section).toContain('Fixture: this bucket holds the server access logs of the PHI documents bucket');
  });
});

describe('coverage and ownership, in both renderings', () => {
  const model = fixtureModel();
  const plain = renderMarkdown(model);
  const html = renderHtml(model);
  const mdSection = (id: string, next: string) => plain.slice(plain.indexOf(`#### ${id} `), plain.indexOf(`#### ${next} `));

  test('the summary shows how many specifications implemented here lack resources or a check, and which', () => {
    const gaps = model.summary.coverageGaps.map((g) => g.id);
    expect(gaps.length).toBeGreaterThan(0);
    expect(plain).toContain(
      `| **Infrastructure and shared specifications without both** (must be 0) | **${gaps.length}**: ${gaps.join(', ')} |`,
    );
    expect(html).toContain(`<span class="bad">${gaps.length}</span>: <a href="#${anchor(gaps[0])}">`);
  });

  test('a project rule is listed by its rule id; a standard names the implementation specification of each rolled-up entry', () => {
    expect(mdSection('164.312(e)(1)', '164.312(e)(2)(i)')).toContain('- project rule `project_no_nat_gateway`: ');
    expect(mdSection('164.312(a)(1)', '164.312(a)(2)(i)')).toMatch(/\| `PhiKey` \| \(164\.312\(a\)\(2\)\(iv\)\) /);
    expect(html).toContain('project rule <code>project_no_nat_gateway</code>: ');
  });

  test('an AWS or customer specification says whose it is and where its evidence lives; a gap says it is one', () => {
    const facility = mdSection('164.310(a)(1)', '164.310(a)(2)(i)');
    expect(facility).toContain("**Responsibility: AWS's alone, for what this deployment holds.**");
    expect(facility).toContain('**Evidence outside this deployment:** AWS Artifact: the SOC 2 Type 2 report');
    expect(facility).toContain("No automated check here: it is AWS's alone");
    expect(html).toContain('<strong>Responsibility: AWS&#39;s alone, for what this deployment holds.</strong>');
    expect(html).toContain('<p><strong>Evidence outside this deployment:</strong> AWS Artifact: the SOC 2 Type 2 report');
    const gap = model.summary.coverageGaps.find((g) => g.missing.includes('checks'))!;
    const gapSection = plain.slice(plain.indexOf(`#### ${gap.id} `));
    expect(gapSection.slice(0, gapSection.indexOf('**Acknowledged'))).toContain('No automated check: a coverage gap');
  });
});
