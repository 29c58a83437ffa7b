/**
 * Builds a deployment in this process, synthesizes it into a temporary directory and reads it back
 * through the shared assembly reader (lib/assembly). Uses `buildDeployment` (not the checked
 * variant): the compliance packs and CloudFormation's template validation do not change templates,
 * and Lambda bundling is skipped (CDK puts a stand-in asset in place, the template is otherwise the
 * same), so a synth takes seconds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { readAssembly } from '../../lib/assembly/read';
import { buildDeployment } from '../../lib/app';
import { loadConfig } from '../../lib/config/load';
import type { DiagramSource } from './model';

export const REPO_ROOT = path.join(__dirname, '..', '..');

/** The feature flags and context of cdk.json, so the templates are what `cdk synth` builds. */
function projectContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** Synthesizes the deployment of `configFile` (relative to the repository) and reads what the diagram is drawn from. */
export function synthesizeSource(configFile = 'config/demo.json'): DiagramSource {
  const config = loadConfig(configFile, REPO_ROOT);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'diagram-'));
  try {
    const app = new App({
      outdir,
      context: {
        ...projectContext(),
        'aws:cdk:bundling-stacks': [],
        '@aws-cdk/core:validateAgainstDefaultRules': false,
      },
    });
    buildDeployment(app, config);
    app.synth();
    return { assembly: readAssembly(outdir), regions: config.regions, config };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
