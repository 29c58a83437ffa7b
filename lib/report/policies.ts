/**
 * "Policies from config" of the HIPAA report: the role matrix, the data classification of every
 * store, the retention of logs, evidence, backups and keys, the BAA record and the third-party
 * integration inventory. Roles, BAA and integrations come from the config; what a store holds and
 * how long anything is kept come from the templates (what will be deployed, not what was intended).
 */
import { baaGateIssues } from '../config/baa-gate';
import { SIX_YEARS_IN_DAYS, type DeploymentConfig } from '../config/schema';
import type { IntegrationConfig } from '../config/schema-integrations';
import type { CrmScope } from '../config/schema-identity';
import type { AssemblyIndex } from '../assembly/assembly-index';
import type { TemplateResource } from '../assembly/model';
import {
  asArray,
  bucketEncryption,
  days,
  deniedDeleteActions,
  deniesInsecureTransport,
  describeObjectLock,
  isRecord,
  isTrue,
  literalText,
  minimumTlsVersion,
  num,
  objectLock,
  prop,
  replications,
  str,
} from '../assembly/template-facts';
import { ERASABLE_DATA_CLASSES, PROTECTED_DATA_CLASSES } from '../vocabulary';

/** Where a resource is, for tables. */
export interface ResourceLabel {
  readonly stack: string;
  readonly region?: string;
  readonly type: string;
  readonly logicalId: string;
}

export function labelOf(r: TemplateResource): ResourceLabel {
  return { stack: r.stack, region: r.region, type: r.type, logicalId: r.logicalId };
}

/** A short label for a resource: its name property when it has one, else its logical ID. */
export function resourceName(r: TemplateResource): string {
  for (const key of ['BucketName', 'DBInstanceIdentifier', 'BackupVaultName', 'TableName', 'LogGroupName', 'Name']) {
    const v = str(r.properties[key]) ?? (r.properties[key] !== undefined ? literalText(r.properties[key]) : undefined);
    if (v) return v;
  }
  return r.logicalId;
}

/** What each CRM scope lets a role see or do, in plain words. */
export const SCOPE_IN_PLAIN_WORDS: Readonly<Record<CrmScope, string>> = {
  'patients.read': 'see patient demographics, contact details and appointments',
  'patients.write': 'create and change patient demographics, scheduling and check-in',
  'clinical.read': 'see clinical records (notes, vitals, results)',
  'clinical.write': 'write clinical notes and vitals',
  'billing.read': 'see claims, payments and insurance details',
  'billing.write': 'create and change claims and payments',
  exports: 'export data in bulk (reports, downloads)',
  admin: 'administer users, roles and settings',
  'audit.read': 'read audit logs and access-review reports (identifiers, no PHI values)',
};

/** Scopes that reach PHI. `admin` manages accounts and `audit.read` reads logs that hold no PHI values. */
const PHI_SCOPES: ReadonlySet<CrmScope> = new Set<CrmScope>([
  'patients.read',
  'patients.write',
  'clinical.read',
  'clinical.write',
  'billing.read',
  'billing.write',
  'exports',
]);

export interface RoleRow {
  readonly name: string;
  readonly description: string;
  readonly scopes: readonly string[];
  readonly mayDo: readonly string[];
  readonly seesPhi: boolean;
  /** The Cognito group that carries the role, when the templates have one. */
  readonly group?: ResourceLabel;
}

export function roleMatrix(config: DeploymentConfig, index: AssemblyIndex): RoleRow[] {
  return config.identity.roles.map((role) => {
    const group = index.resources.find((r) => r.type === 'AWS::Cognito::UserPoolGroup' && r.properties.GroupName === role.name);
    return {
      name: role.name,
      description: role.description,
      scopes: role.scopes,
      mayDo: role.scopes.map((s) => SCOPE_IN_PLAIN_WORDS[s]),
      seesPhi: role.scopes.some((s) => PHI_SCOPES.has(s)),
      group: group && labelOf(group),
    };
  });
}

/**
 * Key data classes whose stores hold PHI: the PHI itself and the backups of it, in both regions. They
 * are the erasable ones: crypto-erasure destroys exactly the keys of the stores that hold PHI.
 */
export const PHI_DATA_CLASSES: readonly string[] = ERASABLE_DATA_CLASSES;

