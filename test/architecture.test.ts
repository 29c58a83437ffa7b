/**
 * The modules of lib/ depend on each other without cycles. A module is a folder `lib/<folder>` or a
 * top-level file `lib/<file>.ts`; an import between two files of the same folder stays inside it.
 * Every module specifier counts: imports, re-exports, type-only imports, `import()` and `require()`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from './helpers/config';

const LIB = path.join(REPO_ROOT, 'lib');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** `compliance` for lib/compliance/hipaa/citations.ts, `vocabulary.ts` for lib/vocabulary.ts. */
function moduleOf(file: string): string {
  return path.relative(LIB, file).split(path.sep)[0];
}

/** The lib/ file a relative specifier of `from` names, or undefined when it points outside lib/. */
function resolveInLib(from: string, specifier: string): string | undefined {
  const target = path.resolve(path.dirname(from), specifier);
  if (!target.startsWith(`${LIB}${path.sep}`)) return undefined;
  return (
    [target, `${target}.ts`, path.join(target, 'index.ts')].find((f) => fs.existsSync(f) && fs.statSync(f).isFile()) ?? target
  );
}

/** One import that makes module `from` depend on module `to`. */
interface Dependency {
  readonly from: string;
  readonly to: string;
  readonly file: string;
  readonly specifier: string;
}

function dependencies(files: readonly string[]): Dependency[] {
  return files.flatMap((file) =>
    ts
      .preProcessFile(fs.readFileSync(file, 'utf8'), true, true)
      .importedFiles.map((i) => i.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .flatMap((specifier) => {
        const target = resolveInLib(file, specifier);
        return target && moduleOf(target) !== moduleOf(file)
          ? [{ from: moduleOf(file), to: moduleOf(target), file: path.relative(REPO_ROOT, file), specifier }]
          : [];
      }),
  );
}

/** The strongly connected components of more than one module (Tarjan): each is a set of modules in a cycle. */
function cycles(deps: readonly Dependency[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const d of deps) edges.set(d.from, (edges.get(d.from) ?? new Set()).add(d.to));
  const nodes = [...new Set(deps.flatMap((d) => [d.from, d.to]))].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return found;
}

/** A cycle explained by the imports that close it. */
function describeCycle(component: readonly string[], deps: readonly Dependency[]): string {
  const inside = deps.filter((d) => component.includes(d.from) && component.includes(d.to));
  const byEdge = new Map<string, Dependency>();
  for (const d of inside) if (!byEdge.has(`${d.from} -> ${d.to}`)) byEdge.set(`${d.from} -> ${d.to}`, d);
  return [
    `cycle between ${component.join(', ')}:`,
    ...[...byEdge.entries()].map(([edge, d]) => `  ${edge} (e.g. ${d.file} imports '${d.specifier}')`),
  ].join('\n');
}

describe('the modules of lib/', () => {
  const deps = dependencies(sourceFiles(LIB));

  test('are found, with the imports between them', () => {
    expect(deps.length).toBeGreaterThan(50);
    expect(deps).toContainEqual(expect.objectContaining({ from: 'report', to: 'assembly', file: 'lib/report/model.ts' }));
  });

  test('import each other without cycles', () => {
    expect(cycles(deps).map((c) => describeCycle(c, deps))).toEqual([]);
  });

  test('the cycle check finds a cycle through three modules and names the imports that close it', () => {
    const dep = (from: string, to: string): Dependency => ({ from, to, file: `lib/${from}/x.ts`, specifier: `../${to}/y` });
    // d.ts (a top-level file) is only depended on, so it is not part of the cycle.
    expect(cycles([dep('a', 'b'), dep('b', 'c'), dep('c', 'a'), dep('c', 'd.ts')])).toEqual([['a', 'b', 'c']]);
    expect(cycles([dep('a', 'b'), dep('b', 'c')])).toEqual([]);
    expect(describeCycle(['a', 'b'], [dep('a', 'b'), dep('b', 'a')])).toBe(
      "cycle between a, b:\n  a -> b (e.g. lib/a/x.ts imports '../b/y')\n  b -> a (e.g. lib/b/x.ts imports '../a/y')",
    );
  });
});
