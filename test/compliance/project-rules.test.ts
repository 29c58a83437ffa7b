/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, changed in place */
/**
 * The project's promises as cfn-guard rules (lib/compliance/project-rules) read the synthesized template:
 * a control weakened through the construct or through an escape hatch (`addPropertyOverride`) changes
 * the template, and the rule fails. Each case weakens one property of a shipped demo template; a few
 * build a small stack and weaken it both ways. Every template of the file goes through one cfn-guard
 * run (beforeAll): a rule reads one template at a time, so each is checked alone all the same.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, AspectPriority, Aspects, Duration, RemovalPolicy, Stack, Tags, type IPolicyValidationContext } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { PROJECT_RULES_DIR } from '../../lib/compliance/plugins';
import { LogDataProtection, PHI_LOG_POLICY_NAME } from '../../lib/constructs/log-data-protection';
import { deploymentNames, LOGICAL_IDS, TAG } from '../../lib/vocabulary';
import { shippedAssembly } from '../helpers/shipped-assembly';

type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string };
type Template = { Resources: Record<string, Resource> };
type Weakening = [name: string, stackId: string, weaken: (t: Template) => void, rule: string];

const RULES_FILE = path.join(PROJECT_RULES_DIR, 'promises.guard');
const validator = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: [PROJECT_RULES_DIR] });
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'project-rules-'));

/** A shipped demo template, changed by `change`. */
function demoTemplate(stackId: string, change: (t: Template) => void = () => undefined): Template {
  const { dir } = shippedAssembly('config/demo.json');
  const template = JSON.parse(fs.readFileSync(path.join(dir, `${stackId}.template.json`), 'utf8')) as Template;
  change(template);
  return template;
}

/** Runs the project rules once over every named template; the rules that fail on each, by name. */
function failedRulesOf(templates: Record<string, Template>): Map<string, string[]> {
  const byFile = new Map<string, string>();
  for (const [name, template] of Object.entries(templates)) {
    const file = path.join(out, `${byFile.size}.template.json`);
    fs.writeFileSync(file, JSON.stringify(template));
    byFile.set(file, name);
  }
  const templatePaths = [...byFile.keys()];
  const context = {
    templatePaths,
    stackTemplates: templatePaths.map((templatePath) => ({ templatePath, stackConstructPath: path.basename(templatePath) })),
  } as unknown as IPolicyValidationContext;
  const failed = new Map<string, Set<string>>([...byFile.values()].map((name) => [name, new Set<string>()]));
  for (const v of validator.validate(context).violations) {
    for (const r of v.violatingResources) failed.get(byFile.get(r.templatePath)!)!.add(v.ruleName);
  }
  return new Map([...failed].map(([name, rules]) => [name, [...rules].sort()]));
}

const ofType = (t: Template, type: string) => Object.values(t.Resources).filter((r) => r.Type === type);
const resource = (t: Template, logicalId: string) => t.Resources[logicalId];
const sseDefault = (bucket: Resource) =>
  bucket.Properties!.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault;
const isolatedSubnet = (t: Template, subnetId: string) =>
  t.Resources[subnetId].Properties!.Tags.some((tag: any) => tag.Key === 'aws-cdk:subnet-type' && tag.Value === 'Isolated');
const holdsPhi = (r: Resource) => (r.Properties!.Tags.find((tag: any) => tag.Key === TAG.holdsPhi).Value = 'true');

