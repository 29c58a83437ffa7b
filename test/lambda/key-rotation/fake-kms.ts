/**
 * A small KMS for the rotation enforcer's tests: keys with their aliases, tags, rotation settings and
 * completed rotations, served through aws-sdk-client-mock. EnableKeyRotation and RotateKeyOnDemand
 * change the keys, so a read-back sees the fix, as it would in KMS.
 */
import {
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeyRotationsCommand,
  ListResourceTagsCommand,
  RotateKeyOnDemandCommand,
  type AliasListEntry,
  type RotationsListEntry,
} from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { TAG } from '../../../lib/vocabulary';
import { awsError } from '../fixtures';

export const ACCOUNT = '111122223333';
export const FOREIGN_ACCOUNT = '999988887777';
export const REGION = 'us-east-1';
export const DEPLOYMENT = 'crm-demo';
export const PERIOD_DAYS = 365;
export const NOW = new Date('2026-06-15T06:00:00.000Z');
export const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${DEPLOYMENT}-key-rotation`;
export const EVIDENCE_BUCKET = 'crm-demo-evidence';
export const EVIDENCE_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/evidence-key`;
export const ENV = {
  DEPLOYMENT_NAME: DEPLOYMENT,
  AWS_REGION: REGION,
  ROTATION_PERIOD_DAYS: String(PERIOD_DAYS),
  EVIDENCE_BUCKET,
  EVIDENCE_KMS_KEY_ARN: EVIDENCE_KEY_ARN,
};

const DAY = 86_400_000;
export const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

export interface FakeKey {
  keyId: string;
  account: string;
  region: string;
  aliases: string[];
  keyManager: 'CUSTOMER' | 'AWS';
  keyState: string;
  keySpec: string;
  origin: string;
  creationDate: Date;
  tags: Record<string, string>;
  rotationEnabled: boolean;
  periodDays?: number;
  rotations: RotationsListEntry[];
}

export const arnOf = (k: Pick<FakeKey, 'account' | 'region' | 'keyId'>) => `arn:aws:kms:${k.region}:${k.account}:key/${k.keyId}`;

/** A symmetric key of the deployment, in policy: rotation on (365 days), last rotated 100 days ago. */
export function deploymentKey(dataClass: string, overrides: Partial<FakeKey> = {}): FakeKey {
  return {
    keyId: `key-${dataClass}`,
    account: ACCOUNT,
    region: REGION,
    aliases: [`alias/${DEPLOYMENT}/${dataClass}`],
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    keySpec: 'SYMMETRIC_DEFAULT',
    origin: 'AWS_KMS',
    creationDate: daysAgo(500),
    tags: { [TAG.deployment]: DEPLOYMENT, [TAG.dataClass]: dataClass, [TAG.holdsPhi]: 'false' },
    rotationEnabled: true,
    periodDays: PERIOD_DAYS,
    rotations: [{ KeyId: `key-${dataClass}`, RotationDate: daysAgo(100), RotationType: 'AUTOMATIC' }],
    ...overrides,
  };
}

/** The asymmetric certificate-signing key: tagged like the others, never rotatable. */
export function signingKey(): FakeKey {
  return deploymentKey('certificate-signing', {
    keySpec: 'ECC_NIST_P256',
    rotationEnabled: false,
    periodDays: undefined,
    rotations: [],
  });
}

/** A key in the account that is NOT the deployment's (another deployment): must never be described. */
export function otherDeploymentKey(): FakeKey {
  return deploymentKey('phi', {
    keyId: 'key-other-deployment',
    aliases: ['alias/crm-demo2/phi'],
    tags: { [TAG.deployment]: 'crm-demo2', [TAG.dataClass]: 'phi' },
  });
}

export type Calls = Record<string, string[]>;

/**
 * Mocks KMS and S3 over `keys`. Every KMS call is recorded by command name with the key it named, so
 * tests can assert which keys were (not) touched. ListAliases comes in pages of 2.
 */