/** Stores of data, and where each one names its KMS key. */
const STORES: Readonly<Record<string, (r: TemplateResource) => unknown>> = {
  'AWS::RDS::DBInstance': (r) => prop(r, 'KmsKeyId'),
  'AWS::RDS::DBCluster': (r) => prop(r, 'KmsKeyId'),
  'AWS::S3::Bucket': (r) => bucketEncryption(r)?.kmsKey,
  'AWS::Backup::BackupVault': (r) => prop(r, 'EncryptionKeyArn'),
  'AWS::DynamoDB::Table': (r) => prop(r, 'SSESpecification.KMSMasterKeyId'),
  'AWS::EFS::FileSystem': (r) => prop(r, 'KmsKeyId'),
};

export interface StoreRow {
  readonly resource: ResourceLabel;
  readonly name: string;
  /** Data class of the key that encrypts it (`phi`, `audit`, ...); undefined without a tagged key. */
  readonly dataClass?: string;
  readonly holdsPhi: boolean;
  readonly controls: readonly string[];
}

function storeControls(r: TemplateResource, index: AssemblyIndex): string[] {
  const controls: string[] = [];
  const key = index.keyOf(r, STORES[r.type](r));
  if (key) controls.push(`encrypted with KMS key ${key.logicalId}${key.dataClass ? ` (${key.dataClass})` : ''}`);
  else if (r.type === 'AWS::S3::Bucket' && bucketEncryption(r)?.algorithm === 'AES256')
    controls.push('encrypted with S3-managed keys (SSE-S3)');
  else if (isTrue(prop(r, 'StorageEncrypted'))) controls.push('storage encrypted');

  const target = { stack: r.stack, logicalId: r.logicalId };
  if (r.type === 'AWS::S3::Bucket') {
    for (const policy of index.referrers('AWS::S3::BucketPolicy', target, (p) => prop(p, 'Bucket'))) {
      const doc = prop(policy, 'PolicyDocument');
      if (deniesInsecureTransport(doc))
        controls.push(`TLS only${minimumTlsVersion(doc) ? ` (TLS ${minimumTlsVersion(doc)}+)` : ''} (bucket policy)`);
      const deletes = deniedDeleteActions(doc);
      if (deletes.length) controls.push(`deletes denied to everyone (${deletes.join(', ')})`);
    }
    if (prop(r, 'VersioningConfiguration.Status') === 'Enabled') controls.push('versioned');
    const lock = objectLock(r);
    if (lock) controls.push(describeObjectLock(lock));
    for (const rep of replications(r))
      controls.push(`replicated to ${rep.destination}${rep.replicaKey ? ` (re-encrypted with ${rep.replicaKey})` : ''}`);
    if (prop(r, 'LoggingConfiguration') !== undefined) controls.push('server access logs');
    if (index.referrers('AWS::GuardDuty::MalwareProtectionPlan', target, (p) => prop(p, 'ProtectedResource')).length) {
      controls.push('GuardDuty malware scanning');
    }
  }
  if (r.type === 'AWS::RDS::DBInstance' || r.type === 'AWS::RDS::DBCluster') {
    const group = index.resolve(prop(r, 'DBParameterGroupName') ?? prop(r, 'DBClusterParameterGroupName'), r.stack);
    const params = group && index.get(group)?.properties.Parameters;
    if (isRecord(params) && String(params['rds.force_ssl']) === '1') {
      controls.push(
        `TLS only (rds.force_ssl=1${str(params.ssl_min_protocol_version) ? `, minimum ${str(params.ssl_min_protocol_version)}` : ''})`,
      );
    }
    if (isTrue(prop(r, 'MultiAZ'))) controls.push('Multi-AZ');
    if (isTrue(prop(r, 'DeletionProtection'))) controls.push('deletion protection');
    if (isTrue(prop(r, 'EnableIAMDatabaseAuthentication'))) controls.push('IAM authentication');
    if (prop(r, 'PubliclyAccessible') === false || prop(r, 'PubliclyAccessible') === 'false')
      controls.push('not publicly accessible');
    const retention = num(prop(r, 'BackupRetentionPeriod'));
    if (retention) controls.push(`automated backups ${days(retention)}`);
  }
  if (r.type === 'AWS::Backup::BackupVault') {
    const lock = prop(r, 'LockConfiguration');
    if (isRecord(lock)) {
      controls.push(
        `Vault Lock ${lock.ChangeableForDays !== undefined ? 'COMPLIANCE' : 'GOVERNANCE'} (${literalText(lock.MinRetentionDays)}-${literalText(lock.MaxRetentionDays)} days)`,
      );
    }
    const deletes = deniedDeleteActions(prop(r, 'AccessPolicy'));
    if (deletes.length) controls.push(`denies ${deletes.join(', ')} to everyone`);
    const name = str(prop(r, 'BackupVaultName'));
    const copiedInto = index.resources.some(
      (p) =>
        p.type === 'AWS::Backup::BackupPlan' &&
        name !== undefined &&
        JSON.stringify(p.properties).includes(`:backup-vault:${name}"`),
    );
    if (copiedInto) controls.push('receives copies of the scheduled recovery points');
  }
  if (index.referrers('AWS::Backup::BackupSelection', target, (s) => prop(s, 'BackupSelection.Resources')).length) {
    controls.push('in the backup plan');
  }
  if (index.referrers('AWS::Backup::RestoreTestingSelection', target, (s) => prop(s, 'ProtectedResourceArns')).length) {
    controls.push('restore-tested');
  }
  return controls;
}

