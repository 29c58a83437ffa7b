/**
 * What a deployment needs from its account, read from its synthesized cloud assembly rather than
 * re-derived from the config: the bootstrap version the stacks require, the Lambda concurrency each
 * region reserves, the interface endpoints per VPC, the detective services each region creates, the
 * database engine and class, the Cognito domain prefix, and every fixed name CloudFormation would
 * create (a leftover with that name makes the create fail). Reading the templates means a new function,
 * endpoint or named resource is checked without anyone updating a table here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MANIFEST_FILE } from '../../lib/assembly/manifest';
import type { CloudAssembly, TemplateResource } from '../../lib/assembly/model';
import { isRecord, num, prop, str } from '../../lib/assembly/template-facts';
import { GLOBAL } from './result';

/** Kinds of named resources the preflight looks for, each with its own read-only lookup. */
export type RegionalNamedKind =
  'log-group' | 'backup-vault' | 'bucket' | 'db-instance' | 'kms-alias' | 'secret' | 'lambda-function' | 'state-machine';
/** Kinds whose names are account-wide: their `region` is `global`, whichever stack creates them. */
export type GlobalNamedKind = 'iam-role';
export type NamedKind = RegionalNamedKind | GlobalNamedKind;
const GLOBAL_KINDS: readonly NamedKind[] = ['iam-role'];

/** The property that fixes the name, per CloudFormation type. */
const NAME_PROPERTIES: readonly { type: string; property: string; kind: NamedKind }[] = [
  { type: 'AWS::Logs::LogGroup', property: 'LogGroupName', kind: 'log-group' },
  { type: 'AWS::Backup::BackupVault', property: 'BackupVaultName', kind: 'backup-vault' },
  { type: 'AWS::S3::Bucket', property: 'BucketName', kind: 'bucket' },
  { type: 'AWS::RDS::DBInstance', property: 'DBInstanceIdentifier', kind: 'db-instance' },
  { type: 'AWS::KMS::Alias', property: 'AliasName', kind: 'kms-alias' },
  { type: 'AWS::SecretsManager::Secret', property: 'Name', kind: 'secret' },
  { type: 'AWS::Lambda::Function', property: 'FunctionName', kind: 'lambda-function' },
  { type: 'AWS::StepFunctions::StateMachine', property: 'StateMachineName', kind: 'state-machine' },
  { type: 'AWS::IAM::Role', property: 'RoleName', kind: 'iam-role' },
];

export interface NamedResource {
  readonly kind: NamedKind;
  readonly name: string;
  /** The region of the name, or `global` for an account-wide name (an IAM role). */
  readonly region: string;
  /** The CloudFormation stack that would create it. */
  readonly stackName: string;
  readonly logicalId: string;
}

export interface DetectiveServices {
  readonly guardDuty: boolean;
  readonly securityHub: boolean;
  readonly config: boolean;
  /** A Macie session (AWS::Macie::Session): one per account and region, like the others. */
  readonly macie: boolean;
}

export interface RegionFootprint {
  readonly region: string;
  readonly stackNames: readonly string[];
  /** Sum of `ReservedConcurrentExecutions` of the functions in the region. */
  readonly reservedConcurrency: number;
  readonly reservingFunctions: readonly { readonly name: string; readonly reserved: number }[];
  readonly vpcs: number;
  /** The most interface endpoints any one VPC of the region gets. */
  readonly interfaceEndpointsPerVpc: number;
  /** Detective services the deployment creates in the region (one per account and region each). */
  readonly creates: DetectiveServices;
}

export interface BootstrapRequirement {
  /** The highest `requiresBootstrapStackVersion` of the stacks and asset manifests. */
  readonly version: number;
  /** The bootstrap qualifier, from `/cdk-bootstrap/<qualifier>/version`. */
  readonly qualifier: string;
}

export interface DatabaseFootprint {
  readonly region: string;
  readonly identifier?: string;
  readonly engine: string;
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly multiAz: boolean;
}

