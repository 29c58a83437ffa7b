/**
 * A fake two-region AWS account for the crypto-erasure tests: KMS keys with aliases, tags and states
 * (Encrypt/Decrypt/Disable/Schedule/Sign behave like KMS), RDS resources, buckets, secrets, backup
 * vaults with recovery points, CloudTrail event history (with a switch for delivery lag) and the
 * evidence bucket. Every region has its own mocked client instances, so tests can tell which
 * region's client a call went to; `world.log` records every call in order.
 */
import { BackupClient, DescribeBackupVaultCommand, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { CloudTrailClient, LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import {
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  KMSClient,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
} from '@aws-sdk/client-kms';
import {
  DescribeDBClusterAutomatedBackupsCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  GetBucketEncryptionCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStub = AwsStub<any, any, any>;
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createExternalClientsFor, type ExternalClientsFor } from '../../../lambda/crypto-erasure/accounts';
import type { RegionClients, SessionCredentials } from '../../../lambda/crypto-erasure/clients';
import type { ErasureConfig } from '../../../lambda/crypto-erasure/config';
import { awsError } from '../fixtures';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
/** Accounts apart: the backup account, its air-gapped vault's region and its erasure role. */
export const BACKUP_ACCOUNT = '777788889999';
export const BACKUP_REGION = 'us-east-2';
export const LAG_ALIAS = `alias/crm-demo/backup-lag`;
export const LAG_ROLE_ARN = `arn:aws:iam::${BACKUP_ACCOUNT}:role/crm-demo-lag-key-erasure`;
/** The session the fake STS hands out for the backup account's role. */
export const LAG_SESSION: SessionCredentials = {
  accessKeyId: 'ASIALAGSESSION',
  secretAccessKey: 'lag-secret',
  sessionToken: 'lag-token',
};
export const PRIMARY = 'us-east-1';
export const DR = 'us-west-2';
export const DEPLOYMENT = 'crm-demo';
export const EVIDENCE_BUCKET = 'crm-demo-evidence-111122223333';
export const VAULT = 'crm-demo-backup-vault';
export const DR_VAULT = 'crm-demo-backup-vault-dr';
export const NOW = new Date('2026-05-04T10:00:00.000Z');

export const keyArnOf = (region: string, id: string, account = ACCOUNT) => `arn:aws:kms:${region}:${account}:key/${id}`;

/** Key IDs of the fixture keys. */
export const IDS = {
  phi: '11111111-1111-1111-1111-111111111111',
  backup: '22222222-2222-2222-2222-222222222222',
  'phi-dr': '33333333-3333-3333-3333-333333333333',
  'backup-dr': '44444444-4444-4444-4444-444444444444',
  audit: '55555555-5555-5555-5555-555555555555',
  'audit-dr': '66666666-6666-6666-6666-666666666666',
  signing: '77777777-7777-7777-7777-777777777777',
  unrelated: '88888888-8888-8888-8888-888888888888',
  lag: '99999999-9999-9999-9999-999999999999',
} as const;

export const ARNS = {
  phi: keyArnOf(PRIMARY, IDS.phi),
  backup: keyArnOf(PRIMARY, IDS.backup),
  'phi-dr': keyArnOf(DR, IDS['phi-dr']),
  'backup-dr': keyArnOf(DR, IDS['backup-dr']),
  audit: keyArnOf(PRIMARY, IDS.audit),
  'audit-dr': keyArnOf(DR, IDS['audit-dr']),
  signing: keyArnOf(PRIMARY, IDS.signing),
  unrelated: keyArnOf(PRIMARY, IDS.unrelated),
};

export const ENV: NodeJS.ProcessEnv = {
  AWS_REGION: PRIMARY,
  DEPLOYMENT_NAME: DEPLOYMENT,
  PRIMARY_REGION: PRIMARY,
  DR_REGION: DR,
  ACCOUNT_ID: ACCOUNT,
  PENDING_WINDOW_DAYS: '7',
  EVIDENCE_BUCKET,
  EVIDENCE_KMS_KEY_ARN: ARNS.audit,
  SIGNING_KEY_ARN: ARNS.signing,
  BACKUP_VAULT_NAME: VAULT,
  DR_BACKUP_VAULT_NAME: DR_VAULT,
};

export const CONFIG: ErasureConfig = {
  deployment: DEPLOYMENT,
  primaryRegion: PRIMARY,
  drRegion: DR,
  account: ACCOUNT,
  pendingWindowDays: 7,
  evidenceBucket: EVIDENCE_BUCKET,
  evidenceKmsKeyArn: ARNS.audit,
  signingKeyArn: ARNS.signing,
  backupVaultName: VAULT,
  drBackupVaultName: DR_VAULT,
  externalKeys: [],
};

export const DB_ARN = `arn:aws:rds:${PRIMARY}:${ACCOUNT}:db:crm-demo-db`;
export const SNAPSHOT_ARN = `arn:aws:rds:${PRIMARY}:${ACCOUNT}:snapshot:rds:crm-demo-db-2026-05-03`;
export const PHI_BUCKET = 'crm-demo-phi-111122223333';
export const REPLICA_BUCKET = 'crm-demo-phi-replica-111122223333-us-west-2';
export const SECRET_ARN = `arn:aws:secretsmanager:${PRIMARY}:${ACCOUNT}:secret:crm-demo-db-AbCdEf`;
export const rpArn = (region: string, id: string) => `arn:aws:backup:${region}:${ACCOUNT}:recovery-point:${id}`;

export interface FakeKey {
  keyId: string;
  region: string;
  account: string;
  /** Whose clients see the key (default the workload account); a backup account key: BACKUP_ACCOUNT. */
  home?: string;
  state: string;
  tags: Record<string, string>;
  aliases: string[];
  keyManager?: string;
  multiRegion?: boolean;
  deletionDate?: Date;
  deleted?: boolean;
  usage?: 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY';
  /** A broken fixture: the ARN names another region than the one the key answers in. */
  arnRegion?: string;
}

export interface TrailRecord {
  region: string;
  /** Whose CloudTrail holds it (default the workload account). */
  account?: string;
  eventId: string;
  eventName: string;
  keyArn: string;
  time: Date;
  errorCode?: string;
  eventType?: string;
  principal?: string;
}

type Failure = (input: Record<string, unknown>, region: string) => Error | undefined;

const ROLE = `arn:aws:sts::${ACCOUNT}:assumed-role/crm-demo-crypto-erasure-role/crm-demo-crypto-erasure`;

export class FakeWorld {
  now = new Date(NOW);
  /** The function's configuration (`withAirGappedKey` adds the external key). */
  config: ErasureConfig = CONFIG;
  readonly keys: FakeKey[] = [];
  readonly instances: { region: string; arn: string; kmsKeyId?: string; piKeyId?: string }[] = [];
  readonly snapshots: { region: string; arn: string; kmsKeyId?: string }[] = [];
  readonly buckets: {
    region: string;
    name: string;
    kmsKeyId?: string;
    denied?: boolean;
    lock?: { mode: string; years?: number; days?: number };
  }[] = [];
  readonly secrets: { region: string; arn: string; kmsKeyId?: string }[] = [];
  readonly vaults: {
    region: string;
    name: string;
    keyArn: string;
    locked?: boolean;
    lockDate?: Date;
    minDays?: number;
    maxDays?: number;
  }[] = [];
  readonly points: { region: string; vault: string; arn: string; keyArn?: string; isEncrypted?: boolean; deleteAt?: Date }[] = [];
  readonly trail: TrailRecord[] = [];
  /** false: CloudTrail delivery lags, LookupEvents sees nothing. */
  trailVisible = true;
  /** Evidence objects written: key -> body (latest version). */
  readonly evidence = new Map<string, string>();
  /** Every call since the last resetLog(), in order: `<region> <Command>`. */
  readonly log: string[] = [];
  private readonly inputLog: { region: string; command: string; input: unknown }[] = [];
  /** Per command name, an optional injected failure. */
  readonly failures = new Map<string, Failure>();
  readonly signingKey: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  private readonly clients = new Map<string, RegionClients>();
  private readonly mocks = new Map<string, AnyStub[]>();
  private eventCounter = 0;
  private ciphertexts = new Map<string, { keyId: string; plaintext: Buffer; context: string }>();

  constructor() {
    this.standardFixture();
  }

  keyArn(key: FakeKey): string {
    return keyArnOf(key.arnRegion ?? key.region, key.keyId, key.account);
  }

  key(id: string): FakeKey {
    const key = this.keys.find((k) => k.keyId === id);
    if (!key) throw new Error(`no fake key ${id}`);
    return key;
  }

  /** The deployment as deployed: four erasable keys, two audit keys, the signing key, and what they protect. */
  private standardFixture(): void {
    const tagged = (cls: string) => ({ 'hipaa-crm:deployment': DEPLOYMENT, 'hipaa-crm:data-class': cls });
    for (const cls of ['phi', 'backup', 'audit'] as const) {
      this.keys.push({
        keyId: IDS[cls],
        region: PRIMARY,
        account: ACCOUNT,
        state: 'Enabled',
        tags: tagged(cls),
        aliases: [`alias/${DEPLOYMENT}/${cls}`],
      });
    }
    for (const cls of ['phi-dr', 'backup-dr', 'audit-dr'] as const) {
      this.keys.push({
        keyId: IDS[cls],
        region: DR,
        account: ACCOUNT,
        state: 'Enabled',
        tags: tagged(cls),
        aliases: [`alias/${DEPLOYMENT}/${cls}`],
      });
    }
    this.keys.push({
      keyId: IDS.signing,
      region: PRIMARY,
      account: ACCOUNT,
      state: 'Enabled',
      tags: { 'hipaa-crm:deployment': DEPLOYMENT },
      aliases: [`alias/${DEPLOYMENT}/certificate-signing`],
      usage: 'SIGN_VERIFY',
    });
    this.keys.push({
      keyId: IDS.unrelated,
      region: PRIMARY,
      account: ACCOUNT,
      state: 'Enabled',
      tags: {},
      aliases: ['alias/other-app'],
    });

    this.instances.push({ region: PRIMARY, arn: DB_ARN, kmsKeyId: ARNS.phi, piKeyId: ARNS.phi });
    this.instances.push({ region: PRIMARY, arn: `arn:aws:rds:${PRIMARY}:${ACCOUNT}:db:other-app`, kmsKeyId: ARNS.unrelated });
    this.snapshots.push({ region: PRIMARY, arn: SNAPSHOT_ARN, kmsKeyId: ARNS.phi });
    this.buckets.push({ region: PRIMARY, name: PHI_BUCKET, kmsKeyId: ARNS.phi, lock: { mode: 'COMPLIANCE', years: 6 } });
    this.buckets.push({ region: PRIMARY, name: EVIDENCE_BUCKET, kmsKeyId: ARNS.audit, lock: { mode: 'COMPLIANCE', days: 2190 } });
    // Set up with the alias name, as S3 reports it back.
    this.buckets.push({
      region: DR,
      name: REPLICA_BUCKET,
      kmsKeyId: `alias/${DEPLOYMENT}/phi-dr`,
      lock: { mode: 'COMPLIANCE', years: 6 },
    });
    this.buckets.push({ region: PRIMARY, name: 'other-team-bucket', denied: true });
    this.secrets.push({ region: PRIMARY, arn: SECRET_ARN, kmsKeyId: ARNS.phi });
    this.secrets.push({ region: PRIMARY, arn: `arn:aws:secretsmanager:${PRIMARY}:${ACCOUNT}:secret:default-key-XyZ` });
    this.vaults.push({
      region: PRIMARY,
      name: VAULT,
      keyArn: ARNS.backup,
      locked: true,
      lockDate: new Date('2026-01-10T00:00:00Z'),
      minDays: 7,
      maxDays: 2555,
    });
    this.vaults.push({
      region: DR,
      name: DR_VAULT,
      keyArn: ARNS['backup-dr'],
      locked: true,
      lockDate: new Date('2026-01-10T00:00:00Z'),
      minDays: 7,
      maxDays: 2555,
    });
    // S3 backups are encrypted with the vault key, RDS snapshots with the database's key.
    this.points.push({
      region: PRIMARY,
      vault: VAULT,
      arn: rpArn(PRIMARY, 'continuous:s3-phi-1'),
      keyArn: ARNS.backup,
      deleteAt: new Date('2026-06-08T00:00:00Z'),
    });
    this.points.push({
      region: PRIMARY,
      vault: VAULT,
      arn: `arn:aws:rds:${PRIMARY}:${ACCOUNT}:snapshot:awsbackup:job-1`,
      keyArn: ARNS.phi,
      deleteAt: new Date('2027-05-01T00:00:00Z'),
    });
    this.points.push({
      region: DR,
      vault: DR_VAULT,
      arn: rpArn(DR, 'copy-1'),
      keyArn: ARNS['backup-dr'],
      deleteAt: new Date('2027-05-02T00:00:00Z'),
    });
  }

  /** The per-region clients, each instance separately mocked. */
  clientsFor = (region: string): RegionClients => {
    let clients = this.clients.get(region);
    if (!clients) {
      const config = { region, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };
      clients = {
        kms: new KMSClient(config),
        rds: new RDSClient(config),
        s3: new S3Client(config),
        backup: new BackupClient(config),
        secrets: new SecretsManagerClient(config),
        cloudTrail: new CloudTrailClient(config),
      };
      this.clients.set(region, clients);
      this.wire(region, clients);
    }
    return clients;
  };

  /** Calls made in `region` (or all regions), as command names. */
  calls(region?: string): string[] {
    return this.log.filter((l) => region === undefined || l.startsWith(`${region} `)).map((l) => l.split(' ')[1]);
  }

  /** Inputs of the `command` calls in `region` since the last resetLog(). */
  inputs<T = Record<string, unknown>>(region: string, command: string): T[] {
    return this.inputLog.filter((e) => e.region === region && e.command === command).map((e) => e.input as T);
  }

  resetLog(): void {
    this.log.length = 0;
    this.inputLog.length = 0;
  }

  restore(): void {
    for (const mocks of this.mocks.values()) for (const m of mocks) m.restore();
    this.stsMock?.restore();
  }

  /** The fake STS (function's region): AssumeRole of LAG_ROLE_ARN hands out LAG_SESSION. */
  readonly sts = new STSClient({ region: PRIMARY, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  /** The credentials each external client set was made with, with its region. */
  readonly sessionsUsed: { region: string; credentials: SessionCredentials }[] = [];
  private stsMock?: AnyStub;

  /**
   * Accounts apart: the backup account's air-gapped vault key in BACKUP_REGION (unless `present` is
   * false), the config naming it, and `externalClientsFor` reaching it through the fake STS.
   */
  withAirGappedKey(present = true): this {
    this.config = {
      ...CONFIG,
      externalKeys: [
        { account: BACKUP_ACCOUNT, region: BACKUP_REGION, alias: LAG_ALIAS, dataClass: 'backup-lag', roleArn: LAG_ROLE_ARN },
      ],
    };
    if (present) {
      this.keys.push({
        keyId: IDS.lag,
        region: BACKUP_REGION,
        account: BACKUP_ACCOUNT,
        home: BACKUP_ACCOUNT,
        state: 'Enabled',
        tags: { 'hipaa-crm:deployment': DEPLOYMENT, 'hipaa-crm:data-class': 'backup-lag' },
        aliases: [LAG_ALIAS],
      });
    }
    return this;
  }

  /** What the handler makes per invocation: external clients through the fake STS. */
  externalClientsFor(sessionName = 'crypto-erasure-test'): ExternalClientsFor {
    if (!this.stsMock) {
      this.stsMock = mockClient(this.sts) as unknown as AnyStub;
      this.stsMock.on(AssumeRoleCommand).callsFake(async (input: { RoleArn: string; RoleSessionName: string }) => {
        this.log.push(`${PRIMARY} AssumeRoleCommand`);
        this.inputLog.push({ region: PRIMARY, command: 'AssumeRoleCommand', input });
        const failure = this.failures.get('AssumeRoleCommand')?.(input, PRIMARY);
        if (failure) throw failure;
        if (input.RoleArn !== LAG_ROLE_ARN) throw awsError('AccessDenied', 403);
        return {
          Credentials: {
            AccessKeyId: LAG_SESSION.accessKeyId,
            SecretAccessKey: LAG_SESSION.secretAccessKey,
            SessionToken: LAG_SESSION.sessionToken,
            Expiration: new Date(this.now.getTime() + 3_600_000),
          },
        };
      });
    }
    return createExternalClientsFor(
      this.sts,
      (region, credentials) => {
        this.sessionsUsed.push({ region, credentials });
        const clients = this.accountClients(BACKUP_ACCOUNT, region);
        return { kms: clients.kms, cloudTrail: clients.cloudTrail };
      },
      sessionName,
    );
  }

  /** The clients of another account's session in `region`; their calls are logged as `<account>:<region>`. */
  private accountClients(account: string, region: string): RegionClients {
    const id = `${account}:${region}`;
    let clients = this.clients.get(id);
    if (!clients) {
      const config = { region, credentials: { accessKeyId: 'ASIALAGSESSION', secretAccessKey: 'lag-secret' } };
      clients = {
        kms: new KMSClient(config),
        rds: new RDSClient(config),
        s3: new S3Client(config),
        backup: new BackupClient(config),
        secrets: new SecretsManagerClient(config),
        cloudTrail: new CloudTrailClient(config),
      };
      this.clients.set(id, clients);
      this.wire(region, clients, account);
    }
    return clients;
  }

  /** Moves the clock past the waiting window and lets KMS delete the pending keys (with its service events). */
  deletePendingKeys(): void {
    for (const key of this.keys.filter((k) => k.state === 'PendingDeletion')) {
      key.deleted = true;
      this.record(key.region, 'DeleteKey', this.keyArn(key), {
        eventType: 'AwsServiceEvent',
        principal: 'AWS Internal',
        account: key.home ?? ACCOUNT,
      });
    }
  }

  record(region: string, eventName: string, keyArn: string, extra: Partial<TrailRecord> = {}): TrailRecord {
    const record = {
      region,
      eventId: `evt-${eventName}-${++this.eventCounter}`,
      eventName,
      keyArn,
      time: new Date(this.now),
      principal: ROLE,
      ...extra,
    };
    this.trail.push(record);
    return record;
  }

  private findKey(region: string, keyId: string, home = ACCOUNT): FakeKey {
    const key = this.keys.find(
      (k) =>
        k.region === region &&
        (k.home ?? ACCOUNT) === home &&
        (k.keyId === keyId ||
          this.keyArn(k) === keyId ||
          k.aliases.includes(keyId) ||
          k.aliases.some((a) => `arn:aws:kms:${region}:${k.account}:${a}` === keyId)),
    );
    if (!key || key.deleted) throw awsError('NotFoundException');
    return key;
  }

  private usable(key: FakeKey): void {
    if (key.state === 'Disabled') throw awsError('DisabledException');
    if (key.state !== 'Enabled') throw awsError('KMSInvalidStateException');
  }

  private wire(region: string, clients: RegionClients, account = ACCOUNT): void {
    // Another account's calls are logged (and their inputs kept) as `<account>:<region>`.
    const where = account === ACCOUNT ? region : `${account}:${region}`;
    const findKey = (r: string, keyId: string) => this.findKey(r, keyId, account);
    const mocks: AnyStub[] = [];
    const mockOf = new Map<object, AnyStub>();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const on = (client: any, command: any, fn: (input: any) => unknown) => {
      let mock = mockOf.get(client);
      if (!mock) {
        mock = mockClient(client) as unknown as AnyStub;
        mockOf.set(client, mock);
        mocks.push(mock);
      }
      const name = command.name as string;
      mock.on(command).callsFake(async (input: Record<string, unknown>) => {
        this.log.push(`${where} ${name}`);
        this.inputLog.push({ region: where, command: name, input });
        const failure = this.failures.get(name)?.(input, region);
        if (failure) throw failure;
        return fn(input);
      });
    };

    on(clients.kms, DescribeKeyCommand, (input: { KeyId: string }) => {
      const key = findKey(region, input.KeyId);
      return {
        KeyMetadata: {
          KeyId: key.keyId,
          Arn: this.keyArn(key),
          AWSAccountId: key.account,
          KeyState: key.state,
          KeyManager: key.keyManager ?? 'CUSTOMER',
          MultiRegion: key.multiRegion ?? false,
          ...(key.deletionDate ? { DeletionDate: key.deletionDate } : {}),
        },
      };
    });
    on(clients.kms, ListResourceTagsCommand, (input: { KeyId: string }) => {
      if (input.KeyId.startsWith('alias/')) throw awsError('NotFoundException');
      const key = findKey(region, input.KeyId);
      return { Tags: Object.entries(key.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })), Truncated: false };
    });
    on(
      clients.kms,
      EncryptCommand,
      (input: { KeyId: string; Plaintext: Uint8Array; EncryptionContext?: Record<string, string> }) => {
        const key = findKey(region, input.KeyId);
        this.usable(key);
        const blob = Buffer.from(`ct-${randomUUID()}`);
        this.ciphertexts.set(blob.toString('base64'), {
          keyId: key.keyId,
          plaintext: Buffer.from(input.Plaintext),
          context: JSON.stringify(input.EncryptionContext ?? {}),
        });
        return { CiphertextBlob: new Uint8Array(blob), KeyId: this.keyArn(key) };
      },
    );
    on(
      clients.kms,
      DecryptCommand,
      (input: { KeyId: string; CiphertextBlob: Uint8Array; EncryptionContext?: Record<string, string> }) => {
        const stored = this.ciphertexts.get(Buffer.from(input.CiphertextBlob).toString('base64'));
        const key = findKey(region, input.KeyId);
        this.usable(key);
        if (!stored || stored.keyId !== key.keyId || stored.context !== JSON.stringify(input.EncryptionContext ?? {})) {
          throw awsError('InvalidCiphertextException');
        }
        return { Plaintext: new Uint8Array(stored.plaintext), KeyId: this.keyArn(key) };
      },
    );
    on(clients.kms, DisableKeyCommand, (input: { KeyId: string }) => {
      const key = findKey(region, input.KeyId);
      if (key.state === 'PendingDeletion') throw awsError('KMSInvalidStateException');
      key.state = 'Disabled';
      this.record(region, 'DisableKey', this.keyArn(key), { account });
      return {};
    });
    on(clients.kms, ScheduleKeyDeletionCommand, (input: { KeyId: string; PendingWindowInDays: number }) => {
      const key = findKey(region, input.KeyId);
      if (key.state === 'PendingDeletion') throw awsError('KMSInvalidStateException');
      key.state = 'PendingDeletion';
      key.deletionDate = new Date(this.now.getTime() + input.PendingWindowInDays * 86_400_000);
      this.record(region, 'ScheduleKeyDeletion', this.keyArn(key), { account });
      return {
        KeyId: this.keyArn(key),
        KeyState: 'PendingDeletion',
        DeletionDate: key.deletionDate,
        PendingWindowInDays: input.PendingWindowInDays,
      };
    });
    on(
      clients.kms,
      SignCommand,
      (input: { KeyId: string; Message: Uint8Array; MessageType: string; SigningAlgorithm: string }) => {
        const key = findKey(region, input.KeyId);
        this.usable(key);
        if (input.MessageType !== 'DIGEST' || input.SigningAlgorithm !== 'ECDSA_SHA_256' || input.Message.length !== 32) {
          throw awsError('ValidationException');
        }
        // KMS signs the digest; Node signs the message it hashes: sign the stored body whose digest was sent.
        const hex = Buffer.from(input.Message).toString('hex');
        const body = [...this.evidence.values()].find((b) => createHash('sha256').update(b, 'utf8').digest('hex') === hex);
        if (body === undefined) throw new Error('test world: Sign for a digest of no written evidence');
        return {
          Signature: new Uint8Array(sign('sha256', Buffer.from(body, 'utf8'), this.signingKey.privateKey)),
          KeyId: this.keyArn(key),
        };
      },
    );

    const inRegion = <T extends { region: string }>(items: T[]) => items.filter((i) => i.region === region);
    on(clients.rds, DescribeDBInstancesCommand, () => ({
      DBInstances: inRegion(this.instances).map((i) => ({
        DBInstanceArn: i.arn,
        KmsKeyId: i.kmsKeyId,
        PerformanceInsightsKMSKeyId: i.piKeyId,
      })),
    }));
    on(clients.rds, DescribeDBClustersCommand, () => ({ DBClusters: [] }));
    on(clients.rds, DescribeDBSnapshotsCommand, () => ({
      DBSnapshots: inRegion(this.snapshots).map((s) => ({ DBSnapshotArn: s.arn, KmsKeyId: s.kmsKeyId })),
    }));
    on(clients.rds, DescribeDBClusterSnapshotsCommand, () => ({ DBClusterSnapshots: [] }));
    on(clients.rds, DescribeDBInstanceAutomatedBackupsCommand, () => ({ DBInstanceAutomatedBackups: [] }));
    on(clients.rds, DescribeDBClusterAutomatedBackupsCommand, () => ({ DBClusterAutomatedBackups: [] }));

    on(clients.s3, ListBucketsCommand, (input: { BucketRegion?: string }) => ({
      Buckets: this.buckets
        .filter((b) => b.region === (input.BucketRegion ?? b.region))
        .map((b) => ({ Name: b.name, BucketRegion: b.region })),
    }));
    on(clients.s3, GetBucketEncryptionCommand, (input: { Bucket: string }) => {
      const bucket = inRegion(this.buckets).find((b) => b.name === input.Bucket);
      if (!bucket) throw awsError('PermanentRedirect', 301);
      if (bucket.denied) throw awsError('AccessDenied', 403);
      return {
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: bucket.kmsKeyId
                ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: bucket.kmsKeyId }
                : { SSEAlgorithm: 'AES256' },
              BucketKeyEnabled: true,
            },
          ],
        },
      };
    });
    on(clients.s3, GetObjectLockConfigurationCommand, (input: { Bucket: string }) => {
      const bucket = this.buckets.find((b) => b.name === input.Bucket);
      if (!bucket?.lock) throw awsError('ObjectLockConfigurationNotFoundError', 404);
      return {
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: {
            DefaultRetention: {
              Mode: bucket.lock.mode,
              ...(bucket.lock.years ? { Years: bucket.lock.years } : { Days: bucket.lock.days }),
            },
          },
        },
      };
    });
    // Evidence read back (the two-person rule's approval record).
    on(clients.s3, GetObjectCommand, (input: { Bucket: string; Key: string }) => {
      const body = input.Bucket === EVIDENCE_BUCKET ? this.evidence.get(input.Key) : undefined;
      if (body === undefined) throw awsError('NoSuchKey', 404);
      return { Body: { transformToString: async () => body } };
    });
    on(clients.s3, PutObjectCommand, (input: { Bucket: string; Key: string; Body: string }) => {
      if (input.Bucket !== EVIDENCE_BUCKET) throw awsError('AccessDenied', 403);
      this.evidence.set(input.Key, input.Body);
      return { VersionId: `v-${this.evidence.size}` };
    });

    on(clients.secrets, ListSecretsCommand, () => ({
      SecretList: inRegion(this.secrets).map((s) => ({ ARN: s.arn, KmsKeyId: s.kmsKeyId })),
    }));

    on(clients.backup, DescribeBackupVaultCommand, (input: { BackupVaultName: string }) => {
      const vault = inRegion(this.vaults).find((v) => v.name === input.BackupVaultName);
      if (!vault) throw awsError('ResourceNotFoundException');
      return {
        BackupVaultName: vault.name,
        BackupVaultArn: `arn:aws:backup:${region}:${ACCOUNT}:backup-vault:${vault.name}`,
        EncryptionKeyArn: vault.keyArn,
        Locked: vault.locked ?? false,
        ...(vault.lockDate ? { LockDate: vault.lockDate } : {}),
        MinRetentionDays: vault.minDays,
        MaxRetentionDays: vault.maxDays,
      };
    });
    on(clients.backup, ListRecoveryPointsByBackupVaultCommand, (input: { BackupVaultName: string }) => ({
      RecoveryPoints: inRegion(this.points)
        .filter((p) => p.vault === input.BackupVaultName)
        .map((p) => ({
          RecoveryPointArn: p.arn,
          EncryptionKeyArn: p.keyArn,
          IsEncrypted: p.isEncrypted ?? true,
          ...(p.deleteAt ? { CalculatedLifecycle: { DeleteAt: p.deleteAt } } : {}),
        })),
    }));

    on(
      clients.cloudTrail,
      LookupEventsCommand,
      (input: { LookupAttributes: { AttributeKey: string; AttributeValue: string }[]; StartTime: Date }) => {
        const [attribute] = input.LookupAttributes;
        if (input.LookupAttributes.length !== 1 || attribute.AttributeKey !== 'EventName')
          throw awsError('InvalidLookupAttributesException');
        const events: Event[] = this.trailVisible
          ? inRegion(this.trail)
              .filter((e) => (e.account ?? ACCOUNT) === account)
              .filter((e) => e.eventName === attribute.AttributeValue && e.time >= input.StartTime)
              .map((e) => ({
                EventId: e.eventId,
                EventName: e.eventName,
                EventTime: e.time,
                EventSource: 'kms.amazonaws.com',
                Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: e.keyArn }],
                CloudTrailEvent: JSON.stringify({
                  eventID: e.eventId,
                  eventName: e.eventName,
                  eventType: e.eventType ?? 'AwsApiCall',
                  userIdentity:
                    e.eventType === 'AwsServiceEvent' ? { accountId: ACCOUNT, invokedBy: e.principal } : { arn: e.principal },
                  requestParameters: e.eventType === 'AwsServiceEvent' ? null : { keyId: e.keyArn },
                  resources: [{ ARN: e.keyArn, accountId: ACCOUNT, type: 'AWS::KMS::Key' }],
                  ...(e.errorCode ? { errorCode: e.errorCode } : {}),
                }),
              }))
          : [];
        return { Events: events };
      },
    );
    this.mocks.set(where, mocks);
  }
}

/** Commands that never change anything (plan may send only these). */
export const READ_ONLY_COMMANDS = new Set([
  'DescribeKeyCommand',
  'ListResourceTagsCommand',
  'EncryptCommand',
  'DecryptCommand',
  'DescribeDBInstancesCommand',
  'DescribeDBClustersCommand',
  'DescribeDBSnapshotsCommand',
  'DescribeDBClusterSnapshotsCommand',
  'DescribeDBInstanceAutomatedBackupsCommand',
  'DescribeDBClusterAutomatedBackupsCommand',
  'ListBucketsCommand',
  'GetBucketEncryptionCommand',
  'GetObjectLockConfigurationCommand',
  'ListSecretsCommand',
  'DescribeBackupVaultCommand',
  'ListRecoveryPointsByBackupVaultCommand',
  'LookupEventsCommand',
]);