const WEAKENINGS: Weakening[] = [
  [
    'the trail made single-region',
    'Audit',
    (t) => (ofType(t, 'AWS::CloudTrail::Trail')[0].Properties!.IsMultiRegionTrail = false),
    'project_trail_all_regions_logging',
  ],
  [
    'a NAT gateway added',
    'Network',
    (t) => (t.Resources.Nat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: 'subnet-1' } }),
    'project_no_nat_gateway',
  ],
  [
    'a route to a NAT gateway',
    'Network',
    (t) => {
      const publicRoute = ofType(t, 'AWS::EC2::Route').find((r) => r.Properties!.GatewayId)!;
      t.Resources.ToNat = {
        Type: 'AWS::EC2::Route',
        Properties: {
          RouteTableId: publicRoute.Properties!.RouteTableId,
          DestinationCidrBlock: '10.0.0.0/8',
          NatGatewayId: 'nat-1',
        },
      };
    },
    'project_no_route_to_nat',
  ],
  [
    'the password minimum lowered to 8',
    'Identity',
    (t) => (ofType(t, 'AWS::Cognito::UserPool')[0].Properties!.Policies.PasswordPolicy.MinimumLength = 8),
    'project_user_pool_mfa_and_password',
  ],
  [
    'MFA off',
    'Identity',
    (t) => (ofType(t, 'AWS::Cognito::UserPool')[0].Properties!.MfaConfiguration = 'OFF'),
    'project_user_pool_mfa_and_password',
  ],
  [
    'SMS MFA',
    'Identity',
    (t) => ofType(t, 'AWS::Cognito::UserPool')[0].Properties!.EnabledMfas.push('SMS_MFA'),
    'project_user_pool_mfa_and_password',
  ],
  [
    'a managed rule group switched to Count',
    'App',
    (t) => {
      const rule = ofType(t, 'AWS::WAFv2::WebACL')[0].Properties!.Rules.find((r: any) => r.Statement.ManagedRuleGroupStatement);
      rule.OverrideAction = { Count: {} };
    },
    'project_waf_managed_groups_block',
  ],
  [
    'the TLS policy set to ELBSecurityPolicy-2016-08',
    'App',
    (t) => {
      const https = ofType(t, 'AWS::ElasticLoadBalancingV2::Listener').find((l) => l.Properties!.Protocol === 'HTTPS')!;
      https.Properties!.SslPolicy = 'ELBSecurityPolicy-2016-08';
    },
    'project_https_listener_tls13',
  ],
  [
    'the HTTP listener forwarding instead of redirecting',
    'App',
    (t) => {
      const http = ofType(t, 'AWS::ElasticLoadBalancingV2::Listener').find((l) => l.Properties!.Protocol === 'HTTP')!;
      http.Properties!.DefaultActions = [{ Type: 'forward', TargetGroupArn: 'arn:aws:elasticloadbalancing:x' }];
    },
    'project_http_listener_redirects_only',
  ],
  // Log groups: a key (any intrinsic, cross-stack included) and six years.
  [
    'the KmsKeyId of a log group keyed from another stack deleted',
    'DrOperations',
    (t) => delete resource(t, 'KeyRotationLogGroup').Properties!.KmsKeyId,
    'project_log_group_encrypted_six_years',
  ],
  [
    'a log group kept one year',
    'App',
    (t) => (resource(t, 'CrmServiceLogGroup').Properties!.RetentionInDays = 365),
    'project_log_group_encrypted_six_years',
  ],
  // PHI never in logs: the data protection policy, its audit and its mask.
  [
    "the CRM log group's data protection policy removed",
    'App',
    (t) => delete resource(t, 'CrmServiceLogGroup').Properties!.DataProtectionPolicy,
    'project_log_group_phi_data_protection',
  ],
  [
    "the masking statement of a log group's data protection policy removed",
    'Network',
    (t) => {
      const policy = ofType(t, 'AWS::Logs::LogGroup')[0].Properties!.DataProtectionPolicy;
      policy.Statement = policy.Statement.filter((s: any) => !s.Operation.Deidentify);
    },
    'project_log_group_phi_data_protection',
  ],
  // Customer-managed keys.
  [
    'the KmsMasterKeyId of a topic keyed from another stack deleted',
    'DrOperations',
    (t) => delete ofType(t, 'AWS::SNS::Topic')[0].Properties!.KmsMasterKeyId,
    'project_topic_customer_managed_key',
  ],
  [
    'a topic under the AWS managed key',
    'DrOperations',
    (t) => (ofType(t, 'AWS::SNS::Topic')[0].Properties!.KmsMasterKeyId = 'alias/aws/sns'),
    'project_topic_customer_managed_key',
  ],
  [
    'the key of a dead-letter queue deleted',
    'DrOperations',
    (t) => delete ofType(t, 'AWS::SQS::Queue')[0].Properties!.KmsMasterKeyId,
    'project_queue_customer_managed_key',
  ],
  [
    'a dead-letter queue switched to SQS-managed encryption',
    'DrOperations',
    (t) => {
      const queue = ofType(t, 'AWS::SQS::Queue')[0].Properties!;
      delete queue.KmsMasterKeyId;
      queue.SqsManagedSseEnabled = true;
    },
    'project_queue_customer_managed_key',
  ],
  [
    'a secret without a key',
    'Data',
    (t) => (t.Resources.Extra = { Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: {} } }),
    'project_secret_customer_managed_key',
  ],
  [
    'a secret under the AWS managed key',
    'Data',
    (t) => (t.Resources.Extra = { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: 'alias/aws/secretsmanager' } }),
    'project_secret_customer_managed_key',
  ],
  [
    "the key of the database's master secret (a cross-stack key) deleted",
    'Data',
    (t) => delete resource(t, 'PhiDatabase').Properties!.MasterUserSecret.KmsKeyId,
    'project_database_customer_managed_key',
  ],
  [
    'the database storage key deleted',
    'Data',
    (t) => delete resource(t, 'PhiDatabase').Properties!.KmsKeyId,
    'project_database_customer_managed_key',
  ],
  [
    "the trail's key deleted",
    'Audit',
    (t) => delete resource(t, 'Trail').Properties!.KMSKeyId,
    'project_trail_customer_managed_key',
  ],
  [
    'Athena results under SSE-S3',
    'Audit',
    (t) => {
      const encryption = ofType(t, 'AWS::Athena::WorkGroup')[0].Properties!.WorkGroupConfiguration.ResultConfiguration
        .EncryptionConfiguration;
      encryption.EncryptionOption = 'SSE_S3';
      delete encryption.KmsKey;
    },
    'project_athena_results_customer_managed_key',
  ],
  [
    'a bucket that receives no access logs switched to SSE-S3',
    'Audit',
    (t) => (sseDefault(resource(t, 'SignInLogBucket')).SSEAlgorithm = 'AES256'),
    'project_bucket_customer_managed_key',
  ],
  [
    'the PHI documents bucket switched to SSE-S3',
    'Data',
    (t) => {
      const sse = sseDefault(resource(t, 'PhiDocumentsBucket'));
      sse.SSEAlgorithm = 'AES256';
      delete sse.KMSMasterKeyID;
    },
    'project_bucket_customer_managed_key',
  ],
  [
    'the SSE-S3 access-log bucket no longer receiving the load balancer logs',
    'App',
    (t) => {
      const alb = ofType(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0].Properties!;
      alb.LoadBalancerAttributes = alb.LoadBalancerAttributes.filter((a: any) => a.Key !== 'access_logs.s3.bucket');
    },
    'project_bucket_customer_managed_key',
  ],
  [
    'a bucket under the AWS managed key',
    'Dr',
    (t) => (sseDefault(resource(t, 'TrailReplicaBucket')).KMSMasterKeyID = 'alias/aws/s3'),
    'project_bucket_customer_managed_key',
  ],
  // Vault Lock and Object Lock.
  [
    'the Vault Lock removed from a backup vault',
    'Backup',
    (t) => delete ofType(t, 'AWS::Backup::BackupVault')[0].Properties!.LockConfiguration,
    'project_backup_vault_lock',
  ],
  [
    'a vault holding PHI in governance mode',
    'Dr',
    (t) => (ofType(t, 'AWS::Backup::BackupVault')[0].Properties!.BackupVaultTags[TAG.holdsPhi] = 'true'),
    'project_backup_vault_lock',
  ],
  [
    'a vault holding PHI made disposable',
    'Backup',
    (t) => {
      const vault = ofType(t, 'AWS::Backup::BackupVault')[0];
      vault.Properties!.BackupVaultTags[TAG.holdsPhi] = 'true';
      vault.Properties!.LockConfiguration.ChangeableForDays = 3;
      vault.DeletionPolicy = 'Delete';
    },
    'project_backup_vault_lock',
  ],
  [
    'Object Lock removed from the PHI documents bucket',
    'Data',
    (t) => {
      const bucket = resource(t, 'PhiDocumentsBucket').Properties!;
      delete bucket.ObjectLockEnabled;
      delete bucket.ObjectLockConfiguration;
    },
    'project_bucket_object_lock',
  ],
  [
    'the default retention removed from the PHI replica bucket',
    'Dr',
    (t) => delete resource(t, 'PhiReplicaBucket').Properties!.ObjectLockConfiguration.Rule,
    'project_bucket_object_lock',
  ],
  [
    'the PHI documents bucket holding PHI in GOVERNANCE mode',
    'Data',
    (t) => holdsPhi(resource(t, 'PhiDocumentsBucket')),
    'project_bucket_object_lock',
  ],
  // Network.
  [
    'a route from an isolated subnet to the internet gateway',
    'Network',
    (t) => {
      const igw = Object.keys(t.Resources).find((id) => t.Resources[id].Type === 'AWS::EC2::InternetGateway')!;
      const isolated = ofType(t, 'AWS::EC2::SubnetRouteTableAssociation').find((a) =>
        isolatedSubnet(t, a.Properties!.SubnetId.Ref),
      )!;
      t.Resources.ToIgw = {
        Type: 'AWS::EC2::Route',
        Properties: {
          RouteTableId: isolated.Properties!.RouteTableId,
          DestinationCidrBlock: '0.0.0.0/0',
          GatewayId: { Ref: igw },
        },
      };
    },
    'project_routes_only_from_public_subnets',
  ],
  [
    'an isolated subnet moved to the public route table',
    'Network',
    (t) => {
      const associations = ofType(t, 'AWS::EC2::SubnetRouteTableAssociation');
      const isolated = associations.find((a) => isolatedSubnet(t, a.Properties!.SubnetId.Ref))!;
      const pub = associations.find((a) => !isolatedSubnet(t, a.Properties!.SubnetId.Ref))!;
      isolated.Properties!.RouteTableId = pub.Properties!.RouteTableId;
    },
    'project_routes_only_from_public_subnets',
  ],
  // Key policies and IAM.
  [
    'a service principal allowed without a condition',
    'Keys',
    (t) => {
      const statement = resource(t, 'AuditKey').Properties!.KeyPolicy.Statement.find((s: any) => s.Principal.Service);
      delete statement.Condition;
    },
    'project_key_policy_service_principals_conditioned',
  ],
  [
    'another role allowed to schedule key deletion in a key policy',
    'Keys',
    (t) =>
      resource(t, 'PhiKey').Properties!.KeyPolicy.Statement.push({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:role/operator' },
        Action: ['kms:Decrypt', 'kms:Schedule*'],
        Resource: '*',
      }),
    'project_key_destruction_only_by_erasure_role_key_policy',
  ],
  [
    "the erasure statement's principal condition naming another role",
    'Dr',
    (t) => {
      const statement = resource(t, 'PhiDrKey').Properties!.KeyPolicy.Statement.find(
        (s: any) => s.Action === 'kms:ScheduleKeyDeletion',
      );
      statement.Condition.ArnEquals['aws:PrincipalArn'] = 'arn:aws:iam::111122223333:role/operator';
    },
    'project_key_destruction_only_by_erasure_role_key_policy',
  ],
  [
    'an IAM policy allowing kms:Disable* to a function role',
    'DrOperations',
    (t) =>
      ofType(t, 'AWS::IAM::ManagedPolicy')[0].Properties!.PolicyDocument.Statement.push({
        Effect: 'Allow',
        Action: 'kms:Disable*',
        Resource: '*',
      }),
    'project_key_destruction_only_by_erasure_role_iam',
  ],
  [
    'AdministratorAccess on the break-glass role',
    'Identity',
    (t) => resource(t, 'BreakGlassRole').Properties!.ManagedPolicyArns.push('arn:aws:iam::aws:policy/AdministratorAccess'),
    'project_key_destruction_only_by_erasure_role_iam',
  ],
  // Identity.
  [
    'self sign-up allowed',
    'Identity',
    (t) => (ofType(t, 'AWS::Cognito::UserPool')[0].Properties!.AdminCreateUserConfig.AllowAdminCreateUserOnly = false),
    'project_user_pool_unique_user_identification',
  ],
  [
    'case-sensitive user names',
    'Identity',
    (t) => (ofType(t, 'AWS::Cognito::UserPool')[0].Properties!.UsernameConfiguration.CaseSensitive = true),
    'project_user_pool_unique_user_identification',
  ],
  [
    'the MFA condition removed from the break-glass trust policy',
    'Identity',
    (t) => delete resource(t, 'BreakGlassRole').Properties!.AssumeRolePolicyDocument.Statement[0].Condition.Bool,
    'project_break_glass_role_mfa',
  ],
  [
    'the break-glass role removed',
    'Identity',
    (t) => {
      for (const [id, r] of Object.entries(t.Resources)) {
        if (id === 'BreakGlassRole' || JSON.stringify(r).includes('"BreakGlassRole"')) delete t.Resources[id];
      }
    },
    'project_break_glass_role_mfa',
  ],
  [
    'the alarm on break-glass use without actions',
    'Audit',
    (t) => {
      const alarm = ofType(t, 'AWS::CloudWatch::Alarm').find((a) => a.Properties!.MetricName === 'BreakGlassRoleUse')!;
      alarm.Properties!.AlarmActions = [];
    },
    'project_break_glass_use_alarms',
  ],
  [
    'the metric filter on break-glass use removed',
    'Audit',
    (t) => {
      for (const [id, r] of Object.entries(t.Resources)) {
        if (r.Type === 'AWS::Logs::MetricFilter' && JSON.stringify(r).includes('break-glass')) delete t.Resources[id];
      }
    },
    'project_break_glass_use_alarms',
  ],
];

