/**
 * AWS clients per region. The function works in two regions (primary: phi, backup; DR: phi-dr,
 * backup-dr), so every module asks `clientsFor(region)` for the region of the key or vault at hand;
 * tests pass mocked instances instead. Every client retries as `createClient` sets (throttling of
 * CloudTrail LookupEvents, 2 requests per second, and of the account-wide KMS, RDS and Backup quotas).
 */
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createClient } from '../shared/clients';

export interface RegionClients {
  readonly kms: KMSClient;
  readonly rds: RDSClient;
  readonly s3: S3Client;
  readonly backup: BackupClient;
  readonly secrets: SecretsManagerClient;
  readonly cloudTrail: CloudTrailClient;
}

export type ClientsFor = (region: string) => RegionClients;

/** The clients every phase needs for one key: KMS, and CloudTrail of the key's account and region. */
export interface KeyClients {
  readonly kms: KMSClient;
  readonly cloudTrail: CloudTrailClient;
}

/** Temporary credentials of an assumed role (STS AssumeRole). */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

/** KMS and CloudTrail clients of `region` that sign with `credentials` (another account's role). */
export type ClientsWithCredentials = (region: string, credentials: SessionCredentials) => KeyClients;

/** New clients per call: each external key's session is made once per invocation. */
export function createClientsWithCredentials(transport: Pick<TransportOptions, 'requestHandler'> = {}): ClientsWithCredentials {
  return (region, credentials) => {
    const options = { region, ...transport, credentials };
    return { kms: createClient(KMSClient, options), cloudTrail: createClient(CloudTrailClient, options) };
  };
}

/** Transport settings every client of `createClientsFor` gets (tests: a request handler and credentials). */
export type TransportOptions = Pick<NonNullable<ConstructorParameters<typeof KMSClient>[0]>, 'credentials' | 'requestHandler'>;

/** One set of clients per region, created on first use. */
export function createClientsFor(transport: TransportOptions = {}): ClientsFor {
  const cache = new Map<string, RegionClients>();
  return (region) => {
    let clients = cache.get(region);
    if (!clients) {
      const options = { region, ...transport };
      clients = {
        kms: createClient(KMSClient, options),
        rds: createClient(RDSClient, options),
        s3: createClient(S3Client, options),
        backup: createClient(BackupClient, options),
        secrets: createClient(SecretsManagerClient, options),
        cloudTrail: createClient(CloudTrailClient, options),
      };
      cache.set(region, clients);
    }
    return clients;
  };
}
