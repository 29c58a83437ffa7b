/**
 * Reading facts out of synthesized CloudFormation templates: property paths, the encryption of a
 * bucket, what a bucket policy denies. Pure functions over template JSON, shared by the HIPAA
 * mappings (lib/compliance/hipaa) and the report's policy tables, so both read a template the same way.
 */
import type { TemplateResource } from './model';

/** The value at a dotted property path (`BucketEncryption.ServerSideEncryptionConfiguration`), if any. */
export function prop(resource: Pick<TemplateResource, 'properties'>, path: string): unknown {
  let value: unknown = resource.properties;
  for (const key of path.split('.')) {
    if (!isRecord(value)) return undefined;
    value = value[key];
  }
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** CloudFormation accepts booleans as `true` or `"true"`. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** A number given as a number or a numeric string; undefined for anything else (tokens, intrinsics). */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** A literal string, or undefined for intrinsics. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The value of tag `key` on a resource (CloudFormation list form or map form). */
export function tagValue(resource: Pick<TemplateResource, 'properties'>, key: string): string | undefined {
  const tags = resource.properties.Tags;
  if (Array.isArray(tags)) {
    for (const t of tags) if (isRecord(t) && t.Key === key) return str(t.Value);
    return undefined;
  }
  return isRecord(tags) ? str(tags[key]) : undefined;
}

/** Days as "2192 days (6.0 years)" for anything of a year or more. */
export function days(n: number): string {
  return n >= 365 ? `${n} days (${(n / 365).toFixed(1)} years)` : `${n} day${n === 1 ? '' : 's'}`;
}

/** The default server-side encryption of an S3 bucket. */
export interface BucketEncryption {
  readonly algorithm: string;
  /** The KMS key property as written in the template (literal, Ref, GetAtt or cross-stack output). */
  readonly kmsKey?: unknown;
}

export function bucketEncryption(bucket: TemplateResource): BucketEncryption | undefined {
  for (const rule of asArray(prop(bucket, 'BucketEncryption.ServerSideEncryptionConfiguration'))) {
    if (!isRecord(rule) || !isRecord(rule.ServerSideEncryptionByDefault)) continue;
    const algorithm = str(rule.ServerSideEncryptionByDefault.SSEAlgorithm);
    if (algorithm) return { algorithm, kmsKey: rule.ServerSideEncryptionByDefault.KMSMasterKeyID };
  }
  return undefined;
}

/** Object Lock default retention of a bucket, when Object Lock is on. */
export interface ObjectLock {
  readonly mode?: string;
  readonly days?: number;
  readonly years?: number;
}

export function objectLock(bucket: TemplateResource): ObjectLock | undefined {
  if (!isTrue(prop(bucket, 'ObjectLockEnabled')) && prop(bucket, 'ObjectLockConfiguration.ObjectLockEnabled') !== 'Enabled') {
    return undefined;
  }
  const retention = prop(bucket, 'ObjectLockConfiguration.Rule.DefaultRetention');
  if (!isRecord(retention)) return {};
  return { mode: str(retention.Mode), days: num(retention.Days), years: num(retention.Years) };
}

export function describeObjectLock(lock: ObjectLock): string {
  const period = lock.days !== undefined ? days(lock.days) : lock.years !== undefined ? `${lock.years} years` : undefined;
  return period ? `Object Lock ${lock.mode ?? ''} ${period}`.replace(/\s+/g, ' ') : 'Object Lock on, no default retention';
}

/** Where a bucket replicates to, as far as the template says (bucket ARN or name, replica key). */
export interface Replication {
  readonly destination: string;
  readonly replicaKey?: string;
}

export function replications(bucket: TemplateResource): Replication[] {
  return asArray(prop(bucket, 'ReplicationConfiguration.Rules')).flatMap((rule) => {
    if (!isRecord(rule) || rule.Status !== 'Enabled' || !isRecord(rule.Destination)) return [];
    const replicaKey = rule.Destination.EncryptionConfiguration;
    return [
      {
        destination: literalText(rule.Destination.Bucket),
        replicaKey: isRecord(replicaKey) ? literalText(replicaKey.ReplicaKmsKeyID) : undefined,
      },
    ];
  });
}

/**
 * A readable rendering of a property that may hold intrinsics: literal strings are kept, a Join is
 * joined, pseudo parameters become `<AccountId>`, references become `<LogicalId>`.
 */
export function literalText(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(literalText).join(', ');
  if (!isRecord(value)) return '';
  if ('Ref' in value) return `<${String(value.Ref).replace(/^AWS::/, '')}>`;
  if ('Fn::Join' in value && Array.isArray(value['Fn::Join'])) {
    const [sep, parts] = value['Fn::Join'] as [unknown, unknown];
    return asArray(parts)
      .map(literalText)
      .join(typeof sep === 'string' ? sep : '');
  }
  if ('Fn::GetAtt' in value) {
    const target = value['Fn::GetAtt'];
    return `<${Array.isArray(target) ? target.join('.') : String(target)}>`;
  }
  if ('Fn::Sub' in value) return literalText(asArray(value['Fn::Sub'])[0]).replace(/\$\{AWS::/g, '${');
  if ('Fn::GetStackOutput' in value && isRecord(value['Fn::GetStackOutput'])) {
    return `<${String(value['Fn::GetStackOutput'].StackName)} output>`;
  }
  if ('Fn::ImportValue' in value) return `<import ${literalText(value['Fn::ImportValue'])}>`;
  return '<computed>';
}

interface PolicyStatement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

function statements(policyDocument: unknown): PolicyStatement[] {
  return isRecord(policyDocument) ? asArray(policyDocument.Statement).filter(isRecord) : [];
}

function isEveryone(principal: unknown): boolean {
  return principal === '*' || (isRecord(principal) && principal.AWS === '*');
}

/** True when the policy denies every principal any request made without TLS. */
export function deniesInsecureTransport(policyDocument: unknown): boolean {
  return statements(policyDocument).some((s) => {
    if (s.Effect !== 'Deny' || !isEveryone(s.Principal) || !isRecord(s.Condition) || !isRecord(s.Condition.Bool)) return false;
    const secure = s.Condition.Bool['aws:SecureTransport'];
    return secure === 'false' || secure === false;
  });
}

/** The minimum TLS version a policy enforces with `NumericLessThan s3:TlsVersion`, if any. */
export function minimumTlsVersion(policyDocument: unknown): number | undefined {
  for (const s of statements(policyDocument)) {
    if (s.Effect !== 'Deny' || !isRecord(s.Condition) || !isRecord(s.Condition.NumericLessThan)) continue;
    const version = num(s.Condition.NumericLessThan['s3:TlsVersion']);
    if (version !== undefined) return version;
  }
  return undefined;
}

/** The delete actions a policy denies to every principal (`s3:Delete*`, `backup:DeleteRecoveryPoint`, ...). */
export function deniedDeleteActions(policyDocument: unknown): string[] {
  return statements(policyDocument).flatMap((s) =>
    s.Effect === 'Deny' && isEveryone(s.Principal)
      ? asArray(s.Action).filter((a): a is string => typeof a === 'string' && /:Delete/.test(a))
      : [],
  );
}

/** Principals (services or accounts) a role's trust policy lets assume it. */
export function trustedPrincipals(role: TemplateResource): string[] {
  return statements(prop(role, 'AssumeRolePolicyDocument')).flatMap((s) => {
    if (s.Effect !== 'Allow' || !isRecord(s.Principal)) return [];
    return Object.entries(s.Principal).flatMap(([kind, who]) =>
      asArray(who).map((w) => (kind === 'Service' ? literalText(w) : `${kind} ${literalText(w)}`)),
    );
  });
}

/** True when the role's trust policy requires MFA (`aws:MultiFactorAuthPresent`). */
export function trustRequiresMfa(role: TemplateResource): boolean {
  return statements(prop(role, 'AssumeRolePolicyDocument')).some(
    (s) =>
      s.Effect === 'Allow' &&
      isRecord(s.Condition) &&
      isRecord(s.Condition.Bool) &&
      isTrue(s.Condition.Bool['aws:MultiFactorAuthPresent']),
  );
}