/** Changes the rules must let through: the scope they promise, not more. */
const ALLOWED: [name: string, stackId: string, change: (t: Template) => void][] = [
  ['an unchanged template', 'App', () => undefined],
  [
    'a disposable vault of a deployment without PHI, without a Vault Lock (the sandbox profile)',
    'Backup',
    (t) => {
      const vault = ofType(t, 'AWS::Backup::BackupVault')[0];
      delete vault.Properties!.LockConfiguration;
      vault.DeletionPolicy = 'Delete';
    },
  ],
  [
    'a disposable PHI documents bucket without PHI and without a default retention (the sandbox profile)',
    'Data',
    (t) => {
      const bucket = resource(t, 'PhiDocumentsBucket');
      delete bucket.Properties!.ObjectLockConfiguration.Rule;
      bucket.DeletionPolicy = 'Delete';
    },
  ],
  [
    'a vault holding PHI in compliance mode',
    'Backup',
    (t) => {
      const vault = ofType(t, 'AWS::Backup::BackupVault')[0].Properties!;
      vault.BackupVaultTags[TAG.holdsPhi] = 'true';
      vault.LockConfiguration.ChangeableForDays = 3;
    },
  ],
  [
    'an IAM policy of the erasure role allowing key deletion',
    'Operations',
    (t) => {
      const erasureRole = Object.keys(t.Resources).find(
        (id) => t.Resources[id].Properties?.RoleName === deploymentNames('crm-demo').cryptoErasureRole,
      )!;
      t.Resources.ErasurePolicy = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'erasure',
          Roles: [{ Ref: erasureRole }],
          PolicyDocument: {
            Statement: [{ Effect: 'Allow', Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey'], Resource: '*' }],
          },
        },
      };
    },
  ],
];

