import { Validations, type App } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';

/**
 * Registers every compliance check on the app. A finding that is not acknowledged on its own
 * resource (see `acknowledge.ts`) fails synth; `bin/app.ts` also fails on warning-level findings.
 */
export function registerCompliancePlugins(app: App): void {
  Validations.of(app).addPlugins(
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new AwsSolutionsChecks(app),
    // Control Tower proactive controls. Sees every resource, including the helper Lambdas that
    // CDK's CustomResourceProvider creates, which cdk-nag cannot see.
    new CfnGuardValidator({ controlTowerRulesEnabled: true }),
  );
}
