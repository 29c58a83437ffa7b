/**
 * What each key in scope protects, identifiers only: RDS instances, clusters (and their Performance
 * Insights data), snapshots and automated backups; S3 buckets whose default encryption names the
 * key; Secrets Manager secrets; the backup vaults and their recovery points. Each key is inventoried
 * in its own region (a KMS key only serves its region). Recovery points in the deployment's vaults that
 * no key in scope protects are `uncovered` (they would survive the erasure). What survives on purpose
 * is listed in `remains`: the audit trail and evidence, and the locked vaults and buckets that keep
 * (now unreadable) ciphertext until their retention ends.
 *
 * Deterministic by construction (everything sorted, no timestamps except fixed ones such as a vault's
 * lock date or a recovery point's deletion date), so the plan digest is stable while nothing changes.
 */
import {
  DescribeBackupVaultCommand,
  paginateListRecoveryPointsByBackupVault,
  type RecoveryPointByBackupVault,
} from '@aws-sdk/client-backup';
import {
  paginateDescribeDBClusterAutomatedBackups,
  paginateDescribeDBClusters,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBInstanceAutomatedBackups,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
  type RDSClient,
} from '@aws-sdk/client-rds';
import {
  GetBucketEncryptionCommand,
  GetObjectLockConfigurationCommand,
  paginateListBuckets,
  type S3Client,
} from '@aws-sdk/client-s3';
import { paginateListSecrets } from '@aws-sdk/client-secrets-manager';
import { deploymentNames } from '../../lib/vocabulary';
import { errorName } from '../shared/errors';
import type { ErasureUncovered } from '../shared/key-lifecycle-contract';
import { mapLimit } from '../shared/map-limit';
import { KeyAttributor } from './attribution';
import type { ClientsFor } from './clients';
import type { ErasureConfig } from './config';
import { describeKey, parseKeyArn, type ResolvedKey } from './keys';
import { protectedAliases, vaultsInScope } from './scope';

/** Kinds of protected resources, as they appear in `protects`. */
export const KIND = {
  dbInstance: 'rds:db-instance',
  dbCluster: 'rds:db-cluster',
  performanceInsights: 'rds:performance-insights',
  dbSnapshot: 'rds:db-snapshot',
  dbClusterSnapshot: 'rds:db-cluster-snapshot',
  dbInstanceAutomatedBackup: 'rds:db-instance-automated-backup',
  dbClusterAutomatedBackup: 'rds:db-cluster-automated-backup',
  bucket: 's3:bucket',
  secret: 'secretsmanager:secret',
  vault: 'backup:vault',
  recoveryPoint: 'backup:recovery-point',
  /** The backup account's air-gapped vault its key encrypts: named from the config, not inspected from here. */
  airGappedVault: 'backup:logically-air-gapped-vault',
} as const;

export interface ProtectedResource {
  readonly kind: string;
  readonly arn: string;
}

export interface Inventory {
  /** Per key ARN, sorted by kind then ARN. */
  readonly protects: ReadonlyMap<string, readonly ProtectedResource[]>;
  readonly uncovered: readonly ErasureUncovered[];
  readonly unchecked: readonly { readonly kind: string; readonly arn: string; readonly reason: string }[];
  readonly remains: readonly { readonly what: string; readonly until?: string }[];
}

export interface InventoryDeps {
  readonly clientsFor: ClientsFor;
  readonly config: ErasureConfig;
}

/** Parallel GetBucketEncryption calls per region: quick, and far below S3's per-prefix request rates. */
const BUCKET_CONCURRENCY = 8;

const byKindThenArn = (a: ProtectedResource, b: ProtectedResource) =>
  a.kind === b.kind ? (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0) : a.kind < b.kind ? -1 : 1;

async function collect<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}

