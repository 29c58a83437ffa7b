/**
 * The project's own cfn-guard rules (lib/compliance/project-rules/*.guard), read from the rule files so
 * the report never drifts from them: each `rule <name>`, the HIPAA specifications its messages cite
 * (`[HIPAA 164.312(b)]`, `[HIPAA 164.312(b), 164.316(b)(2)(i)]`) and the resource types it reads.
 * cfn-guard runs them on every template of every synth (lib/compliance/plugins.ts) and reports a failure
 * under the rule's name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseHipaaCitations } from '../compliance/hipaa/citations';
import { PROJECT_RULES_DIR } from '../compliance/plugins';

/** One rule of a project guard file. */
export interface ProjectRule {
  /** The rule name, as cfn-guard reports it, e.g. `project_no_nat_gateway`. */
  readonly ruleName: string;
  /** The guard file, relative to the repository (lib/compliance/project-rules/promises.guard). */
  readonly file: string;
  /** HIPAA citations of the `[HIPAA ...]` tags of its messages, as written. */
  readonly hipaaControls: readonly string[];
  /** Its first message without the tag: the promise it keeps. */
  readonly promise: string;
  /** Resource types it reads (through its `let` variables or inline `Type ==` filters). */
  readonly resourceTypes: readonly string[];
  /** Whether it has a `when` clause: then it checks nothing where no resource of its types exists. */
  readonly conditional: boolean;
}

/** What the scanner skips over when it matches braces: comments, strings, regexes and messages. */
const OPAQUE = /#[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|\/(?:[^/\\\n]|\\.)+\/|<<[\s\S]*?>>/y;

/** The index just after the `}` that closes the `{` at `open`, skipping opaque text; -1 when unbalanced. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length;) {
    OPAQUE.lastIndex = i;
    const opaque = OPAQUE.exec(text);
    if (opaque) {
      i += opaque[0].length;
      continue;
    }
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i + 1;
    i++;
  }
  return -1;
}

/** The resource types a filter text names: `Type == 'X'` and `Type in ['X', 'Y']`. */
function typesIn(text: string): string[] {
  const types = [...text.matchAll(/\bType\s*==\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
  for (const m of text.matchAll(/\bType\s+in\s*\[([^\]]*)\]/g)) {
    types.push(...[...m[1].matchAll(/['"]([^'"]+)['"]/g)].map((x) => x[1]));
  }
  return types;
}

/** Text with its comment lines removed (a `#` inside a message or string is kept). */
function withoutComments(text: string): string {
  return text.replace(/^[ \t]*#[^\n]*$/gm, '');
}

/**
 * Every rule of one guard file. Throws when a rule's braces do not balance: a file cfn-guard cannot
 * read must not be reported as checks.
 */
export function parseProjectRules(text: string, file: string): ProjectRule[] {
  const source = withoutComments(text);
  const variables = new Map<string, string[]>();
  for (const m of source.matchAll(/^\s*let\s+(\w+)\s*=\s*([\s\S]*?)(?=^\s*(?:let|rule)\s|(?![\s\S]))/gm)) {
    variables.set(m[1], typesIn(m[2]));
  }
  const rules: ProjectRule[] = [];
  let previousEnd = 0;
  for (const m of source.matchAll(/^\s*rule\s+(\w+)\b/gm)) {
    if (m.index < previousEnd) continue; // a line of an earlier rule's message

    // The header (`when ...`) may span lines; the body starts at the first brace after it.
    const open = source.indexOf('{', m.index + m[0].length);
    const end = open < 0 ? -1 : closingBrace(source, open);
    if (end < 0) throw new Error(`${file}: the braces of rule ${m[1]} do not balance`);
    previousEnd = end;
    const header = source.slice(m.index + m[0].length, open);
    const body = source.slice(open, end);
    const messages = [...body.matchAll(/<<([\s\S]*?)>>/g)].map((x) => x[1].trim());
    const tags = messages.flatMap((msg) => [...msg.matchAll(/\[HIPAA ([^\]]+)\]/g)].map((t) => `HIPAA ${t[1]}`));
    const referenced = [...`${header} ${body}`.matchAll(/%(\w+)/g)].flatMap((v) => variables.get(v[1]) ?? []);
    rules.push({
      ruleName: m[1],
      file,
      hipaaControls: [...new Set(tags.flatMap(parseHipaaCitations))],
      promise: (messages[0] ?? '').replace(/^\[HIPAA [^\]]*\]\s*/, '').replace(/\s+/g, ' '),
      resourceTypes: [...new Set([...referenced, ...typesIn(body)])].sort(),
      conditional: /^\s*when\b/.test(header),
    });
  }
  return rules;
}

/** Every rule of the project's guard files, in file and rule order. */
export function projectGuardRules(dir: string = PROJECT_RULES_DIR): ProjectRule[] {
  const repo = path.resolve(__dirname, '..', '..');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.guard'))
    .sort()
    .flatMap((f) => {
      const file = path.join(dir, f);
      return parseProjectRules(fs.readFileSync(file, 'utf8'), path.relative(repo, file).split(path.sep).join('/'));
    });
}
