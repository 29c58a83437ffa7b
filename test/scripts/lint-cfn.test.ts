import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CFN_LINT_CONFIG,
  deploymentConfigs,
  executeCommand,
  EXIT,
  installedVersion,
  lintCfn,
  lintsOf,
  pinnedVersion,
  REPO_ROOT,
  REQUIREMENTS_FILE,
  runTasks,
  synthOf,
  type Task,
} from '../../scripts/lint-cfn/index';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-cfn-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(file: string, text: string, mode?: number): string {
  const full = path.join(tmp, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text, { mode });
  return full;
}

describe('which configs are linted', () => {
  test('every config/*.json but the generated schema, so a new config (a sandbox) is linted without a change here', () => {
    for (const file of ['demo.json', 'sandbox.json', 'schema.json', 'notes.md']) write(`root/config/${file}`, '{}');
    expect(deploymentConfigs(path.join(tmp, 'root'))).toEqual(['config/demo.json', 'config/sandbox.json']);
    expect(deploymentConfigs()).toEqual(expect.arrayContaining(['config/demo.json', 'config/production.example.json']));
    expect(deploymentConfigs()).not.toContain('config/schema.json');
  });

  test('the default config is synthesized by the README command into cdk.out, the others as the synth scripts do', () => {
    expect(synthOf('config/demo.json')).toMatchObject({ assemblyDir: 'cdk.out', command: ['npm', 'run', 'synth'] });
    const production = synthOf('config/production.example.json');
    const scripts = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts;
    // Where `npm run synth:production-example` writes it (README: npm run report -- --assembly ...).
    expect(scripts['synth:production-example']).toContain(`-o ${production.assemblyDir}`);
    expect(production.command).toEqual(
      expect.arrayContaining(['cdk', 'synth', '--no-notices', '-c', 'config=config/production.example.json']),
    );
    expect(synthOf('config/sandbox.json').assemblyDir).toBe('cdk.out.sandbox');
  });
});

describe('lintsOf', () => {
  test('one cfn-lint run per region, with its stacks templates and the repository configuration only', () => {
    const stack = (region: string, file: string) => ({
      type: 'aws:cloudformation:stack',
      environment: `aws://111122223333/${region}`,
      properties: { templateFile: file },
    });
    write(
      'root/cdk.out.sandbox/manifest.json',
      JSON.stringify({
        version: '55.0.0',
        artifacts: {
          Keys: stack('us-east-1', 'Keys.template.json'),
          Dr: stack('us-west-2', 'Dr.template.json'),
          App: stack('us-east-1', 'App.template.json'),
        },
      }),
    );
    for (const id of ['Keys', 'Dr', 'App']) write(`root/cdk.out.sandbox/${id}.template.json`, '{"Resources":{}}');
    const lints = lintsOf(synthOf('config/sandbox.json'), path.join(tmp, 'root'));
    expect(lints.map((l) => l.command)).toEqual([
      [
        'cfn-lint',
        '--config-file',
        '.cfnlintrc',
        'cdk.out.sandbox/Keys.template.json',
        'cdk.out.sandbox/App.template.json',
        '--regions',
        'us-east-1',
      ],
      ['cfn-lint', '--config-file', '.cfnlintrc', 'cdk.out.sandbox/Dr.template.json', '--regions', 'us-west-2'],
    ]);
  });

  test('a missing assembly is an error naming the synth that should have written it', () => {
    expect(() => lintsOf(synthOf('config/missing.json'), path.join(tmp, 'root'))).toThrow(/synth config\/missing\.json failed/);
  });
});