export async function takeInventory(deps: InventoryDeps, allKeys: readonly ResolvedKey[]): Promise<Inventory> {
  const { clientsFor, config } = deps;
  // Only the workload account is inventoried: the function sees no other account's resources.
  const keys = allKeys.filter((k) => k.account === config.account);
  const external = allKeys.filter((k) => k.account !== config.account);
  const attributor = new KeyAttributor(clientsFor, keys);
  const partition = keys[0]?.partition ?? external[0]?.partition ?? 'aws';
  const found = new Map<string, ProtectedResource[]>(allKeys.map((k) => [k.keyArn, []]));
  const add = (key: ResolvedKey | undefined, kind: string, arn: string | undefined) => {
    if (key && arn) found.get(key.keyArn)!.push({ kind, arn });
  };
  const unchecked: { kind: string; arn: string; reason: string }[] = [];
  const uncovered: ErasureUncovered[] = [];
  const remains: { what: string; until?: string }[] = [];

  const keyRegions = [...new Set(keys.map((k) => k.region))].sort();
  for (const region of keyRegions) {
    const clients = clientsFor(region);
    await inventoryRds(clients.rds, region, attributor, add);
    await inventoryBuckets(clients.s3, region, partition, attributor, add, unchecked);
    for (const secret of await collect(
      paginateListSecrets({ client: clients.secrets }, { IncludePlannedDeletion: true, MaxResults: 100 }),
      (p) => p.SecretList,
    )) {
      add(await attributor.keyFor(region, secret.KmsKeyId), KIND.secret, secret.ARN);
    }
  }

  remains.push(await auditRemains(deps));

  for (const vault of vaultsInScope(config)) {
    await inventoryVault(deps, vault, partition, attributor, { add, uncovered, unchecked, remains });
  }

  // The backup account's air-gapped vaults: their key is all this function may touch there (its role
  // allows KMS calls on that key only), so the vault is named from the config and its recovery points
  // are not listed. Every LAG vault is locked in compliance mode
  // (https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html).
  const lagVault = deploymentNames(config.deployment).airGappedVault;
  for (const key of external) {
    found.get(key.keyArn)!.push({
      kind: KIND.airGappedVault,
      arn: `arn:${key.partition}:backup:${key.region}:${key.account}:backup-vault:${lagVault}`,
    });
    remains.push({
      what: `logically air-gapped vault ${lagVault} (account ${key.account}, ${key.region}), Vault Lock in compliance mode: its recovery points stay as ciphertext under the destroyed key ${key.alias}, each until its retention ends (not inventoried from the workload account)`,
    });
  }

  // Locked buckets keep their object versions (ciphertext under a destroyed key) until each version's
  // own retain-until date; that date is per object, so only the rule is stated.
  const buckets = [...found.entries()].flatMap(([keyArn, resources]) =>
    resources.filter((r) => r.kind === KIND.bucket).map((r) => ({ keyArn, arn: r.arn })),
  );
  buckets.sort((a, b) => (a.arn < b.arn ? -1 : 1));
  for (const bucket of buckets) {
    const key = keys.find((k) => k.keyArn === bucket.keyArn)!;
    const name = bucket.arn.split(':::')[1];
    const lock = await objectLockRule(clientsFor(key.region).s3, name);
    if (lock === 'access-denied')
      unchecked.push({ kind: KIND.bucket, arn: bucket.arn, reason: 'Object Lock settings access denied' });
    else if (lock) {
      remains.push({
        what: `bucket ${name} (${key.region}): Object Lock ${lock} keeps every object version, as ciphertext under the destroyed key ${key.alias}, until that version's own retain-until date`,
      });
    }
  }

  const protects = new Map<string, ProtectedResource[]>();
  for (const [keyArn, resources] of found) {
    const unique = [...new Map(resources.map((r) => [`${r.kind} ${r.arn}`, r])).values()];
    protects.set(keyArn, unique.sort(byKindThenArn));
  }
  uncovered.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  unchecked.sort((a, b) => byKindThenArn(a, b));
  return { protects, uncovered, unchecked, remains };
}

type Add = (key: ResolvedKey | undefined, kind: string, arn: string | undefined) => void;

async function inventoryRds(rds: RDSClient, region: string, attributor: KeyAttributor, add: Add): Promise<void> {
  const client = { client: rds };
  for (const i of await collect(paginateDescribeDBInstances(client, {}), (p) => p.DBInstances)) {
    add(await attributor.keyFor(region, i.KmsKeyId), KIND.dbInstance, i.DBInstanceArn);
    add(await attributor.keyFor(region, i.PerformanceInsightsKMSKeyId), KIND.performanceInsights, i.DBInstanceArn);
  }
  for (const c of await collect(paginateDescribeDBClusters(client, {}), (p) => p.DBClusters)) {
    add(await attributor.keyFor(region, c.KmsKeyId), KIND.dbCluster, c.DBClusterArn);
    add(await attributor.keyFor(region, c.PerformanceInsightsKMSKeyId), KIND.performanceInsights, c.DBClusterArn);
  }
  // Without SnapshotType both automated and manual snapshots of this account are listed.
  for (const s of await collect(paginateDescribeDBSnapshots(client, {}), (p) => p.DBSnapshots)) {
    add(await attributor.keyFor(region, s.KmsKeyId), KIND.dbSnapshot, s.DBSnapshotArn);
  }
  for (const s of await collect(paginateDescribeDBClusterSnapshots(client, {}), (p) => p.DBClusterSnapshots)) {
    add(await attributor.keyFor(region, s.KmsKeyId), KIND.dbClusterSnapshot, s.DBClusterSnapshotArn);
  }
  // Retained and cross-Region replicated automated backups outlive their instance or cluster.
  for (const b of await collect(paginateDescribeDBInstanceAutomatedBackups(client, {}), (p) => p.DBInstanceAutomatedBackups)) {
    add(await attributor.keyFor(region, b.KmsKeyId), KIND.dbInstanceAutomatedBackup, b.DBInstanceAutomatedBackupsArn);
  }
  for (const b of await collect(paginateDescribeDBClusterAutomatedBackups(client, {}), (p) => p.DBClusterAutomatedBackups)) {
    add(await attributor.keyFor(region, b.KmsKeyId), KIND.dbClusterAutomatedBackup, b.DBClusterAutomatedBackupsArn);
  }
}

