/**
 * Finds this deployment's keys and proves each one is the deployment's before anything touches it.
 *
 * Discovery: every alias of the account and region (ListAliases, paginated; it has no prefix filter)
 * whose name starts with `alias/<deployment>/`, grouped by target key. The trailing slash matters: it
 * keeps `crm` from matching `crm-demo`'s aliases.
 *
 * Ownership, per key (DescribeKey, ListResourceTags): in this account and this region, customer
 * managed, tagged `hipaa-crm:deployment` = this deployment and with a `hipaa-crm:data-class` tag. An
 * alias is only a name anyone with kms:CreateAlias could point elsewhere; the tags and the account are
 * what make a key ours. A key failing any of these is refused: reported, never changed.
 */
import {
  DescribeKeyCommand,
  paginateListAliases,
  paginateListResourceTags,
  type KeyMetadata,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { deploymentNames, TAG } from '../../lib/vocabulary';
import type { RotateNowRefusalCode } from '../shared/key-lifecycle-contract';
import { step } from './stage';

/** A key that one or more aliases of the deployment point at. */
export interface DeploymentKeyTarget {
  readonly keyId: string;
  /** Sorted alias names, e.g. `alias/crm-demo/phi`. */
  readonly aliases: readonly string[];
}

/** Whom the keys must belong to. */
export interface Owner {
  readonly deployment: string;
  readonly account: string;
  readonly region: string;
}

/** A key proven to be this deployment's (its state and kind are still for the caller to judge). */
export interface OwnedKey {
  readonly keyId: string;
  readonly keyArn: string;
  readonly aliases: readonly string[];
  readonly dataClass: string;
  readonly keyState: string;
  readonly keySpec: string;
  readonly origin: string;
  readonly creationDate?: Date;
  readonly multiRegion: boolean;
}

/** Why a key is not treated as this deployment's. */
export type OwnershipRefusal = Extract<
  RotateNowRefusalCode,
  'foreign-key' | 'not-customer-managed' | 'missing-deployment-tag' | 'other-deployment' | 'missing-data-class-tag'
>;

export type Ownership =
  | { readonly owned: true; readonly key: OwnedKey }
  | {
      readonly owned: false;
      readonly refusal: OwnershipRefusal;
      readonly detail: string;
      /** What is known of the key (identifiers only). */
      readonly keyArn?: string;
      readonly keyState?: string;
    };

/** `arn:<partition>:kms:<region>:<account>:key/<key id>`. */
const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/([A-Za-z0-9-]+)$/;

export function parseKeyArn(
  arn: string,
): { readonly region: string; readonly account: string; readonly keyId: string } | undefined {
  const m = KEY_ARN.exec(arn);
  return m ? { region: m[1], account: m[2], keyId: m[3] } : undefined;
}

export async function discoverDeploymentKeys(kms: KMSClient, deployment: string): Promise<DeploymentKeyTarget[]> {
  const prefix = deploymentNames(deployment).keyAliasPrefix;
  const byKey = new Map<string, string[]>();
  await step('ListAliases', async () => {
    for await (const page of paginateListAliases({ client: kms, pageSize: 100 }, {})) {
      for (const alias of page.Aliases ?? []) {
        // An alias without a target is not associated with any key yet: nothing to check.
        if (!alias.AliasName?.startsWith(prefix) || !alias.TargetKeyId) continue;
        byKey.set(alias.TargetKeyId, [...(byKey.get(alias.TargetKeyId) ?? []), alias.AliasName]);
      }
    }
  });
  return [...byKey.entries()]
    .map(([keyId, aliases]) => ({ keyId, aliases: aliases.sort() }))
    .sort((a, b) => a.aliases[0].localeCompare(b.aliases[0]));
}

/** DescribeKey, then (only for a customer-managed key of this account and region) ListResourceTags. */
export async function proveOwnership(kms: KMSClient, target: DeploymentKeyTarget, owner: Owner): Promise<Ownership> {
  const described = await step('DescribeKey', () => kms.send(new DescribeKeyCommand({ KeyId: target.keyId })));
  const m: KeyMetadata | undefined = described.KeyMetadata;
  const arn = m?.Arn ? parseKeyArn(m.Arn) : undefined;
  if (!m || !arn || arn.account !== owner.account || m.AWSAccountId !== owner.account || arn.region !== owner.region) {
    return {
      owned: false,
      refusal: 'foreign-key',
      detail: `the key is not in account ${owner.account}, region ${owner.region}`,
      keyArn: m?.Arn,
      keyState: m?.KeyState,
    };
  }
  const known = { keyArn: m.Arn, keyState: m.KeyState };
  if (m.KeyManager !== 'CUSTOMER') {
    return { owned: false, refusal: 'not-customer-managed', detail: `KeyManager is ${m.KeyManager ?? 'unknown'}`, ...known };
  }
  const tags = await listTags(kms, m.Arn as string);
  const deploymentTag = tags.get(TAG.deployment);
  if (deploymentTag === undefined) {
    return { owned: false, refusal: 'missing-deployment-tag', detail: `no ${TAG.deployment} tag`, ...known };
  }
  if (deploymentTag !== owner.deployment) {
    return { owned: false, refusal: 'other-deployment', detail: `${TAG.deployment} is not ${owner.deployment}`, ...known };
  }
  const dataClass = tags.get(TAG.dataClass)?.trim();
  if (!dataClass) return { owned: false, refusal: 'missing-data-class-tag', detail: `no ${TAG.dataClass} tag`, ...known };
  return {
    owned: true,
    key: {
      keyId: m.KeyId ?? target.keyId,
      keyArn: m.Arn as string,
      aliases: target.aliases,
      dataClass,
      keyState: m.KeyState ?? 'unknown',
      keySpec: m.KeySpec ?? 'unknown',
      origin: m.Origin ?? 'unknown',
      creationDate: m.CreationDate,
      multiRegion: m.MultiRegion === true,
    },
  };
}

async function listTags(kms: KMSClient, keyArn: string): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  await step('ListResourceTags', async () => {
    for await (const page of paginateListResourceTags({ client: kms, pageSize: 50 }, { KeyId: keyArn })) {
      for (const tag of page.Tags ?? []) if (tag.TagKey !== undefined) tags.set(tag.TagKey, tag.TagValue ?? '');
    }
  });
  return tags;
}
