/** The erasure function's configuration, from the environment the Operations stack sets (ERASURE_ENV). */
import { AIR_GAPPED_DATA_CLASS, deploymentNames } from '../../lib/vocabulary';
import { inputProblem, requireEnv } from '../shared/errors';
import {
  ERASURE_ENV,
  ERASURE_EXTERNAL_KEYS_ENV,
  ERASURE_TWO_PERSON_ENV,
  type ExternalErasureKey,
} from '../shared/key-lifecycle-contract';
import { ErasureConfigError } from './errors';

export interface ErasureConfig {
  readonly deployment: string;
  readonly primaryRegion: string;
  readonly drRegion: string;
  readonly account: string;
  /** KMS waiting period for ScheduleKeyDeletion (7-30 days). */
  readonly pendingWindowDays: number;
  readonly evidenceBucket: string;
  readonly evidenceKmsKeyArn: string;
  readonly signingKeyArn: string;
  readonly backupVaultName: string;
  readonly drBackupVaultName: string;
  /** The two-person rule: execute needs the recorded approval (ERASURE_TWO_PERSON_ENV = on). */
  readonly twoPersonRule?: boolean;
  /**
   * Keys of other accounts in scope (ERASURE_EXTERNAL_KEYS_ENV): the backup account's air-gapped vault
   * keys. Any key of an account other than `account` that is not exactly one of these is refused.
   */
  readonly externalKeys: readonly ExternalErasureKey[];
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/[A-Za-z0-9-]+$/;

/** Reads and checks every variable, listing every problem at once (a deployment bug, never retried). */
export function parseErasureConfig(env: NodeJS.ProcessEnv): ErasureConfig {
  const problems: string[] = [];
  const read = (name: string): string => {
    try {
      return requireEnv(name, env);
    } catch (e) {
      problems.push(inputProblem(e) ?? `${name} could not be read`);
      return '';
    }
  };
  const config: ErasureConfig = {
    deployment: read(ERASURE_ENV.deployment),
    primaryRegion: read(ERASURE_ENV.primaryRegion),
    drRegion: read(ERASURE_ENV.drRegion),
    account: read(ERASURE_ENV.account),
    pendingWindowDays: Number(read(ERASURE_ENV.pendingWindowDays)),
    evidenceBucket: read(ERASURE_ENV.evidenceBucket),
    evidenceKmsKeyArn: read(ERASURE_ENV.evidenceKmsKeyArn),
    signingKeyArn: read(ERASURE_ENV.signingKeyArn),
    backupVaultName: read(ERASURE_ENV.backupVaultName),
    drBackupVaultName: read(ERASURE_ENV.drBackupVaultName),
    ...(env[ERASURE_TWO_PERSON_ENV] === 'on' ? { twoPersonRule: true } : {}),
    externalKeys: [],
  };
  const rule = env[ERASURE_TWO_PERSON_ENV];
  if (rule !== undefined && rule !== 'on') problems.push(`${ERASURE_TWO_PERSON_ENV} must be "on" or unset`);
  if (problems.length === 0) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(config.deployment)) problems.push(`${ERASURE_ENV.deployment} is not a deployment name`);
    if (!/^\d{12}$/.test(config.account)) problems.push(`${ERASURE_ENV.account} is not a 12-digit account ID`);
    for (const [name, region] of [
      [ERASURE_ENV.primaryRegion, config.primaryRegion],
      [ERASURE_ENV.drRegion, config.drRegion],
    ]) {
      if (!REGION.test(region)) problems.push(`${name} is not a region code`);
    }
    if (config.primaryRegion === config.drRegion) problems.push('the primary and DR regions must differ');
    if (!Number.isInteger(config.pendingWindowDays) || config.pendingWindowDays < 7 || config.pendingWindowDays > 30) {
      problems.push(`${ERASURE_ENV.pendingWindowDays} must be a whole number of days from 7 to 30 (KMS limits)`);
    }
    for (const [name, arn] of [
      [ERASURE_ENV.evidenceKmsKeyArn, config.evidenceKmsKeyArn],
      [ERASURE_ENV.signingKeyArn, config.signingKeyArn],
    ]) {
      const match = KMS_KEY_ARN.exec(arn);
      if (!match) problems.push(`${name} is not a KMS key ARN`);
      else if (match[2] !== config.account) problems.push(`${name} is not in account ${config.account}`);
    }
  }
  if (problems.length > 0) throw new ErasureConfigError(problems);
  const externalKeys = parseExternalKeys(env[ERASURE_EXTERNAL_KEYS_ENV], config);
  if (externalKeys.problems.length > 0) throw new ErasureConfigError(externalKeys.problems);
  return { ...config, externalKeys: externalKeys.keys };
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/([\w+=,.@-]+)$/;

/**
 * The external keys, each checked against this deployment's fixed names: another account than the
 * workload's, the air-gapped key's alias and class, and the erasure role of that same account. So a
 * wrong environment can never point the erasure at a key of someone else.
 */
function parseExternalKeys(text: string | undefined, config: ErasureConfig): { keys: ExternalErasureKey[]; problems: string[] } {
  if (text === undefined || text === '') return { keys: [], problems: [] };
  const name = ERASURE_EXTERNAL_KEYS_ENV;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { keys: [], problems: [`${name} is not JSON`] };
  }
  if (!Array.isArray(parsed)) return { keys: [], problems: [`${name} is not a JSON array`] };
  const names = deploymentNames(config.deployment);
  const problems: string[] = [];
  const keys: ExternalErasureKey[] = [];
  const seen = new Set<string>();
  parsed.forEach((item: unknown, i) => {
    const where = `${name}[${i}]`;
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const fields = ['account', 'region', 'alias', 'dataClass', 'roleArn'] as const;
    if (fields.some((f) => typeof entry[f] !== 'string')) {
      problems.push(`${where} needs the strings ${fields.join(', ')}`);
      return;
    }
    const key = entry as unknown as ExternalErasureKey;
    const before = problems.length;
    if (!/^\d{12}$/.test(key.account)) problems.push(`${where}.account is not a 12-digit account ID`);
    else if (key.account === config.account) problems.push(`${where}.account is the workload account: not an external key`);
    if (!REGION.test(key.region)) problems.push(`${where}.region is not a region code`);
    if (key.alias !== names.airGappedKeyAlias) problems.push(`${where}.alias is not ${names.airGappedKeyAlias}`);
    if (key.dataClass !== AIR_GAPPED_DATA_CLASS) problems.push(`${where}.dataClass is not ${AIR_GAPPED_DATA_CLASS}`);
    const role = ROLE_ARN.exec(key.roleArn);
    if (!role || role[1] !== key.account || role[2] !== names.airGappedKeyErasureRole) {
      problems.push(`${where}.roleArn is not the role ${names.airGappedKeyErasureRole} of account ${key.account}`);
    }
    const id = `${key.account} ${key.region}`;
    if (seen.has(id)) problems.push(`${where} repeats account ${key.account} and region ${key.region}`);
    seen.add(id);
    if (problems.length === before) {
      keys.push({ account: key.account, region: key.region, alias: key.alias, dataClass: key.dataClass, roleArn: key.roleArn });
    }
  });
  return { keys, problems };
}
