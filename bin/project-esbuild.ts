import * as fs from 'node:fs';
import * as path from 'node:path';

/** aws-cdk-lib's NodejsFunction bundler (internal): how it found esbuild, decided once per process. */
interface NodejsBundling {
  esbuildInstallation?: { readonly isWorkspacePackage: boolean; readonly version: string };
}

/**
 * NodejsFunction runs the project's esbuild as `npx --no-install esbuild`: half a second of npm start-up
 * for each Lambda function of the app. This makes it run that same esbuild (the binary `npx` finds, so
 * the same version, arguments, bundles and asset hashes) directly, from then on. Returns false, and
 * changes nothing (npx stays), if aws-cdk-lib's bundler is not where and what it was.
 */
export function useProjectEsbuild(): boolean {
  let bundling: NodejsBundling | undefined;
  let esbuild: string;
  try {
    esbuild = path.dirname(require.resolve('esbuild/package.json'));
    const cdkRoot = path.dirname(require.resolve('aws-cdk-lib/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module, not in aws-cdk-lib's exports
    bundling = (require(path.join(cdkRoot, 'aws-lambda-nodejs', 'lib', 'bundling.js')) as { Bundling?: NodejsBundling }).Bundling;
  } catch {
    return false;
  }
  if (!bundling || !('esbuildInstallation' in bundling)) return false;
  // NodejsFunction then runs plain `esbuild`: the project's, first on the PATH it spawns with.
  process.env.PATH = [path.join(esbuild, 'bin'), process.env.PATH].filter(Boolean).join(path.delimiter);
  bundling.esbuildInstallation = {
    isWorkspacePackage: false,
    version: (JSON.parse(fs.readFileSync(path.join(esbuild, 'package.json'), 'utf8')) as { version: string }).version,
  };
  return true;
}
