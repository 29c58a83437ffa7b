/** The validator's configuration, read from its environment; a missing or malformed value is a deployment bug. */
import { InputError, requireEnv } from '../shared/errors';
import { VALIDATOR_ENV } from '../shared/restore-validation-contract';

export interface ValidatorConfig {
  readonly deployment: string;
  readonly region: string;
  readonly evidenceBucket: string;
  /** @default - the evidence bucket's default encryption */
  readonly evidenceKmsKeyArn?: string;
  readonly databaseName: string;
  /**
   * `schema.table` names as configured. Not validated here: a malformed name becomes a failed check
   * of the restore (visible in the evidence), not a crash before anything is reported.
   */
  readonly expectedTables: readonly string[];
  readonly sampleObjectCount: number;
  readonly rpoMinutes: number;
  readonly rtoMinutes: number;
  /** Restore jobs of this plan are validated and reported to AWS Backup; other restores are ignored. */
  readonly restoreTestingPlanArn: string;
  /** Accounts apart: the plan restoring the backup account's air-gapped copies, validated the same way. */
  readonly airGappedRestoreTestingPlanArn?: string;
}

function positiveInteger(name: string, env: NodeJS.ProcessEnv, max: number): number {
  const raw = requireEnv(name, env);
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InputError(`environment variable ${name} must be an integer from 1 to ${max}`);
  }
  return value;
}

export function parseValidatorConfig(env: NodeJS.ProcessEnv = process.env): ValidatorConfig {
  return {
    deployment: requireEnv(VALIDATOR_ENV.deployment, env),
    region: requireEnv('AWS_REGION', env),
    evidenceBucket: requireEnv(VALIDATOR_ENV.evidenceBucket, env),
    evidenceKmsKeyArn: env[VALIDATOR_ENV.evidenceKmsKeyArn]?.trim() || undefined,
    databaseName: requireEnv(VALIDATOR_ENV.databaseName, env),
    // Empty or unset: no application tables configured; the canary table is checked regardless.
    expectedTables: (env[VALIDATOR_ENV.expectedTables] ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
    sampleObjectCount: positiveInteger(VALIDATOR_ENV.sampleObjectCount, env, 1000),
    rpoMinutes: positiveInteger(VALIDATOR_ENV.rpoMinutes, env, 1440),
    rtoMinutes: positiveInteger(VALIDATOR_ENV.rtoMinutes, env, 2880),
    restoreTestingPlanArn: requireEnv(VALIDATOR_ENV.restoreTestingPlanArn, env),
    airGappedRestoreTestingPlanArn: env[VALIDATOR_ENV.airGappedRestoreTestingPlanArn]?.trim() || undefined,
  };
}