/** Small stacks whose control is weakened through the construct and through `addPropertyOverride`. */
function smallStacks(): Record<string, Template> {
  const app = new App({ builtinCloudFormationValidation: false });
  // As lib/app.ts does: every log group carries the PHI data protection policy.
  Aspects.of(app).add(new LogDataProtection(), { priority: AspectPriority.MUTATING });
  const build = (name: string, make: (stack: Stack) => void): string => {
    const stack = new Stack(app, name);
    // Untagged, a vault or locked bucket counts as holding PHI (fail closed).
    Tags.of(stack).add(TAG.holdsPhi, 'false');
    make(stack);
    return name;
  };
  const sixYears = logs.RetentionDays.SIX_YEARS;
  const lock = { minRetention: Duration.days(35), maxRetention: Duration.days(400) };
  const names = [
    build('LogGroupKept', (s) => new logs.LogGroup(s, 'Log', { encryptionKey: new kms.Key(s, 'Key'), retention: sixYears })),
    build('LogGroupWithoutKey', (s) => new logs.LogGroup(s, 'Log', { retention: sixYears })),
    build('LogGroupKeyOverridden', (s) => {
      const log = new logs.LogGroup(s, 'Log', { encryptionKey: new kms.Key(s, 'Key'), retention: sixYears });
      (log.node.defaultChild as logs.CfnLogGroup).addPropertyDeletionOverride('KmsKeyId');
    }),
    build('TopicKept', (s) => new sns.Topic(s, 'Topic', { masterKey: new kms.Key(s, 'Key') })),
    build('TopicWithoutKey', (s) => new sns.Topic(s, 'Topic')),
    build('TopicKeyOverridden', (s) => {
      const topic = new sns.Topic(s, 'Topic', { masterKey: new kms.Key(s, 'Key') });
      (topic.node.defaultChild as sns.CfnTopic).addPropertyOverride('KmsMasterKeyId', 'alias/aws/sns');
    }),
    build('KeyWithAnotherAccountRoot', (s) => {
      const key = new kms.Key(s, 'Key');
      key.addToResourcePolicy(
        new iam.PolicyStatement({ actions: ['kms:*'], principals: [new iam.AccountPrincipal('444455556666')], resources: ['*'] }),
      );
    }),
    ...(['lag-key-erasure', 'lag-key-eraser'] as const).map((suffix) =>
      build(suffix === 'lag-key-erasure' ? 'KeyErasedByTheLagKeyErasureRole' : 'KeyErasedByAnotherBackupAccountRole', (s) => {
        const key = new kms.Key(s, 'Key');
        key.addToResourcePolicy(
          new iam.PolicyStatement({
            actions: ['kms:DisableKey', 'kms:ScheduleKeyDeletion'],
            principals: [new iam.AnyPrincipal()],
            resources: ['*'],
            conditions: { ArnEquals: { 'aws:PrincipalArn': `arn:${s.partition}:iam::${s.account}:role/x-${suffix}` } },
          }),
        );
      }),
    ),
    ...(['lag-key-erasure', 'lag-key-eraser'] as const).map((suffix) =>
      build(suffix === 'lag-key-erasure' ? 'RoleNamedLagKeyErasureMayDisableKeys' : 'RoleOfAnotherNameMayDisableKeys', (s) => {
        new iam.Role(s, 'Role', {
          roleName: `x-${suffix}`,
          assumedBy: new iam.AccountRootPrincipal(),
          inlinePolicies: {
            erase: new iam.PolicyDocument({
              statements: [new iam.PolicyStatement({ actions: ['kms:DisableKey'], resources: ['*'] })],
            }),
          },
        });
      }),
    ),
    build(
      'VaultLocked',
      (s) => new backup.BackupVault(s, 'Vault', { lockConfiguration: lock, removalPolicy: RemovalPolicy.RETAIN }),
    ),
    build('VaultWithoutLock', (s) => new backup.BackupVault(s, 'Vault', { removalPolicy: RemovalPolicy.RETAIN })),
    build('VaultLockOverridden', (s) => {
      const vault = new backup.BackupVault(s, 'Vault', { lockConfiguration: lock, removalPolicy: RemovalPolicy.RETAIN });
      (vault.node.defaultChild as backup.CfnBackupVault).addPropertyDeletionOverride('LockConfiguration');
    }),
  ];
  // One synth for all of them.
  const assembly = app.synth();
  return Object.fromEntries(names.map((name) => [name, assembly.getStackByName(name).template as Template]));
}

