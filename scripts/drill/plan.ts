/**
 * What a drill will restore, and the checks that keep it away from the live resources.
 *
 * The restore testing selection is the single source of the protected resource, the restore role
 * and the RestoreMetadataOverrides (isolated subnets, dedicated security group, encryption), so a
 * drill restores exactly as the scheduled restore tests do. The restore metadata is built in layers,
 * later layers winning, keys compared without case (AWS Backup's override keys are case-insensitive,
 * `dbsubnetgroupname` overrides `DBSubnetGroupName`):
 *   1. drill defaults (S3: keep each object's original encryption),
 *   2. the recovery point's own restore metadata (GetRecoveryPointRestoreMetadata),
 *   3. the selection's RestoreMetadataOverrides,
 *   4. what the drill forces for safety: a new, drill-marked name (never the live instance or bucket),
 *      a new bucket, encryption on, and deletion protection / public access off where the keys exist.
 */
import {
  GetRecoveryPointRestoreMetadataCommand,
  GetRestoreTestingSelectionCommand,
  paginateListRecoveryPointsByBackupVault,
  type BackupClient,
  type RecoveryPointByBackupVault,
} from '@aws-sdk/client-backup';
import { organizationSettings } from '../../lib/config/organization';
import type { DeploymentConfig } from '../../lib/config/schema';
import { deploymentNames, RESTORE_TESTING_SELECTIONS } from '../../lib/vocabulary';
import type { DrillResource, DrillSource } from './args';

export type RestoreResourceType = 'RDS' | 'S3';

export const RESOURCE_TYPES: Record<DrillResource, RestoreResourceType> = { database: 'RDS', documents: 'S3' };

/** A drill that cannot go on; `exitCode` 1 (the deployment failed the drill) or 2 (usage/config/credentials). */
export class DrillError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'DrillError';
  }
}

export interface ChosenRecoveryPoint {
  readonly arn: string;
  readonly creationDate?: Date;
  /** Continuous (point-in-time) recovery points restore to the latest restorable time. */
  readonly continuous: boolean;
  readonly status: string;
}

export interface DrillPlan {
  readonly deployment: string;
  readonly region: string;
  readonly account: string;
  readonly resource: DrillResource;
  readonly resourceType: RestoreResourceType;
  readonly restoreTestingPlanName: string;
  readonly selectionName: string;
  readonly vaultName: string;
  /** The account that owns the vault, when it is not this one (the backup account's air-gapped vault). */
  readonly vaultAccountId?: string;
  /** The live resource: never restored over, never deleted. */
  readonly protectedResourceArn: string;
  readonly iamRoleArn: string;
  readonly recoveryPoint: ChosenRecoveryPoint;
  readonly overrides: Readonly<Record<string, string>>;
  /** Exactly what StartRestoreJob receives. */
  readonly metadata: Readonly<Record<string, string>>;
  /** DB instance identifier or bucket name of the restored copy; carries the drill marker. */
  readonly restoredName: string;
  readonly validatorFunctionName: string;
  readonly targets: { readonly rpoMinutes: number; readonly rtoMinutes: number };
}

/** UTC yyyymmddhhmm, the recognisable part of a drill copy's name. */
export function drillStamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 12);
}

/**
 * Name of the restored copy: `<name>-drill-<yyyymmddhhmm>` (DB instance, at most 39 characters) or
 * `<name>-drill-<yyyymmddhhmm>-<account>` (bucket names are global, so the account makes it unique;
 * at most 52 characters).
 */
export function restoredCopyName(deployment: string, resource: DrillResource, account: string, now: Date): string {
  const base = `${deploymentNames(deployment).drillCopyPrefix}${drillStamp(now)}`;
  const name = resource === 'database' ? base : `${base}-${account}`;
  if (name.includes('--')) {
    throw new DrillError(`cannot name the restored copy "${name}": RDS and S3 names may not contain "--"`, 2);
  }
  return name;
}

/** True for names that restoredCopyName makes for this deployment and resource, and only those. */
export function isDrillCopyName(name: string, deployment: string, resource: DrillResource): boolean {
  const prefix = deploymentNames(deployment).drillCopyPrefix.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const suffix = resource === 'database' ? '' : '-\\d{12}';
  return new RegExp(`^${prefix}\\d{12}${suffix}$`).test(name);
}

