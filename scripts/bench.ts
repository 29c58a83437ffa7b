/**
 * `npm run bench`: how long synth (with every compliance check), the test suite and the report take
 * (wall time, and the CPU time of every process involved where the OS tells it), how big each Lambda
 * bundle is and how long it takes to load. Numbers go into the README's "Numbers" section.
 *
 * `npm run bench -- --ci` also times `.ci/run` on a clean clone of the committed HEAD (a fresh `npm ci`
 * from the registry: minutes).
 *
 * `npm run bench -- --assembly <dir>` measures only the assets (sizes and load times) of an existing
 * cloud assembly synthesized by `cdk synth` (with bundling), without the synth and test timings.
 *
 * The load time of a bundle is the median of LOAD_RUNS cold loads, each in a new `node` process: the
 * time `require` of the handler's file takes (read, compile, run its top-level code: SDK clients,
 * loggers), measured with process.hrtime around it, with the function's environment from its template
 * (deploy-time references replaced by dummy values). It is module load on this machine and this node,
 * not Lambda's Init Duration, which adds the runtime's own start, the sandbox and the ARM64 CPU.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const env = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: '1', CDK_DISABLE_VERSION_CHECK: '1' };
/** Cold loads per bundle; odd, so the median is one of them. */
const LOAD_RUNS = 7;

/**
 * CPU seconds (user + system) of this process's children that have ended, from /proc (Linux), or
 * undefined. Like `time`, it counts a child's own children, and their threads, that it waited for.
 */
function childrenCpuSeconds(): number | undefined {
  try {
    // After the command name in parentheses: state is field 3; cutime and cstime are fields 16 and 17.
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on every Linux that node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

function timed(label: string, cmd: string, args: string[], cwd = root): number {
  const start = process.hrtime.bigint();
  const cpuBefore = childrenCpuSeconds();
  execFileSync(cmd, args, { cwd, env, stdio: 'ignore' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuAfter = childrenCpuSeconds();
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? '' : ` ${(cpuAfter - cpuBefore).toFixed(1).padStart(7)} s CPU`;
  console.log(`${label.padEnd(44)} ${seconds.toFixed(1).padStart(6)} s${cpu}`);
  return seconds;
}

interface AssetManifest {
  files?: Record<string, { displayName?: string; source: { path?: string } }>;
  dockerImages?: Record<string, { displayName?: string; source: { directory?: string } }>;
}

interface TemplateFunction {
  Type: string;
  Metadata?: Record<string, unknown>;
  Properties?: {
    Handler?: string;
    FunctionName?: unknown;
    MemorySize?: number;
    Environment?: { Variables?: Record<string, unknown> };
    LoggingConfig?: { LogFormat?: string; ApplicationLogLevel?: string };
  };
}

/** What a Lambda bundle needs to be loaded as Lambda would load it. */
interface BundleLoad {
  /** The handler's module file inside the asset directory. */
  readonly file: string;
  readonly env: Record<string, string>;
}

/** A stand-in for an environment value that is only known at deploy time (Ref, GetAtt, stack output). */
function dummyValue(name: string, region: string): string {
  if (name.endsWith('_ARN')) return `arn:aws:bench:${region}:111122223333:dummy/${name.toLowerCase()}`;
  if (name === 'ACCOUNT_ID') return '111122223333';
  return `dummy-${name.toLowerCase().replace(/_/g, '-')}`;
}

/** The Lambda functions of an assembly, by asset directory: their handler file and environment. */
function bundleLoads(assembly: string): Map<string, BundleLoad> {
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; environment?: string; properties?: { templateFile?: string } }>;
  };
  const loads = new Map<string, BundleLoad>();
  for (const artifact of Object.values(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const region = artifact.environment?.split('/').pop() ?? 'us-east-1';
    const template = JSON.parse(fs.readFileSync(path.join(assembly, artifact.properties.templateFile), 'utf8')) as {
      Resources?: Record<string, TemplateFunction>;
    };
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      const assetPath = resource.Metadata?.['aws:asset:path'];
      const handler = resource.Properties?.Handler;
      if (resource.Type !== 'AWS::Lambda::Function' || typeof assetPath !== 'string' || !handler) continue;
      const p = resource.Properties ?? {};
      const vars = Object.entries(p.Environment?.Variables ?? {}).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : dummyValue(k, region),
      ]);
      loads.set(assetPath, {
        file: path.join(assembly, assetPath, `${handler.slice(0, handler.lastIndexOf('.'))}.js`),
        env: {
          // What the Lambda runtime sets (the subset code reads at load), then the function's own.
          AWS_REGION: region,
          AWS_DEFAULT_REGION: region,
          AWS_LAMBDA_FUNCTION_NAME: typeof p.FunctionName === 'string' ? p.FunctionName : logicalId,
          AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(p.MemorySize ?? 128),
          ...(p.LoggingConfig?.LogFormat ? { AWS_LAMBDA_LOG_FORMAT: p.LoggingConfig.LogFormat } : {}),
          ...(p.LoggingConfig?.ApplicationLogLevel ? { AWS_LAMBDA_LOG_LEVEL: p.LoggingConfig.ApplicationLogLevel } : {}),
          ...Object.fromEntries(vars),
        },
      });
    }
  }
  return loads;
}