let failed: Map<string, string[]>;

beforeAll(() => {
  failed = failedRulesOf({
    ...Object.fromEntries(WEAKENINGS.map(([name, stackId, weaken]) => [name, demoTemplate(stackId, weaken)])),
    ...Object.fromEntries(ALLOWED.map(([name, stackId, change]) => [name, demoTemplate(stackId, change)])),
    ...smallStacks(),
  });
});

// Every unchanged template of every shipped config passes these rules: they run with every other check
// in the shared synth, whose zero open findings test/compliance/app-compliance.test.ts asserts.
test.each(ALLOWED)('%s keeps every promise', (name) => {
  expect(failed.get(name)).toEqual([]);
});

test.each(WEAKENINGS)('%s fails exactly its rule', (name, _, __, rule) => {
  expect(failed.get(name)).toEqual([rule]);
});

test.each<[string, string[]]>([
  ['LogGroupKept', []],
  ['LogGroupWithoutKey', ['project_log_group_encrypted_six_years']],
  ['LogGroupKeyOverridden', ['project_log_group_encrypted_six_years']],
  ['TopicKept', []],
  ['TopicWithoutKey', ['project_topic_customer_managed_key']],
  ['TopicKeyOverridden', ['project_topic_customer_managed_key']],
  ['VaultLocked', []],
  ['VaultWithoutLock', ['project_backup_vault_lock']],
  ['VaultLockOverridden', ['project_backup_vault_lock']],
  ['KeyWithAnotherAccountRoot', ['project_key_destruction_only_by_erasure_role_key_policy']],
  // The backup account's erasure role of the air-gapped vault key, by name; a role of another name still fails.
  ['KeyErasedByTheLagKeyErasureRole', []],
  ['KeyErasedByAnotherBackupAccountRole', ['project_key_destruction_only_by_erasure_role_key_policy']],
  ['RoleNamedLagKeyErasureMayDisableKeys', []],
  ['RoleOfAnotherNameMayDisableKeys', ['project_key_destruction_only_by_erasure_role_iam']],
])('small stack %s: through the construct or addPropertyOverride, the same verdict', (name, rules) => {
  expect(failed.get(name)).toEqual(rules);
});

