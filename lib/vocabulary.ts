/**
 * The project's vocabulary: every name, tag key, data class and logical ID that more than one piece of
 * code relies on, spelled once. Dependency-free on purpose (no aws-cdk-lib, no node built-ins), so the
 * Lambda bundles, the command-line tools, the report, the diagram and the tests import it as they are.
 *
 * Names that need the account, region or partition as CloudFormation tokens are built from these in
 * `lib/naming.ts` (token-based ARN helpers only).
 */

/** Tag keys. The app tags every resource with the first two; the others are set where they apply. */
export const TAG = {
  /** `<deployment name>` on every resource: the rotation enforcer, crypto-erasure and teardown scope by it. */
  deployment: 'hipaa-crm:deployment',
  /** `true`/`false` on every resource: whether the deployment holds PHI. */
  holdsPhi: 'hipaa-crm:holds-phi',
  /** On each KMS key: the data class it protects (see `DATA_CLASSES`). */
  dataClass: 'hipaa-crm:data-class',
  /** On each stack: stateful stacks are termination-protected and never deleted by the teardown. */
  stateful: 'hipaa-crm:stateful',
  /** On recovery points: the backup rule that made them. */
  backupRule: 'hipaa-crm:backup-rule',
  /** On a crypto-erasure run's evidence: the run's ID. */
  erasureRun: 'hipaa-crm:erasure-run',
  /** Encryption context of the canary a crypto-erasure encrypts with each key. */
  purpose: 'hipaa-crm:purpose',
  /**
   * `true` on the buckets that hold PHI by design (the documents): Macie's PHI discovery job scans every
   * other bucket of the deployment (`TAG.deployment`), so a new bucket is scanned unless it says it holds PHI.
   */
  phiStore: 'hipaa-crm:phi-store',
} as const;
export type TagKey = (typeof TAG)[keyof typeof TAG];

/** Data classes with their own customer-managed key in the primary region. */
export const PRIMARY_DATA_CLASSES = ['phi', 'audit', 'backup'] as const;
export type DataClass = (typeof PRIMARY_DATA_CLASSES)[number];
/** Their twins in the DR region. */
export const DR_DATA_CLASSES = ['phi-dr', 'audit-dr', 'backup-dr'] as const;
export type DrDataClass = (typeof DR_DATA_CLASSES)[number];
/** The asymmetric key that signs certificates of destruction (primary region, never erased). */
export const CERTIFICATE_SIGNING_DATA_CLASS = 'certificate-signing';
/** Every data class a key of this project may carry in its `TAG.dataClass` tag. */
export const DATA_CLASSES = [...PRIMARY_DATA_CLASSES, ...DR_DATA_CLASSES, CERTIFICATE_SIGNING_DATA_CLASS] as const;
export type AnyDataClass = (typeof DATA_CLASSES)[number];
/** Data classes whose keys protect PHI copies: crypto-erasure destroys these and only these. */
export const ERASABLE_DATA_CLASSES = ['phi', 'backup', 'phi-dr', 'backup-dr'] as const;
export type ErasableDataClass = (typeof ERASABLE_DATA_CLASSES)[number];
/** Never erased: the audit trail and evidence outlive PHI (6-year retention). */
export const PROTECTED_DATA_CLASSES = ['audit', 'audit-dr'] as const;
/**
 * The backup account's key of its logically air-gapped vaults (accounts apart only): crypto-erased with
 * the PHI keys, from that account. Not among `ERASABLE_DATA_CLASSES`, whose keys live in the workload account.
 */
export const AIR_GAPPED_DATA_CLASS = 'backup-lag';
/** Whether a data class lives in the DR region. */
export const isDrDataClass = (dataClass: string): boolean => dataClass.endsWith('-dr');

