/** Amazon ECS: hardened task definitions and a service that survives the loss of a task. */
import type { TemplateResource } from '../../../assembly/model';
import { asArray, isRecord, isTrue, literalText, num, prop } from '../../../assembly/template-facts';
import type { ResourceSpecMapping } from './mapping';

function containers(r: TemplateResource): Record<string, unknown>[] {
  return asArray(prop(r, 'ContainerDefinitions')).filter(isRecord);
}

export const ECS_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::ECS::TaskDefinition',
    specs: ['164.312(c)(1)'],
    describe: (r) => {
      const ro = containers(r).filter((c) => isTrue(c.ReadonlyRootFilesystem));
      return ro.length ? `${ro.map((c) => literalText(c.Name)).join(', ')}: read-only root filesystem` : undefined;
    },
  },
  {
    type: 'AWS::ECS::TaskDefinition',
    specs: ['164.312(a)(1)'],
    describe: (r) => {
      const safe = containers(r).filter(
        (c) => c.Privileged !== true && c.User !== undefined && !['root', '0'].includes(String(c.User)),
      );
      return safe.length
        ? `${safe.map((c) => `${literalText(c.Name)} runs as user ${literalText(c.User)}, not privileged`).join('; ')}`
        : undefined;
    },
  },
  {
    type: 'AWS::ECS::Service',
    specs: ['164.308(a)(7)(ii)(C)'],
    describe: (r) => {
      const count = num(prop(r, 'DesiredCount'));
      return count !== undefined && count >= 2 ? `runs ${count} tasks, so one can fail without an outage` : undefined;
    },
  },
];
