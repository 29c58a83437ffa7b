/**
 * The committed integ snapshots (test/integ/<file>.snapshot/) must be what the integ test apps
 * synthesize today, synthesized the way integ-runner does (scripts/integ-snapshots). integ-runner
 * 2.197.10 cannot read aws-cdk-lib 2.276's cloud assembly, so this test is what keeps the snapshots
 * honest until it can (test/integ/README.md). It lives outside test/integ, which jest ignores.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareSnapshots } from '../scripts/integ-snapshots/assembly';
import { integTestFiles, snapshotDirOf, synthesizeSnapshot } from '../scripts/integ-snapshots/index';
import { REPO_ROOT } from '../scripts/integ-snapshots/synth';

const files = integTestFiles();
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-snapshots-test-'));
/** Fresh snapshots of every integ test, synthesized once, in parallel (each app is its own node process). */
const synthesized = new Map<string, string>();
beforeAll(async () => {
  await Promise.all(
    files.map(async (file) => {
      const dir = path.join(workDir, path.basename(file));
      await synthesizeSnapshot(file, dir);
      synthesized.set(file, dir);
    }),
  );
});

function synthesizedNow(file: string): string {
  const dir = synthesized.get(file);
  if (!dir) throw new Error(`${file} was not synthesized`);
  return dir;
}

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

test('the committed snapshots hold no staged asset, only its hash in the asset manifests', () => {
  for (const file of files) {
    expect([path.basename(file), fs.readdirSync(snapshotDirOf(file)).filter((f) => f.startsWith('asset.'))]).toEqual([
      path.basename(file),
      [],
    ]);
    const synthesized = fs.readdirSync(synthesizedNow(file)).filter((f) => f.startsWith('asset.'));
    expect(synthesized.length).toBeGreaterThan(0);
  }
});

test('the key-lifecycle and restore-drill integ tests are among the checked files', () => {
  expect(files.map((file) => path.relative(REPO_ROOT, file))).toEqual(
    expect.arrayContaining([
      'test/integ/integ.crypto-erasure.ts',
      'test/integ/integ.key-rotation.ts',
      'test/integ/integ.restore-drill.ts',
    ]),
  );
});

test.each(files.map((file) => [path.relative(REPO_ROOT, file), file]))('%s matches its committed snapshot', (name, file) => {
  const problems = compareSnapshots(snapshotDirOf(file), synthesizedNow(file));
  if (problems.length) {
    throw new Error(
      `${name} no longer synthesizes to its committed snapshot ${path.relative(REPO_ROOT, snapshotDirOf(file))}:\n\n` +
        `${problems.join('\n\n')}\n\n` +
        'Run `npm run integ:snapshot` and review the diff (git diff test/integ) before committing it.',
    );
  }
});

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Template {
  Resources: Record<string, Resource>;
}
interface AssetManifest {
  files: Record<string, { source: { path: string } }>;
}
interface IntegJson {
  testCases: Record<string, { stacks: string[]; assertionStackName: string }>;
}

