import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
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

/**
 * Control Tower rules that only recognise a KMS key given as a literal ARN or defined in the same
 * template, and the project rule (lib/compliance/project-rules/promises.guard) that demands the key
 * property on the template whatever its form, a cross-stack reference included.
 */
const CROSS_STACK_KEY_RULES = {
  logGroup: {
    ruleId: 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
    controlTowerId: 'CT.CLOUDWATCH.PR.3',
    projectRule: 'project_log_group_encrypted_six_years',
    keyProperty: 'KmsKeyId',
  },
  rdsStorage: {
    ruleId: 'cdk-validator-cfnguard::rds_storage_encrypted_kms_key_check',
    controlTowerId: 'CT.RDS.PR.30',
    projectRule: 'project_database_customer_managed_key',
    keyProperty: 'KmsKeyId',
  },
  sqsQueue: {
    ruleId: 'cdk-validator-cfnguard::sqs_queue_encrypted_check',
    controlTowerId: 'CT.SQS.PR.2',
    projectRule: 'project_queue_customer_managed_key',
    keyProperty: 'KmsMasterKeyId',
  },
  trail: {
    ruleId: 'cdk-validator-cfnguard::cloud_trail_encryption_enabled_check',
    controlTowerId: 'CT.CLOUDTRAIL.PR.1',
    projectRule: 'project_trail_customer_managed_key',
    keyProperty: 'KMSKeyId',
  },
  athenaWorkGroup: {
    ruleId: 'cdk-validator-cfnguard::athena_workgroup_results_encrypted_at_rest_kms_check',
    controlTowerId: 'CT.ATHENA.PR.2',
    projectRule: 'project_athena_results_customer_managed_key',
    keyProperty: 'KmsKey',
  },
} as const;

/**
 * Acknowledges the Control Tower rule's false positive on a resource that IS encrypted with a
 * customer-managed key from another stack (the Keys or DR stack): its key property is a cross-stack
 * reference, which the Control Tower rule cannot follow. Does nothing when the key is in the same stack,
 * where that rule sees it. The acknowledgement is not blanket: the project rule named in the reason
 * (never acknowledged) fails synth when the key property is missing or names an AWS managed key, so an
 * override that removes the encryption still fails.
 */
export function acknowledgeCrossStackKey(
  resource: IConstruct,
  key: IKey,
  rule: keyof typeof CROSS_STACK_KEY_RULES,
  what: string,
): void {
  if (!Token.isUnresolved(key.keyArn) || Stack.of(key) === Stack.of(resource)) return;
  const { ruleId, controlTowerId, projectRule, keyProperty } = CROSS_STACK_KEY_RULES[rule];
  acknowledge(resource, {
    ruleId,
    control: '164.312(a)(2)(iv)',
    reason:
      `False positive: ${what} IS encrypted with a customer-managed key. Its ${keyProperty} is a cross-stack reference to ` +
      `the key's ARN, and the ${controlTowerId} guard rule only recognises a literal ARN or a key defined in the same ` +
      `template. The project rule cdk-validator-cfnguard::${projectRule} (never acknowledged) enforces that ${keyProperty} ` +
      'is present on the template and names no AWS managed key.',
  });
}