/** Continuous recovery points carry `recovery-point:continuous:` in their ARN. */
export function isContinuousRecoveryPoint(arn: string): boolean {
  return arn.includes(':recovery-point:continuous:');
}

/** Recovery point states that mean "successfully created and restorable". */
const USABLE_STATUSES = new Set(['COMPLETED', 'AVAILABLE']);

/**
 * The recovery point with the newest data: a continuous one (restores to the latest restorable time,
 * minutes old) before any snapshot, then the newest snapshot by creation date.
 */
export function chooseRecoveryPoint(
  points: readonly RecoveryPointByBackupVault[],
  resourceArn: string,
): ChosenRecoveryPoint | undefined {
  const usable = points
    .filter((p) => p.RecoveryPointArn && p.ResourceArn === resourceArn && USABLE_STATUSES.has(p.Status ?? ''))
    .map((p) => ({
      arn: p.RecoveryPointArn as string,
      creationDate: p.CreationDate,
      continuous: isContinuousRecoveryPoint(p.RecoveryPointArn as string),
      status: p.Status as string,
    }));
  usable.sort(
    (a, b) => Number(b.continuous) - Number(a.continuous) || (b.creationDate?.getTime() ?? 0) - (a.creationDate?.getTime() ?? 0),
  );
  return usable[0];
}

/** Merges metadata layers, later layers winning; a key keeps the spelling it first had (keys compare without case). */
export function mergeRestoreMetadata(...layers: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const merged: Record<string, string> = {};
  const spelling = new Map<string, string>();
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      const existing = spelling.get(key.toLowerCase());
      if (existing) merged[existing] = value;
      else {
        spelling.set(key.toLowerCase(), key);
        merged[key] = value;
      }
    }
  }
  return merged;
}

/**
 * Spellings of StartRestoreJob metadata keys as AWS Backup's restore documentation writes them. Restore
 * testing overrides are case-insensitive (`dbSubnetGroupName`); StartRestoreJob is given the spelling of
 * the recovery point's own metadata, else this one, so the drill never depends on case-insensitivity.
 */
export const METADATA_KEY_SPELLINGS: Record<RestoreResourceType, readonly string[]> = {
  RDS: [
    'AvailabilityZone',
    'CopyTagsToSnapshot',
    'DBInstanceClass',
    'DBInstanceIdentifier',
    'DBParameterGroupName',
    'DBSubnetGroupName',
    'DeletionProtection',
    'EnableIAMDatabaseAuthentication',
    'Iops',
    'KmsKeyId',
    'MultiAZ',
    'OptionGroupName',
    'Port',
    'PubliclyAccessible',
    'StorageType',
    'VpcSecurityGroupIds',
  ],
  S3: [
    'CreationToken',
    'DestinationBucketName',
    'Encrypted',
    'EncryptionType',
    'ItemsToRestore',
    'KMSKey',
    'NewBucket',
    'RestoreTime',
  ],
};

/** Renames keys to the first spelling in `preferred` that matches without case; others keep theirs. */
export function respellMetadataKeys(
  metadata: Readonly<Record<string, string>>,
  preferred: readonly string[],
): Record<string, string> {
  const byLower = new Map<string, string>();
  for (const key of preferred) if (!byLower.has(key.toLowerCase())) byLower.set(key.toLowerCase(), key);
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [byLower.get(k.toLowerCase()) ?? k, v]));
}

/** Value of a metadata key, compared without case. */
export function metadataValue(metadata: Readonly<Record<string, string>>, key: string): string | undefined {
  const found = Object.keys(metadata).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : metadata[found];
}

const PROTECTED_ARN: Record<RestoreResourceType, RegExp> = {
  RDS: /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:db:([a-z][a-z0-9-]{0,62})$/,
  S3: /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/,
};

/** DB instance identifier or bucket name in an RDS instance or S3 bucket ARN. */
export function resourceNameFromArn(type: RestoreResourceType, arn: string): string | undefined {
  return PROTECTED_ARN[type].exec(arn)?.[1];
}

/**
 * Forced last: the drill's own name for the copy (so the live resource is never the target and the
 * copy is recognisable for cleanup), and switches that would make the copy hard to delete or reachable.
 */