async function inventoryBuckets(
  s3: S3Client,
  region: string,
  partition: string,
  attributor: KeyAttributor,
  add: Add,
  unchecked: { kind: string; arn: string; reason: string }[],
): Promise<void> {
  // BucketRegion filters server-side; the request must go to that region's endpoint (this client's).
  const buckets = await collect(
    paginateListBuckets({ client: s3 }, { BucketRegion: region, MaxBuckets: 1000 }),
    (p) => p.Buckets,
  );
  const names = buckets.map((b) => b.Name).filter((n): n is string => !!n);
  await mapLimit(names, BUCKET_CONCURRENCY, async (name) => {
    const arn = `arn:${partition}:s3:::${name}`;
    let rules;
    try {
      const out = await s3.send(new GetBucketEncryptionCommand({ Bucket: name }));
      rules = out.ServerSideEncryptionConfiguration?.Rules ?? [];
    } catch (error) {
      const name_ = errorName(error);
      if (name_ === 'AccessDenied' || name_ === 'AccessDeniedException') {
        // Another team's bucket may deny us; listed so the operator can check it, not fatal.
        unchecked.push({ kind: KIND.bucket, arn, reason: 'encryption settings access denied' });
        return;
      }
      // Deleted since the listing, or (older buckets) no default encryption at all: nothing of ours.
      if (name_ === 'NoSuchBucket' || name_ === 'ServerSideEncryptionConfigurationNotFoundError') return;
      throw error;
    }
    for (const rule of rules) {
      add(await attributor.keyFor(region, rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID), KIND.bucket, arn);
    }
  });
}

/** `COMPLIANCE 6 years` / `GOVERNANCE 30 days`, undefined when the bucket has no Object Lock. */
async function objectLockRule(s3: S3Client, bucket: string): Promise<string | undefined | 'access-denied'> {
  try {
    const out = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    const config = out.ObjectLockConfiguration;
    if (config?.ObjectLockEnabled !== 'Enabled') return undefined;
    const retention = config.Rule?.DefaultRetention;
    if (!retention) return 'enabled (no default retention: per-object retention only)';
    const period = retention.Years ? `${retention.Years} years` : `${retention.Days ?? 0} days`;
    return `${retention.Mode ?? 'unknown mode'} ${period}`;
  } catch (error) {
    const name = errorName(error);
    if (name === 'ObjectLockConfigurationNotFoundError') return undefined;
    if (name === 'AccessDenied' || name === 'AccessDeniedException') return 'access-denied';
    throw error;
  }
}

async function auditRemains(deps: InventoryDeps): Promise<{ what: string }> {
  const { config, clientsFor } = deps;
  const aliases = protectedAliases(config)
    .map((p) => p.alias)
    .join(' and ');
  const lock = await objectLockRule(clientsFor(config.primaryRegion).s3, config.evidenceBucket);
  const retention =
    lock === 'access-denied'
      ? 'its Object Lock settings could not be read'
      : lock
        ? `Object Lock ${lock} keeps every object version (this erasure's plan and certificates included) from the day it is written`
        : 'it has no Object Lock';
  return {
    what: `audit trail and evidence (no PHI), encrypted with ${aliases}, which are never erased: evidence bucket ${config.evidenceBucket}; ${retention}`,
  };
}

interface VaultSinks {
  readonly add: Add;
  readonly uncovered: ErasureUncovered[];
  readonly unchecked: { kind: string; arn: string; reason: string }[];
  readonly remains: { what: string; until?: string }[];
}