export function fakeKms(keys: FakeKey[]) {
  const kms = mockClient(KMSClient);
  const s3 = mockClient(S3Client);
  const calls: Calls = {};
  const record = (command: string, keyId?: string) => (calls[command] ??= []).push(keyId ?? '');
  const find = (id: string | undefined) => {
    const key = keys.find((k) => k.keyId === id || arnOf(k) === id || k.aliases.includes(id ?? ''));
    if (!key) throw awsError('NotFoundException');
    return key;
  };
  const aliases: AliasListEntry[] = [
    { AliasName: 'alias/aws/s3', TargetKeyId: 'aws-managed-s3' },
    { AliasName: 'alias/aws/unassociated' },
    ...keys.flatMap((k) => k.aliases.map((a) => ({ AliasName: a, TargetKeyId: k.keyId }))),
  ];

  kms.on(ListAliasesCommand).callsFake((input: { Marker?: string }) => {
    // The paginator reuses one input object, so the markers are recorded here, as sent.
    record('ListAliases', input.Marker ?? 'first-page');
    const start = Number(input.Marker ?? 0);
    const next = start + 2;
    return {
      Aliases: aliases.slice(start, next),
      Truncated: next < aliases.length,
      NextMarker: next < aliases.length ? String(next) : undefined,
    };
  });
  kms.on(DescribeKeyCommand).callsFake((input: { KeyId: string }) => {
    const k = find(input.KeyId);
    record('DescribeKey', k.keyId);
    return {
      KeyMetadata: {
        KeyId: k.keyId,
        Arn: arnOf(k),
        AWSAccountId: k.account,
        KeyManager: k.keyManager,
        KeyState: k.keyState,
        KeySpec: k.keySpec,
        KeyUsage: k.keySpec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : 'SIGN_VERIFY',
        Origin: k.origin,
        CreationDate: k.creationDate,
        Enabled: k.keyState === 'Enabled',
        MultiRegion: false,
      },
    };
  });
  kms.on(ListResourceTagsCommand).callsFake((input: { KeyId: string }) => {
    const k = find(input.KeyId);
    record('ListResourceTags', k.keyId);
    return { Tags: Object.entries(k.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })), Truncated: false };
  });
  kms.on(GetKeyRotationStatusCommand).callsFake((input: { KeyId: string }) => {
    const k = find(input.KeyId);
    record('GetKeyRotationStatus', k.keyId);
    if (k.keySpec !== 'SYMMETRIC_DEFAULT') throw awsError('UnsupportedOperationException');
    return {
      KeyId: arnOf(k),
      KeyRotationEnabled: k.rotationEnabled,
      RotationPeriodInDays: k.rotationEnabled ? k.periodDays : undefined,
      NextRotationDate: k.rotationEnabled ? new Date(NOW.getTime() + 30 * DAY) : undefined,
    };
  });
  kms.on(EnableKeyRotationCommand).callsFake((input: { KeyId: string; RotationPeriodInDays?: number }) => {
    const k = find(input.KeyId);
    record('EnableKeyRotation', k.keyId);
    k.rotationEnabled = true;
    k.periodDays = input.RotationPeriodInDays ?? 365;
    return {};
  });
  kms.on(ListKeyRotationsCommand).callsFake((input: { KeyId: string }) => {
    const k = find(input.KeyId);
    record('ListKeyRotations', k.keyId);
    return { Rotations: k.rotations, Truncated: false };
  });
  kms.on(RotateKeyOnDemandCommand).callsFake((input: { KeyId: string }) => {
    const k = find(input.KeyId);
    record('RotateKeyOnDemand', k.keyId);
    return { KeyId: k.keyId };
  });
  s3.on(PutObjectCommand).resolves({ VersionId: 'v1' });

  /** The keys a command was sent for, in order. */
  const touched = (command: string) => calls[command] ?? [];
  /** Every command sent for `keyId`. */
  const commandsFor = (keyId: string) =>
    Object.entries(calls)
      .filter(([, ids]) => ids.includes(keyId))
      .map(([c]) => c)
      .sort();
  const evidence = () =>
    s3.commandCalls(PutObjectCommand).map((c) => ({
      ...c.args[0].input,
      record: JSON.parse(c.args[0].input.Body as string) as Record<string, unknown>,
    }));
  return { kms, s3, calls, touched, commandsFor, evidence };
}
