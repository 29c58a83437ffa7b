/**
 * Synthesizes a config without compliance plugins or Lambda bundling (fast), and compares every
 * template with a baseline directory written the same way: resource counts per type, added and removed
 * logical IDs, and each changed property path. Used to prove that a refactor leaves templates unchanged.
 *
 *   npx tsx scripts/template-diff.ts write <dir> [config]      # write the baseline
 *   npx tsx scripts/template-diff.ts compare <dir> [config]    # compare the current code with it
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildDeployment } from '../lib/app';
import { loadConfig } from '../lib/config/load';

type Template = { Resources?: Record<string, { Type: string; Properties?: unknown; [k: string]: unknown }> };

function synthesize(configPath: string): Map<string, Template> {
  const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'template-diff-'));
  const app = new App({ outdir, context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  buildDeployment(app, loadConfig(configPath));
  const assembly = app.synth();
  const out = new Map<string, Template>();
  for (const stack of assembly.stacks) out.set(stack.stackName, stack.template as Template);
  fs.rmSync(outdir, { recursive: true, force: true });
  return out;
}

/** Asset hashes change with any source edit; they are not what a refactor must keep. */
function normalize(text: string): string {
  return text.replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '<hash>$1');
}

function diffValues(a: unknown, b: unknown, at: string, out: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) diffValues((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`, out);
    return;
  }
  out.push(`${at}: ${JSON.stringify(a)?.slice(0, 300)} -> ${JSON.stringify(b)?.slice(0, 300)}`);
}

const [mode, dir, configPath = 'config/demo.json'] = process.argv.slice(2);
if (!dir || (mode !== 'write' && mode !== 'compare')) {
  console.error('usage: template-diff.ts write|compare <dir> [config]');
  process.exit(2);
}
const current = synthesize(configPath);
if (mode === 'write') {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, t] of current) fs.writeFileSync(path.join(dir, `${name}.json`), normalize(JSON.stringify(t, null, 1)));
  console.log(`wrote ${current.size} templates to ${dir}`);
} else {
  let changes = 0;
  const before = new Map<string, Template>(
    fs
      .readdirSync(dir)
      .map((f) => [f.replace(/\.json$/, ''), JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Template]),
  );
  const where = new Map<string, string>();
  for (const [stack, t] of before) for (const id of Object.keys(t.Resources ?? {})) where.set(id, stack);
  for (const name of new Set([...before.keys(), ...current.keys()])) {
    const a = before.get(name)?.Resources ?? {};
    const b = (JSON.parse(normalize(JSON.stringify(current.get(name) ?? {}))) as Template).Resources ?? {};
    const lines: string[] = [];
    for (const id of Object.keys(a)) if (!(id in b)) lines.push(`- ${id} (${a[id].Type})`);
    for (const id of Object.keys(b)) {
      if (!(id in a)) {
        const from = where.get(id);
        lines.push(`+ ${id} (${b[id].Type})${from && from !== name ? ` moved from ${from}` : ''}`);
      } else diffValues(a[id], b[id], id, lines);
    }
    const count = (r: typeof a) =>
      Object.values(r).reduce<Record<string, number>>((m, x) => ({ ...m, [x.Type]: (m[x.Type] ?? 0) + 1 }), {});
    const ca = count(a),
      cb = count(b);
    for (const type of new Set([...Object.keys(ca), ...Object.keys(cb)])) {
      if (ca[type] !== cb[type]) lines.push(`# ${type}: ${ca[type] ?? 0} -> ${cb[type] ?? 0}`);
    }
    if (lines.length) {
      changes += lines.length;
      console.log(`\n== ${name}\n${lines.join('\n')}`);
    }
  }
  console.log(changes === 0 ? 'templates unchanged' : `\n${changes} differences`);
}
