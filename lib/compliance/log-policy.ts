/**
 * The log policy (HIPAA 164.312(b) audit controls, 164.316(b)(2)(i) six-year retention): every log
 * group of the app is encrypted with the audit key, kept at least six years and retained when its
 * stack is deleted; every Lambda function, including the helper functions CDK itself creates (e.g.
 * `CustomResourceProvider` handlers), writes into such a log group rather than into one Lambda would
 * create on first run (unencrypted, never expiring).
 */
import { CfnDeletionPolicy, CfnResource, Stack, Validations, type IAspect } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { SIX_YEARS_IN_DAYS } from '../config/schema';
import { STATEFUL_REMOVAL_POLICY } from './retention';

function properties(resource: CfnResource): Record<string, unknown> {
  // L1 classes keep their props as fields; plain CfnResources (CustomResourceProvider) keep them here.
  return (resource as unknown as { _cfnProperties?: Record<string, unknown> })._cfnProperties ?? {};
}

function lambdaLogGroup(resource: CfnResource): unknown {
  if (resource instanceof lambda.CfnFunction) {
    const config = resource.loggingConfig as { logGroup?: unknown } | undefined;
    return config?.logGroup;
  }
  return (properties(resource).LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup;
}

export interface LambdaLogGroupsProps {
  /** The key that encrypts log groups in `stack`, or undefined where none may be created (refused). */
  readonly keyFor: (stack: Stack) => kms.IKey | undefined;
  /** Retention of created log groups, days (a CloudWatch value of at least six years). */
  readonly retentionDays: number;
}

/**
 * Gives every Lambda function without a log group of its own an encrypted, retained one. Add it with
 * `AspectPriority.MUTATING` so `LogPolicyCheck` sees the result.
 */
export class LambdaLogGroups implements IAspect {
  constructor(private readonly props: LambdaLogGroupsProps) {}

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== 'AWS::Lambda::Function') return;
    if (lambdaLogGroup(node) !== undefined) return;
    const stack = Stack.of(node);
    const scope = node.node.scope ?? stack;
    const id = `${node.node.id}LogGroup`;
    // Synthesizing the same app twice visits the function again: the override is already in place.
    if (scope.node.tryFindChild(id)) return;
    const key = this.props.keyFor(stack);
    if (!key) {
      Validations.of(node).addError(
        'LogPolicy',
        'this function has no log group and none can be created here: give it an encrypted one',
      );
      return;
    }
    const logGroup = new logs.LogGroup(scope, id, {
      encryptionKey: key,
      retention: this.props.retentionDays as logs.RetentionDays,
      removalPolicy: STATEFUL_REMOVAL_POLICY,
    });
    // The Ref makes CloudFormation create the log group first; a DependsOn would repeat it (cfn-lint W3005).
    node.addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
  }
}

/**
 * Refuses (synth error) any log group that is unencrypted, kept under six years or not retained. There
 * are no exceptions: a service that only delivers into unencrypted log groups must deliver elsewhere
 * (Cognito's user activity goes to S3, see `UserActivityLog`).
 */
export class LogPolicyCheck implements IAspect {
  /**
   * @param disposable sandbox profile only (lib/config/profile.ts): every log group must instead be
   * deleted with its stack (DeletionPolicy Delete), so that `cdk destroy` leaves none behind.
   */
  constructor(private readonly disposable = false) {}

  visit(node: IConstruct): void {
    if (!(node instanceof logs.CfnLogGroup)) return;
    const problems: string[] = [];
    if (!node.kmsKeyId) problems.push('is not encrypted with a KMS key (use the audit key)');
    if (typeof node.retentionInDays !== 'number' || node.retentionInDays < SIX_YEARS_IN_DAYS) {
      problems.push(
        `keeps logs ${node.retentionInDays ?? 'for the CloudWatch default'} days, under six years (${SIX_YEARS_IN_DAYS})`,
      );
    }
    // Retained as every stateful resource is (retention.ts): deleted only when its own creation rolls back.
    const deletion = node.cfnOptions.deletionPolicy;
    if (this.disposable) {
      if (deletion !== CfnDeletionPolicy.DELETE) problems.push('is not deleted with its stack in the sandbox profile');
    } else if (deletion === CfnDeletionPolicy.RETAIN) {
      problems.push(
        'is retained even when its own creation rolls back: a retry would fail on its name (use RetainExceptOnCreate)',
      );
    } else if (deletion !== CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE) {
      problems.push('is not retained when its stack is deleted');
    }
    for (const p of problems) Validations.of(node).addError('LogPolicy', `log group ${p} (HIPAA 164.312(b), 164.316(b)(2)(i))`);
  }
}
