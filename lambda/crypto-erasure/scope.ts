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
import type { ErasureConfig } from './config';

for (const dataClass of ERASABLE_DATA_CLASSES) {
  if ((PROTECTED_DATA_CLASSES as readonly string[]).includes(dataClass)) {
    throw new Error(`data class ${dataClass} is both erasable and protected: refusing to load`);
  }
}

export interface ScopedClass {
  readonly dataClass: ErasableDataClass;
  readonly alias: string;
  readonly region: string;
}

/** The erasable classes with their alias and region, in a fixed order (phi, backup, phi-dr, backup-dr). */
export function erasureScope(config: Pick<ErasureConfig, 'deployment' | 'primaryRegion' | 'drRegion'>): ScopedClass[] {
  return ERASABLE_DATA_CLASSES.map((dataClass) => ({
    dataClass,
    alias: deploymentNames(config.deployment).keyAlias(dataClass),
    region: isDrDataClass(dataClass) ? config.drRegion : config.primaryRegion,
  }));
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
