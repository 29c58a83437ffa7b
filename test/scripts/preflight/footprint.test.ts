import { assemblyStack, cloudAssembly, type CfnTemplate } from '../../../lib/assembly/model';
import { readAssembly } from '../../../lib/assembly/read';
import { deploymentNames } from '../../../lib/vocabulary';
import {
  bootstrapRequirement,
  deploymentFootprint,
  readBootstrapRequirement,
  resolveName,
  type DeploymentFootprint,
} from '../../../scripts/preflight/footprint';
import { shippedAssembly } from '../../helpers/shipped-assembly';

const ACCOUNT = '111122223333';

describe('names in templates', () => {
  const pseudo = { account: ACCOUNT, region: 'us-west-2' };

  test('literals, pseudo parameters and joins of them resolve', () => {
    expect(resolveName('fixed', pseudo)).toBe('fixed');
    expect(
      resolveName({ 'Fn::Join': ['', ['d-phi-replica-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] }, pseudo),
    ).toBe(`d-phi-replica-${ACCOUNT}-us-west-2`);
  });

  test('anything that depends on a resource is not a fixed name', () => {
    expect(resolveName({ Ref: 'SomeBucket' }, pseudo)).toBeUndefined();
    expect(resolveName({ 'Fn::Join': ['-', ['a', { 'Fn::GetAtt': ['X', 'Arn'] }]] }, pseudo)).toBeUndefined();
    expect(resolveName(undefined, pseudo)).toBeUndefined();
  });
});

describe('bootstrap requirement', () => {
  test('the highest version any artifact requires, and the qualifier of its version parameter', () => {
    expect(
      bootstrapRequirement({
        artifacts: {
          A: {
            type: 'aws:cloudformation:stack',
            properties: { requiresBootstrapStackVersion: 6, bootstrapStackVersionSsmParameter: '/cdk-bootstrap/custom1/version' },
          },
          'A.assets': { type: 'cdk:asset-manifest', properties: { requiresBootstrapStackVersion: 21 } },
          Tree: { type: 'cdk:tree' },
        },
      }),
    ).toEqual({ version: 21, qualifier: 'custom1' });
  });

  test("CDK's default qualifier when none is named", () => {
    expect(bootstrapRequirement({})).toEqual({ version: 0, qualifier: 'hnb659fds' });
  });
});

describe('footprint of hand-written templates', () => {
  const template = (resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>): CfnTemplate => ({
    Resources: resources,
  });
  const footprint = deploymentFootprint(
    cloudAssembly({
      stacks: [
        assemblyStack({
          id: 'Net',
          stackName: 'd-net',
          region: 'us-east-1',
          template: template({
            Vpc: { Type: 'AWS::EC2::VPC' },
            Ep1: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', VpcId: { Ref: 'Vpc' } } },
            Ep2: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', VpcId: { Ref: 'Vpc' } } },
            Gw: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway', VpcId: { Ref: 'Vpc' } } },
            Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '512' } },
            Service: { Type: 'AWS::ECS::Service', Properties: { DeploymentConfiguration: { MaximumPercent: 150 } } },
            Scaling: {
              Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
              Properties: { ServiceNamespace: 'ecs', MaxCapacity: 6 },
            },
            Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'd-a', ReservedConcurrentExecutions: 2 } },
            Unreserved: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'd-b' } },
            Detector: { Type: 'AWS::GuardDuty::Detector' },
            Group: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { Ref: 'Other' } } },
            Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'd-break-glass' } },
            GeneratedRole: { Type: 'AWS::IAM::Role', Properties: {} },
          }),
        }),
        assemblyStack({
          id: 'Dr',
          stackName: 'd-dr',
          region: 'us-west-2',
          template: template({
            Bucket: {
              Type: 'AWS::S3::Bucket',
              Properties: { BucketName: { 'Fn::Join': ['-', ['d', { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }]] } },
            },
          }),
        }),
      ],
    }),
    { version: 6, qualifier: 'hnb659fds' },
    ACCOUNT,
  );

  test('per region: reservations, interface endpoints of the VPC (gateway endpoints do not count), detective services', () => {
    expect(footprint.regions.map((r) => r.region)).toEqual(['us-east-1', 'us-west-2']);
    expect(footprint.regions[0]).toMatchObject({
      stackNames: ['d-net'],
      reservedConcurrency: 2,
      reservingFunctions: [{ name: 'd-a', reserved: 2 }],
      vpcs: 1,
      interfaceEndpointsPerVpc: 2,
      creates: { guardDuty: true, securityHub: false, config: false },
    });
    expect(footprint.regions[1]).toMatchObject({ reservedConcurrency: 0, vpcs: 0, interfaceEndpointsPerVpc: 0 });
  });

  test('Fargate vCPUs at the maximum task count, surging by the maximum percent of a rolling deployment', () => {
    // 6 tasks x 0.5 vCPU x 150 %.
    expect(footprint.fargateVcpus).toEqual([{ region: 'us-east-1', vcpus: 4.5 }]);
  });

  test('fixed names only, with the account and region filled in; role names are global', () => {
    expect(footprint.named.map((n) => [n.kind, n.name, n.region, n.stackName])).toEqual([
      ['lambda-function', 'd-a', 'us-east-1', 'd-net'],
      ['lambda-function', 'd-b', 'us-east-1', 'd-net'],
      ['iam-role', 'd-break-glass', 'global', 'd-net'],
      ['bucket', `d-${ACCOUNT}-us-west-2`, 'us-west-2', 'd-dr'],
    ]);
  });
});

