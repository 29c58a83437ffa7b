/**
 * Which clients reach a key. The workload account's keys: the function's own clients of the key's
 * region. A key of another account (the backup account's air-gapped vault key): KMS key management is
 * not cross-account (DisableKey and ScheduleKeyDeletion are "Cross-account use: No",
 * https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html), so the
 * function assumes the erasure role of that account and calls KMS and CloudTrail there, in the key's
 * region, with that session. Any other account is refused: only the workload account's keys and exactly
 * the configured external keys are in scope.
 *
 * The role is assumed once per invocation, before the first call on its key; in execute that is while
 * planning again, so a role that cannot be assumed stops the run before anything is destroyed.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { errorName } from '../shared/errors';
import type { ExternalErasureKey } from '../shared/key-lifecycle-contract';
import type { ClientsFor, ClientsWithCredentials, KeyClients } from './clients';
import type { ErasureConfig } from './config';
import { ErasureConfigError, ErasureRefused } from './errors';
import { parseKeyArn } from './keys';

/** The clients of an external key, through its account's erasure role. */
export type ExternalClientsFor = (key: ExternalErasureKey) => Promise<KeyClients>;

export interface AccountDeps {
  readonly clientsFor: ClientsFor;
  readonly config: ErasureConfig;
  /** Needed only when the config names external keys. */
  readonly externalClientsFor?: ExternalClientsFor;
}

/** Role session names: 2-64 characters of [\w+=,.@-] (the run ID's characters all are). */
export function roleSessionName(runId: string): string {
  return `crypto-erasure-${runId}`.slice(0, 64);
}

/**
 * Assumes each external key's role once (per role ARN) with `sessionName`, which names the run in the
 * other account's CloudTrail. A failure is an ErasureRefused naming the role, account and key: fail closed.
 */
export function createExternalClientsFor(
  sts: STSClient,
  clientsWith: ClientsWithCredentials,
  sessionName: string,
): ExternalClientsFor {
  const sessions = new Map<string, Promise<NonNullable<Awaited<ReturnType<typeof assume>>>>>();
  const clients = new Map<string, Promise<KeyClients>>();
  async function assume(key: ExternalErasureKey) {
    try {
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: key.roleArn, RoleSessionName: sessionName }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('AssumeRole returned no credentials');
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
    } catch (error) {
      throw new ErasureRefused(
        `could not assume ${key.roleArn} to reach ${key.alias} in account ${key.account}, region ${key.region} (${errorName(error)}): ` +
          'no call was made on that key and nothing was changed by this phase; check that the backup account stack is deployed and its role trusts this function',
      );
    }
  }
  return (key) => {
    const id = `${key.roleArn} ${key.region}`;
    let found = clients.get(id);
    if (!found) {
      let session = sessions.get(key.roleArn);
      if (!session) {
        session = assume(key);
        sessions.set(key.roleArn, session);
      }
      found = session.then((credentials) => clientsWith(key.region, credentials));
      clients.set(id, found);
    }
    return found;
  };
}

/** What names a key's place: its account (absent in plans of format 1: the workload account), region, alias, ARN. */
export interface KeyPlace {
  readonly account?: string;
  readonly region: string;
  readonly alias: string;
  readonly keyArn?: string;
}

/** The clients for the key at `place`; refuses any account but the workload's and the configured external keys'. */
export async function keyClients(deps: AccountDeps, place: KeyPlace): Promise<KeyClients> {
  const { config } = deps;
  const account = place.account ?? config.account;
  const arnAccount = place.keyArn ? parseKeyArn(place.keyArn)?.account : undefined;
  if (place.keyArn && arnAccount !== account) {
    throw new ErasureRefused(
      `${place.alias} (${place.keyArn}) is listed for account ${account} but its ARN says ${arnAccount ?? 'nothing'}`,
    );
  }
  if (account === config.account) {
    const regional = deps.clientsFor(place.region);
    return { kms: regional.kms, cloudTrail: regional.cloudTrail };
  }
  const external = config.externalKeys.find((k) => k.account === account && k.region === place.region && k.alias === place.alias);
  if (!external) {
    throw new ErasureRefused(
      `${place.alias} in account ${account}, region ${place.region} is outside this deployment: only the keys of account ${config.account} and the configured external keys are in scope`,
    );
  }
  if (!deps.externalClientsFor)
    throw new ErasureConfigError([`no way to reach external key ${external.alias} in account ${account}`]);
  return deps.externalClientsFor(external);
}