/** Every data store of the templates, PHI stores first. */
export function dataClassification(index: AssemblyIndex): StoreRow[] {
  const rows = index.resources
    .filter((r) => r.type in STORES)
    .map((r): StoreRow => {
      const dataClass = index.keyOf(r, STORES[r.type](r))?.dataClass;
      return {
        resource: labelOf(r),
        name: resourceName(r),
        dataClass,
        holdsPhi: dataClass !== undefined && PHI_DATA_CLASSES.includes(dataClass),
        controls: storeControls(r, index),
      };
    });
  return rows.sort((a, b) => Number(b.holdsPhi) - Number(a.holdsPhi));
}

export interface RetentionRow {
  readonly what: string;
  readonly where: string;
  readonly retention: string;
  /** Against the six-year documentation floor, for records (logs, trail, evidence). */
  readonly note?: string;
}

function at(r: TemplateResource): string {
  return `${r.stack} ${r.logicalId}`;
}

/** Against the HIPAA documentation floor; `undefined` means kept until deleted. */
function sixYears(d: number | undefined): string {
  if (d === undefined) return 'until deleted (no retention set)';
  return d >= SIX_YEARS_IN_DAYS ? 'at least 6 years (164.316(b)(2)(i))' : 'UNDER 6 YEARS';
}

