/**
 * Synthesizes the deployment in this process, into a temporary directory, and reads its footprint.
 * As scripts/diagram/synth.ts does: `buildDeployment` (the compliance packs and CloudFormation's own
 * validation do not change templates) and no Lambda bundling (CDK stages a stand-in asset; the
 * templates are otherwise what `cdk synth` writes), so it takes seconds and needs neither Docker nor
 * esbuild. No AWS call is made: the availability zones are in the config.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { readAssembly } from '../../lib/assembly/read';
import { buildDeployment } from '../../lib/app';
import type { DeploymentConfig } from '../../lib/config/schema';
import { deploymentFootprint, readBootstrapRequirement, type DeploymentFootprint } from './footprint';

export const REPO_ROOT = path.join(__dirname, '..', '..');

interface CdkJson {
  readonly context?: Record<string, unknown>;
  /** The CLI setting `--toolkit-stack-name` reads from cdk.json. */
  readonly toolkitStackName?: string;
}

export function readCdkJson(root = REPO_ROOT): CdkJson {
  return JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')) as CdkJson;
}

/** The footprint of `config`'s deployment in `account`. */
export function synthesizeFootprint(config: DeploymentConfig, account: string): DeploymentFootprint {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-'));
  try {
    const app = new App({
      outdir,
      context: {
        ...readCdkJson().context,
        'aws:cdk:bundling-stacks': [],
        '@aws-cdk/core:validateAgainstDefaultRules': false,
      },
    });
    buildDeployment(app, config);
    app.synth();
    return deploymentFootprint(readAssembly(outdir), readBootstrapRequirement(outdir), account);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
