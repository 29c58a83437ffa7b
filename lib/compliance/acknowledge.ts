import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A HIPAA Security Rule citation, e.g. `164.312(a)(2)(iv)`. Every acknowledgement names the control
 * it relates to, so a reviewer can judge the exception against the rule it touches.
 */
export type HipaaControl = `164.${string}`;

export interface ComplianceException {
  /** Exact rule id as the plugin reports it, e.g. `AwsSolutions-IAM5[Resource::*]` or `cdk-validator-cfnguard::ct-lambda-pr-3`. */
  readonly ruleId: string;
  /** The HIPAA control the finding relates to. */
  readonly control: HipaaControl;
  /** Why the finding cannot be fixed and why the exception is safe. */
  readonly reason: string;
}

/**
 * Acknowledges findings on exactly one construct (never a stack or the app). The reason recorded in
 * `cdk.out/validation-report.json` is `[HIPAA <control>] <reason>`.
 */
export function acknowledge(resource: IConstruct, ...exceptions: ComplianceException[]): void {
  for (const e of exceptions) {
    // Without its plugin prefix an id still silences the finding but never reaches the validation
    // report, so the exception would be invisible to reviewers.
    if (!/^[A-Za-z0-9.-]+::\S+$/.test(e.ruleId)) {
      throw new Error(
        `acknowledge(${resource.node.path}): rule id "${e.ruleId}" must be "<Plugin>::<Rule>" as the report prints it`,
      );
    }
    Validations.of(resource).acknowledge({ id: e.ruleId, reason: `[HIPAA ${e.control}] ${e.reason}` });
  }
}
