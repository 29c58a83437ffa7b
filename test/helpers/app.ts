import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { REPO_ROOT } from './config';

/** The feature flags and context of cdk.json, so tests build exactly what `cdk synth` builds. */
export function projectContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** An App with cdk.json's context (use instead of `new App()` in tests). */
export function projectApp(props: AppProps = {}): App {
  return new App({ ...props, context: { ...projectContext(), ...props.context } });
}
