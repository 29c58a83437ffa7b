import { AspectPriority, Aspects, CfnResource, RemovalPolicies, type IAspect } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { IConstruct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { dropRedundantRoleDependency } from './provider-handler';

/**
 * Sandbox profile only (`sandboxRelaxations`, lib/config/profile.ts): turns off what would keep a
 * resource alive after `cdk destroy`, on every resource of the scope, whatever construct made it.
 * Add it with `disposeOnDestroy`, which also sets DeletionPolicy Delete everywhere (CDK's own
 * `RemovalPolicies`), after the aspects that add resources (`AspectPriority.MUTATING`).
 */
export class DisposableResources implements IAspect {
  visit(node: IConstruct): void {
    // Deleted without a final snapshot (DeletionPolicy Delete), its automated backups with it.
    if (node instanceof rds.CfnDBInstance) {
      node.deletionProtection = false;
      node.deleteAutomatedBackups = true;
      acknowledgeNoDeletionProtection(node, 'database');
    }
    if (node instanceof cognito.CfnUserPool) node.deletionProtection = 'INACTIVE';
    // Also deleted when the evaluator saved queries or ran some in it.
    if (node instanceof athena.CfnWorkGroup) node.recursiveDeleteOption = true;
    if (CfnResource.isCfnResource(node) && node.node.path.endsWith(`/${AUTO_DELETE_PROVIDER}/Handler`)) {
      dropRedundantRoleDependency(node);
    }
  }
}

/** CDK's singleton provider behind `autoDeleteObjects`, one per stack. */
export const AUTO_DELETE_PROVIDER = 'Custom::S3AutoDeleteObjectsCustomResourceProvider';

/** The rule ids that report a missing deletion protection, per resource kind. */
const DELETION_PROTECTION_RULES = {
  database: [
    'HIPAA.Security::HIPAA.Security-RDSInstanceDeletionProtectionEnabled',
    'NIST.800.53.R5::NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled',
    'AwsSolutions::AwsSolutions-RDS10',
    'cdk-validator-cfnguard::rds_instance_deletion_protection_enabled_check',
  ],
  'load balancer': [
    'HIPAA.Security::HIPAA.Security-ELBDeletionProtectionEnabled',
    'NIST.800.53.R5::NIST.800.53.R5-ELBDeletionProtectionEnabled',
    'cdk-validator-cfnguard::elbv2_deletion_protection_enabled_check',
  ],
} as const;

/**
 * Sandbox profile only: acknowledges, on that one resource, the findings of its missing deletion
 * protection, which `cdk destroy` needs off (CloudFormation cannot delete a protected database or load
 * balancer). The sandbox holds no PHI (the schema refuses it with holdsPhi: true), so there is nothing to
 * protect from an accidental deletion.
 */
export function acknowledgeNoDeletionProtection(resource: IConstruct, kind: keyof typeof DELETION_PROTECTION_RULES): void {
  acknowledge(
    resource,
    ...DELETION_PROTECTION_RULES[kind].map((ruleId) => ({
      ruleId,
      control: '164.308(a)(7)(ii)(B)' as const,
      reason:
        `Sandbox profile only (holdsPhi: false; the schema refuses it with PHI): this ${kind} has no deletion protection so ` +
        'that `cdk destroy` removes the evaluation deployment completely. Production deployments keep deletion protection on.',
    })),
  );
}

/** When the sandbox's aspects run: after every mutating aspect (which may add log groups), before the checks. */
export const DISPOSAL_ASPECT_PRIORITY = AspectPriority.MUTATING + 100;

/** Makes every resource in `scope` deleted (not retained) with its stack; see `DisposableResources`. */
export function disposeOnDestroy(scope: IConstruct): void {
  RemovalPolicies.of(scope).destroy({ priority: DISPOSAL_ASPECT_PRIORITY });
  Aspects.of(scope).add(new DisposableResources(), { priority: DISPOSAL_ASPECT_PRIORITY });
}
