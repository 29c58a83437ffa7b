import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { Capability, type CapabilityProps } from '../../lib/capabilities/capability';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';
import { StackTemplate } from '../helpers/operations-stand-ins';

/** A capability with one part. */
class Probe extends Capability {
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, props: CapabilityProps = {}) {
    super(scope, id, props);
    this.queue = new sqs.Queue(this.partsScope, 'Queue');
  }
}

const newStack = () => new Stack(projectApp({ context: TEMPLATE_ONLY, builtinCloudFormationValidation: false }), 'Ops');

test('builds its parts inside itself by default', () => {
  const stack = newStack();
  const probe = new Probe(stack, 'Probe');
  expect(probe.queue.node.path).toBe('Ops/Probe/Queue');
  expect(new StackTemplate(stack).id(probe.queue)).toMatch(/^ProbeQueue[0-9A-F]{8}$/);
});

test('given the stack as partsScope, its parts are exactly what the stack would have built itself', () => {
  const direct = newStack();
  const queue = new sqs.Queue(direct, 'Queue');
  const stack = newStack();
  const probe = new Probe(stack, 'Probe', { partsScope: stack });
  expect(probe.node.children).toEqual([]);
  expect(probe.queue.node.path).toBe('Ops/Queue');
  expect(new StackTemplate(stack).template.toJSON()).toEqual(new StackTemplate(direct).template.toJSON());
  expect(new StackTemplate(stack).id(probe.queue)).toBe(new StackTemplate(direct).id(queue));
});
