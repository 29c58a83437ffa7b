/**
 * Issue 14's constraint on trust between accounts: a statement that lets a principal of another account in
 * is scoped by the organization (`aws:PrincipalOrgID`) and names an exact role, never an account (its root
 * or its bare ID) alone. The one exception is AWS's own: the Elastic Load Balancing account of the region
 * may only put access-log objects (AWS's documented bucket policy for ALB access logs in regions created
 * before August 2022). A RAM resource share names accounts, as RAM allows nothing else: it must keep
 * external principals out, and the shared resource's own policies name the exact roles.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { CfnResourceJson as Resource } from './model';

type Json = unknown;
interface Statement {
  readonly Effect?: string;
  readonly Principal?: Json;
  readonly Action?: Json;
  readonly Condition?: Record<string, Record<string, Json>>;
}

const ACCOUNT_OF = /^arn:aws[a-z-]*:iam::(\d{12}):(.+)$/;
const asList = (v: Json): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The account a literal principal names, and what it names in it (`root`, `role/x`...), or undefined for a non-literal. */
function literalPrincipal(value: Json): { account: string; name: string } | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^\d{12}$/.test(value)) return { account: value, name: 'root' };
  const m = ACCOUNT_OF.exec(value);
  return m ? { account: m[1], name: m[2] } : undefined;
}

/** Every literal account a `Principal: *` statement admits by condition (aws:PrincipalAccount, aws:PrincipalArn). */
function conditionedAccounts(statement: Statement): string[] {
  const values = Object.values(statement.Condition ?? {}).flatMap((block) =>
    Object.entries(block)
      .filter(([key]) => /^aws:Principal(Account|Arn)$/i.test(key))
      .flatMap(([, v]) => asList(v)),
  );
  return values
    .flatMap((v) => (typeof v === 'string' ? [literalPrincipal(v)?.account ?? (/^\d{12}$/.test(v) ? v : undefined)] : []))
    .filter((a): a is string => a !== undefined);
}

const hasOrgCondition = (statement: Statement) =>
  Object.values(statement.Condition ?? {}).some((block) =>
    Object.keys(block).some((k) => k.toLowerCase() === 'aws:principalorgid'),
  );

/** Policy documents of a resource whose statements admit principals (resource policies and trust policies). */
function resourcePolicyStatements(resource: Resource): Statement[] {
  const p = resource.Properties ?? {};
  // AccessPolicy: AWS Backup vaults, the logically air-gapped vault included.
  const documents = [p.KeyPolicy, p.PolicyDocument, p.AssumeRolePolicyDocument, p.ResourcePolicy, p.AccessPolicy];
  return documents.flatMap((d) => asList((d as { Statement?: Json } | undefined)?.Statement) as Statement[]);
}

/** One statement (or Lambda permission) that lets a principal of another account in. */
export interface CrossAccountGrant {
  readonly logicalId: string;
  readonly resourceType: string;
  /** The other account. */
  readonly account: string;
  /** Who in it: `role/<name>`, `root`, or `by condition` (`Principal: *` narrowed by aws:PrincipalArn or aws:PrincipalAccount). */
  readonly principal: string;
  /** The exact role ARNs the statement's conditions name (aws:PrincipalArn), if any. */
  readonly roleArns: readonly string[];
  readonly actions: readonly string[];
  /** Scoped to the organization (aws:PrincipalOrgID, or PrincipalOrgID on a Lambda permission). */
  readonly inOrganization: boolean;
  /** AWS's documented exception: the region's Elastic Load Balancing account putting access-log objects. */
  readonly loadBalancerLogDelivery: boolean;
}

