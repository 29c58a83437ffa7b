import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildDeployment } from '../lib/app';
import { projectApp } from './helpers/app';
import { shippedConfig } from './helpers/config';

type Tag = { Key: string; Value: string };

/** The Tags of every resource in `stack` that has tags (tags are applied by an aspect at synth). */
function resourceTags(stack: Stack): Tag[][] {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Properties?: { Tags?: unknown } }>;
  return Object.values(resources)
    .map((r) => r.Properties?.Tags)
    .filter((t): t is Tag[] => Array.isArray(t));
}

describe('the deployment as a whole', () => {
  const demo = buildDeployment(projectApp(), shippedConfig('config/demo.json'));
  const production = buildDeployment(projectApp(), shippedConfig('config/production.example.json'));

  test('the demo says in every stack description and on every tagged resource that it holds no PHI', () => {
    for (const stack of Object.values(demo)) {
      expect(stack.templateOptions.description).toMatch(/Holds NO PHI \(holdsPhi: false\)/);
      const tagged = resourceTags(stack);
      expect(tagged.length).toBeGreaterThan(0);
      for (const tags of tagged) expect(tags).toContainEqual({ Key: 'hipaa-crm:holds-phi', Value: 'false' });
    }
  });

  test('a PHI deployment names its BAA in every stack description and tags its resources as holding PHI', () => {
    for (const stack of Object.values(production)) {
      expect(stack.templateOptions.description).toMatch(/Holds PHI under BAA AWS-BAA-ARTIFACT-EXAMPLE-0001/);
      for (const tags of resourceTags(stack)) {
        expect(tags).toEqual(
          expect.arrayContaining([
            { Key: 'hipaa-crm:holds-phi', Value: 'true' },
            { Key: 'hipaa-crm:deployment', Value: 'acme-crm-prod' },
          ]),
        );
      }
    }
  });

  test('stacks are named after the deployment, pinned to its account, and the DR stack is in the DR region', () => {
    expect(Object.values(production).map((s) => s.stackName)).toEqual([
      'acme-crm-prod-keys',
      'acme-crm-prod-network',
      'acme-crm-prod-data',
      'acme-crm-prod-dr',
      'acme-crm-prod-dr-operations',
      'acme-crm-prod-backup',
      'acme-crm-prod-audit',
      'acme-crm-prod-identity',
      'acme-crm-prod-app',
      'acme-crm-prod-operations',
    ]);
    expect(production.dr.region).toBe('us-west-2');
    expect(production.drOperations.region).toBe('us-west-2');
    for (const s of Object.values(production).filter((x) => x !== production.dr && x !== production.drOperations)) {
      expect(s.region).toBe('us-east-1');
    }
    for (const s of Object.values(production)) expect(s.account).toBe('111122223333');
  });

  test('every stateful stack is termination-protected; only the stateless ones are not', () => {
    const { app, operations, drOperations, ...stateful } = demo;
    for (const stack of Object.values(stateful)) expect(stack.terminationProtection).toBe(true);
    for (const stack of [app, operations, drOperations]) expect(stack.terminationProtection).toBe(false);
  });

  test('the data stack deploys after the DR stack (S3 checks that the replication destination exists)', () => {
    expect(demo.data.dependencies).toContain(demo.dr);
  });

  test('the backup stack deploys after the DR stack (its plan copies into the DR vault), the data stack after it', () => {
    expect(demo.backup.dependencies).toContain(demo.dr);
    expect(demo.data.dependencies).toContain(demo.backup);
  });

  test('the audit stack deploys after the DR stack (evidence replication) and the Identity stack (sign-in log export)', () => {
    for (const deployment of [demo, production]) {
      expect(deployment.audit.dependencies).toEqual(expect.arrayContaining([deployment.dr, deployment.identity]));
    }
  });

  test('extra tags from the config reach every stack', () => {
    for (const stack of Object.values(production)) {
      for (const tags of resourceTags(stack)) {
        expect(tags).toEqual(
          expect.arrayContaining([
            { Key: 'cost-center', Value: 'clinical-it' },
            { Key: 'owner', Value: 'practice-manager' },
          ]),
        );
      }
    }
  });
});
