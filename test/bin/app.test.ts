/**
 * The entry point as the CDK CLI runs it (cdk.json's "app" command, context passed in CDK_CONTEXT_JSON):
 * a bad config must stop synth with every problem listed, before any stack is built.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rawConfig, REPO_ROOT } from '../helpers/config';

/** cdk.json's "app" command, e.g. `node --require ./bin/register.cjs bin/app.ts`, with this node. */
function appCommand(): [string, string[]] {
  const [command, ...args] = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { app: string }).app.split(
    ' ',
  );
  return [command === 'node' ? process.execPath : command, args];
}

function runApp(config: Record<string, unknown>): { status: number | null; stderr: string; outdir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bin-app-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const outdir = path.join(dir, 'cdk.out');
  const [command, args] = appCommand();
  const result = spawnSync(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ config: file }), CDK_OUTDIR: outdir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr, outdir };
}

test('a config with three mistakes stops synth with three clear messages and writes no template', () => {
  const { status, stderr, outdir } = runApp({
    ...rawConfig('config/demo.json'),
    securityContactEmail: 'not-an-address',
    keys: { rotationPeriodDays: 30 },
    logs: { retentionDays: 365 },
  });
  expect(status).toBe(1);
  expect(stderr).toMatch(/has 3 problems:/);
  expect(stderr).toMatch(/- securityContactEmail: must be an e-mail address/);
  expect(stderr).toMatch(/- keys\.rotationPeriodDays: must be at least 90 days/);
  expect(stderr).toMatch(/- logs\.retentionDays: must be one of 2192.*HIPAA requires at least 6 years/);
  expect(fs.existsSync(path.join(outdir, 'crm-demo-data.template.json'))).toBe(false);
  expect(fs.existsSync(path.join(outdir, 'Data.template.json'))).toBe(false);
});

test('a PHI deployment without a BAA stops synth and says why', () => {
  const { baa, ...production } = rawConfig('config/production.example.json');
  expect(baa).toBeDefined();
  const { status, stderr } = runApp(production);
  expect(status).toBe(1);
  expect(stderr).toMatch(/- baa: this deployment is marked holdsPhi: true but records no executed Business Associate Agreement/);
});

test('an integration that receives PHI without a BAA stops synth and says why', () => {
  const production = rawConfig('config/production.example.json');
  const [first, ...rest] = production.integrations as Record<string, unknown>[];
  const { status, stderr } = runApp({
    ...production,
    integrations: [{ ...first, baa: { inPlace: false } }, ...rest],
  });
  expect(status).toBe(1);
  expect(stderr).toMatch(
    /- integrations\.0\.baa\.inPlace: "Example Claims Clearinghouse" receives PHI but has no Business Associate Agreement in place/,
  );
});
