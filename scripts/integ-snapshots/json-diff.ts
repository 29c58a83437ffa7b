/**
 * A readable difference between two JSON values (templates, test-case manifests): one line per changed
 * leaf or per added/removed subtree, with its path, e.g.
 *
 *   ~ Resources.Key961B73FD.Properties.PendingWindowInDays: 30 → 7
 *   + Resources.Probe.Properties.Timeout: 30
 *   - Outputs.Old: {"Value":"x"}
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MAX_VALUE_CHARS = 200;

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function render(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const segment = /^[A-Za-z0-9_$@:-]+$/.test(key) ? key : JSON.stringify(key);
  return parent ? `${parent}.${segment}` : segment;
}

/**
 * Lines describing how `actual` differs from `expected` (`~` changed, `+` only in actual, `-` only in
 * expected); empty when they are equal. Object key order is ignored, array order is not.
 */
export function jsonDiff(expected: unknown, actual: unknown, path = ''): string[] {
  if (isObject(expected) && isObject(actual)) {
    const lines: string[] = [];
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      const at = childPath(path, key);
      if (!(key in actual)) lines.push(`- ${at}: ${render(expected[key])}`);
      else if (!(key in expected)) lines.push(`+ ${at}: ${render(actual[key])}`);
      else lines.push(...jsonDiff(expected[key], actual[key], at));
    }
    return lines;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const lines: string[] = [];
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const at = childPath(path, i);
      if (i >= actual.length) lines.push(`- ${at}: ${render(expected[i])}`);
      else if (i >= expected.length) lines.push(`+ ${at}: ${render(actual[i])}`);
      else lines.push(...jsonDiff(expected[i], actual[i], at));
    }
    return lines;
  }
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  if (typeof expected === 'string' && typeof actual === 'string') {
    const [was, now] = aroundFirstDifference(expected, actual);
    return [`~ ${path || '(root)'}: ${was} → ${now}`];
  }
  return [`~ ${path || '(root)'}: ${render(expected)} → ${render(actual)}`];
}

const CONTEXT_CHARS = 60;

/** Two long strings (inline code, JSON in a property) shown around where they start to differ. */
function aroundFirstDifference(a: string, b: string): [string, string] {
  if (JSON.stringify(a).length <= MAX_VALUE_CHARS && JSON.stringify(b).length <= MAX_VALUE_CHARS) return [render(a), render(b)];
  let first = 0;
  while (first < a.length && first < b.length && a[first] === b[first]) first++;
  const start = Math.max(0, first - CONTEXT_CHARS);
  const excerpt = (s: string) =>
    `${start > 0 ? '…' : ''}${JSON.stringify(s.slice(start, first + CONTEXT_CHARS))}${first + CONTEXT_CHARS < s.length ? '…' : ''}`;
  return [excerpt(a), excerpt(b)];
}
