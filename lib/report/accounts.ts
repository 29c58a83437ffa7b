/**
 * The report's "Accounts and what crosses between them": which account each stack deploys into, what
 * part of the layout that account plays (config `organization`), and every grant of a resource policy or
 * trust policy to a principal of another account, with how it is scoped.
 */
import { crossAccountGrants, type CrossAccountGrant } from '../assembly/cross-account';
import type { CloudAssembly } from '../assembly/model';
import { organizationSettings } from '../config/organization';
import type { DeploymentConfig } from '../config/schema';

export interface AccountRow {
  readonly account: string;
  /** Its part in the layout: workload, log archive, backup, management, security tooling. */
  readonly part: string;
  readonly stacks: readonly { readonly id: string; readonly region?: string }[];
}

export interface AccountGrant extends CrossAccountGrant {
  /** The stack (artifact ID) whose resource grants, and its account. */
  readonly stack: string;
  readonly stackAccount: string;
  /** The other account's part in the layout, when it has one. */
  readonly part?: string;
}

export interface AccountsSection {
  readonly accounts: readonly AccountRow[];
  readonly grants: readonly AccountGrant[];
}

const UNPINNED = 'not pinned (environment-agnostic)';

/** The parts of the layout by account ID, from the config. */
export function accountParts(config: DeploymentConfig): Map<string, string> {
  const parts = new Map<string, string>();
  const organization = organizationSettings(config);
  if (config.account) parts.set(config.account, 'workload');
  if (!organization) return parts;
  parts.set(organization.logArchiveAccount, 'log archive');
  parts.set(organization.backupAccount, 'backup');
  parts.set(organization.managementAccount, 'management');
  if (organization.securityToolingAccount) parts.set(organization.securityToolingAccount, 'security tooling');
  return parts;
}

export function accountsSection(assembly: CloudAssembly, config: DeploymentConfig): AccountsSection {
  const parts = accountParts(config);
  const byAccount = new Map<string, { id: string; region?: string }[]>();
  for (const s of assembly.stacks) {
    const account = s.account ?? UNPINNED;
    byAccount.set(account, [...(byAccount.get(account) ?? []), { id: s.id, region: s.region }]);
  }
  const accounts = [...byAccount].map(([account, stacks]) => ({
    account,
    part: parts.get(account) ?? (account === UNPINNED ? 'workload (the config pins no account)' : 'not in the config'),
    stacks,
  }));
  const grants = assembly.stacks.flatMap((s) =>
    crossAccountGrants(s.template.Resources ?? {}, s.account, s.region).map((g): AccountGrant => ({
      ...g,
      stack: s.id,
      stackAccount: s.account ?? UNPINNED,
      part: parts.get(g.account),
    })),
  );
  return { accounts, grants };
}
