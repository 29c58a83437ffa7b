import { Stack, type CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { acknowledge, type HipaaControl } from '../compliance/acknowledge';

/**
 * Acknowledges `AwsSolutions-IAM5` for exactly one wildcard resource of one IAM policy, e.g. an S3
 * object prefix like `<bucket ARN>/access-reviews/*`.
 *
 * cdk-nag names the finding after the resource as it appears in the template. When the resource
 * holds a cross-stack reference, that form (`Fn::GetStackOutput` with the output name CDK generates)
 * only exists once CDK has resolved the references during synthesis, so the ID is computed then, in a
 * validation of `policy` (validations run after references are resolved and before the compliance
 * plugins read the acknowledgements). Nothing else of the policy is acknowledged.
 */
export function acknowledgeWildcardResource(
  policy: CfnResource,
  resource: string,
  exception: { readonly control: HipaaControl; readonly reason: string },
): void {
  policy.node.addValidation({
    validate: () => {
      const ruleId = `AwsSolutions::AwsSolutions-IAM5[Resource::${flattenLikeCdkNag(Stack.of(policy).resolve(resource))}]`;
      acknowledge(policy as IConstruct, { ruleId, ...exception });
      return [];
    },
  });
}

/**
 * The flat string cdk-nag makes of a CloudFormation value in its finding IDs (its
 * `flattenCfnReference`): joins joined, `<Id.Attr>` for GetAtt, `<Id>` for Ref, and JSON for anything
 * else (such as `Fn::GetStackOutput`).
 */
export function flattenLikeCdkNag(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\${/g, '<').replace(/}/g, '>');
  const v = value as Record<string, unknown>;
  if (v['Fn::Join']) {
    const [delimiter, items] = v['Fn::Join'] as [string, unknown[]];
    return items.map(flattenLikeCdkNag).join(delimiter);
  }
  if (v['Fn::Sub']) return flattenLikeCdkNag(v['Fn::Sub']);
  if (v['Fn::GetAtt']) {
    const [resource, attribute] = v['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenLikeCdkNag(resource)}.${flattenLikeCdkNag(attribute)}>`;
  }
  if (v['Fn::ImportValue']) return flattenLikeCdkNag(v['Fn::ImportValue']);
  if (v.Ref) return `<${flattenLikeCdkNag(v.Ref)}>`;
  return JSON.stringify(value);
}