describe('footprint of the synthesized demo deployment', () => {
  const assembly = shippedAssembly('config/demo.json');
  const { config } = assembly;
  const names = deploymentNames(config.name);
  let footprint: DeploymentFootprint;
  beforeAll(() => {
    footprint = deploymentFootprint(readAssembly(assembly.dir), readBootstrapRequirement(assembly.dir), ACCOUNT);
  });
  const region = (r: string) => footprint.regions.find((f) => f.region === r)!;
  const namesOf = (kind: string) => footprint.named.filter((n) => n.kind === kind).map((n) => n.name);

  test('both regions, primary first', () => {
    expect(footprint.regions.map((r) => r.region)).toEqual([config.regions.primary, config.regions.dr]);
  });

  test('the bootstrap version the stacks require, at the default qualifier', () => {
    expect(footprint.bootstrap).toEqual({ version: 6, qualifier: 'hnb659fds' });
  });

  test('reserved concurrency in both regions: the operations functions, and the DR rotation enforcer', () => {
    const primary = region(config.regions.primary).reservingFunctions.map((f) => f.name);
    expect(primary).toEqual(
      expect.arrayContaining([
        names.sessionRevocationFunction,
        names.accessReviewFunction,
        names.restoreValidatorFunction,
        names.keyRotationFunction,
      ]),
    );
    expect(region(config.regions.primary).reservedConcurrency).toBeGreaterThanOrEqual(primary.length);
    expect(region(config.regions.dr).reservingFunctions.map((f) => f.name)).toEqual([names.drKeyRotationFunction]);
    expect(region(config.regions.dr).reservedConcurrency).toBeGreaterThanOrEqual(1);
  });

  test('one VPC with its interface endpoints, in the primary region only', () => {
    expect(region(config.regions.primary)).toMatchObject({ vpcs: 1, interfaceEndpointsPerVpc: expect.any(Number) });
    expect(region(config.regions.primary).interfaceEndpointsPerVpc).toBeGreaterThan(5);
    expect(region(config.regions.dr).vpcs).toBe(0);
  });

  test('the detective services the toggles switch on are created in the primary region only', () => {
    const { guardDuty, securityHub, config: recorder, macie } = config.detection;
    expect(region(config.regions.primary).creates).toEqual({ guardDuty, securityHub, config: recorder, macie });
    expect(region(config.regions.dr).creates).toEqual({ guardDuty: false, securityHub: false, config: false, macie: false });
  });

  test('the database as configured, and the sign-in prefix from the vocabulary', () => {
    expect(footprint.database).toEqual({
      region: config.regions.primary,
      identifier: names.databaseInstance,
      engine: 'postgres',
      engineVersion: config.database.engineVersion,
      instanceClass: `db.${config.database.instanceType}`,
      multiAz: true,
    });
    expect(footprint.signInDomain).toEqual({ region: config.regions.primary, prefix: names.signInDomainPrefix });
  });

  test('Fargate vCPUs of the CRM service at its configured maximum, doubled during a rolling deployment', () => {
    const { maxTasks, cpu } = config.workload;
    expect(footprint.fargateVcpus).toEqual([{ region: config.regions.primary, vcpus: (maxTasks * cpu * 2) / 1024 }]);
  });

  test('the fixed names are the vocabulary names', () => {
    expect(namesOf('db-instance')).toEqual([names.databaseInstance]);
    expect(namesOf('backup-vault').sort()).toEqual([names.backupVault, names.drBackupVault].sort());
    expect(namesOf('bucket').sort()).toEqual(
      (['phi-replica', 'evidence-dr', 'trail-dr'] as const)
        .map((k) => names.drReplicaBucket(k, ACCOUNT, config.regions.dr))
        .sort(),
    );
    expect(namesOf('kms-alias')).toEqual(
      expect.arrayContaining(
        ['phi', 'audit', 'backup', 'phi-dr', 'audit-dr', 'backup-dr'].map((c) => names.keyAlias(c as 'phi')),
      ),
    );
    expect(namesOf('log-group')).toEqual(
      expect.arrayContaining([names.trailLogGroup, names.crmLogGroup, `/aws/lambda/${names.drKeyRotationFunction}`]),
    );
    expect(namesOf('lambda-function')).toEqual(expect.arrayContaining([names.keyRotationFunction, names.cryptoErasureFunction]));
    expect(namesOf('state-machine')).toEqual([names.cryptoErasureStateMachine]);
    expect(namesOf('iam-role')).toEqual(expect.arrayContaining([names.breakGlassRole, names.cryptoErasureRole]));
    expect(footprint.named.filter((n) => n.kind === 'iam-role').every((n) => n.region === 'global')).toBe(true);
    const dr = footprint.named.filter((n) => n.region === config.regions.dr).map((n) => n.name);
    expect(dr).toEqual(expect.arrayContaining([names.drBackupVault, names.keyAlias('phi-dr')]));
  });
});