export interface DeploymentFootprint {
  /** In the order the assembly first names them (the primary region's stacks come first). */
  readonly regions: readonly RegionFootprint[];
  readonly bootstrap: BootstrapRequirement;
  readonly database?: DatabaseFootprint;
  readonly signInDomain?: { readonly region: string; readonly prefix: string };
  /** Fargate vCPUs the CRM service can use at once (max tasks, surging during a rolling deployment), per region. */
  readonly fargateVcpus: readonly { readonly region: string; readonly vcpus: number }[];
  readonly named: readonly NamedResource[];
}

/** Values of the pseudo parameters a name may contain. */
export interface Pseudo {
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
}

/** A name written as a literal, a pseudo-parameter `Ref` or an `Fn::Join` of those; undefined otherwise. */
export function resolveName(value: unknown, pseudo: Pseudo): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return undefined;
  if (typeof value.Ref === 'string') {
    const refs: Record<string, string | undefined> = {
      'AWS::AccountId': pseudo.account,
      'AWS::Region': pseudo.region,
      'AWS::Partition': pseudo.partition ?? 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return refs[value.Ref];
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = (join[1] as unknown[]).map((p) => resolveName(p, pseudo));
    return parts.every((p): p is string => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
}

interface ManifestArtifact {
  readonly type: string;
  readonly properties?: { readonly requiresBootstrapStackVersion?: number; readonly bootstrapStackVersionSsmParameter?: string };
}

/** CDK's default qualifier (`cdk bootstrap` without `--qualifier`). */
export const DEFAULT_QUALIFIER = 'hnb659fds';

/**
 * The bootstrap version the deployment needs: the highest `requiresBootstrapStackVersion` the manifest
 * gives its stacks and asset manifests. The lookup role's higher requirement (8) is left out: this app
 * makes no context lookups (the availability zones are in the config).
 */
export function bootstrapRequirement(manifest: { readonly artifacts?: Record<string, ManifestArtifact> }): BootstrapRequirement {
  let version = 0;
  let qualifier = DEFAULT_QUALIFIER;
  for (const artifact of Object.values(manifest.artifacts ?? {})) {
    const p = artifact.properties;
    if (typeof p?.requiresBootstrapStackVersion === 'number') version = Math.max(version, p.requiresBootstrapStackVersion);
    const q = /^\/cdk-bootstrap\/([^/]+)\/version$/.exec(p?.bootstrapStackVersionSsmParameter ?? '');
    if (q) qualifier = q[1];
  }
  return { version, qualifier };
}

function detectiveServicesIn(resources: readonly TemplateResource[]): DetectiveServices {
  const has = (type: string) => resources.some((r) => r.type === type);
  return {
    guardDuty: has('AWS::GuardDuty::Detector'),
    securityHub: has('AWS::SecurityHub::Hub'),
    config: has('AWS::Config::ConfigurationRecorder') || has('AWS::Config::DeliveryChannel'),
    macie: has('AWS::Macie::Session'),
  };
}

/** ECS's default `maximumPercent`: a rolling deployment may run twice the desired tasks for a while. */
const ECS_DEFAULT_MAXIMUM_PERCENT = 200;

/** vCPUs the ECS services of a region can use at once: max tasks x task CPU x the deployment's maximum percent. */
function fargateVcpusIn(resources: readonly TemplateResource[]): number {
  const taskCpu = Math.max(
    0,
    ...resources.filter((r) => r.type === 'AWS::ECS::TaskDefinition').map((r) => num(r.properties.Cpu) ?? 0),
  );
  const maxTasks = resources
    .filter((r) => r.type === 'AWS::ApplicationAutoScaling::ScalableTarget' && r.properties.ServiceNamespace === 'ecs')
    .reduce((sum, r) => sum + (num(r.properties.MaxCapacity) ?? 0), 0);
  const maximumPercent = Math.max(
    0,
    ...resources
      .filter((r) => r.type === 'AWS::ECS::Service')
      .map((r) => num(prop(r, 'DeploymentConfiguration.MaximumPercent')) ?? ECS_DEFAULT_MAXIMUM_PERCENT),
  );
  return (maxTasks * taskCpu * (maximumPercent || ECS_DEFAULT_MAXIMUM_PERCENT)) / 1024 / 100;
}

/** The footprint of `assembly` in `account` (bucket names contain the account ID). */
export function deploymentFootprint(
  assembly: CloudAssembly,
  bootstrap: BootstrapRequirement,
  account: string,
): DeploymentFootprint {
  const regions: string[] = [];
  for (const s of assembly.stacks) if (s.region && !regions.includes(s.region)) regions.push(s.region);

  const named: NamedResource[] = [];
  let database: DatabaseFootprint | undefined;
  let signInDomain: DeploymentFootprint['signInDomain'];
  for (const stack of assembly.stacks) {
    const region = stack.region;
    if (!region) continue;
    for (const r of stack.resources) {
      for (const spec of NAME_PROPERTIES.filter((n) => n.type === r.type)) {
        const name = resolveName(prop(r, spec.property), { account, region });
        if (!name) continue;
        const scope = GLOBAL_KINDS.includes(spec.kind) ? GLOBAL : region;
        named.push({ kind: spec.kind, name, region: scope, stackName: stack.stackName, logicalId: r.logicalId });
      }
      if (r.type === 'AWS::RDS::DBInstance') {
        database = {
          region,
          identifier: str(r.properties.DBInstanceIdentifier),
          engine: str(r.properties.Engine) ?? 'postgres',
          engineVersion: str(r.properties.EngineVersion) ?? '',
          instanceClass: str(r.properties.DBInstanceClass) ?? '',
          multiAz: r.properties.MultiAZ === true || r.properties.MultiAZ === 'true',
        };
      }
      if (r.type === 'AWS::Cognito::UserPoolDomain' && !isRecord(r.properties.CustomDomainConfig)) {
        const prefix = str(r.properties.Domain);
        if (prefix) signInDomain = { region, prefix };
      }
    }
  }

  const inRegion = (region: string) => assembly.stacks.filter((s) => s.region === region);
  return {
    regions: regions.map((region): RegionFootprint => {
      const resources = inRegion(region).flatMap((s) => s.resources);
      const reservingFunctions = resources
        .filter((r) => r.type === 'AWS::Lambda::Function' && num(r.properties.ReservedConcurrentExecutions) !== undefined)
        .map((r) => ({
          name: str(r.properties.FunctionName) ?? r.logicalId,
          reserved: num(r.properties.ReservedConcurrentExecutions)!,
        }));
      const endpointsPerVpc = new Map<string, number>();
      for (const r of resources.filter(
        (x) => x.type === 'AWS::EC2::VPCEndpoint' && x.properties.VpcEndpointType === 'Interface',
      )) {
        const vpc = JSON.stringify(r.properties.VpcId);
        endpointsPerVpc.set(vpc, (endpointsPerVpc.get(vpc) ?? 0) + 1);
      }
      return {
        region,
        stackNames: inRegion(region).map((s) => s.stackName),
        reservedConcurrency: reservingFunctions.reduce((sum, f) => sum + f.reserved, 0),
        reservingFunctions,
        vpcs: resources.filter((r) => r.type === 'AWS::EC2::VPC').length,
        interfaceEndpointsPerVpc: Math.max(0, ...endpointsPerVpc.values()),
        creates: detectiveServicesIn(resources),
      };
    }),
    bootstrap,
    database,
    signInDomain,
    fargateVcpus: regions
      .map((region) => ({ region, vcpus: fargateVcpusIn(inRegion(region).flatMap((s) => s.resources)) }))
      .filter((f) => f.vcpus > 0),
    named,
  };
}

/** The bootstrap requirement of the assembly in `dir` (its manifest.json). */
export function readBootstrapRequirement(dir: string): BootstrapRequirement {
  return bootstrapRequirement(
    JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as { artifacts?: Record<string, ManifestArtifact> },
  );
}
