/**
 * What the architecture diagram shows: which resources become a node (and under which label), which
 * edges connect them, and which resource types are plumbing left out on purpose.
 *
 * Nodes come from the templates: a node is drawn when its stack holds a resource that matches it, and
 * its label counts what it matched. Edges are an explicit table: an edge is drawn only when both of its
 * ends are, so removing a resource removes its node and every edge to it. A resource that no node
 * matches and that is not plumbing is reported (see `uncoveredResources`), so a new key, bucket or
 * function cannot be left out of the picture unnoticed.
 */
import type { TemplateResource } from '../../lib/assembly/model';
import { deploymentNames, LOGICAL_IDS, type DeploymentNames } from '../../lib/vocabulary';

/** Which resources of a stack a node stands for. */
export interface Matcher {
  readonly type: string;
  /** The logical ID (pinned ones come from LOGICAL_IDS of lib/vocabulary.ts), or a pattern of them. */
  readonly logicalId?: string | RegExp;
  readonly where?: (properties: Readonly<Record<string, unknown>>) => boolean;
}

/** How a node is drawn. */
export type Shape = 'box' | 'store' | 'key' | 'function' | 'actor';

export interface NodeSpec {
  /** Mermaid node id (letters only). */
  readonly id: string;
  /** Construct id of the stack whose resources it matches; `*` (external nodes only): every stack. */
  readonly stack: string;
  readonly shape: Shape;
  /** The resources whose presence draws the node. */
  readonly match: Matcher;
  /** Resources that belong to the node (sub-resources): covered by it, passed to `label`, never enough to draw it. */
  readonly parts?: readonly Matcher[];
  /** Drawn outside the stacks (a person, a mailbox): it is implied by a resource but is not one. */
  readonly external?: boolean;
  readonly label: string | ((matched: readonly TemplateResource[], parts: readonly TemplateResource[]) => string);
}

export interface EdgeSpec {
  readonly from: string;
  /** A node id, or `stack:<id>` for a whole stack. */
  readonly to: string;
  readonly label?: string;
  /** Dotted: control or configuration rather than data. */
  readonly dotted?: boolean;
  /** Drawn only while none of these nodes is. */
  readonly unless?: readonly string[];
}

/** Order of the stacks inside their region. */
export const STACK_ORDER = [
  'Keys',
  'Network',
  'Identity',
  'App',
  'Data',
  'Backup',
  'Audit',
  'Operations',
  'Dr',
  'DrOperations',
] as const;

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
/**
 * Matches a resource whose name property (any of the usual ones) is the fixed name `pick` gives it in
 * any deployment (`<deployment>-break-glass`): the catalogue draws every deployment.
 */
const named = (pick: (names: DeploymentNames) => string) => {
  const suffix = pick(deploymentNames(''));
  return (p: Readonly<Record<string, unknown>>): boolean =>
    [p.FunctionName, p.StateMachineName, p.BackupVaultName, p.RoleName].some((n) => typeof n === 'string' && n.endsWith(suffix));
};
const fn = (id: string, name: (names: DeploymentNames) => string, label: string, stack = 'Operations'): NodeSpec => ({
  id,
  stack,
  shape: 'function',
  match: { type: 'AWS::Lambda::Function', where: named(name) },
  label: `λ ${label}`,
});
const alarms = (id: string, stack: string, what: string): NodeSpec => ({
  id,
  stack,
  shape: 'box',
  match: { type: 'AWS::CloudWatch::Alarm' },
  parts: [{ type: 'AWS::Logs::MetricFilter' }],
  label: (m) => `${count(m.length, `${what} alarm`)}`,
});

