/**
 * Which keys an erasure may touch: the four erasable data classes, each in its own region, and
 * never a protected one (audit, audit-dr). Checked again at module load, so an edit of the contract
 * that put a protected class among the erasable ones stops the function instead of erasing the audit trail.
 */
import { ERASABLE_DATA_CLASSES, PROTECTED_DATA_CLASSES, type ErasableDataClass } from '../shared/key-lifecycle-contract';
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

export const isDrClass = (dataClass: string): boolean => dataClass.endsWith('-dr');

/**
 * `alias/<deployment>/<class>`, as `keyAliasName` in lib/naming.ts names the keys (a test holds the two
 * equal). Not imported from there: lib/naming.ts pulls in aws-cdk-lib, which does not belong in a bundle.
 */
export function keyAliasName(deployment: string, dataClass: string): string {
  return `alias/${deployment}/${dataClass}`;
}

/** The erasable classes with their alias and region, in a fixed order (phi, backup, phi-dr, backup-dr). */
export function erasureScope(config: Pick<ErasureConfig, 'deployment' | 'primaryRegion' | 'drRegion'>): ScopedClass[] {
  return ERASABLE_DATA_CLASSES.map((dataClass) => ({
    dataClass,
    alias: keyAliasName(config.deployment, dataClass),
    region: isDrClass(dataClass) ? config.drRegion : config.primaryRegion,
  }));
}

/** The protected classes' aliases: keys that must never be in scope, whatever their tags say. */
export function protectedAliases(config: Pick<ErasureConfig, 'deployment' | 'primaryRegion' | 'drRegion'>) {
  return PROTECTED_DATA_CLASSES.map((dataClass) => ({
    dataClass,
    alias: keyAliasName(config.deployment, dataClass),
    region: isDrClass(dataClass) ? config.drRegion : config.primaryRegion,
  }));
}

/** The vaults whose recovery points are inventoried, each in its region. */
export function vaultsInScope(config: ErasureConfig): { readonly name: string; readonly region: string }[] {
  return [
    { name: config.backupVaultName, region: config.primaryRegion },
    { name: config.drBackupVaultName, region: config.drRegion },
  ];
}