describe('cfn-lint itself', () => {
  test('the pinned version is read from the requirements file CI installs', () => {
    expect(pinnedVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(fs.readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8')).toContain(REQUIREMENTS_FILE);
  });

  test('the installed version is read from cfn-lint --version; none when it is not on PATH', () => {
    const bin = path.dirname(write('fake-bin/cfn-lint', '#!/bin/sh\necho "cfn-lint 9.8.7"\n', 0o755));
    expect(installedVersion({ PATH: bin })).toBe('9.8.7');
    expect(installedVersion({ PATH: path.join(tmp, 'empty') })).toBeUndefined();
  });

  test('without cfn-lint, stops before synthesizing anything, saying how to install the pinned version', async () => {
    write('bare/config/demo.json', '{}');
    write(`bare/${REQUIREMENTS_FILE}`, fs.readFileSync(path.join(REPO_ROOT, REQUIREMENTS_FILE), 'utf8'));
    let text = '';
    const root = path.join(tmp, 'bare');
    const code = await lintCfn({ root, env: { PATH: path.join(tmp, 'empty') }, out: (t) => (text += t) });
    expect(code).toBe(EXIT.noCfnLint);
    expect(text).toContain('cfn-lint is not installed');
    expect(text).toContain(`pip install -r ${REQUIREMENTS_FILE}`);
    expect(text).toContain(`cfn-lint==${pinnedVersion()}`);
    expect(fs.readdirSync(root).filter((f) => f.startsWith('cdk.out'))).toEqual([]);
  });

  test('every check .cfnlintrc ignores carries its reason on its line', () => {
    const lines = fs.readFileSync(path.join(REPO_ROOT, CFN_LINT_CONFIG), 'utf8').split('\n');
    const start = lines.findIndex((l) => /^ignore_checks:/.test(l));
    expect(start).toBeGreaterThanOrEqual(0);
    const inline = /^ignore_checks:\s*\[(.*)\]/.exec(lines[start]);
    if (inline) {
      // The flow form has no room for reasons: it must stay empty.
      expect(inline[1].trim()).toBe('');
      return;
    }
    const items = lines.slice(start + 1).filter((l) => /^\s*-\s/.test(l));
    for (const item of items) expect(item).toMatch(/^\s*-\s+\S+\s+#\s*\S.{10,}/);
  });
});

describe('runTasks', () => {
  const task = (label: string, then?: () => Task[]): Task => ({
    label,
    command: [],
    kind: label.startsWith('synth') ? 'synth' : 'lint',
    then,
  });

  test('runs at most `slots` at once, synths before waiting lints, and no follow-up of a failed task', async () => {
    const started: string[] = [];
    let running = 0;
    let most = 0;
    const outcomes = await runTasks(
      ['a', 'b', 'c-bad'].map((name) => task(`synth ${name}`, () => [task(`lint ${name}`)])),
      2,
      async (t) => {
        started.push(t.label);
        most = Math.max(most, ++running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return { ok: !t.label.includes('bad'), output: '', seconds: 0 };
      },
      () => undefined,
    );
    expect(most).toBe(2);
    expect(started).toEqual(['synth a', 'synth b', 'synth c-bad', 'lint a', 'lint b']);
    expect(outcomes.filter((o) => !o.ok).map((o) => o.task.label)).toEqual(['synth c-bad']);
  });

  test('a follow-up that cannot be worked out fails its task instead of ending the run', async () => {
    const outcomes = await runTasks(
      [
        task('synth x', () => {
          throw new Error('no assembly');
        }),
      ],
      1,
      async () => ({ ok: true, output: '', seconds: 0 }),
      () => undefined,
    );
    expect(outcomes.map((o) => [o.task.label, o.ok, o.output])).toEqual([
      ['synth x', true, ''],
      ['synth x', false, 'no assembly\n'],
    ]);
  });

  test('executeCommand keeps stdout and stderr and fails on a non-zero exit', async () => {
    const result = await executeCommand(
      {
        label: 'x',
        kind: 'lint',
        command: [process.execPath, '-e', 'console.log("out"); console.error("err"); process.exit(3)'],
      },
      process.env,
      tmp,
    );
    expect(result.ok).toBe(false);
    expect(result.output).toContain('out');
    expect(result.output).toContain('err');
  });
});