const roleArnsOf = (statement: Statement): string[] =>
  Object.values(statement.Condition ?? {})
    .flatMap((block) => Object.entries(block).filter(([key]) => /^aws:PrincipalArn$/i.test(key)))
    .flatMap(([, v]) => asList(v))
    .filter((v): v is string => typeof v === 'string' && /:role\//.test(v));

/** Every grant of `resources` (a template of a stack in `account`, in `region`) to a principal of another account. */
export function crossAccountGrants(
  resources: Readonly<Record<string, Resource>>,
  account: string | undefined,
  region: string | undefined,
): CrossAccountGrant[] {
  const grants: CrossAccountGrant[] = [];
  const elb = region ? RegionInfo.get(region).elbv2Account : undefined;
  const other = (a: string) => a !== account;
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::RAM::ResourceShare') {
      // A share names accounts (RAM has no role principals); what a principal there may do with the shared
      // resource is still up to that resource's own policies (a vault's key policy names the exact roles).
      for (const principal of asList(resource.Properties?.Principals)) {
        const named = literalPrincipal(principal);
        if (!named || !other(named.account)) continue;
        grants.push({
          logicalId,
          resourceType: resource.Type,
          account: named.account,
          principal: 'resource share',
          roleArns: [],
          actions: ['ram:share'],
          // RAM's own switch: without external principals, only accounts of the organization can be shared with.
          inOrganization: resource.Properties?.AllowExternalPrincipals === false,
          loadBalancerLogDelivery: false,
        });
      }
      continue;
    }
    if (resource.Type === 'AWS::Lambda::Permission') {
      const principal = literalPrincipal(resource.Properties?.Principal);
      if (principal && other(principal.account)) {
        grants.push({
          logicalId,
          resourceType: resource.Type,
          account: principal.account,
          principal: principal.name,
          roleArns: principal.name.startsWith('role/') ? [String(resource.Properties?.Principal)] : [],
          actions: asList(resource.Properties?.Action).map(String),
          inOrganization: resource.Properties?.PrincipalOrgID !== undefined,
          loadBalancerLogDelivery: false,
        });
      }
      continue;
    }
    for (const statement of resourcePolicyStatements(resource)) {
      if (statement.Effect !== 'Allow') continue;
      const aws = asList(
        (statement.Principal as { AWS?: Json } | undefined)?.AWS ?? (statement.Principal === '*' ? '*' : undefined),
      );
      const literal = aws.map(literalPrincipal).filter((p): p is { account: string; name: string } => p !== undefined);
      const outside = [
        ...literal.filter((p) => other(p.account)),
        ...(aws.includes('*')
          ? [...new Set(conditionedAccounts(statement))].filter(other).map((a) => ({ account: a, name: 'by condition' }))
          : []),
      ];
      const actions = asList(statement.Action).map(String);
      for (const p of outside) {
        grants.push({
          logicalId,
          resourceType: resource.Type,
          account: p.account,
          principal: p.name,
          roleArns: p.name === 'by condition' ? roleArnsOf(statement) : [`arn:aws:iam::${p.account}:${p.name}`],
          actions,
          inOrganization: hasOrgCondition(statement),
          loadBalancerLogDelivery:
            resource.Type === 'AWS::S3::BucketPolicy' && p.account === elb && actions.every((a) => a === 's3:PutObject'),
        });
      }
    }
  }
  return grants;
}

/**
 * The grants of `resources` that let another account in without the organization and an exact role, as
 * `<logical ID>: <why>`.
 */
export function crossAccountTrustProblems(
  resources: Readonly<Record<string, Resource>>,
  account: string | undefined,
  region: string | undefined,
): string[] {
  return crossAccountGrants(resources, account, region).flatMap((g) => {
    if (g.loadBalancerLogDelivery) return [];
    const verb = g.resourceType === 'AWS::Lambda::Permission' ? 'lets' : 'admits';
    const problems: string[] = [];
    if (g.resourceType === 'AWS::RAM::ResourceShare') {
      return g.inOrganization
        ? []
        : [`${g.logicalId}: shares with account ${g.account} outside the organization (AllowExternalPrincipals)`];
    }
    if (g.resourceType === 'AWS::Lambda::Permission') {
      if (!g.principal.startsWith('role/')) problems.push(`${g.logicalId}: lets account ${g.account} (${g.principal}) invoke`);
      if (!g.inOrganization) problems.push(`${g.logicalId}: lets account ${g.account} invoke without PrincipalOrgID`);
      return problems;
    }
    if (g.principal !== 'by condition' && !(g.principal.startsWith('role/') && !g.principal.includes('*')))
      problems.push(`${g.logicalId}: ${verb} account ${g.account} as ${g.principal}, not an exact role`);
    if (g.principal === 'by condition' && !g.roleArns.some((arn) => !arn.includes('*')))
      problems.push(`${g.logicalId}: ${verb} account ${g.account} by condition without an exact role (aws:PrincipalArn)`);
    if (!g.inOrganization) problems.push(`${g.logicalId}: ${verb} account ${g.account} without aws:PrincipalOrgID`);
    return problems;
  });
}
