/**
 * The one reader of the `organization` config block (schema-organization.ts): the stacks of the
 * accounts-apart layout and the two-person rule get their accounts, regions and IDs from here.
 */
import { deploymentNames } from '../vocabulary';
import type { DeploymentConfig } from './schema';

export interface OrganizationSettings {
  /** The AWS organization: cross-account grants are scoped to it (aws:PrincipalOrgID). */
  readonly organizationId: string;
  /** Where the guardrails (SCP) stack deploys. */
  readonly managementAccount: string;
  /** The OU the service control policies attach to. */
  readonly workloadOuId: string;
  /** The workload account (config `account`, required by the schema when `organization` is set). */
  readonly workloadAccount: string;
  /** The workload's regions, which the region guardrail allows. */
  readonly primaryRegion: string;
  readonly drRegion: string;
  /** The log-archive account. */
  readonly logArchiveAccount: string;
  /** The backup account and the regions of its air-gapped vaults. */
  readonly backupAccount: string;
  readonly backupRegions: readonly string[];
  /** The delegated administrator of GuardDuty, Security Hub and Config, when the organization has one. */
  readonly securityToolingAccount?: string;
  /** The two-person rule for crypto-erasure. */
  readonly erasureApproval: {
    /** The approver role's name in the workload account (default `<name>-erasure-approver`). */
    readonly approverRoleName: string;
    /** Hours before an unapproved request expires and destroys nothing. */
    readonly requestExpiryHours: number;
  };
}

/** The accounts-apart settings, or undefined for a single-account deployment (no `organization` block). */
export function organizationSettings(config: DeploymentConfig): OrganizationSettings | undefined {
  const organization = config.organization;
  if (!organization) return undefined;
  if (config.account === undefined) {
    // The schema refuses this (organizationIssues); a config built in code without parsing would get here.
    throw new Error('config.account is required when config.organization is set');
  }
  return {
    organizationId: organization.organizationId,
    managementAccount: organization.managementAccount,
    workloadOuId: organization.workloadOuId,
    workloadAccount: config.account,
    primaryRegion: config.regions.primary,
    drRegion: config.regions.dr,
    logArchiveAccount: organization.logArchive.account,
    backupAccount: organization.backup.account,
    backupRegions: [...organization.backup.regions],
    securityToolingAccount: organization.securityTooling?.account,
    erasureApproval: {
      approverRoleName: organization.erasureApproval.approverRoleName ?? deploymentNames(config.name).erasureApproverRole,
      requestExpiryHours: organization.erasureApproval.requestExpiryHours,
    },
  };
}