async function inventoryVault(
  deps: InventoryDeps,
  vault: { name: string; region: string },
  partition: string,
  attributor: KeyAttributor,
  sinks: VaultSinks,
): Promise<void> {
  const { clientsFor, config } = deps;
  const backup = clientsFor(vault.region).backup;
  const vaultArn = `arn:${partition}:backup:${vault.region}:${config.account}:backup-vault:${vault.name}`;
  let described;
  try {
    described = await backup.send(new DescribeBackupVaultCommand({ BackupVaultName: vault.name }));
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') {
      sinks.unchecked.push({ kind: KIND.vault, arn: vaultArn, reason: 'vault not found' });
      return;
    }
    throw error;
  }
  const vaultKey = await attributor.keyFor(vault.region, described.EncryptionKeyArn);
  sinks.add(vaultKey, KIND.vault, described.BackupVaultArn ?? vaultArn);

  const points = await collect(
    paginateListRecoveryPointsByBackupVault({ client: backup }, { BackupVaultName: vault.name, MaxResults: 1000 }),
    (p) => p.RecoveryPoints,
  );
  const foreignKeys = new Map<string, Promise<{ reason: string; blocking: boolean }>>();
  const covering = new Set<string>();
  for (const point of points) {
    if (!point.RecoveryPointArn) continue;
    // A recovery point is encrypted with its own key: the vault key for fully managed resources (S3),
    // the source resource's key for RDS snapshots in the primary vault.
    const key = point.IsEncrypted === false ? undefined : await attributor.keyFor(vault.region, point.EncryptionKeyArn);
    if (key) {
      sinks.add(key, KIND.recoveryPoint, point.RecoveryPointArn);
      covering.add(key.alias);
      continue;
    }
    const verdict = await uncoveredVerdict(deps, point, foreignKeys);
    sinks.uncovered.push({
      kind: KIND.recoveryPoint,
      arn: point.RecoveryPointArn,
      ...(point.EncryptionKeyArn ? { encryptionKeyArn: point.EncryptionKeyArn } : {}),
      ...verdict,
    });
  }

  const deleteAts = points.map((p) => p.CalculatedLifecycle?.DeleteAt);
  const allDated = deleteAts.length > 0 && deleteAts.every((d): d is Date => d instanceof Date);
  const until = allDated ? new Date(Math.max(...deleteAts.map((d) => d.getTime()))).toISOString() : undefined;
  const lock = described.Locked
    ? `Vault Lock since ${described.LockDate?.toISOString() ?? 'an unknown date'} (minimum retention ${described.MinRetentionDays ?? '-'} days, maximum ${described.MaxRetentionDays ?? '-'} days)`
    : 'not locked';
  const keysText =
    covering.size > 0 ? `ciphertext under the destroyed key(s) ${[...covering].sort().join(', ')}` : 'no PHI key in scope';
  const lifecycle =
    points.length === 0
      ? ''
      : allDated
        ? ', each until its lifecycle deletes it'
        : ', some without a lifecycle deletion date (kept until deleted by hand)';
  sinks.remains.push({
    what: `backup vault ${vault.name} (${vault.region}), ${lock}: ${points.length} recovery point(s) stay as ${keysText}${lifecycle}`,
    ...(until ? { until } : {}),
  });
}

async function uncoveredVerdict(
  deps: InventoryDeps,
  point: RecoveryPointByBackupVault,
  cache: Map<string, Promise<{ reason: string; blocking: boolean }>>,
): Promise<{ reason: string; blocking: boolean }> {
  if (point.IsEncrypted === false) return { reason: 'not encrypted', blocking: true };
  if (point.EncryptionKeyType === 'AWS_OWNED_KMS_KEY') return { reason: 'encrypted with an AWS owned key', blocking: true };
  const keyArn = point.EncryptionKeyArn;
  const parsed = keyArn ? parseKeyArn(keyArn) : undefined;
  if (!keyArn || !parsed) return { reason: 'encryption key unknown', blocking: true };
  if (parsed.account !== deps.config.account)
    return { reason: `encrypted with a key of account ${parsed.account}`, blocking: true };
  let verdict = cache.get(keyArn);
  if (!verdict) {
    verdict = describeKey(deps.clientsFor(parsed.region).kms, keyArn).then(
      (meta) =>
        meta
          ? { reason: `encrypted with a key outside this erasure (${meta.KeyState ?? 'unknown state'})`, blocking: true }
          : // Already deleted: that ciphertext can never be decrypted again.
            { reason: 'its key no longer exists', blocking: false },
      (error: unknown) => ({ reason: `its key could not be described (${errorName(error)})`, blocking: true }),
    );
    cache.set(keyArn, verdict);
  }
  return verdict;
}
