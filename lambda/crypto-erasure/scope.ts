/**
 * Which keys an erasure may touch: the four erasable data classes, each in its own region, and
 * never a protected one (audit, audit-dr). Checked again at module load, so an edit of the vocabulary
 * that put a protected class among the erasable ones stops the function instead of erasing the audit trail.
 */
import {
  deploymentNames,
  ERASABLE_DATA_CLASSES,
  isDrDataClass,
  PROTECTED_DATA_CLASSES,
  type ErasableDataClass,
} from '../../lib/vocabulary';
import type { ErasureKeyClass } from '../shared/key-lifecycle-contract';
import type { ErasureConfig } from './config';

for (const dataClass of ERASABLE_DATA_CLASSES) {
  if ((PROTECTED_DATA_CLASSES as readonly string[]).includes(dataClass)) {
    throw new Error(`data class ${dataClass} is both erasable and protected: refusing to load`);
  }
}

export interface ScopedClass {
  readonly dataClass: ErasureKeyClass;
  readonly alias: string;
  readonly account: string;
  readonly region: string;
}

/**
 * The keys in scope, in a fixed order: the workload account's erasable classes (phi, backup, phi-dr,
 * backup-dr), then the configured external keys (the backup account's air-gapped vault keys) in config order.
 */
export function erasureScope(
  config: Pick<ErasureConfig, 'deployment' | 'account' | 'primaryRegion' | 'drRegion' | 'externalKeys'>,
): ScopedClass[] {
  const local = ERASABLE_DATA_CLASSES.map((dataClass: ErasableDataClass) => ({
    dataClass,
    alias: deploymentNames(config.deployment).keyAlias(dataClass),
    account: config.account,
    region: isDrDataClass(dataClass) ? config.drRegion : config.primaryRegion,
  }));
  const external = config.externalKeys.map((k) => ({
    dataClass: k.dataClass,
    alias: k.alias,
    account: k.account,
    region: k.region,
  }));
  return [...local, ...external];
}

/** The protected classes' aliases: keys that must never be in scope, whatever their tags say. */
export function protectedAliases(config: Pick<ErasureConfig, 'deployment' | 'primaryRegion' | 'drRegion'>) {
  return PROTECTED_DATA_CLASSES.map((dataClass) => ({
    dataClass,
    alias: deploymentNames(config.deployment).keyAlias(dataClass),
    region: isDrDataClass(dataClass) ? config.drRegion : config.primaryRegion,
  }));
}

/** The vaults whose recovery points are inventoried, each in its region. */
export function vaultsInScope(config: ErasureConfig): { readonly name: string; readonly region: string }[] {
  return [
    { name: config.backupVaultName, region: config.primaryRegion },
    { name: config.drBackupVaultName, region: config.drRegion },
  ];
}
