import { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Pins the CloudFormation logical ID of a stateful resource. A logical ID follows the construct path,
 * so renaming or moving a construct would otherwise make CloudFormation create a new resource and
 * delete (or, when retained, orphan) the old one: a new empty database or bucket, or a name clash.
 * Tests assert every pinned ID.
 */
export function pinLogicalId(construct: IConstruct, logicalId: string): void {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (!element || !CfnElement.isCfnElement(element)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource whose logical ID could be pinned`);
  }
  element.overrideLogicalId(logicalId);
}
