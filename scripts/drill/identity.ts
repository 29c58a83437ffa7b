/**
 * Who is running the drill: STS GetCallerIdentity, for the account check and the `requestedBy` of the
 * evidence.
 */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

export interface CallerIdentity {
  /** 12-digit account ID. */
  readonly account: string;
  /** IAM ARN of the caller (user, or assumed-role session). */
  readonly arn: string;
}

export type ResolveCallerIdentity = () => Promise<CallerIdentity>;

/** Resolves the caller through `sts`; refuses an answer without a 12-digit account and an ARN. */
export function stsCallerIdentity(sts: STSClient): ResolveCallerIdentity {
  return async () => {
    const answer = await sts.send(new GetCallerIdentityCommand({}));
    const { Account: account, Arn: arn } = answer;
    if (!account || !/^\d{12}$/.test(account) || !arn || !arn.startsWith('arn:')) {
      throw new Error('STS GetCallerIdentity answered without an account ID and ARN');
    }
    return { account, arn };
  };
}
