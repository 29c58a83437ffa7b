/**
 * The accounts diagram of docs/architecture.md ("Accounts apart"): one box per account with its stacks,
 * and an arrow for everything that crosses between accounts, drawn from the synthesized templates of
 * the organization example (pure). An arrow exists because a resource or trust policy grants another
 * account's role something (lib/assembly/cross-account.ts), or because a service control policy is
 * attached to the workload OU: nothing is drawn that the templates do not hold.
 */
import { crossAccountGrants } from '../../lib/assembly/cross-account';
import type { AssemblyStack, CloudAssembly } from '../../lib/assembly/model';
import { asArray, literalText, prop, str } from '../../lib/assembly/template-facts';

export interface AccountsDiagramInput {
  readonly assembly: CloudAssembly;
  /** Each account's part in the layout (workload, log archive, backup, management...). */
  readonly parts: ReadonlyMap<string, string>;
  /** The account whose OU the service control policies attach to. */
  readonly workloadAccount?: string;
}

export interface Arrow {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly dotted: boolean;
}

const idOf = (text: string) => text.replace(/[^a-zA-Z0-9]/g, '_');
const accountNode = (account: string) => `account_${account}`;
const stackNode = (stack: AssemblyStack) => `stack_${idOf(stack.id)}`;

/** The stack of `account` that creates the role `arn` names (by its literal RoleName), if one does. */
function stackOfRole(stacks: readonly AssemblyStack[], account: string, arn: string): AssemblyStack | undefined {
  const name = /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  return stacks.find(
    (s) =>
      s.account === account &&
      s.resources.some((r) => r.type === 'AWS::IAM::Role' && name !== undefined && str(prop(r, 'RoleName')) === name),
  );
}

/** The actions, grouped by service: `kms: Decrypt, Encrypt; backup: CopyIntoBackupVault`. */
function actionsLabel(actions: readonly string[]): string {
  const byService = new Map<string, string[]>();
  for (const action of new Set(actions)) {
    const [service, name] = action.includes(':') ? action.split(':', 2) : ['', action];
    byService.set(service, [...(byService.get(service) ?? []), name]);
  }
  return [...byService].map(([service, names]) => `${service}: ${names.join(', ')}`).join('; ');
}

export function accountsArrows(input: AccountsDiagramInput): Arrow[] {
  const stacks = input.assembly.stacks;
  // Grants between the same two ends make one arrow with every action they allow.
  const granted = new Map<string, { from: string; to: string; actions: string[] }>();
  const scps: Arrow[] = [];
  for (const stack of stacks) {
    for (const grant of crossAccountGrants(stack.template.Resources ?? {}, stack.account, stack.region)) {
      if (grant.loadBalancerLogDelivery) continue;
      const grantee = grant.roleArns.map((arn) => stackOfRole(stacks, grant.account, arn)).find((s) => s !== undefined);
      const from = grantee ? stackNode(grantee) : accountNode(grant.account);
      const to = stackNode(stack);
      const key = `${from}>${to}`;
      granted.set(key, { from, to, actions: [...(granted.get(key)?.actions ?? []), ...grant.actions] });
    }
    for (const policy of stack.resources.filter((r) => r.type === 'AWS::Organizations::Policy')) {
      if (str(prop(policy, 'Type')) !== 'SERVICE_CONTROL_POLICY' || input.workloadAccount === undefined) continue;
      const targets = asArray(prop(policy, 'TargetIds')).map(literalText);
      scps.push({
        from: stackNode(stack),
        to: accountNode(input.workloadAccount),
        label: `SCP ${literalText(prop(policy, 'Name'))} on ${targets.join(', ')}`,
        dotted: true,
      });
    }
  }
  return [
    ...[...granted.values()].map((g) => ({ from: g.from, to: g.to, label: actionsLabel(g.actions), dotted: false })),
    ...scps,
  ];
}

/** The Mermaid text of the accounts diagram. */
export function accountsMermaid(input: AccountsDiagramInput): string {
  const lines = ['flowchart LR'];
  const accounts = [...new Set(input.assembly.stacks.map((s) => s.account ?? 'unpinned'))];
  for (const account of accounts) {
    const part = input.parts.get(account) ?? 'other';
    lines.push(`  subgraph ${accountNode(account)}["${part} account ${account}"]`);
    for (const s of input.assembly.stacks.filter((x) => (x.account ?? 'unpinned') === account)) {
      lines.push(`    ${stackNode(s)}["${s.id}${s.region ? `<br/>${s.region}` : ''}"]`);
    }
    lines.push('  end');
  }
  for (const a of accountsArrows(input)) {
    lines.push(`  ${a.from} ${a.dotted ? '-.->' : '-->'}|"${a.label.replace(/"/g, '#quot;')}"| ${a.to}`);
  }
  return lines.join('\n') + '\n';
}