describe('the snapshot comparison', () => {
  const keyRotation = files.find((file) => path.basename(file) === 'integ.key-rotation.ts')!;
  const readJson = <T>(dir: string, name: string): T => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as T;

  /** A copy of the committed key-rotation snapshot, changed by `edit` (which changes the JSON files it reads in place). */
  function editedSnapshot(edit: (read: <T>(name: string) => T) => void): string {
    const dir = fs.mkdtempSync(path.join(workDir, 'edited-'));
    fs.cpSync(snapshotDirOf(keyRotation), dir, { recursive: true });
    const opened = new Map<string, unknown>();
    edit(<T>(name: string): T => {
      if (!opened.has(name)) opened.set(name, readJson(dir, name));
      return opened.get(name) as T;
    });
    for (const [name, json] of opened) fs.writeFileSync(path.join(dir, name), JSON.stringify(json));
    return dir;
  }

  /** The assertion stack of the key-rotation test: its ID and template file. */
  function assertionStack(dir: string): { id: string; templateFile: string } {
    const id = Object.values(readJson<IntegJson>(dir, 'integ.json').testCases)[0].assertionStackName;
    const manifest = readJson<{ artifacts: Record<string, { properties: { templateFile: string } }> }>(dir, 'manifest.json');
    return { id, templateFile: manifest.artifacts[id].properties.templateFile };
  }

  test('reports a changed value of a test stack with its path, the snapshot value and the new one', () => {
    const edited = editedSnapshot((read) => {
      const key = Object.values(read<Template>('KeyRotationInteg.template.json').Resources).find(
        (r) => r.Type === 'AWS::KMS::Key',
      )!;
      key.Properties.PendingWindowInDays = 30;
    });
    const problems = compareSnapshots(edited, synthesizedNow(keyRotation));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Template KeyRotationInteg differs/);
    expect(problems[0]).toMatch(/~ Resources\.PhiKey\w+\.Properties\.PendingWindowInDays: 30 → 7/);
  });

  test('also compares the assertion stack, which integ-runner does not diff', () => {
    const actual = synthesizedNow(keyRotation);
    const edited = editedSnapshot((read) => {
      const template = read<Template>(assertionStack(actual).templateFile);
      const listRotations = Object.values(template.Resources).find(
        (r) => r.Type === 'Custom::DeployAssert@SdkCallKMSlistKeyRotations',
      )!;
      listRotations.Properties.expected = String(listRotations.Properties.expected).replace('ON_DEMAND', 'AUTOMATIC');
    });
    const problems = compareSnapshots(edited, actual);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/\.Properties\.expected: .*AUTOMATIC.* → .*ON_DEMAND/);
  });

  /** The assertion stack's staged asset (the assertion handler bundle): its hash and a hash replacer. */
  function assertionHandler(actual: string) {
    const { id, templateFile } = assertionStack(actual);
    const [assetId] = Object.entries(readJson<AssetManifest>(actual, `${id}.assets.json`).files).find(([, asset]) =>
      asset.source.path.startsWith('asset.'),
    )!;
    const replaceHash = <T>(json: T): T => JSON.parse(JSON.stringify(json).split(assetId).join('f'.repeat(64))) as T;
    return { id, templateFile, assetId, replaceHash };
  }

  test('ignores the assertion salt, which integ-tests-alpha changes on every synth', () => {
    const actual = synthesizedNow(keyRotation);
    const { templateFile } = assertionHandler(actual);
    const edited = editedSnapshot((read) => {
      for (const resource of Object.values(read<Template>(templateFile).Resources)) {
        if (resource.Type.startsWith('Custom::DeployAssert@')) resource.Properties.salt = '1795355015000';
      }
    });
    expect(compareSnapshots(edited, actual)).toEqual([]);
  });

  test('ignores asset hashes in templates (diffAssets false), but reports a staged asset whose hash changed', () => {
    const actual = synthesizedNow(keyRotation);
    const { id, templateFile, assetId, replaceHash } = assertionHandler(actual);
    expect(fs.readFileSync(path.join(actual, templateFile), 'utf8')).toContain(assetId);
    const edited = editedSnapshot((read) => {
      const template = read<Template>(templateFile);
      template.Resources = replaceHash(template.Resources);
      const assets = read<AssetManifest>(`${id}.assets.json`);
      assets.files = replaceHash(assets.files);
    });
    // The snapshot keeps only the hash of the handler bundle, so a new bundle must show.
    expect(compareSnapshots(edited, actual)).toEqual([
      `Stack ${id} stages other assets than the snapshot records (their hashes are all the snapshot keeps of them):\n` +
        `    - asset.${'f'.repeat(64)}.bundle\n` +
        `    + asset.${assetId}.bundle`,
    ]);
  });

  test('reports a template the snapshot does not have', () => {
    const edited = editedSnapshot((read) => {
      Object.values(read<IntegJson>('integ.json').testCases)[0].stacks = [];
    });
    const problems = compareSnapshots(edited, synthesizedNow(keyRotation));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^The test cases \(integ\.json\) differ:\n.*\+ .*stacks\[0\]: "KeyRotationInteg"/),
        'Template KeyRotationInteg is synthesized but not in the snapshot.',
      ]),
    );
  });
});
