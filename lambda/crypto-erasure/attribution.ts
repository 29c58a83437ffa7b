/**
 * Which key in scope a resource's key reference names. Services report the key as they were given
 * it: RDS and AWS Backup give the key ARN, S3 and Secrets Manager may give a key ID, an alias name
 * or an alias ARN. Alias references are resolved with DescribeKey (once each), so a bucket set up
 * with another alias of the `phi` key is still found.
 */
import type { ClientsFor } from './clients';
import { describeKey, parseKeyArn, type ResolvedKey } from './keys';

export class KeyAttributor {
  private readonly byKeyId = new Map<string, ResolvedKey>();
  private readonly aliasCache = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly clientsFor: ClientsFor,
    readonly keys: readonly ResolvedKey[],
  ) {
    for (const key of keys) this.byKeyId.set(key.keyId, key);
  }

  /** The key in scope that `reference` (as reported by a service in `region`) names, if any. */
  async keyFor(region: string, reference: string | undefined): Promise<ResolvedKey | undefined> {
    if (!reference) return undefined;
    const asArn = parseKeyArn(reference);
    if (asArn) return this.inScope(asArn.keyId, asArn.region);
    if (/^[A-Za-z0-9-]+$/.test(reference) && !reference.startsWith('alias')) return this.inScope(reference, region);
    const alias = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:(alias\/.+)$/.exec(reference);
    const aliasRegion = alias ? alias[1] : region;
    const aliasName = alias ? alias[2] : reference;
    if (!aliasName.startsWith('alias/')) return undefined;
    const known = this.keys.find((k) => k.alias === aliasName && k.region === aliasRegion);
    if (known) return known;
    const cacheKey = `${aliasRegion} ${aliasName}`;
    let resolved = this.aliasCache.get(cacheKey);
    if (!resolved) {
      resolved = describeKey(this.clientsFor(aliasRegion).kms, aliasName).then(
        (meta) => meta?.Arn,
        // An alias this role may not describe cannot be one of the keys in scope (their aliases were resolved).
        () => undefined,
      );
      this.aliasCache.set(cacheKey, resolved);
    }
    const arn = await resolved;
    const parsed = arn ? parseKeyArn(arn) : undefined;
    return parsed ? this.inScope(parsed.keyId, parsed.region) : undefined;
  }

  private inScope(keyId: string, region: string): ResolvedKey | undefined {
    const key = this.byKeyId.get(keyId);
    return key && key.region === region ? key : undefined;
  }
}
