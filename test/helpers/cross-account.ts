/**
 * Issue 14's constraint on trust between accounts: a statement that lets a principal of another account in
 * is scoped by the organization (`aws:PrincipalOrgID`) and names an exact role, never an account (its root
 * or its bare ID) alone. The one exception is AWS's own: the Elastic Load Balancing account of the region
 * may only put access-log objects (AWS's documented bucket policy for ALB access logs in regions created
 * before August 2022).
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';

type Json = unknown;
interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
}
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
  const documents = [p.KeyPolicy, p.PolicyDocument, p.AssumeRolePolicyDocument, p.ResourcePolicy];
  return documents.flatMap((d) => asList((d as { Statement?: Json } | undefined)?.Statement) as Statement[]);
}

/**
 * The statements of `resources` (a template of a stack in `account`, in `region`) that let another account in
 * without the organization and an exact role, as `<logical ID>: <why>`.
 */
export function crossAccountTrustProblems(
  resources: Readonly<Record<string, Resource>>,
  account: string | undefined,
  region: string | undefined,
): string[] {
  const problems: string[] = [];
  const elb = region ? RegionInfo.get(region).elbv2Account : undefined;
  const other = (a: string) => a !== account;
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::Lambda::Permission') {
      const principal = literalPrincipal(resource.Properties?.Principal);
      if (principal && other(principal.account)) {
        if (!principal.name.startsWith('role/'))
          problems.push(`${id}: lets account ${principal.account} (${principal.name}) invoke`);
        if (resource.Properties?.PrincipalOrgID === undefined)
          problems.push(`${id}: lets account ${principal.account} invoke without PrincipalOrgID`);
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
          ? conditionedAccounts(statement)
              .filter(other)
              .map((a) => ({ account: a, name: 'by condition' }))
          : []),
      ];
      for (const p of outside) {
        const actions = asList(statement.Action);
        const elbLogDelivery =
          resource.Type === 'AWS::S3::BucketPolicy' && p.account === elb && actions.every((a) => a === 's3:PutObject');
        if (elbLogDelivery) continue;
        if (p.name !== 'by condition' && !p.name.startsWith('role/'))
          problems.push(`${id}: admits account ${p.account} as ${p.name}, not an exact role`);
        if (!hasOrgCondition(statement)) problems.push(`${id}: admits account ${p.account} without aws:PrincipalOrgID`);
      }
    }
  }
  return problems;
}
