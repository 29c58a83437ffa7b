/** Configuration of the rotation enforcer, from the environment the construct sets (ROTATION_ENV). */
import { InputError, requireEnv } from '../shared/errors';
import { ROTATION_ENV } from '../shared/key-lifecycle-contract';

export interface RotationConfig {
  readonly deployment: string;
  /** Region whose keys are checked: the function's own (`AWS_REGION`, set by Lambda). */
  readonly region: string;
  /** Automatic rotation period every symmetric key must have. */
  readonly rotationPeriodDays: number;
  readonly evidenceBucket: string;
  /** Named on every evidence write: SSE-KMS without a key ID would use the aws/s3 key instead. */
  readonly evidenceKmsKeyArn: string;
}

/** Same rule as the config schema: the deployment name is the alias prefix, so it must be exact. */
const DEPLOYMENT_NAME = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;
/** KMS accepts rotation periods of 90 to 2560 days (EnableKeyRotation `RotationPeriodInDays`). */
export const KMS_MIN_ROTATION_PERIOD_DAYS = 90;
export const KMS_MAX_ROTATION_PERIOD_DAYS = 2560;

export function parseRotationConfig(env: NodeJS.ProcessEnv): RotationConfig {
  const deployment = requireEnv(ROTATION_ENV.deployment, env);
  if (!DEPLOYMENT_NAME.test(deployment)) throw new InputError(`${ROTATION_ENV.deployment} is not a deployment name`);
  const period = Number(requireEnv(ROTATION_ENV.rotationPeriodDays, env));
  if (!Number.isInteger(period) || period < KMS_MIN_ROTATION_PERIOD_DAYS || period > KMS_MAX_ROTATION_PERIOD_DAYS) {
    throw new InputError(
      `${ROTATION_ENV.rotationPeriodDays} must be a whole number of days from ${KMS_MIN_ROTATION_PERIOD_DAYS} to ${KMS_MAX_ROTATION_PERIOD_DAYS}`,
    );
  }
  return {
    deployment,
    region: requireEnv(ROTATION_ENV.region, env),
    rotationPeriodDays: period,
    evidenceBucket: requireEnv(ROTATION_ENV.evidenceBucket, env),
    evidenceKmsKeyArn: requireEnv(ROTATION_ENV.evidenceKmsKeyArn, env),
  };
}

/**
 * The account the function runs in, from its own ARN (`arn:<partition>:lambda:<region>:<account>:function:<name>`):
 * keys of any other account are refused. Needs no call and no configuration that could be wrong.
 */
export function ownAccount(invokedFunctionArn: string): string {
  const account = invokedFunctionArn.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) throw new InputError('cannot read the account from the invoked function ARN');
  return account;
}
