import { CfnResource, Validations, type IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { eligibilityOf } from './hipaa-eligible-services';

/**
 * Stops synth when any resource belongs to a service outside AWS's HIPAA Eligible Services
 * Reference (HIPAA 164.308(b)(1): PHI may only flow to services covered by the BAA).
 */
export class EligibleServicesGuard implements IAspect {
  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    const verdict = eligibilityOf(node.cfnResourceType);
    if (!verdict.allowed) {
      Validations.of(node).addError(
        'HipaaEligibleServices',
        `${verdict.reason}. The AWS BAA does not cover it, so it must not be part of a deployment that can hold PHI.`,
      );
    }
  }
}
