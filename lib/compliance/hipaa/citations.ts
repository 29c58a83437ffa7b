/**
 * HIPAA citations in text (rule-pack messages, acknowledgement reasons, resource descriptions) and
 * the specification each one names.
 */
import { hipaaSpec, type HipaaSpec } from './specifications';

/**
 * The specification a citation names. A citation of a standard's paragraph without its `(i)` or `(1)`
 * (`164.308(a)(7)`, `164.312(e)`) names that standard.
 */
export function resolveCitation(citation: string): HipaaSpec | undefined {
  return hipaaSpec(citation) ?? hipaaSpec(`${citation}(i)`) ?? hipaaSpec(`${citation}(1)`);
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
