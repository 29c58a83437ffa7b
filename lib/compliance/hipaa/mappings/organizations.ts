/**
 * AWS Organizations: the service control policies of the organization guardrails (management account),
 * each statement credited to the specifications it serves. One table, by statement ID, is what the
 * report, the docs' table ("Organization guardrails") and the guardrail tests agree on.
 */
import { asArray, isRecord, literalText, prop, str } from '../../../assembly/template-facts';
import type { ResourceSpecMapping } from './mapping';

/** What each guardrail statement (its Sid) protects, as HIPAA specifications. */
export const GUARDRAIL_STATEMENT_SPECS: Readonly<Record<string, readonly string[]>> = {
  DenyKeyDestructionExceptErasure: ['164.308(a)(7)(ii)(A)', '164.308(a)(7)(ii)(B)', '164.312(a)(2)(iv)'],
  DenyKeyPolicyOrRotationChangesExceptDeploys: ['164.312(a)(1)', '164.312(a)(2)(iv)'],
  DenyKeyDeploymentTagChanges: ['164.312(a)(2)(iv)'],
  DenyRecoveryPointDeletion: ['164.308(a)(7)(ii)(A)', '164.312(c)(1)'],
  DenyVaultDeletion: ['164.308(a)(7)(ii)(A)', '164.308(a)(7)(ii)(B)'],
  DenyVaultPolicyChangesExceptDeploys: ['164.308(a)(7)(ii)(A)', '164.312(c)(1)'],
  DenyExemptRoleTakeover: ['164.308(a)(4)(ii)(B)', '164.312(a)(1)'],
  DenyTrailStopOrDeletion: ['164.312(b)'],
  DenyTrailChangesExceptDeploys: ['164.312(b)'],
  DenyReplicationChangesExceptDeploys: ['164.312(b)', '164.312(c)(1)', '164.308(a)(7)(ii)(B)'],
  DenyDetectionShutdown: ['164.308(a)(1)(ii)(D)', '164.308(a)(6)(ii)'],
  DenyDetectionChangesExceptDeploys: ['164.308(a)(1)(ii)(D)', '164.308(a)(6)(ii)'],
  DenyPublicAccessBlockChanges: ['164.312(a)(1)', '164.312(e)(1)'],
  DenyLeavingOrganization: ['164.308(a)(1)(ii)(B)'],
  DenyOutsideAllowedRegions: ['164.308(a)(1)(ii)(B)', '164.312(a)(1)'],
};

const SERVED_SPECS = [...new Set(Object.values(GUARDRAIL_STATEMENT_SPECS).flat())].sort();

/** The Sids of a service control policy's deny statements. */
function denySids(policy: Parameters<ResourceSpecMapping['describe']>[0]): string[] {
  return asArray(prop(policy, 'Content.Statement'))
    .filter(isRecord)
    .filter((s) => s.Effect === 'Deny')
    .map((s) => str(s.Sid))
    .filter((sid): sid is string => sid !== undefined);
}

/** One mapping per specification: a policy implements it through the statements that serve it. */
export const ORGANIZATIONS_MAPPINGS: readonly ResourceSpecMapping[] = SERVED_SPECS.map((spec) => ({
  type: 'AWS::Organizations::Policy',
  specs: [spec],
  describe: (r) => {
    if (str(prop(r, 'Type')) !== 'SERVICE_CONTROL_POLICY') return undefined;
    const serving = denySids(r).filter((sid) => GUARDRAIL_STATEMENT_SPECS[sid]?.includes(spec));
    if (!serving.length) return undefined;
    return `service control policy ${literalText(prop(r, 'Name'))} on the workload OU denies: ${serving.join(', ')}`;
  },
}));