export function retentionTable(index: AssemblyIndex): RetentionRow[] {
  const rows: RetentionRow[] = [];
  const of = (type: string) => index.resources.filter((r) => r.type === type);

  const logGroups = new Map<string, TemplateResource[]>();
  for (const g of of('AWS::Logs::LogGroup')) {
    const key = String(num(prop(g, 'RetentionInDays')) ?? 'none');
    logGroups.set(key, [...(logGroups.get(key) ?? []), g]);
  }
  for (const [key, groups] of logGroups) {
    const d = key === 'none' ? undefined : Number(key);
    rows.push({
      what: `CloudWatch log groups (${groups.length})`,
      where: [...new Set(groups.map((g) => g.stack))].join(', '),
      retention: d === undefined ? 'never expire' : days(d),
      note: `kept ${sixYears(d)}`,
    });
  }

  for (const b of of('AWS::S3::Bucket')) {
    const lock = objectLock(b);
    const lifecycle = asArray(prop(b, 'LifecycleConfiguration.Rules')).filter(
      (x) => isRecord(x) && x.Status === 'Enabled',
    ) as Record<string, unknown>[];
    const expire = lifecycle.map((x) => num(x.ExpirationInDays)).find((x) => x !== undefined);
    const noncurrent = lifecycle
      .map((x) => (isRecord(x.NoncurrentVersionExpiration) ? num(x.NoncurrentVersionExpiration.NoncurrentDays) : undefined))
      .find((x) => x !== undefined);
    if (!lock && expire === undefined && noncurrent === undefined) continue;
    const parts = [
      lock ? describeObjectLock(lock) : '',
      expire !== undefined ? `objects expire after ${days(expire)}` : 'objects never expire',
      noncurrent !== undefined ? `overwritten versions after ${days(noncurrent)}` : '',
    ].filter(Boolean);
    // Only audit records (trail, evidence, sign-in and Config history) fall under the six-year floor.
    const dataClass = index.keyOf(b, bucketEncryption(b)?.kmsKey)?.dataClass;
    const isRecordStore = dataClass !== undefined && (PROTECTED_DATA_CLASSES as readonly string[]).includes(dataClass);
    const keptDays = expire ?? Number.POSITIVE_INFINITY;
    rows.push({
      what: `Bucket ${resourceName(b)}`,
      where: at(b),
      retention: parts.join('; '),
      note: isRecordStore ? `audit records, ${lock ? 'write-once, ' : ''}kept ${sixYears(keptDays)}` : undefined,
    });
  }

  for (const plan of of('AWS::Backup::BackupPlan')) {
    for (const rule of asArray(prop(plan, 'BackupPlan.BackupPlanRule')).filter(isRecord)) {
      const keep = isRecord(rule.Lifecycle) ? num(rule.Lifecycle.DeleteAfterDays) : undefined;
      const copies = asArray(rule.CopyActions)
        .filter(isRecord)
        .map((c) => {
          const copyKeep = isRecord(c.Lifecycle) ? num(c.Lifecycle.DeleteAfterDays) : undefined;
          const vault = literalText(c.DestinationBackupVaultArn).replace(/^.*:backup-vault:/, '');
          return `copy in ${vault}: ${copyKeep !== undefined ? days(copyKeep) : 'same as source'}`;
        });
      rows.push({
        what: `Backups, rule ${literalText(rule.RuleName)}${isTrue(rule.EnableContinuousBackup) ? ' (continuous, point-in-time)' : ''}`,
        where: `${at(plan)}, ${literalText(rule.ScheduleExpression)}`,
        retention: [keep !== undefined ? days(keep) : 'kept until deleted', ...copies].join('; '),
      });
    }
  }

  for (const vault of of('AWS::Backup::BackupVault')) {
    const lock = prop(vault, 'LockConfiguration');
    if (!isRecord(lock)) continue;
    rows.push({
      what: `Vault Lock ${resourceName(vault)}`,
      where: at(vault),
      retention:
        `recovery points kept ${literalText(lock.MinRetentionDays)}-${literalText(lock.MaxRetentionDays)} days, ` +
        (lock.ChangeableForDays !== undefined
          ? `COMPLIANCE (immutable after ${literalText(lock.ChangeableForDays)} days)`
          : 'GOVERNANCE (removable by privileged users)'),
    });
  }

  for (const db of [...of('AWS::RDS::DBInstance'), ...of('AWS::RDS::DBCluster')]) {
    const d = num(prop(db, 'BackupRetentionPeriod'));
    if (d !== undefined) rows.push({ what: `Database automated backups ${resourceName(db)}`, where: at(db), retention: days(d) });
  }

  const pending = new Map<string, TemplateResource[]>();
  for (const key of of('AWS::KMS::Key')) {
    const d = String(num(prop(key, 'PendingWindowInDays')) ?? 30); // KMS default: 30 days
    pending.set(d, [...(pending.get(d) ?? []), key]);
  }
  for (const [d, keys] of pending) {
    rows.push({
      what: `KMS key deletion waiting period (${keys.length} key${keys.length === 1 ? '' : 's'})`,
      where: keys.map((k) => `${k.stack} ${k.logicalId}`).join(', '),
      retention: days(Number(d)),
    });
  }
  return rows;
}

export interface BaaRecord {
  readonly holdsPhi: boolean;
  readonly reference?: string;
  readonly executedOn?: string;
  readonly counterparty?: string;
  /** The BAA gate's verdict, re-run at report time. */
  readonly gate: string;
}

export function baaRecord(config: DeploymentConfig, today: Date): BaaRecord {
  const issues = baaGateIssues(config, today);
  const gate = issues.length
    ? `REFUSED: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`
    : config.holdsPhi
      ? 'passed: a deployment holding PHI records an executed BAA'
      : 'not applicable: holdsPhi is false, so this deployment must not store PHI';
  return {
    holdsPhi: config.holdsPhi,
    reference: config.baa?.reference,
    executedOn: config.baa?.executedOn,
    counterparty: config.baa?.counterparty,
    gate,
  };
}

export interface Policies {
  readonly roles: readonly RoleRow[];
  readonly stores: readonly StoreRow[];
  readonly retention: readonly RetentionRow[];
  readonly baa: BaaRecord;
  readonly integrations: readonly IntegrationConfig[];
}

export function policiesFrom(config: DeploymentConfig, index: AssemblyIndex, today: Date): Policies {
  return {
    roles: roleMatrix(config, index),
    stores: dataClassification(index),
    retention: retentionTable(index),
    baa: baaRecord(config, today),
    integrations: config.integrations,
  };
}
