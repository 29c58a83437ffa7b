/**
 * `npm run bench`: how long synth (with every compliance check) and the test suite take, and how big
 * each Lambda bundle is. Numbers go into the README's "Numbers" section.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const env = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: '1', CDK_DISABLE_VERSION_CHECK: '1' };

function timed(label: string, cmd: string, args: string[]): number {
  const start = process.hrtime.bigint();
  execFileSync(cmd, args, { cwd: root, env, stdio: 'ignore' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label.padEnd(44)} ${seconds.toFixed(1).padStart(6)} s`);
  return seconds;
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
const cdk = path.join(root, 'node_modules', '.bin', 'cdk');
console.log(`machine: ${os.cpus().length} cores, node ${process.version}\n`);
timed('synth demo, cold (new output directory)', cdk, ['synth', '--quiet', '--no-notices', '-o', path.join(out, 'cold')]);
timed('synth demo, warm (same output directory)', cdk, ['synth', '--quiet', '--no-notices', '-o', path.join(out, 'cold')]);
timed('test suite (npm test)', 'npm', ['test', '--silent', '--', '--silent']);

const lambdaDir = path.join(root, 'lambda');
const functions = fs.existsSync(lambdaDir) ? fs.readdirSync(lambdaDir).filter((d) => d !== 'shared') : [];
const assets = fs.readdirSync(path.join(out, 'cold')).filter((f) => f.startsWith('asset.'));
console.log(`\nLambda functions in lambda/: ${functions.length}; assets in the cloud assembly: ${assets.length}`);
for (const asset of assets) {
  const dir = path.join(out, 'cold', asset);
  const bytes = fs.statSync(dir).isDirectory()
    ? fs.readdirSync(dir, { recursive: true }).reduce<number>((n, f) => {
        const p = path.join(dir, String(f));
        return fs.statSync(p).isFile() ? n + fs.statSync(p).size : n;
      }, 0)
    : fs.statSync(dir).size;
  console.log(`  ${asset.slice(0, 20)}…  ${(bytes / 1024).toFixed(1)} KiB`);
}
fs.rmSync(out, { recursive: true, force: true });
