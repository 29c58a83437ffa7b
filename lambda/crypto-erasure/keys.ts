/**
 * Resolves the keys in scope from their aliases and refuses the whole erasure (fail closed) unless
 * every key found is one of this deployment's own erasable keys:
 * - the key is in ACCOUNT_ID and in the region of its class (phi, backup: primary; *-dr: DR), or it is
 *   exactly one of the configured external keys (the backup account's air-gapped vault key, resolved in
 *   that account through its erasure role: an alias resolves in the caller's account) and in its account
 *   and region;
 * - it is customer managed and single-region (a multi-Region key's replicas would outlive it);
 * - its tags say `hipaa-crm:deployment` = DEPLOYMENT_NAME and `hipaa-crm:data-class` = its class;
 * - it is not a protected key: not the target of the audit / audit-dr alias, not the evidence key,
 *   not the certificate signing key, whatever its tags say.
 * Every problem is collected before the refusal, so the operator sees them all at once.
 * An alias that names no key is not an error: the plan lists the class as missing.
 */
import { DescribeKeyCommand, paginateListResourceTags, type KeyMetadata, type KMSClient } from '@aws-sdk/client-kms';
import { PROTECTED_DATA_CLASSES, TAG } from '../../lib/vocabulary';
import { errorName } from '../shared/errors';
import type { ErasureKeyClass } from '../shared/key-lifecycle-contract';
import { keyClients, type AccountDeps } from './accounts';
import { ErasureRefused } from './errors';
import { erasureScope, protectedAliases } from './scope';

export interface ResolvedKey {
  readonly dataClass: ErasureKeyClass;
  readonly alias: string;
  readonly account: string;
  readonly region: string;
  readonly keyArn: string;
  readonly keyId: string;
  readonly partition: string;
  readonly state: string;
  readonly deletionDate?: Date;
}

export interface MissingKey {
  readonly dataClass: ErasureKeyClass;
  readonly alias: string;
  readonly account: string;
  readonly region: string;
}

const KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key\/([A-Za-z0-9-]+)$/;

export interface ParsedKeyArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly keyId: string;
}

export function parseKeyArn(arn: string): ParsedKeyArn | undefined {
  const m = KEY_ARN.exec(arn);
  return m ? { partition: m[1], region: m[2], account: m[3], keyId: m[4] } : undefined;
}

/** DescribeKey; `undefined` when the key (or alias) does not exist. */
export async function describeKey(kms: KMSClient, keyId: string): Promise<KeyMetadata | undefined> {
  try {
    const out = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    return out.KeyMetadata;
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

async function keyTags(kms: KMSClient, keyArn: string): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  // ListResourceTags takes a key ID or ARN, never an alias.
  for await (const page of paginateListResourceTags({ client: kms }, { KeyId: keyArn })) {
    for (const tag of page.Tags ?? []) if (tag.TagKey) tags.set(tag.TagKey, tag.TagValue ?? '');
  }
  return tags;
}

export type ResolveDeps = AccountDeps;

/** Resolves and checks every key in scope; throws ErasureRefused listing every problem found. */
export async function resolveKeys(deps: ResolveDeps): Promise<{ keys: ResolvedKey[]; missing: MissingKey[] }> {
  const { config } = deps;
  const problems: string[] = [];
  const keys: ResolvedKey[] = [];
  const missing: MissingKey[] = [];

  for (const scoped of erasureScope(config)) {
    const { kms } = await keyClients(deps, scoped);
    const meta = await describeKey(kms, scoped.alias);
    if (!meta) {
      missing.push(scoped);
      continue;
    }
    const where = `${scoped.alias} (${meta.Arn ?? meta.KeyId ?? 'no ARN'})`;
    const parsed = meta.Arn ? parseKeyArn(meta.Arn) : undefined;
    if (!parsed || !meta.KeyId) {
      problems.push(`${where}: DescribeKey returned no usable key ARN`);
      continue;
    }
    let refused = false;
    const refuse = (reason: string) => {
      problems.push(`${where}: ${reason}`);
      refused = true;
    };
    if (parsed.account !== scoped.account || (meta.AWSAccountId && meta.AWSAccountId !== scoped.account)) {
      refuse(`key is in account ${parsed.account}, not ${scoped.account}`);
    }
    if (parsed.region !== scoped.region) refuse(`key is in region ${parsed.region}, not ${scoped.region}`);
    if (meta.KeyManager !== 'CUSTOMER') refuse(`key is not customer managed (${meta.KeyManager ?? 'unknown'})`);
    if (meta.MultiRegion) refuse('key is a multi-Region key: its replicas would stay usable');
    if (!refused) {
      const tags = await keyTags(kms, meta.Arn!);
      const deployment = tags.get(TAG.deployment);
      const dataClass = tags.get(TAG.dataClass);
      if (deployment !== config.deployment) {
        refuse(
          deployment === undefined
            ? `key has no ${TAG.deployment} tag`
            : `key is tagged for deployment ${deployment}, not ${config.deployment}`,
        );
      }
      if ((PROTECTED_DATA_CLASSES as readonly string[]).includes(dataClass ?? '')) {
        refuse(`key is tagged ${TAG.dataClass}=${dataClass}, a protected class that is never erased`);
      } else if (dataClass !== scoped.dataClass) {
        refuse(
          dataClass === undefined
            ? `key has no ${TAG.dataClass} tag`
            : `key is tagged ${TAG.dataClass}=${dataClass}, not ${scoped.dataClass}`,
        );
      }
    }
    if (!refused) {
      keys.push({
        ...scoped,
        keyArn: meta.Arn!,
        keyId: meta.KeyId,
        partition: parsed.partition,
        state: meta.KeyState ?? 'Unknown',
        deletionDate: meta.DeletionDate,
      });
    }
  }

  const seen = new Map<string, string>();
  for (const key of keys) {
    const other = seen.get(key.keyArn);
    if (other) problems.push(`${key.alias} and ${other} name the same key ${key.keyArn}`);
    seen.set(key.keyArn, key.alias);
  }
  problems.push(...(await protectedKeyOverlaps(deps, keys)));

  if (problems.length > 0) throw new ErasureRefused(problems);
  return { keys, missing };
}

/**
 * The keys that must survive: the audit / audit-dr alias targets, the evidence key and the signing
 * key. Any of them in scope is refused, even if its tags claim an erasable class (a tagging mistake
 * must not destroy the audit trail or the means to verify the certificate).
 */
async function protectedKeyOverlaps(deps: ResolveDeps, keys: readonly ResolvedKey[]): Promise<string[]> {
  const { config, clientsFor } = deps;
  const protectedKeys: { what: string; keyId: string }[] = [];
  for (const p of protectedAliases(config)) {
    const meta = await describeKey(clientsFor(p.region).kms, p.alias);
    if (meta?.KeyId) protectedKeys.push({ what: `the ${p.dataClass} key (${p.alias})`, keyId: meta.KeyId });
  }
  for (const [what, arn] of [
    ['the evidence key', config.evidenceKmsKeyArn],
    ['the certificate signing key', config.signingKeyArn],
  ]) {
    const parsed = parseKeyArn(arn);
    if (parsed) protectedKeys.push({ what, keyId: parsed.keyId });
  }
  const problems: string[] = [];
  for (const key of keys) {
    for (const p of protectedKeys) {
      if (p.keyId === key.keyId) problems.push(`${key.alias} (${key.keyArn}) is ${p.what}: protected keys are never erased`);
    }
  }
  return problems;
}
