import { failedPlugins, openFindings, readValidationReport } from '../../lib/compliance/report';
import { organizationSettings } from '../../lib/config/organization';
import { deploymentNames, STACK_IDS, TAG } from '../../lib/vocabulary';
import { ORGANIZATION_CONFIG, SHIPPED_CONFIGS, SANDBOX_CONFIG, shippedConfig } from '../helpers/config';
import { shippedAssembly, shippedStacks } from '../helpers/shipped-assembly';

/**
 * The LogArchive stack as the organization example deploys it (the shared assembly, every compliance
 * plugin). What it holds: test/capabilities/log-archive.test.ts.
 */
describe('LogArchive stack (log archive account) of config/organization.example.json', () => {
  const config = shippedConfig(ORGANIZATION_CONFIG);
  const organization = organizationSettings(config)!;
  const assembly = shippedAssembly(ORGANIZATION_CONFIG);
  const stacks = shippedStacks(assembly);
  const logArchive = stacks.find((s) => s.id === STACK_IDS.logArchive)!;
  const dependencies = (id: string) =>
    stacks
      .find((s) => s.id === id)!
      .artifact.dependencies.map((d) => d.id)
      .filter((d) => !d.endsWith('.assets'));

  test('zero open findings from every plugin in the stack, none failed to run', () => {
    const report = readValidationReport(assembly.dir);
    expect(assembly.synthFailed).toBe(false);
    expect(failedPlugins(report)).toEqual([]);
    expect(openFindings(report).filter((f) => f.constructPath.startsWith(`${STACK_IDS.logArchive}/`))).toEqual([]);
  });

  test('in the log archive account and the primary region, named after the deployment, stateful and termination-protected', () => {
    expect(logArchive.artifact.environment.account).toBe(organization.logArchiveAccount);
    expect(logArchive.artifact.environment.region).toBe(config.regions.primary);
    expect(logArchive.artifact.stackName).toBe(deploymentNames(config.name).stack('log-archive'));
    expect(logArchive.artifact.terminationProtection).toBe(true);
    expect(logArchive.artifact.tags).toMatchObject({ [TAG.stateful]: 'true' });
  });

  test('deployed before the Audit stack (Fn::GetStackOutput fails while the output is missing) and before the guardrails', () => {
    expect(dependencies(STACK_IDS.logArchive)).toEqual([]);
    expect(dependencies(STACK_IDS.audit)).toContain(STACK_IDS.logArchive);
    expect(dependencies(STACK_IDS.guardrails)).toContain(STACK_IDS.logArchive);
  });
});

describe.each([...SHIPPED_CONFIGS, SANDBOX_CONFIG])('no log archive in the single-account %s', (file) => {
  test('no LogArchive stack, and the trail and evidence buckets replicate into the DR region only', () => {
    const stacks = shippedStacks(shippedAssembly(file));
    expect(stacks.map((s) => s.id)).not.toContain(STACK_IDS.logArchive);
    const audit = stacks.find((s) => s.id === STACK_IDS.audit)!;
    const rules = Object.values(audit.template.Resources)
      .filter((r) => r.Type === 'AWS::S3::Bucket')
      .flatMap((r) => (r.Properties?.ReplicationConfiguration as { Rules?: Record<string, unknown>[] })?.Rules ?? []);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.Priority).toBeUndefined();
      expect((rule.Destination as Record<string, unknown>).Account).toBeUndefined();
    }
  });
});
