/**
 * Builds a deployment in this process and reduces its templates to an `AppModel`. Uses
 * `buildDeployment` (not the checked variant): the compliance packs and CloudFormation's template
 * validation do not change templates, and Lambda bundling is skipped (CDK puts a stand-in asset in
 * place, the template is otherwise the same), so a synth takes seconds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildDeployment } from '../../lib/app';
import { loadConfig } from '../../lib/config/load';
import type { AppModel } from './model';

export const REPO_ROOT = path.join(__dirname, '..', '..');

/** The feature flags and context of cdk.json, so the model is what `cdk synth` builds. */
function projectContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** Synthesizes the deployment of `configFile` (relative to the repository) and returns its model. */
export function synthesizeModel(configFile = 'config/demo.json'): AppModel {
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
    const assembly = app.synth();
    return {
      primaryRegion: config.regions.primary,
      drRegion: config.regions.dr,
      stacks: assembly.stacks.map((s) => ({
        id: s.id,
        region: s.environment.region,
        resources: Object.entries(
          (s.template as { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> }).Resources ?? {},
        ).map(([logicalId, r]) => ({ logicalId, type: r.Type, properties: r.Properties ?? {} })),
      })),
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
