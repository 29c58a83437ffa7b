/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { failedPlugins, openFindings, readValidationReport } from '../../lib/compliance/report';
import { organizationSettings } from '../../lib/config/organization';
import { cdkExecutionRoleArns } from '../../lib/constructs/organization-guardrails';
import { guardrailsOf } from '../../lib/stacks/guardrails-stack';
import { deploymentNames, STACK_IDS, TAG } from '../../lib/vocabulary';
import { ORGANIZATION_CONFIG, shippedConfig } from '../helpers/config';
import { shippedAssembly, shippedStacks } from '../helpers/shipped-assembly';

/**
 * The guardrails stack as the organization example deploys it (the shared assembly, synthesized with every
 * compliance plugin). The statements themselves: test/constructs/organization-guardrails.test.ts.
 */
describe('Guardrails stack (management account) of config/organization.example.json', () => {
  const config = shippedConfig(ORGANIZATION_CONFIG);
  const organization = organizationSettings(config)!;
  const assembly = shippedAssembly(ORGANIZATION_CONFIG);
  const stacks = shippedStacks(assembly);
  const guardrails = stacks.find((s) => s.id === STACK_IDS.guardrails)!;
  const report = readValidationReport(assembly.dir);

  test('zero open findings, of any severity, from every plugin, none failed to run, and synth passed the eligible-services guard', () => {
    expect(assembly.synthFailed).toBe(false);
    expect(failedPlugins(report)).toEqual([]);
    expect(openFindings(report).filter((f) => f.constructPath.startsWith(`${STACK_IDS.guardrails}/`))).toEqual([]);
  });

  test('in the management account, deployed after every stack of the workload', () => {
    expect(guardrails.artifact.environment.account).toBe(organization.managementAccount);
    expect(guardrails.artifact.stackName).toBe(deploymentNames(config.name).stack('guardrails'));
    const workload = stacks.filter((s) => s !== guardrails).map((s) => s.id);
    // The ten workload stacks, the log archive account's and the backup account's (one per backup region).
    expect(workload).toHaveLength(11 + organization.backupRegions.length);
    expect(workload).toContain(STACK_IDS.logArchive);
    const dependencies = guardrails.artifact.dependencies.map((d) => d.id).filter((id) => !id.endsWith('.assets'));
    expect(dependencies.sort()).toEqual(workload.sort());
  });

  test('two policies with short, stable logical IDs, tagged with the deployment, on the workload OU', () => {
    const resources = guardrails.template.Resources as Record<string, any>;
    expect(
      Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::Organizations::Policy')
        .map(([id]) => id),
    ).toEqual(['DataPolicy', 'AccountPolicy']);
    for (const id of ['DataPolicy', 'AccountPolicy']) {
      expect(resources[id].Properties.TargetIds).toEqual([organization.workloadOuId]);
      expect(resources[id].Properties.Tags).toEqual(expect.arrayContaining([{ Key: TAG.deployment, Value: config.name }]));
    }
  });

  test("allows the workload and backup regions, exempts the crypto-erasure roles (the workload's and the backup account's) and the CDK roles of the deployment accounts", () => {
    const props = guardrailsOf(config.name, organization);
    expect(props.allowedRegions).toEqual([
      ...new Set([config.regions.primary, config.regions.dr, ...organization.backupRegions]),
    ]);
    expect(props.erasureRoleArns).toEqual([
      `arn:aws:iam::${organization.workloadAccount}:role/${deploymentNames(config.name).cryptoErasureRole}`,
      `arn:aws:iam::${organization.backupAccount}:role/${deploymentNames(config.name).airGappedKeyErasureRole}`,
    ]);
    expect(props.deployerRoleArns).toEqual(
      cdkExecutionRoleArns({
        accounts: [organization.workloadAccount, organization.logArchiveAccount, organization.backupAccount],
        regions: props.allowedRegions,
      }),
    );
  });
});
