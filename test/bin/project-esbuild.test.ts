// The module itself (a default import), so the spy sees aws-cdk-lib's calls.
import childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { useProjectEsbuild } from '../../bin/project-esbuild';
import { REPO_ROOT } from '../helpers/config';

/** Bundles `entry` as the app's functions are bundled; returns its code asset and the commands run. */
function bundle(entry: string): { asset: string; commands: string[] } {
  const spawnSync = jest.spyOn(childProcess, 'spawnSync');
  try {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'esbuild-'));
    const stack = new Stack(new App({ outdir, builtinCloudFormationValidation: false }), 'S');
    new nodejs.NodejsFunction(stack, 'F', {
      entry,
      runtime: lambda.Runtime.NODEJS_22_X,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      bundling: { minify: true, sourceMap: true, forceDockerBundling: false },
    });
    const code = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0].Properties.Code;
    return { asset: JSON.stringify(code), commands: spawnSync.mock.calls.map(([cmd, args]) => [cmd, ...(args ?? [])].join(' ')) };
  } finally {
    spawnSync.mockRestore();
  }
}

test("NodejsFunction runs the project's esbuild directly, not through npx, and bundles exactly the same", () => {
  // A small dependency-free module: what is compared is how esbuild is run, not what a handler imports.
  const entry = path.join(REPO_ROOT, 'lib', 'vocabulary.ts');
  const viaNpx = bundle(entry);
  expect(viaNpx.commands).toContainEqual(expect.stringMatching(/^npx --no-install esbuild --bundle /));

  expect(useProjectEsbuild()).toBe(true);
  const direct = bundle(entry);
  expect(direct.commands).toContainEqual(expect.stringMatching(/^esbuild --bundle /));
  expect(direct.commands.join('\n')).not.toMatch(/npx/);
  expect(direct.asset).toEqual(viaNpx.asset);
});
