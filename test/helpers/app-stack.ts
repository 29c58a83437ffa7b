/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
/**
 * The CRM app (`CrmApp`) built with stand-ins for what it receives from the Keys, Network, Identity and
 * Data stacks, and accessors for its template (test/capabilities/crm-app.test.ts, test/stacks/app-stack.test.ts).
 */
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CrmApp, crmAppSettings } from '../../lib/capabilities/crm-app';
import type { DeploymentConfig } from '../../lib/config/schema';
import { AppStack } from '../../lib/stacks/app-stack';
import { deploymentStackProps } from '../../lib/stacks/deployment-stack-props';
import { STACK_IDS } from '../../lib/vocabulary';
import { flat, flatDeep, isCrossStackRef, KEY_IDS } from './cfn-values';
import { shippedConfig } from './config';
import {
  ConfiguredStack,
  logicalIdOf,
  standInData,
  standInIdentity,
  standInKeys,
  standInNetwork,
  templateApp,
} from './stand-ins';

export type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[]; [k: string]: unknown };
export type Resources = Record<string, Resource>;

/** What `CrmApp` receives, as stand-in stacks of one app. */
function standIns(config: DeploymentConfig) {
  const app = templateApp();
  const keys = standInKeys(app, config);
  const network = standInNetwork(app, config);
  const identity = standInIdentity(app, config);
  const data = standInData(app, config, { vpc: network.vpc, phiKey: keys.phiKey, auditKey: keys.auditKey });
  const wiring = {
    vpc: network.vpc,
    signIn: identity.signIn,
    database: data.database,
    documentsBucket: data.documentsBucket,
    phiKey: keys.phiKey,
    auditKey: keys.auditKey,
  };
  return { app, keys, network, identity, data, wiring };
}

/** `CrmApp` of `config` in its own stack, next to its stand-ins. */
export function buildCrmApp(config: DeploymentConfig) {
  const parts = standIns(config);
  const stack = new ConfiguredStack(parts.app, STACK_IDS.app, config);
  const crm = new CrmApp(stack, 'Crm', { ...crmAppSettings(config), ...parts.wiring });
  return { ...parts, stack, crm };
}

/** The App stack of `config` itself, next to the stand-ins of the stacks it receives resources from. */
export function buildAppStack(config: DeploymentConfig) {
  const parts = standIns(config);
  const stack = new AppStack(parts.app, STACK_IDS.app, {
    ...deploymentStackProps(config, { part: 'app', purpose: 'load balancer, WAF and the CRM service', stateful: false }),
    config,
    ...parts.wiring,
  });
  return { ...parts, stack, crm: stack };
}

export const resourcesOf = (stack: Stack): Resources => Template.fromStack(stack).toJSON().Resources as Resources;

export const ofTypeIn = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

export function onlyIn(resources: Resources, type: string): [string, Resource] {
  const found = ofTypeIn(resources, type);
  expect(found).toHaveLength(1);
  return found[0];
}

export const webAclRules = (resources: Resources) => onlyIn(resources, 'AWS::WAFv2::WebACL')[1].Properties.Rules as any[];

/** `flatDeep`, with the partition written `<AWS::Partition>` in literal ARNs too. */
export const flatPartitioned = (value: unknown): any =>
  JSON.parse(JSON.stringify(flatDeep(value)).replace(/arn:aws:/g, 'arn:<AWS::Partition>:'));

/** `flat`, with every cross-stack reference (export or stack output) written `<export>` and `Fn::Sub` as its text. */
export function flatExports(value: unknown): string {
  const replace = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(replace);
    if (v === null || typeof v !== 'object') return v;
    if ('Fn::ImportValue' in v || 'Fn::GetStackOutput' in v) return '<export>';
    if ('Fn::Sub' in v && typeof v['Fn::Sub'] === 'string') return v['Fn::Sub'];
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
  };
  return flat(replace(value));
}