function forcedMetadata(
  type: RestoreResourceType,
  restoredName: string,
  merged: Readonly<Record<string, string>>,
): Record<string, string> {
  if (type === 'S3') return { DestinationBucketName: restoredName, NewBucket: 'true', Encrypted: 'true' };
  const forced: Record<string, string> = { DBInstanceIdentifier: restoredName };
  // Set only where the recovery point's metadata has them: an unknown key could fail the restore.
  for (const key of ['DeletionProtection', 'PubliclyAccessible']) {
    if (metadataValue(merged, key) !== undefined) forced[key] = 'false';
  }
  return forced;
}

/** Restore metadata for StartRestoreJob; refuses any result that would not target a new, drill-named copy. */
export function buildRestoreMetadata(input: {
  readonly type: RestoreResourceType;
  readonly recoveryPointMetadata: Readonly<Record<string, string>>;
  readonly overrides: Readonly<Record<string, string>>;
  readonly restoredName: string;
  readonly liveName: string;
}): Record<string, string> {
  const defaults: Record<string, string> = input.type === 'S3' ? { EncryptionType: 'original' } : {};
  const unforced = mergeRestoreMetadata(defaults, input.recoveryPointMetadata, input.overrides);
  const metadata = respellMetadataKeys(mergeRestoreMetadata(unforced, forcedMetadata(input.type, input.restoredName, unforced)), [
    ...Object.keys(input.recoveryPointMetadata),
    ...METADATA_KEY_SPELLINGS[input.type],
  ]);
  const targetKey = input.type === 'RDS' ? 'DBInstanceIdentifier' : 'DestinationBucketName';
  const target = metadataValue(metadata, targetKey);
  if (target !== input.restoredName || target === input.liveName) {
    throw new DrillError(`refusing to restore: ${targetKey} would be "${target}", not the drill copy ${input.restoredName}`);
  }
  if (input.type === 'S3' && metadataValue(metadata, 'NewBucket') !== 'true') {
    throw new DrillError('refusing to restore: the documents must go to a new bucket, never into an existing one');
  }
  return metadata;
}

export interface ResolvePlanInput {
  readonly config: DeploymentConfig;
  readonly account: string;
  readonly resource: DrillResource;
  readonly now: Date;
  /** The vault the recovery point comes from. @default 'primary' */
  readonly from?: DrillSource;
}

/**
 * The vault a drill takes its recovery point from. The air-gapped one is the backup account's vault that
 * its RAM share lets this account restore from
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html#lag-restore); reading
 * a shared vault needs its owner's account ID (the guide's AccessDeniedException troubleshooting). Only a
 * vault in the primary region: the drill restores there, into the subnet group, security group and keys
 * the restore tests use, and none exist in another region.
 */
export function drillVault(config: DeploymentConfig, from: DrillSource = 'primary'): { name: string; accountId?: string } {
  const names = deploymentNames(config.name);
  if (from === 'primary') return { name: names.backupVault };
  const organization = organizationSettings(config);
  if (!organization) {
    throw new DrillError('--from air-gapped needs the organization block in the config: there is no air-gapped vault', 2);
  }
  if (!organization.backupRegions.includes(config.regions.primary)) {
    throw new DrillError(
      `--from air-gapped: the air-gapped vaults are in ${organization.backupRegions.join(', ')}, not in the primary region ${config.regions.primary} ` +
        'where the drill restores (its subnet group, security group and keys are there); restore from that region by hand (runbook)',
      2,
    );
  }
  return { name: names.airGappedVault, accountId: organization.backupAccount };
}

