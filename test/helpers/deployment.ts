/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildDeployment, type Deployment } from '../../lib/app';
import type { DeploymentConfig } from '../../lib/config/schema';
import { projectApp } from './app';
import { TEMPLATE_ONLY } from './cfn-values';
import { shippedConfig } from './config';

export type Resource = { Type: string; Properties: Record<string, any>; [k: string]: unknown };
export type Resources = Record<string, Resource>;

/** A stack's synthesized resources by logical ID. */
export function resourcesOf(stack: Stack): Resources {
  return Template.fromStack(stack).toJSON().Resources as Resources;
}

const built = new Map<string, { config: DeploymentConfig; deployment: Deployment }>();

/**
 * A shipped config's deployment, built once per test file (templates only, no Lambda bundling).
 * Tests must only read it: build your own with `buildDeployment` to change anything.
 */
export function shippedDeployment(file: string): { config: DeploymentConfig; deployment: Deployment } {
  let entry = built.get(file);
  if (!entry) {
    const config = shippedConfig(file);
    entry = { config, deployment: buildDeployment(projectApp({ context: TEMPLATE_ONLY }), config) };
    built.set(file, entry);
  }
  return entry;
}