/** `CrmApp` of a shipped config with its stand-ins, built in `beforeAll`, with accessors for its resources. */
export class CrmAppFixture {
  config!: DeploymentConfig;
  built!: ReturnType<typeof buildCrmApp>;
  resources!: Resources;
  /** The account as the stack's ARNs render it: the pinned one, or the pseudo parameter. */
  account!: string;

  constructor(readonly file: string) {}

  /** Builds the CrmApp of the config once per test file: tests only read it, however many fixtures ask. */
  load(): void {
    let loaded = CrmAppFixture.loaded.get(this.file);
    if (!loaded) {
      const config = shippedConfig(this.file);
      const built = buildCrmApp(config);
      loaded = { config, built, resources: resourcesOf(built.stack) };
      CrmAppFixture.loaded.set(this.file, loaded);
    }
    ({ config: this.config, built: this.built, resources: this.resources } = loaded);
    this.account = this.config.account ?? '<AWS::AccountId>';
  }

  private static readonly loaded = new Map<
    string,
    { config: DeploymentConfig; built: ReturnType<typeof buildCrmApp>; resources: Resources }
  >();

  ofType(type: string) {
    return ofTypeIn(this.resources, type);
  }

  only(type: string) {
    return onlyIn(this.resources, type);
  }

  /** Properties of every resource of `type`. */
  propertiesOf(type: string) {
    return this.ofType(type).map(([, r]) => r.Properties);
  }

  /** Network-stack logical IDs of the subnets of a subnet group. */
  subnetIdsOf(group: string): string[] {
    return this.built.network.vpc
      .selectSubnets({ subnetGroupName: group })
      .subnets.map((s) => logicalIdOf(s.node.defaultChild as ec2.CfnSubnet));
  }

  /** Asserts that `refs` are cross-stack references to exactly the resources `ids`. */
  expectRefsTo(refs: unknown[], ids: string[]): void {
    expect(refs).toHaveLength(ids.length);
    for (const id of ids) expect(refs.some((r) => isCrossStackRef(r, id, 'Ref'))).toBe(true);
  }

  get albSecurityGroupId(): string {
    return logicalIdOf(this.built.crm.loadBalancer.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
  }

  get crmSecurityGroupId(): string {
    return logicalIdOf(this.built.crm.service.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
  }

  get databaseSecurityGroupId(): string {
    return logicalIdOf(this.built.data.database.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
  }

  /** Separate rules of `type` (`AWS::EC2::SecurityGroupIngress` / `Egress`) on the group `groupId`. */
  rulesOn(type: string, groupId: string) {
    const own = JSON.stringify({ 'Fn::GetAtt': [groupId, 'GroupId'] });
    return this.propertiesOf(type).filter((r) => JSON.stringify(r.GroupId) === own);
  }

  taskDefinition() {
    return this.only('AWS::ECS::TaskDefinition')[1].Properties;
  }

  container() {
    expect(this.taskDefinition().ContainerDefinitions).toHaveLength(1);
    return this.taskDefinition().ContainerDefinitions[0];
  }

  /** Statements of the one customer-managed policy attached to the role `roleId`. */
  policyOfRole(roleId: string): any[] {
    const policies = this.ofType('AWS::IAM::ManagedPolicy').filter(([, p]) =>
      p.Properties.Roles.some((r: any) => r.Ref === roleId),
    );
    expect(policies).toHaveLength(1);
    return policies[0][1].Properties.PolicyDocument.Statement;
  }

  /** Statements with sorted action lists and flat resources (the PHI key as `<PhiKey.Arn>`). */
  normalized(statements: any[]) {
    return statements.map((s) => ({
      Sid: s.Sid,
      Action: [s.Action].flat().sort(),
      Resource: [s.Resource].flat().map((r) => (isCrossStackRef(r, KEY_IDS.phi, 'Arn') ? '<PhiKey.Arn>' : flatExports(r))),
      Condition: s.Condition,
    }));
  }
}