/** Reads the selection, picks the recovery point, builds the metadata. Starts nothing. */
export async function resolveDrillPlan(backup: BackupClient, input: ResolvePlanInput): Promise<DrillPlan> {
  const { config, account, resource, now } = input;
  const vault = drillVault(config, input.from);
  const resourceType = RESOURCE_TYPES[resource];
  const names = deploymentNames(config.name);
  const planName = names.restoreTestingPlan;
  const selectionName = RESTORE_TESTING_SELECTIONS[resource];
  const vaultName = vault.name;
  const inVault = { BackupVaultName: vaultName, ...(vault.accountId ? { BackupVaultAccountId: vault.accountId } : {}) };

  const selection = (
    await backup.send(
      new GetRestoreTestingSelectionCommand({
        RestoreTestingPlanName: planName,
        RestoreTestingSelectionName: selectionName,
      }),
    )
  ).RestoreTestingSelection;
  if (!selection) throw new DrillError(`restore testing selection ${planName}/${selectionName} was not returned`);
  if (selection.ProtectedResourceType !== resourceType) {
    throw new DrillError(
      `restore testing selection ${selectionName} protects ${selection.ProtectedResourceType ?? 'nothing'}, expected ${resourceType}`,
    );
  }
  const arns = selection.ProtectedResourceArns ?? [];
  // A wildcard selection picks resources by conditions at run time; the drill needs to know which one.
  if (arns.length !== 1 || !PROTECTED_ARN[resourceType].test(arns[0])) {
    throw new DrillError(
      `restore testing selection ${selectionName} must name exactly one ${resourceType} resource ARN, found [${arns.join(', ')}]`,
    );
  }
  const protectedResourceArn = arns[0];
  const liveName = resourceNameFromArn(resourceType, protectedResourceArn) as string;
  if (!selection.IamRoleArn) throw new DrillError(`restore testing selection ${selectionName} has no IAM role`);
  const overrides = selection.RestoreMetadataOverrides ?? {};

  const points: RecoveryPointByBackupVault[] = [];
  const pages = paginateListRecoveryPointsByBackupVault({ client: backup }, { ...inVault, ByResourceArn: protectedResourceArn });
  for await (const page of pages) points.push(...(page.RecoveryPoints ?? []));
  const recoveryPoint = chooseRecoveryPoint(points, protectedResourceArn);
  if (!recoveryPoint) {
    throw new DrillError(
      `no completed recovery point of ${protectedResourceArn} in vault ${vaultName} (${points.length} listed): the resource has no restorable backup`,
    );
  }

  const restoreMetadata = await backup.send(
    new GetRecoveryPointRestoreMetadataCommand({ ...inVault, RecoveryPointArn: recoveryPoint.arn }),
  );
  const restoredName = restoredCopyName(config.name, resource, account, now);
  const metadata = buildRestoreMetadata({
    type: resourceType,
    recoveryPointMetadata: restoreMetadata.RestoreMetadata ?? {},
    overrides,
    restoredName,
    liveName,
  });

  return {
    deployment: config.name,
    region: config.regions.primary,
    account,
    resource,
    resourceType,
    restoreTestingPlanName: planName,
    selectionName,
    vaultName,
    ...(vault.accountId ? { vaultAccountId: vault.accountId } : {}),
    protectedResourceArn,
    iamRoleArn: selection.IamRoleArn,
    recoveryPoint,
    overrides,
    metadata,
    restoredName,
    validatorFunctionName: names.restoreValidatorFunction,
    targets: config.backup.targets,
  };
}

/** The one resource a drill may delete, once deletionTarget has checked it. */
export type DeletionTarget =
  | { readonly kind: 'RDS'; readonly arn: string; readonly identifier: string }
  | { readonly kind: 'S3'; readonly arn: string; readonly bucket: string };

/**
 * The restored copy that cleanup may delete, or an Error saying why not. All three must hold: it is
 * the restore job's CreatedResourceArn, its name is this drill's marked name, and it is not the
 * protected (live) resource.
 */
export function deletionTarget(plan: DrillPlan, createdResourceArn: string | undefined): DeletionTarget | Error {
  if (!createdResourceArn) return new Error('the restore job reports no created resource');
  const name = resourceNameFromArn(plan.resourceType, createdResourceArn);
  if (!name) return new Error(`${createdResourceArn} is not an ${plan.resourceType} resource ARN`);
  if (createdResourceArn.toLowerCase() === plan.protectedResourceArn.toLowerCase()) {
    return new Error(`${createdResourceArn} is the live resource`);
  }
  if (name === resourceNameFromArn(plan.resourceType, plan.protectedResourceArn)) {
    return new Error(`${name} is the name of the live resource`);
  }
  if (name !== plan.restoredName || !isDrillCopyName(name, plan.deployment, plan.resource)) {
    return new Error(`${name} is not this drill's copy (${plan.restoredName})`);
  }
  if (plan.resourceType === 'RDS' && !createdResourceArn.includes(`:${plan.account}:db:`)) {
    return new Error(`${createdResourceArn} is not in account ${plan.account}`);
  }
  return plan.resourceType === 'RDS'
    ? { kind: 'RDS', arn: createdResourceArn, identifier: name }
    : { kind: 'S3', arn: createdResourceArn, bucket: name };
}
