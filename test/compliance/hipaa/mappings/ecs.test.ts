import { claimsOf } from './claims';

describe('Amazon ECS', () => {
  test('containers with a read-only root filesystem, running as a non-root user, are integrity and access controls', () => {
    expect(
      claimsOf('AWS::ECS::TaskDefinition', {
        ContainerDefinitions: [
          { Name: 'crm', ReadonlyRootFilesystem: true, User: '1000' },
          { Name: 'sidecar', User: 'root' },
        ],
      }),
    ).toEqual({
      '164.312(c)(1)': 'crm: read-only root filesystem',
      '164.312(a)(1)': 'crm runs as user 1000, not privileged',
    });
  });

  test('privileged, root or user-less containers with a writable filesystem are not claimed', () => {
    expect(
      claimsOf('AWS::ECS::TaskDefinition', {
        ContainerDefinitions: [{ Name: 'a', User: '1000', Privileged: true }, { Name: 'b', User: '0' }, { Name: 'c' }],
      }),
    ).toEqual({});
  });

  test('a service of two tasks or more is emergency mode operation; one task is not', () => {
    expect(claimsOf('AWS::ECS::Service', { DesiredCount: 2 })).toEqual({
      '164.308(a)(7)(ii)(C)': 'runs 2 tasks, so one can fail without an outage',
    });
    expect(claimsOf('AWS::ECS::Service', { DesiredCount: 1 })).toEqual({});
  });
});
