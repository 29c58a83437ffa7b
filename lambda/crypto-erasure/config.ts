/** The erasure function's configuration, from the environment the Operations stack sets (ERASURE_ENV). */
import { inputProblem, requireEnv } from '../shared/errors';
import { ERASURE_ENV, ERASURE_TWO_PERSON_ENV } from '../shared/key-lifecycle-contract';
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
  return config;
}