/** The parts of a deployment: each is one CloudFormation stack named `<deployment>-<part>`. */
export const STACK_PARTS = {
  keys: 'keys',
  dr: 'dr',
  drOperations: 'dr-operations',
  backup: 'backup',
  network: 'network',
  data: 'data',
  identity: 'identity',
  audit: 'audit',
  app: 'app',
  operations: 'operations',
  // The accounts-apart layout (config `organization`), each deployed with its account's credentials.
  /** The log-archive account: write-once copies of the trail logs and the evidence. */
  logArchive: 'log-archive',
  /** The backup account: the logically air-gapped vault, one stack per backup region. */
  backupAccount: 'backup-account',
  /** The management account: the service control policies. */
  guardrails: 'guardrails',
} as const;
export type StackPart = (typeof STACK_PARTS)[keyof typeof STACK_PARTS];

/** Construct IDs of the stacks in the app (and so the artifact IDs of the cloud assembly). */
export const STACK_IDS = {
  keys: 'Keys',
  dr: 'Dr',
  drOperations: 'DrOperations',
  backup: 'Backup',
  network: 'Network',
  data: 'Data',
  identity: 'Identity',
  audit: 'Audit',
  app: 'App',
  operations: 'Operations',
  logArchive: 'LogArchive',
  backupAccount: 'BackupAccount',
  guardrails: 'Guardrails',
} as const;
export type StackKey = keyof typeof STACK_IDS;

/**
 * Construct ID of a stack the app repeats per region (the backup account's, one per backup region):
 * construct IDs are unique in the app, stack names only per account and region, so the name stays
 * `deploymentNames(d).stack(part)` and only the ID carries the region.
 */
export const regionalStackId = (key: StackKey, region: string): string => `${STACK_IDS[key]}-${region}`;

/** Subnet groups of the isolated VPC (their names are part of the subnets' logical IDs). */
export const SUBNET_GROUPS = {
  /** The internet-facing load balancer only. */
  public: 'Public',
  /** The CRM tasks, the in-VPC functions and the interface endpoints; no route out. */
  workload: 'Workload',
  /** The database; no route out. */
  data: 'Data',
} as const;

/** Prefix of the names AWS Backup gives the resources a restore test creates. */
export const RESTORED_RESOURCE_PREFIX = 'awsbackup-restore-test-';

/** Restore testing selections, one per protected resource type; the drill reads their overrides. */
export const RESTORE_TESTING_SELECTIONS = { database: 'phi_database', documents: 'phi_documents' } as const;

/** CloudWatch namespace of every custom metric the functions publish; the alarms name it. */
export const METRICS_NAMESPACE = 'HipaaCrm';

/**
 * Object key prefixes in the evidence bucket: each function writes under its own, and its grant names
 * only that prefix.
 */
export const EVIDENCE_PREFIXES = {
  accessReviews: 'access-reviews/',
  restoreTests: 'restore-tests/',
  restoreDrills: 'restore-drills/',
  keyRotation: 'key-rotation/',
  certificatesOfDestruction: 'certificates-of-destruction/',
} as const;

/** Athena only reads names of lowercase letters, digits and underscores; AWS Backup refuses dashes in some. */
const underscored = (deployment: string): string => deployment.replace(/-/g, '_');

/**
 * Every fixed name of one deployment: names the account and region see (functions, roles, vaults, log
 * groups, aliases, alarms prefixes). Fixed names let code in another stack, region, bundle or command
 * find a resource without a reference, and let the key policies name a role before it exists.
 */
