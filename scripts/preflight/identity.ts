/**
 * Whose credentials these are (STS GetCallerIdentity): the account every other check looks at. A config
 * pinned to another account is a FAIL and ends the run: checks of the wrong account would mislead.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import type { DeploymentConfig } from '../../lib/config/schema';
import { stsCallerIdentity } from '../drill/identity';
import { couldNotCheck, fail, GLOBAL, pass, warn, type CheckResult } from './result';

export interface IdentityOutcome {
  readonly results: readonly CheckResult[];
  /** The account the deployment would go into; absent when the run cannot go on. */
  readonly account?: string;
}

export async function checkIdentity(sts: STSClient, config: DeploymentConfig, configPath: string): Promise<IdentityOutcome> {
  let account: string;
  let arn: string;
  try {
    ({ account, arn } = await stsCallerIdentity(sts)());
  } catch (e) {
    const result = couldNotCheck(GLOBAL, 'whose AWS credentials these are', 'sts:GetCallerIdentity', e);
    return {
      results: [
        {
          ...result,
          fix: `sign in for the deployment's account (for example AWS_PROFILE=<profile> after aws sso login); ${result.fix}`,
        },
      ],
    };
  }
  if (config.account === undefined) {
    return {
      account,
      results: [
        warn(
          GLOBAL,
          `${configPath} pins no account: the deployment would go into ${account}, the account of ${arn}`,
          `add "account": "${account}" to ${configPath} so no other credentials can deploy it elsewhere`,
        ),
      ],
    };
  }
  if (config.account !== account) {
    return {
      results: [
        fail(
          GLOBAL,
          `the credentials are for account ${account}, but ${configPath} pins deployment ${config.name} to ${config.account}; nothing else was checked`,
          `use credentials for account ${config.account} (for example AWS_PROFILE=<profile> after aws sso login)`,
        ),
      ],
    };
  }
  return { account, results: [pass(GLOBAL, `credentials of ${arn} are for the config's account ${account}`)] };
}
