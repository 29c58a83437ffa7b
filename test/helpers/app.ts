import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { REPO_ROOT } from './config';

/** The feature flags and context of cdk.json, so tests build exactly what `cdk synth` builds. */
export function projectContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/**
 * An App with cdk.json's context (use instead of `new App()` in tests). Lambda bundling is skipped
 * (a stand-in asset is used) unless the test asks for it: templates are the same, and esbuild runs
 * once per function in the tests that check bundles, not in every test that builds the deployment.
 */
export function projectApp(props: AppProps = {}): App {
  return new App({
    // CloudFormation's own template validation takes seconds per synth: it runs where it is the subject
    // (the app-wide compliance test, the plugin tests), not in every test that reads a template.
    builtinCloudFormationValidation: false,
    ...props,
    context: { ...projectContext(), 'aws:cdk:bundling-stacks': [], ...props.context },
  });
}
