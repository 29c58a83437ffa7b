import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HTML_FILE, MARKDOWN_FILE, runReport } from '../../lib/report/run';
import { REPO_ROOT } from '../helpers/config';
import { FIXTURE_DIR, NOW, fixtureCopy } from './fixture';

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const result = runReport(argv, { cwd: REPO_ROOT, now: NOW, out: (t) => out.push(t), err: (t) => err.push(t) });
  return { ...result, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run report', () => {
  test('a missing assembly fails clearly, telling to run the synth first', () => {
    const result = run(['--assembly', path.join(os.tmpdir(), 'no-assembly-here')]);
    expect(result.exitCode).toBe(2);
    expect(result.err).toMatch(/No cloud assembly at .*no-assembly-here: run `npm run synth` first/);
    expect(result.files).toBeUndefined();
  });

  test('writes the Markdown and the HTML report into the output directory', () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-out-'));
    const result = run(['-c', 'config=config/demo.json', '--assembly', FIXTURE_DIR, '--out', outDir]);
    expect(result.exitCode).toBe(0);
    expect(result.files).toEqual({ markdown: path.join(outDir, MARKDOWN_FILE), html: path.join(outDir, HTML_FILE) });
    expect(fs.readFileSync(path.join(outDir, MARKDOWN_FILE), 'utf8')).toContain(
      '#### 164.312(a)(2)(iv) Encryption and decryption',
    );
    expect(fs.readFileSync(path.join(outDir, HTML_FILE), 'utf8')).toContain('164.312(a)(2)(iv) Encryption and decryption');
    expect(result.out).toMatch(/64 specifications .* 1 acknowledged exceptions; 0 open findings/);
  });

  test('defaults the output to <assembly>/report', () => {
    const dir = fixtureCopy();
    expect(run(['--assembly', dir]).exitCode).toBe(0);
    expect(fs.existsSync(path.join(dir, 'report', MARKDOWN_FILE))).toBe(true);
  });

  test('writes the report but exits 1 when the assembly has open findings', () => {
    const dir = fixtureCopy((file, json) => {
      if (file !== 'validation-report.json') return;
      (json.pluginReports as { violations: unknown[] }[])[0].violations.push({
        ruleName: 'HIPAA.Security-S3BucketLoggingEnabled',
        description: 'no logs',
        violatingConstructs: [{ constructPath: 'Data/PhiDocuments/AccessLogs/Bucket/Resource' }],
      });
    });
    const result = run(['--assembly', dir]);
    expect(result.exitCode).toBe(1);
    expect(result.err).toMatch(/1 open finding/);
    expect(fs.existsSync(path.join(dir, 'report', HTML_FILE))).toBe(true);
  });

  test('refuses a config of another deployment than the assembly', () => {
    const result = run(['-c', 'config=config/production.example.json', '--assembly', FIXTURE_DIR]);
    expect(result.exitCode).toBe(2);
    expect(result.err).toMatch(/not deployment "acme-crm-prod"/);
  });

  test('a usage error prints the usage', () => {
    const result = run(['--nope']);
    expect(result.exitCode).toBe(2);
    expect(result.err).toMatch(/unknown argument "--nope"[\s\S]*Usage: npm run report/);
  });
});