/** Run in a new node process: loads the file given as argument and prints how long `require` took, in ns. */
const LOADER =
  'const start = process.hrtime.bigint(); require(process.argv[1]); process.stdout.write(String(process.hrtime.bigint() - start));';

/** Median cold load time in ms, or why the bundle did not load. */
function medianLoadMs(load: BundleLoad): number | string {
  const samples: number[] = [];
  for (let i = 0; i < LOAD_RUNS; i++) {
    // Only PATH and the function's variables: no AWS credentials or NODE_OPTIONS of the caller.
    const run = spawnSync(process.execPath, ['-e', LOADER, load.file], {
      env: { PATH: process.env.PATH ?? '', ...load.env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (run.status !== 0) {
      const lines = (run.stderr || run.error?.message || '').split('\n').filter((l) => l.trim());
      return `failed: ${lines.find((l) => /^\w*Error\b/.test(l)) ?? lines[0] ?? `exit ${run.status}`}`;
    }
    samples.push(Number(run.stdout) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

function bytesIn(p: string): number {
  if (!fs.statSync(p).isDirectory()) return fs.statSync(p).size;
  return fs.readdirSync(p).reduce((n, f) => n + bytesIn(path.join(p, f)), 0);
}

function printAssets(assembly: string): void {
  const loads = bundleLoads(assembly);
  const measured = new Map<string, number | string>();
  console.log('\nassets (unzipped, source maps included):');
  console.log(
    `  load = median of ${LOAD_RUNS} cold \`require\`s of a Lambda handler's file, each in a fresh node ${process.version} ` +
      "process on this machine: module load only, not Lambda's Init Duration",
  );
  for (const file of fs.readdirSync(assembly).filter((f) => f.endsWith('.assets.json'))) {
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly, file), 'utf8')) as AssetManifest;
    const stack = file.replace('.assets.json', '');
    for (const asset of Object.values(manifest.files ?? {})) {
      const source = asset.source.path;
      if (!source || source.endsWith('.template.json')) continue;
      const load = loads.get(source);
      let loadColumn = '';
      if (load) {
        if (!measured.has(source)) measured.set(source, medianLoadMs(load));
        const ms = measured.get(source);
        loadColumn = typeof ms === 'number' ? `  ${ms.toFixed(0).padStart(5)} ms load` : `  load ${ms}`;
      }
      console.log(
        `  ${`${stack}: ${asset.displayName ?? source}`.padEnd(70)} ${(bytesIn(path.join(assembly, source)) / 1024).toFixed(0).padStart(6)} KiB${loadColumn}`,
      );
    }
    for (const image of Object.values(manifest.dockerImages ?? {})) {
      console.log(
        `  ${`${stack}: ${image.displayName ?? image.source.directory} (Docker build context)`.padEnd(70)} ${(bytesIn(path.join(assembly, image.source.directory ?? '')) / 1024).toFixed(0).padStart(6)} KiB`,
      );
    }
  }
}

const existing = process.argv.indexOf('--assembly');
console.log(`machine: ${os.cpus().length} cores, node ${process.version}${existing === -1 ? '\n' : ''}`);
if (existing !== -1) {
  const assembly = path.resolve(process.argv[existing + 1] ?? '');
  if (!fs.existsSync(path.join(assembly, 'manifest.json'))) throw new Error(`--assembly: no cloud assembly in ${assembly}`);
  printAssets(assembly);
} else {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const assembly = path.join(out, 'cold');
  const cdk = path.join(root, 'node_modules', '.bin', 'cdk');
  timed('synth demo, cold (new output directory)', cdk, ['synth', '--quiet', '--no-notices', '-o', assembly]);
  timed('synth demo, warm (same output directory)', cdk, ['synth', '--quiet', '--no-notices', '-o', assembly]);
  timed('report over the demo assembly (npm run report)', 'npm', [
    'run',
    '--silent',
    'report',
    '--',
    '--assembly',
    assembly,
    '--out',
    path.join(out, 'report'),
  ]);
  timed('test suite (npm test)', 'npm', ['test', '--silent', '--', '--silent']);
  if (process.argv.includes('--ci')) {
    const clone = path.join(out, 'clone');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, clone], { stdio: 'ignore' });
    timed('.ci/run on a clean clone of HEAD', 'bash', ['.ci/run'], clone);
  }
  printAssets(assembly);
  fs.rmSync(out, { recursive: true, force: true });
}
