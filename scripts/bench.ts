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

interface AssetManifest {
  files?: Record<string, { displayName?: string; source: { path?: string } }>;
  dockerImages?: Record<string, { displayName?: string; source: { directory?: string } }>;
}
const assembly = path.join(out, 'cold');
function bytesIn(p: string): number {
  if (!fs.statSync(p).isDirectory()) return fs.statSync(p).size;
  return fs.readdirSync(p).reduce((n, f) => n + bytesIn(path.join(p, f)), 0);
}
console.log('\nassets (unzipped, source maps included):');
for (const file of fs.readdirSync(assembly).filter((f) => f.endsWith('.assets.json'))) {
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly, file), 'utf8')) as AssetManifest;
  const stack = file.replace('.assets.json', '');
  for (const asset of Object.values(manifest.files ?? {})) {
    const source = asset.source.path;
    if (!source || source.endsWith('.template.json')) continue;
    console.log(
      `  ${`${stack}: ${asset.displayName ?? source}`.padEnd(70)} ${(bytesIn(path.join(assembly, source)) / 1024).toFixed(0).padStart(6)} KiB`,
    );
  }
  for (const image of Object.values(manifest.dockerImages ?? {})) {
    console.log(
      `  ${`${stack}: ${image.displayName ?? image.source.directory} (Docker build context)`.padEnd(70)} ${(bytesIn(path.join(assembly, image.source.directory ?? '')) / 1024).toFixed(0).padStart(6)} KiB`,
    );
  }
}
fs.rmSync(out, { recursive: true, force: true });
