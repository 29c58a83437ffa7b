/**
 * One Node.js story: the lines package.json supports, the line CI runs everything on, the Lambda
 * runtime the functions are bundled for, and what the README tells users to install.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FUNCTION_RUNTIME } from '../lib/constructs/secure-function';

const ROOT = path.join(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/**
 * The major lines of an engines range such as `^22.13.0 || ^24.0.0`: each line from a floor (22.13:
 * the oldest 22 every dependency accepts, eslint-visitor-keys 5 being the strictest) to its end.
 */
function supportedLines(range: string): number[] {
  return range.split('||').map((part) => {
    const caret = /^\s*\^(\d+)\.\d+\.\d+\s*$/.exec(part);
    if (!caret) throw new Error(`engines.node part "${part}" is not ^<major>.<minor>.<patch>: support whole LTS lines`);
    return Number(caret[1]);
  });
}

const lines = supportedLines(JSON.parse(read('package.json')).engines.node);
const ciLine = Number(/^NODE_LINE=(\d+)$/m.exec(read('.ci/run'))?.[1]);

test('package.json supports whole even (LTS) lines, none end-of-life (20 ended 2026-04-30)', () => {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line % 2).toBe(0);
    expect(line).toBeGreaterThanOrEqual(22);
  }
});

test('CI runs on the newest supported line, the one the Lambda functions run on', () => {
  expect(ciLine).toBe(Math.max(...lines));
  expect(FUNCTION_RUNTIME.name).toBe(`nodejs${ciLine}.x`);
});

test('the README names the supported lines as its prerequisite', () => {
  expect(read('README.md')).toContain(`Node.js ${lines.join(' or ')}`);
});