export const NODES: readonly NodeSpec[] = [
  // People and mailboxes outside AWS.
  {
    id: 'staff',
    stack: 'App',
    shape: 'actor',
    external: true,
    match: { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', where: (p) => p.Scheme === 'internet-facing' },
    label: 'Practice staff',
  },
  {
    id: 'securityContact',
    stack: '*',
    shape: 'actor',
    external: true,
    match: { type: 'AWS::SNS::Subscription', where: (p) => p.Protocol === 'email' },
    label: (m) => `Security contact<br/>${count(m.length, 'e-mail subscription')}`,
  },

  // Keys (primary region).
  {
    id: 'phiKey',
    stack: 'Keys',
    shape: 'key',
    match: { type: 'AWS::KMS::Key', logicalId: LOGICAL_IDS.keys.phi },
    label: 'phi key',
  },
  {
    id: 'auditKey',
    stack: 'Keys',
    shape: 'key',
    match: { type: 'AWS::KMS::Key', logicalId: LOGICAL_IDS.keys.audit },
    label: 'audit key',
  },
  {
    id: 'backupKey',
    stack: 'Keys',
    shape: 'key',
    match: { type: 'AWS::KMS::Key', logicalId: LOGICAL_IDS.keys.backup },
    label: 'backup key',
  },
  {
    id: 'signingKey',
    stack: 'Keys',
    shape: 'key',
    match: { type: 'AWS::KMS::Key', logicalId: LOGICAL_IDS.keys.certificateSigning },
    label: (m) => `certificate-signing key<br/>${str(m[0]?.properties.KeySpec) ?? 'asymmetric'}`,
  },

  // Network.
  {
    id: 'vpc',
    stack: 'Network',
    shape: 'box',
    match: { type: 'AWS::EC2::VPC' },
    parts: [
      { type: 'AWS::EC2::Subnet' },
      { type: 'AWS::EC2::RouteTable' },
      { type: 'AWS::EC2::SubnetRouteTableAssociation' },
      { type: 'AWS::EC2::Route' },
      { type: 'AWS::EC2::InternetGateway' },
      { type: 'AWS::EC2::VPCGatewayAttachment' },
      { type: 'AWS::EC2::NatGateway' },
      { type: 'AWS::EC2::EIP' },
      // CDK's deploy-time handler that empties the default security group.
      { type: 'Custom::VpcRestrictDefaultSG' },
      { type: 'AWS::Lambda::Function', logicalId: /^CustomVpcRestrictDefaultSG/ },
    ],
    label: (_m, parts) => {
      const subnets = parts.filter((r) => r.type === 'AWS::EC2::Subnet').length;
      const nat = parts.filter((r) => r.type === 'AWS::EC2::NatGateway').length;
      return `VPC<br/>${count(subnets, 'subnet')}, ${nat === 0 ? 'no NAT gateway' : count(nat, 'NAT gateway')}`;
    },
  },
  {
    id: 's3Endpoint',
    stack: 'Network',
    shape: 'box',
    match: { type: 'AWS::EC2::VPCEndpoint', where: (p) => p.VpcEndpointType === 'Gateway' },
    label: (m) => count(m.length, 'gateway endpoint') + '<br/>S3',
  },
  {
    id: 'interfaceEndpoints',
    stack: 'Network',
    shape: 'box',
    match: { type: 'AWS::EC2::VPCEndpoint', where: (p) => p.VpcEndpointType === 'Interface' },
    label: (m) => {
      const services = m.map((r) => str(r.properties.ServiceName)?.split('.').slice(3).join('.') ?? '?');
      const lines = [];
      for (let i = 0; i < services.length; i += 5) lines.push(services.slice(i, i + 5).join(', '));
      return [count(m.length, 'interface endpoint'), ...lines].join('<br/>');
    },
  },
  {
    id: 'flowLogs',
    stack: 'Network',
    shape: 'store',
    match: { type: 'AWS::EC2::FlowLog' },
    label: 'VPC flow logs<br/>log group, audit key',
  },

  // Identity.
  {
    id: 'userPool',
    stack: 'Identity',
    shape: 'box',
    match: { type: 'AWS::Cognito::UserPool' },
    parts: [
      { type: 'AWS::Cognito::UserPoolGroup' },
      { type: 'AWS::Cognito::UserPoolDomain' },
      { type: 'AWS::Cognito::UserPoolClient' },
      { type: 'AWS::Cognito::UserPoolResourceServer' },
      { type: 'AWS::Cognito::UserPoolRiskConfigurationAttachment' },
      { type: 'AWS::Cognito::ManagedLoginBranding' },
    ],
    label: (m, parts) =>
      `Cognito user pool, MFA<br/>${count(parts.filter((r) => r.type === 'AWS::Cognito::UserPoolGroup').length, 'role group')}`,
  },
  {
    id: 'breakGlass',
    stack: 'Identity',
    shape: 'box',
    match: { type: 'AWS::IAM::Role', where: named((n) => n.breakGlassRole) },
    label: 'break-glass role',
  },

  // App.
  {
    id: 'waf',
    stack: 'App',
    shape: 'box',
    match: { type: 'AWS::WAFv2::WebACL' },
    parts: [
      { type: 'AWS::WAFv2::WebACLAssociation' },
      { type: 'AWS::WAFv2::LoggingConfiguration' },
      { type: 'AWS::WAFv2::IPSet' },
      { type: 'AWS::WAFv2::RegexPatternSet' },
    ],
    label: (m) =>
      `WAF web ACL<br/>${count(
        m.reduce((n, r) => n + ((r.properties.Rules as unknown[]) ?? []).length, 0),
        'rule',
      )}`,
  },
  {
    id: 'alb',
    stack: 'App',
    shape: 'box',
    match: { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer' },
    parts: [
      { type: 'AWS::ElasticLoadBalancingV2::Listener' },
      { type: 'AWS::ElasticLoadBalancingV2::TargetGroup' },
      { type: 'AWS::CertificateManager::Certificate' },
      { type: 'AWS::Route53::RecordSet' },
    ],
    label: 'ALB, HTTPS<br/>Cognito sign-in',
  },
  {
    id: 'ecs',
    stack: 'App',
    shape: 'box',
    match: { type: 'AWS::ECS::Service' },
    parts: [
      { type: 'AWS::ECS::Cluster' },
      { type: 'AWS::ECS::TaskDefinition' },
      { type: 'AWS::ApplicationAutoScaling::ScalableTarget' },
      { type: 'AWS::ApplicationAutoScaling::ScalingPolicy' },
    ],
    label: (m, parts) => {
      const task = parts.find((r) => r.type === 'AWS::ECS::TaskDefinition')?.properties;
      const size = task ? `, ${Number(task.Cpu) / 1024} vCPU / ${Number(task.Memory) / 1024} GiB` : '';
      return `CRM on ECS Fargate<br/>${count(Number(m[0]?.properties.DesiredCount ?? 0), 'task')}${size}`;
    },
  },

  // Data.
  {
    id: 'rds',
    stack: 'Data',
    shape: 'store',
    match: { type: 'AWS::RDS::DBInstance' },
    parts: [{ type: 'AWS::RDS::DBSubnetGroup' }, { type: 'AWS::RDS::DBParameterGroup' }],
    label: (m) => {
      const p = m[0]?.properties ?? {};
      return `RDS PostgreSQL ${str(p.EngineVersion) ?? ''}<br/>${str(p.DBInstanceClass) ?? ''}, ${p.MultiAZ === true ? 'Multi-AZ' : 'single-AZ'}`;
    },
  },
  {
    id: 'dbSecret',
    stack: 'Data',
    shape: 'box',
    match: { type: 'AWS::SecretsManager::Secret' },
    parts: [
      { type: 'AWS::SecretsManager::RotationSchedule' },
      { type: 'AWS::SecretsManager::SecretTargetAttachment' },
      { type: 'AWS::SecretsManager::ResourcePolicy' },
    ],
    label: (_m, parts) =>
      `database secret${parts.some((r) => r.type === 'AWS::SecretsManager::RotationSchedule') ? '<br/>rotated' : ''}`,
  },
  {
    id: 'phiDocs',
    stack: 'Data',
    shape: 'store',
    match: { type: 'AWS::S3::Bucket', logicalId: LOGICAL_IDS.data.documentsBucket },
    label: 'PHI documents bucket<br/>Object Lock, phi key',
  },
  {
    id: 'backupSelection',
    stack: 'Data',
    shape: 'box',
    match: { type: 'AWS::Backup::BackupSelection' },
    label: 'backup selection',
  },

  // Backup.
  {
    id: 'backupPlan',
    stack: 'Backup',
    shape: 'box',
    match: { type: 'AWS::Backup::BackupPlan' },
    label: (m) => {
      const rules = (m[0]?.properties.BackupPlan as { BackupPlanRule?: unknown[] } | undefined)?.BackupPlanRule ?? [];
      return `backup plan<br/>${count(rules.length, 'rule')}`;
    },
  },
  {
    id: 'backupVault',
    stack: 'Backup',
    shape: 'store',
    match: { type: 'AWS::Backup::BackupVault' },
    label: (m) => `backup vault${m[0]?.properties.LockConfiguration ? '<br/>Vault Lock' : ''}, backup key`,
  },

  // Audit.
  {
    id: 'trail',
    stack: 'Audit',
    shape: 'box',
    match: { type: 'AWS::CloudTrail::Trail' },
    label: (m) => `CloudTrail trail${m[0]?.properties.IsMultiRegionTrail === true ? '<br/>all regions' : ''}`,
  },
  {
    id: 'trailBucket',
    stack: 'Audit',
    shape: 'store',
    match: { type: 'AWS::S3::Bucket', logicalId: LOGICAL_IDS.audit.trailBucket },
    label: 'trail bucket',
  },
  {
    id: 'trailLogs',
    stack: 'Audit',
    shape: 'store',
    match: { type: 'AWS::Logs::LogGroup', logicalId: LOGICAL_IDS.audit.trailLogGroup },
    label: 'trail log group',
  },
  alarms('securityAlarms', 'Audit', 'security'),
  { id: 'securityTopic', stack: 'Audit', shape: 'box', match: { type: 'AWS::SNS::Topic' }, label: 'security topic (SNS)' },
  {
    id: 'evidence',
    stack: 'Audit',
    shape: 'store',
    match: { type: 'AWS::S3::Bucket', logicalId: LOGICAL_IDS.audit.evidenceBucket },
    label: (m) => {
      const lock = m[0]?.properties.ObjectLockConfiguration as { Rule?: { DefaultRetention?: { Mode?: string } } } | undefined;
      return `evidence bucket<br/>write-once${lock?.Rule?.DefaultRetention?.Mode ? ` ${lock.Rule.DefaultRetention.Mode}` : ''}`;
    },
  },
  {
    id: 'signInLog',
    stack: 'Audit',
    shape: 'store',
    match: { type: 'AWS::S3::Bucket', logicalId: LOGICAL_IDS.audit.signInLogBucket },
    parts: [{ type: 'AWS::Cognito::LogDeliveryConfiguration' }],
    label: 'sign-in log bucket',
  },
  {
    id: 'athena',
    stack: 'Audit',
    shape: 'box',
    match: { type: 'AWS::Athena::WorkGroup' },
    parts: [{ type: 'AWS::Athena::NamedQuery' }, { type: 'AWS::Glue::Database' }, { type: 'AWS::Glue::Table' }],
    label: 'Athena workgroup<br/>Glue table',
  },
  {
    id: 'guardDuty',
    stack: 'Audit',
    shape: 'box',
    match: { type: 'AWS::GuardDuty::Detector' },
    label: 'GuardDuty',
  },
  {
    id: 'malwareProtection',
    stack: 'Audit',
    shape: 'box',
    match: { type: 'AWS::GuardDuty::MalwareProtectionPlan' },
    label: 'S3 malware protection',
  },
  {
    id: 'securityHub',
    stack: 'Audit',
    shape: 'box',
    match: { type: 'AWS::SecurityHub::Hub' },
    parts: [{ type: 'AWS::SecurityHub::Standard' }],
    label: (_m, parts) => `Security Hub<br/>${count(parts.length, 'standard')}`,
  },
  {
    id: 'inspector',
    stack: 'Audit',
    shape: 'box',
    match: { type: 'Custom::InspectorScanning' },
    parts: [{ type: 'AWS::Lambda::Function', logicalId: /^CustomInspectorScanning/ }],
    label: 'Inspector scanning<br/>image and functions',
  },
  {
    id: 'macie',
    stack: 'Audit',
    shape: 'box',
    match: { type: 'AWS::Macie::Session' },
    parts: [
      { type: 'AWS::Macie::CustomDataIdentifier' },
      { type: 'Custom::MaciePhiDiscoveryJob' },
      { type: 'AWS::Lambda::Function', logicalId: /^CustomMaciePhiDiscoveryJob/ },
    ],
    label: 'Macie daily job<br/>PHI in log buckets',
  },
  {
    id: 'findingRules',
    stack: 'Audit',
    shape: 'box',
    match: { type: 'AWS::Events::Rule', logicalId: /^FindingNotifications/ },
    label: (m) => `finding notifications<br/>${count(m.length, 'EventBridge rule')}`,
  },
  {
    id: 'configRecorder',
    stack: 'Audit',
    shape: 'box',
    match: { type: 'AWS::Config::ConfigurationRecorder' },
    parts: [{ type: 'AWS::Config::DeliveryChannel' }],
    label: 'AWS Config recorder',
  },
  {
    id: 'configRules',
    stack: 'Audit',
    shape: 'box',
    match: { type: 'AWS::Config::ConfigRule' },
    label: (m) => count(m.length, 'Config rule'),
  },
  {
    id: 'configHistory',
    stack: 'Audit',
    shape: 'store',
    match: { type: 'AWS::S3::Bucket', logicalId: LOGICAL_IDS.audit.configHistoryBucket },
    label: 'Config history bucket',
  },

  // Operations.
  fn('sessionRevocation', (n) => n.sessionRevocationFunction, 'session revocation'),
  fn('accessReview', (n) => n.accessReviewFunction, 'access review'),
  {
    id: 'restoreTesting',
    stack: 'Operations',
    shape: 'box',
    match: { type: 'AWS::Backup::RestoreTestingPlan' },
    parts: [{ type: 'AWS::Backup::RestoreTestingSelection' }],
    label: (_m, parts) => `restore testing plan<br/>${count(parts.length, 'selection')}`,
  },
  fn('restoreValidator', (n) => n.restoreValidatorFunction, 'restore validator'),
  fn('integrityCanary', (n) => n.integrityCanaryFunction, 'integrity canary'),
  {
    id: 'backupJobAlerts',
    stack: 'Operations',
    shape: 'box',
    match: { type: 'AWS::Events::Rule', logicalId: /^BackupJobNotifications/ },
    label: (m) => `backup, copy, restore<br/>job failures: ${count(m.length, 'rule')}`,
  },
  {
    id: 'backupAudit',
    stack: 'Operations',
    shape: 'box',
    match: { type: 'AWS::Backup::Framework' },
    parts: [{ type: 'AWS::Backup::ReportPlan' }],
    label: (_m, parts) => `Backup Audit Manager<br/>${count(parts.length, 'report plan')}`,
  },
  fn('keyRotation', (n) => n.keyRotationFunction, 'key rotation enforcer'),
  {
    id: 'erasureStateMachine',
    stack: 'Operations',
    shape: 'box',
    match: { type: 'AWS::StepFunctions::StateMachine' },
    label: 'crypto-erasure<br/>state machine',
  },
  fn('cryptoErasure', (n) => n.cryptoErasureFunction, 'crypto-erasure'),
  alarms('operationsAlarms', 'Operations', 'operations'),

  // DR region.
  {
    id: 'phiDrKey',
    stack: 'Dr',
    shape: 'key',
    match: { type: 'AWS::KMS::Key', logicalId: LOGICAL_IDS.dr.phiKey },
    label: 'phi-dr key',
  },
  {
    id: 'auditDrKey',
    stack: 'Dr',
    shape: 'key',
    match: { type: 'AWS::KMS::Key', logicalId: LOGICAL_IDS.dr.auditKey },
    label: 'audit-dr key',
  },
  {
    id: 'backupDrKey',
    stack: 'Dr',
    shape: 'key',
    match: { type: 'AWS::KMS::Key', logicalId: LOGICAL_IDS.dr.backupKey },
    label: 'backup-dr key',
  },
  {
    id: 'phiReplica',
    stack: 'Dr',
    shape: 'store',
    match: { type: 'AWS::S3::Bucket', logicalId: LOGICAL_IDS.dr.phiReplicaBucket },
    label: 'PHI replica bucket<br/>phi-dr key',
  },
  {
    id: 'evidenceReplica',
    stack: 'Dr',
    shape: 'store',
    match: { type: 'AWS::S3::Bucket', logicalId: LOGICAL_IDS.dr.evidenceReplicaBucket },
    label: 'evidence replica bucket<br/>audit-dr key',
  },
  {
    id: 'trailReplica',
    stack: 'Dr',
    shape: 'store',
    match: { type: 'AWS::S3::Bucket', logicalId: LOGICAL_IDS.dr.trailReplicaBucket },
    label: 'trail replica bucket<br/>audit-dr key',
  },
  {
    id: 'drVault',
    stack: 'Dr',
    shape: 'store',
    match: { type: 'AWS::Backup::BackupVault' },
    label: (m) => `DR backup vault${m[0]?.properties.LockConfiguration ? '<br/>Vault Lock' : ''}, backup-dr key`,
  },
  fn('drKeyRotation', (n) => n.drKeyRotationFunction, 'key rotation enforcer', 'DrOperations'),
  {
    id: 'drSecurityTopic',
    stack: 'DrOperations',
    shape: 'box',
    match: { type: 'AWS::SNS::Topic' },
    label: 'DR security topic (SNS)',
  },
  alarms('drOperationsAlarms', 'DrOperations', 'operations'),
];

const ERASES = 'disables, schedules deletion';

export const EDGES: readonly EdgeSpec[] = [
  // The request path.
  { from: 'staff', to: 'waf', label: 'HTTPS' },
  { from: 'staff', to: 'alb', label: 'HTTPS', unless: ['waf'] },
  { from: 'waf', to: 'alb' },
  { from: 'waf', to: 'userPool', label: 'protects', dotted: true },
  { from: 'alb', to: 'userPool', label: 'sign-in, MFA' },
  { from: 'alb', to: 'ecs', label: 'authenticated requests' },
  { from: 'ecs', to: 'rds', label: 'TLS, IAM auth' },
  { from: 'ecs', to: 's3Endpoint' },
  { from: 's3Endpoint', to: 'phiDocs' },
  { from: 'ecs', to: 'interfaceEndpoints', label: 'AWS APIs' },
  { from: 'dbSecret', to: 'rds', label: 'master credentials' },
  { from: 'vpc', to: 'flowLogs', label: 'all traffic' },

  // Copies: replication and backups.
  { from: 'phiDocs', to: 'phiReplica', label: 'replication' },
  { from: 'rds', to: 'backupSelection', dotted: true },
  { from: 'phiDocs', to: 'backupSelection', dotted: true },
  { from: 'backupSelection', to: 'backupPlan' },
  { from: 'backupPlan', to: 'backupVault', label: 'continuous, daily, monthly' },
  { from: 'backupVault', to: 'drVault', label: 'cross-region copy' },

  // Audit trail and detection.
  { from: 'trail', to: 'trailBucket' },
  { from: 'trail', to: 'trailLogs' },
  { from: 'trailBucket', to: 'trailReplica', label: 'replication' },
  { from: 'trailLogs', to: 'securityAlarms', label: 'metric filters' },
  { from: 'securityAlarms', to: 'securityTopic' },
  { from: 'guardDuty', to: 'findingRules', label: 'findings' },
  { from: 'securityHub', to: 'findingRules', label: 'findings' },
  { from: 'inspector', to: 'findingRules', label: 'findings' },
  { from: 'macie', to: 'findingRules', label: 'findings' },
  { from: 'macie', to: 'trailBucket', label: 'scans', dotted: true },
  { from: 'findingRules', to: 'securityTopic' },
  { from: 'malwareProtection', to: 'phiDocs', label: 'scans new objects', dotted: true },
  { from: 'configRecorder', to: 'configHistory' },
  { from: 'configRules', to: 'configRecorder', label: 'evaluated on', dotted: true },
  { from: 'userPool', to: 'signInLog', label: 'sign-in activity' },
  { from: 'athena', to: 'signInLog', label: 'queries', dotted: true },
  { from: 'evidence', to: 'evidenceReplica', label: 'replication' },
  { from: 'signInLog', to: 'evidenceReplica', label: 'replication' },
  { from: 'configHistory', to: 'evidenceReplica', label: 'replication' },
  { from: 'securityTopic', to: 'securityContact', label: 'e-mail' },

  // Operations.
  { from: 'userPool', to: 'sessionRevocation', label: 'admin API calls via EventBridge', dotted: true },
  { from: 'sessionRevocation', to: 'userPool', label: 'global sign-out' },
  { from: 'accessReview', to: 'userPool', label: 'reads users, groups', dotted: true },
  { from: 'accessReview', to: 'evidence', label: 'quarterly report' },
  { from: 'backupVault', to: 'restoreTesting', label: 'weekly restore test' },
  { from: 'restoreTesting', to: 'restoreValidator', label: 'restore job finished' },
  { from: 'restoreValidator', to: 'evidence', label: 'RPO/RTO result' },
  { from: 'integrityCanary', to: 'rds', label: 'canary row' },
  { from: 'backupJobAlerts', to: 'securityTopic' },
  { from: 'backupAudit', to: 'evidence', label: 'daily reports' },
  { from: 'operationsAlarms', to: 'securityTopic' },
  { from: 'keyRotation', to: 'stack:Keys', label: 'checks rotation', dotted: true },
  { from: 'drKeyRotation', to: 'stack:Dr', label: 'checks rotation', dotted: true },
  { from: 'drOperationsAlarms', to: 'drSecurityTopic' },
  { from: 'drSecurityTopic', to: 'securityContact', label: 'e-mail' },
  { from: 'erasureStateMachine', to: 'cryptoErasure', label: 'runs' },
  { from: 'cryptoErasure', to: 'phiKey', label: ERASES },
  { from: 'cryptoErasure', to: 'backupKey', label: ERASES },
  { from: 'cryptoErasure', to: 'phiDrKey', label: ERASES },
  { from: 'cryptoErasure', to: 'backupDrKey', label: ERASES },
  { from: 'cryptoErasure', to: 'signingKey', label: 'signs certificate' },
  { from: 'cryptoErasure', to: 'evidence', label: 'certificate of destruction' },
];

/**
 * Plumbing of the drawn nodes (roles, policies, security groups, log groups, dead-letter queues,
 * triggers, aliases, the S3 server access-log buckets): never drawn, never reported.
 */
export const PLUMBING: readonly Matcher[] = [
  ...[
    'AWS::IAM::Role',
    'AWS::IAM::ManagedPolicy',
    'AWS::IAM::Policy',
    'AWS::KMS::Alias',
    'AWS::EC2::SecurityGroup',
    'AWS::EC2::SecurityGroupIngress',
    'AWS::EC2::SecurityGroupEgress',
    'AWS::Logs::LogGroup',
    'AWS::Logs::ResourcePolicy',
    'AWS::Logs::QueryDefinition',
    'AWS::S3::BucketPolicy',
    'AWS::SNS::TopicPolicy',
    'AWS::SQS::Queue',
    'AWS::SQS::QueuePolicy',
    'AWS::Events::Rule',
    'AWS::Lambda::Permission',
    'AWS::Lambda::EventInvokeConfig',
  ].map((type) => ({ type })),
  { type: 'AWS::S3::Bucket', logicalId: /AccessLogBucket$/ },
];
