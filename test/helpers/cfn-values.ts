/** Helpers to read CloudFormation values in synthesized templates. */

/**
 * App context for tests that read templates: CloudFormation's own template checks run in the app-wide
 * compliance test (test/compliance), like the rule packs.
 */
export const TEMPLATE_ONLY = { '@aws-cdk/core:validateAgainstDefaultRules': false };

/**
 * The flat form of a CloudFormation value, as cdk-nag names findings: `Fn::Join` joined, `Ref` as
 * `<Id>`, `Fn::GetAtt` as `<Id.Attr>`. The partition is written `<AWS::Partition>` whether CDK
 * rendered it as a literal (feature flag) or as a reference, so expectations do not depend on it.
 */
export function flat(value: unknown): string {
  return flatten(value).replace(/arn:aws:/g, 'arn:<AWS::Partition>:');
}

function flatten(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const v = value as Record<string, unknown>;
  if (Array.isArray(v['Fn::Join'])) {
    const [delimiter, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(delimiter);
  }
  if (typeof v.Ref === 'string') return `<${v.Ref}>`;
  if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

/**
 * Whether `value` is a cross-stack reference (export or stack output) to `attribute` of the resource
 * with `logicalId` in another stack, e.g. `('PhiKey', 'Arn')`. Use `'Ref'` for a Ref.
 */
export function isCrossStackRef(value: unknown, logicalId: string, attribute: string): boolean {
  const v = value as Record<string, unknown> | undefined;
  const name =
    (v?.['Fn::ImportValue'] as string | undefined) ??
    (v?.['Fn::GetStackOutput'] as { OutputName?: string } | undefined)?.OutputName;
  if (typeof name !== 'string') return false;
  return attribute === 'Ref' ? name.includes(`Ref${logicalId}`) : name.includes(`FnGetAtt${logicalId}${attribute}`);
}

/** Logical IDs of the keys in the Keys stack (pinned; see keys-stack.test.ts). */
export const KEY_IDS = { phi: 'PhiKey', audit: 'AuditKey', backup: 'BackupKey' } as const;

/** `value` with every intrinsic (`Fn::Join`, `Ref`, `Fn::GetAtt`) inside it replaced by its `flat` form. */
export function flatDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flatDeep);
  if (value === null || typeof value !== 'object') return value;
  const v = value as Record<string, unknown>;
  if ('Fn::Join' in v || 'Ref' in v || 'Fn::GetAtt' in v) return flat(v);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, flatDeep(x)]));
}

/** What every bucket of the project must carry: all public access blocked and ACLs disabled. */
export const PRIVATE_BUCKET = {
  PublicAccessBlockConfiguration: {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  },
  OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
} as const;