const ruleBlocks = () =>
  fs
    .readFileSync(RULES_FILE, 'utf8')
    .split(/^rule /m)
    .slice(1)
    .map((block) => ({ name: block.split(/\s/)[0], block }));

test('each rule names the HIPAA specifications it keeps, in the tag the HIPAA report reads', () => {
  const rules = ruleBlocks();
  expect(rules.length).toBeGreaterThanOrEqual(24);
  for (const { name, block } of rules) {
    expect(name).toMatch(/^project_\w+$/);
    const tags = [...block.matchAll(/\[HIPAA ([^\]]+)\]/g)].map((m) => m[1]);
    expect(tags.length).toBeGreaterThan(0);
    // One tag per rule (repeated on each clause): `164.312(b), 164.316(b)(2)(i)`, comma and space separated.
    expect(new Set(tags).size).toBe(1);
    for (const spec of tags[0].split(', ')) expect(spec).toMatch(/^164\.3\d\d(\([0-9a-zA-Z]+\))+$/);
  }
});

test("the names the rules select by are the vocabulary's", () => {
  const text = fs.readFileSync(RULES_FILE, 'utf8');
  const names = deploymentNames('x');
  // Tag keys.
  for (const key of text.match(/hipaa-crm:[a-z-]+/g) ?? []) expect(Object.values(TAG)).toContain(key);
  // Role names `<deployment>-<suffix>`.
  expect(names.cryptoErasureRole).toBe('x-crypto-erasure');
  expect(names.airGappedKeyErasureRole).toBe('x-lag-key-erasure');
  expect(names.breakGlassRole).toBe('x-break-glass');
  expect(text).toContain('-(crypto-erasure|lag-key-erasure)$/');
  expect(text).toContain('-break-glass$/');
  // Pinned logical IDs.
  const pinned: string[] = [
    LOGICAL_IDS.identity.breakGlassRole,
    LOGICAL_IDS.data.documentsBucket,
    LOGICAL_IDS.dr.phiReplicaBucket,
    LOGICAL_IDS.audit.evidenceBucket,
    LOGICAL_IDS.dr.evidenceReplicaBucket,
    LOGICAL_IDS.audit.trailBucket,
    LOGICAL_IDS.dr.trailReplicaBucket,
  ];
  for (const id of pinned) expect(text).toMatch(new RegExp(`\\b${id}\\b`));
});

test('the data protection rule names the policy that LogDataProtection gives every log group', () => {
  expect(fs.readFileSync(RULES_FILE, 'utf8')).toContain(`DataProtectionPolicy.Name == '${PHI_LOG_POLICY_NAME}'`);
});
