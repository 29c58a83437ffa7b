/**
 * The vocabulary is the one place that spells names, tag keys and logical IDs. This file pins them
 * (a changed logical ID replaces a stateful resource; a changed name breaks what finds it by name) and
 * checks that no other source file spells them again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AIR_GAPPED_DATA_CLASS,
  deploymentNames,
  LOGICAL_IDS,
  regionalStackId,
  STACK_IDS,
  STACK_PARTS,
  TAG,
} from '../lib/vocabulary';

const ROOT = path.join(__dirname, '..');

test('pins the logical IDs of stateful resources and of what other code looks up', () => {
  expect(LOGICAL_IDS).toEqual({
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
      keyArnOutput: 'LogArchiveKeyArn',
      outputReaderRole: 'OutputReaderRole',
    },
    backupAccount: {
      airGappedKey: 'AirGappedKey',
      airGappedKeyAlias: 'AirGappedKeyAlias',
      airGappedVault: 'AirGappedVault',
      airGappedVaultShare: 'AirGappedVaultShare',
      airGappedKeyErasureRole: 'AirGappedKeyErasureRole',
    },
  });
});

test('pins the tag keys that rotation, crypto-erasure and teardown scope by', () => {
  expect(TAG).toMatchObject({
    deployment: 'hipaa-crm:deployment',
    holdsPhi: 'hipaa-crm:holds-phi',
    dataClass: 'hipaa-crm:data-class',
    stateful: 'hipaa-crm:stateful',
  });
});

test('pins the fixed names that key policies, commands and other regions find resources by', () => {
  const n = deploymentNames('crm-demo');
  expect(n.keyAlias('phi-dr')).toBe('alias/crm-demo/phi-dr');
  expect(n.cryptoErasureRole).toBe('crm-demo-crypto-erasure');
  expect(n.breakGlassRole).toBe('crm-demo-break-glass');
  expect(n.trail).toBe('crm-demo-audit-trail');
  expect(n.drBackupVault).toBe('crm-demo-backup-vault-dr');
  expect(n.restoreTestingPlan).toBe('crm_demo_restore_tests');
  expect(n.auditReviewDatabase).toBe('crm_demo_audit_review');
  expect(n.databaseInstance).toBe('crm-demo-crm');
  expect(n.drReplicaBucket('phi-replica', '111122223333', 'us-west-2')).toBe('crm-demo-phi-replica-111122223333-us-west-2');
  expect(n.stack('app')).toBe('crm-demo-app');
});

test('pins the stacks of the accounts-apart layout (config organization): one part, one ID, one name each', () => {
  const n = deploymentNames('crm-org');
  expect(n.stack(STACK_PARTS.logArchive)).toBe('crm-org-log-archive');
  expect(n.stack(STACK_PARTS.backupAccount)).toBe('crm-org-backup-account');
  expect(n.stack(STACK_PARTS.guardrails)).toBe('crm-org-guardrails');
  expect([STACK_IDS.logArchive, STACK_IDS.backupAccount, STACK_IDS.guardrails]).toEqual([
    'LogArchive',
    'BackupAccount',
    'Guardrails',
  ]);
  // One backup-account stack per backup region: same stack name in each region, the region in the construct ID.
  expect(regionalStackId('backupAccount', 'us-west-2')).toBe('BackupAccount-us-west-2');
  expect(n.erasureApproverRole).toBe('crm-org-erasure-approver');
  // Every part and every ID is distinct, and each part has its ID.
  expect(new Set(Object.values(STACK_PARTS)).size).toBe(Object.keys(STACK_PARTS).length);
  expect(new Set(Object.values(STACK_IDS)).size).toBe(Object.keys(STACK_IDS).length);
  expect(Object.keys(STACK_IDS).sort()).toEqual(Object.keys(STACK_PARTS).sort());
});

/** Source files of the code (not tests, not generated files). */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(rel);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

const SPELLED_ONCE = [...new Set(Object.values(LOGICAL_IDS).flatMap((group) => Object.values(group) as string[]))].filter(
  (id) => !['Trail', 'UserPool', 'SecurityHub'].includes(id),
); // too generic to search for as words

test('no source file outside the vocabulary spells a tag key or a pinned logical ID', () => {
  const offenders: string[] = [];
  for (const file of ['bin', 'lib', 'lambda', 'scripts'].flatMap(sourceFiles)) {
    if (file === path.join('lib', 'vocabulary.ts')) continue;
    // Comments may mention a name; code may not spell it.
    const text = fs
      .readFileSync(path.join(ROOT, file), 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
      .join('\n');
    if (/['"`]hipaa-crm:/.test(text)) offenders.push(`${file}: a hipaa-crm: tag key`);
    // A construct ID (`new X(this, 'Id', ...)`) may equal a logical ID: it is a path segment, not the pin.
    const code = text.replace(/\((?:this|scope|stack|parent|partsScope|[a-z]\w*Scope), '[A-Za-z]+'/g, '(scope');
    for (const id of SPELLED_ONCE) if (new RegExp(`['"\`]${id}['"\`]`).test(code)) offenders.push(`${file}: '${id}'`);
  }
  expect(offenders).toEqual([]);
});

test('no source file outside the vocabulary builds a deployment name from a template', () => {
  const template =
    /\$\{(?:props\.|this\.)?deployment\}[-_/]|\$\{(?:props\.)?config\.name\}[-_/]|[-_/]\$\{(?:props\.)?(?:deployment|config\.name)\}/;
  const offenders = ['bin', 'lib', 'lambda', 'scripts']
    .flatMap(sourceFiles)
    .filter((file) => file !== path.join('lib', 'vocabulary.ts'))
    .flatMap((file) =>
      fs
        .readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => template.test(line) && !line.trim().startsWith('*') && !line.trim().startsWith('//'))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
  expect(offenders).toEqual([]);
});

test("the air-gapped vault key's alias is its data class's alias, as DataClassKey spells it", () => {
  const n = deploymentNames('crm-org');
  expect(n.airGappedKeyAlias).toBe('alias/crm-org/backup-lag');
  expect(n.keyAlias(AIR_GAPPED_DATA_CLASS)).toBe(n.airGappedKeyAlias);
});
