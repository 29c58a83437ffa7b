/**
 * AWS clients per region. The function works in two regions (primary: phi, backup; DR: phi-dr,
 * backup-dr), so every module asks `clientsFor(region)` for the region of the key or vault at hand;
 * tests pass mocked instances instead.
 *
 * Adaptive retries: throttling (CloudTrail LookupEvents allows 2 requests per second per account and
 * region; KMS, RDS and Backup describe calls share account-wide request quotas) is retried with
 * client-side rate limiting before a call is counted as failed.
 */
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface RegionClients {
  readonly kms: KMSClient;
  readonly rds: RDSClient;
  readonly s3: S3Client;
  readonly backup: BackupClient;
  readonly secrets: SecretsManagerClient;
  readonly cloudTrail: CloudTrailClient;
}

export type ClientsFor = (region: string) => RegionClients;

/** Retry settings of every client: adaptive mode, up to 8 attempts. */
export const RETRY = { retryMode: 'adaptive', maxAttempts: 8 } as const;

/** One set of clients per region, created on first use. */
export function createClientsFor(extra: Record<string, unknown> = {}): ClientsFor {
  const cache = new Map<string, RegionClients>();
  return (region) => {
    let clients = cache.get(region);
    if (!clients) {
      const config = { region, ...RETRY, ...extra };
      clients = {
        kms: new KMSClient(config),
        rds: new RDSClient(config),
        s3: new S3Client(config),
        backup: new BackupClient(config),
        secrets: new SecretsManagerClient(config),
        cloudTrail: new CloudTrailClient(config),
      };
      cache.set(region, clients);
    }
    return clients;
  };
}