export function deploymentNames(deployment: string) {
  const fn = (part: string) => `${deployment}-${part}`;
  return {
    deployment,
    stack: (part: StackPart) => fn(part),
    /** Every stack name of this deployment starts with it. */
    stackPrefix: `${deployment}-`,
    /** The stacks the integ tests in test/integ/ deploy into a sandbox account. */
    integStack: (test: string) => fn(`${test}-integ`),

    // Keys (KMS aliases).
    keyAlias: (dataClass: DataClass | DrDataClass | typeof CERTIFICATE_SIGNING_DATA_CLASS | typeof AIR_GAPPED_DATA_CLASS) =>
      `alias/${deployment}/${dataClass}`,
    /** Every key alias of this deployment starts with it. */
    keyAliasPrefix: `alias/${deployment}/`,

    // Data.
    databaseInstance: fn('crm'),
    backupSelection: fn('phi-data'),

    // Backup.
    backupVault: fn('backup-vault'),
    drBackupVault: fn('backup-vault-dr'),
    backupPlan: fn('backup-plan'),
    restoreTestingPlan: `${underscored(deployment)}_restore_tests`,
    /** Accounts apart: the restore tests of the air-gapped copy (the backup account's vault in the primary region). */
    airGappedRestoreTestingPlan: `${underscored(deployment)}_restore_tests_lag`,
    backupAuditBaseName: underscored(deployment),
    /** Prefix of the copies the drill restores (`<deployment>-drill-<stamp>`). */
    drillCopyPrefix: fn('drill-'),

    // Identity.
    userPool: fn('users'),
    signInDomainPrefix: fn('signin'),
    breakGlassRole: fn('break-glass'),

    // Audit.
    trail: fn('audit-trail'),
    trailLogGroup: `/${deployment}/cloudtrail`,
    userActivityLogGroup: `/aws/vendedlogs/cognito/${deployment}/user-activity`,
    auditReviewWorkGroup: fn('audit-review'),
    auditReviewDatabase: `${underscored(deployment)}_audit_review`,
    securityTopicDisplayName: `${deployment} security alerts`,
    drSecurityTopicDisplayName: `${deployment} security alerts (DR region)`,
    configRule: (rule: string) => fn(rule),
    /** The Macie job that looks for PHI in the buckets where none may be; a new job takes a new suffix. */
    phiDiscoveryJob: (suffix: string) => fn(`phi-discovery-${suffix}`),
    /** The Macie custom data identifier of the CRM's record identifiers; a new definition takes a new suffix. */
    recordIdentifier: (suffix: string) => fn(`crm-record-id-${suffix}`),

    // App.
    crmTaskFamily: fn('crm'),
    crmLogGroup: `/ecs/${deployment}/crm`,
    webAcl: fn('crm'),

    // Operations: functions (their log groups are /aws/lambda/<name>) and roles.
    sessionRevocationFunction: fn('session-revocation'),
    accessReviewFunction: fn('access-review'),
    restoreValidatorFunction: fn('restore-validator'),
    integrityCanaryFunction: fn('integrity-canary'),
    keyRotationFunction: fn('key-rotation'),
    drKeyRotationFunction: fn('key-rotation-dr'),
    cryptoErasureFunction: fn('crypto-erasure'),
    cryptoErasureStateMachine: fn('crypto-erasure'),
    cryptoErasureRole: fn('crypto-erasure'),
    /** Default approver role of the two-person rule for crypto-erasure (config `organization.erasureApproval`). */
    erasureApproverRole: fn('erasure-approver'),
    /** Two-person rule for crypto-erasure (when on): the request and approve functions behind IAM function URLs. */
    cryptoErasureRequestFunction: fn('crypto-erasure-request'),
    cryptoErasureApproveFunction: fn('crypto-erasure-approve'),

    // Alarm name prefixes.
    alarmPrefix: {
      security: fn('security'),
      findings: fn('findings'),
      backup: fn('backup'),
      restore: fn('restore'),
    },
    /** The PHI-in-logs alarm: the same name in each region (alarm names are per region). */
    phiInLogsAlarm: `${fn('security')}-PhiInLogs`,

    // DR-region buckets: `<deployment>-<part>-<account>-<dr region>` (<= 63 chars for a 20-char name).
    drReplicaBucket: (kind: 'phi-replica' | 'evidence-dr' | 'trail-dr', account: string, drRegion: string) =>
      `${deployment}-${kind}-${account}-${drRegion}`,

    // Accounts apart (config `organization`). Fixed names only there, so that another account's
    // policies can name a role or a vault before it exists; single-account templates do not use them.
    /** The workload's AWS Backup role, named when the backup account's vault policy must admit it. */
    backupRole: fn('backup'),
    /** The workload's S3 replication role of the trail or evidence bucket, named for the archive's policies. */
    replicationRole: (source: 'trail' | 'evidence') => fn(`${source}-replication`),
    /** Log-archive account buckets: `<deployment>-<kind>-<account>-<region>` (<= 63 chars for a 20-char name). */
    archiveBucket: (kind: 'trail-arc' | 'evidence-arc', account: string, region: string) =>
      `${deployment}-${kind}-${account}-${region}`,
    /** Alias of the log-archive account's key (it encrypts both archive buckets; never crypto-erased). */
    archiveKeyAlias: `alias/${deployment}/log-archive`,
    /** The backup account's logically air-gapped vault, one per backup region (the same name in each). */
    airGappedVault: fn('backup-vault-lag'),
    /** Alias of the backup account's key of the air-gapped vault (crypto-erased with the PHI keys). */
    airGappedKeyAlias: `alias/${deployment}/${AIR_GAPPED_DATA_CLASS}`,
    /** Role in the backup account that the workload's crypto-erasure role assumes to erase the air-gapped key. */
    airGappedKeyErasureRole: fn('lag-key-erasure'),
    /** Role in a producer account that a consumer stack's CloudFormation assumes to read its outputs (Fn::GetStackOutput). */
    stackOutputReaderRole: (part: StackPart) => fn(`${part}-output-reader`),

    // Organization guardrails (management account): one service control policy per concern.
    guardrailPolicy: (concern: 'data' | 'account') => fn(`guardrails-${concern}`),

    // Teardown.
    finalSnapshot: (day: string) => `${fn('crm')}-final-${day}`,
    exportTask: (day: string) => fn(`export-${day}`),
    /** Where the teardown's export step writes into the customer's bucket. */
    customerExportPrefix: (what: 'database' | 'documents') => `${deployment}/${what}`,
  };
}
export type DeploymentNames = ReturnType<typeof deploymentNames>;

/**
 * Logical IDs that code outside the construct relies on: pinned stateful resources (a change would
 * replace a database, a bucket or a key) and the IDs the report, the diagram, the tests and the
 * command-line tools look up in the synthesized templates.
 */
export const LOGICAL_IDS = {
  keys: {
    phi: 'PhiKey',
    audit: 'AuditKey',
    backup: 'BackupKey',
    certificateSigning: 'CertificateSigningKey',
    certificateSigningAlias: 'CertificateSigningKeyAlias',
  },
  dr: {
    phiKey: 'PhiDrKey',
    phiKeyAlias: 'PhiDrKeyAlias',
    auditKey: 'AuditDrKey',
    auditKeyAlias: 'AuditDrKeyAlias',
    backupKey: 'BackupDrKey',
    backupKeyAlias: 'BackupDrKeyAlias',
    vault: 'BackupDrVault',
    phiReplicaBucket: 'PhiReplicaBucket',
    phiReplicaAccessLogBucket: 'PhiReplicaAccessLogBucket',
    evidenceReplicaBucket: 'EvidenceReplicaBucket',
    evidenceReplicaAccessLogBucket: 'EvidenceReplicaAccessLogBucket',
    trailReplicaBucket: 'TrailReplicaBucket',
    trailReplicaAccessLogBucket: 'TrailReplicaAccessLogBucket',
  },
  backup: { vault: 'BackupVault', plan: 'BackupPlan', role: 'BackupRole' },
  data: {
    database: 'PhiDatabase',
    databaseSubnetGroup: 'PhiDatabaseSubnetGroup',
    databaseParameterGroup: 'PhiDatabaseParameterGroup',
    databaseLogGroupPostgresql: 'PhiDatabaseLogGroupPostgresql',
    databaseLogGroupUpgrade: 'PhiDatabaseLogGroupUpgrade',
    documentsBucket: 'PhiDocumentsBucket',
    documentsAccessLogBucket: 'PhiDocumentsAccessLogBucket',
    backupSelection: 'PhiBackupSelection',
  },
  identity: {
    userPool: 'UserPool',
    userPoolDomain: 'UserPoolDomain',
    userPoolRiskConfiguration: 'UserPoolRiskConfiguration',
    resourceServer: 'CrmResourceServer',
    albClient: 'AlbClient',
    albClientBranding: 'AlbClientBranding',
    breakGlassRole: 'BreakGlassRole',
  },
  audit: {
    evidenceBucket: 'EvidenceBucket',
    evidenceAccessLogBucket: 'EvidenceAccessLogBucket',
    securityTopic: 'SecurityTopic',
    trail: 'Trail',
    trailBucket: 'TrailBucket',
    trailAccessLogBucket: 'TrailAccessLogBucket',
    trailLogGroup: 'TrailLogGroup',
    signInLogBucket: 'SignInLogBucket',
    signInLogAccessLogBucket: 'SignInLogAccessLogBucket',
    signInLogDelivery: 'SignInLogDelivery',
    signInLogTable: 'SignInLogTable',
    auditReviewWorkGroup: 'AuditReviewWorkGroup',
    auditReviewDatabase: 'AuditReviewDatabase',
    guardDutyDetector: 'GuardDutyDetector',
    securityHub: 'SecurityHub',
    configRecorder: 'ConfigRecorder',
    configDeliveryChannel: 'ConfigDeliveryChannel',
    configHistoryBucket: 'ConfigHistoryBucket',
    configHistoryAccessLogBucket: 'ConfigHistoryAccessLogBucket',
    macieSession: 'MacieSession',
  },
  app: {
    loadBalancerAccessLogBucket: 'LoadBalancerAccessLogBucket',
    crmServiceLogGroup: 'CrmServiceLogGroup',
    wafLogGroup: 'WafLogGroup',
  },
  operations: {
    sessionRevocationLogGroup: 'SessionRevocationLogGroup',
    accessReviewLogGroup: 'AccessReviewLogGroup',
    restoreValidatorLogGroup: 'RestoreValidatorLogGroup',
    integrityCanaryLogGroup: 'IntegrityCanaryLogGroup',
    keyRotationLogGroup: 'KeyRotationLogGroup',
    cryptoErasureLogGroup: 'CryptoErasureLogGroup',
    cryptoErasureStateMachineLogGroup: 'CryptoErasureStateMachineLogGroup',
  },
  drOperations: { keyRotationLogGroup: 'KeyRotationLogGroup' },
  logArchive: {
    key: 'LogArchiveKey',
    keyAlias: 'LogArchiveKeyAlias',
    trailArchiveBucket: 'TrailArchiveBucket',
    trailArchiveAccessLogBucket: 'TrailArchiveAccessLogBucket',
    evidenceArchiveBucket: 'EvidenceArchiveBucket',
    evidenceArchiveAccessLogBucket: 'EvidenceArchiveAccessLogBucket',
    /** The output the workload's Audit stack reads with Fn::GetStackOutput: the archive key's ARN. */
    keyArnOutput: 'LogArchiveKeyArn',
    /** The role the workload's CloudFormation assumes to read that output. */
    outputReaderRole: 'OutputReaderRole',
  },
  /** The backup account's stacks (config `organization`): the vault's name, key and retentions are create-only. */
  backupAccount: {
    airGappedKey: 'AirGappedKey',
    airGappedKeyAlias: 'AirGappedKeyAlias',
    airGappedVault: 'AirGappedVault',
    airGappedVaultShare: 'AirGappedVaultShare',
    airGappedKeyErasureRole: 'AirGappedKeyErasureRole',
  },
} as const;
