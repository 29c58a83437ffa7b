/**
 * The erasure approve function (two-person rule), behind an AWS_IAM function URL whose resource policy
 * names only the approver role (`npm run teardown -- --approve <request> --confirm <digest>`).
 *
 * It re-checks everything itself (a same-account principal whose own IAM policy allows
 * lambda:InvokeFunctionUrl gets through the URL without the resource policy): the caller holds the
 * approver role, is not the requester, confirms the requested digest, before the request expires, and
 * nobody approved it yet. Then it writes the approval record (write-once: a replay is refused) and
 * completes the run's wait task with the approval, which the certificate records. Its role is the only
 * one in the stack that may send the task result. A refusal changes nothing: a wrong digest leaves the
 * request open until it expires.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { GetExecutionHistoryCommand, SendTaskSuccessCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { createClient } from '../shared/clients';
import { errorName, loggableError } from '../shared/errors';
import { createLogger } from '../shared/powertools';
import { parseApprovalConfig } from './config';
import {
  APPROVAL_ERRORS,
  ApprovalRefused,
  approvalRecord,
  approvalRefusals,
  bodyOf,
  callerOf,
  digestOf,
  parseRequestRecord,
  requestIdOf,
  response,
  taskTokenIn,
} from './logic';
import { readRecord, writeOnce } from './store';

export interface ApproveDeps {
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
}

export function createApproveHandler(deps: ApproveDeps) {
  const logger = createLogger('erasure-approve');
  return async (event: unknown): Promise<unknown> => {
    const config = parseApprovalConfig(deps.env);
    try {
      const caller = callerOf(event);
      const body = bodyOf(event);
      const requestId = requestIdOf(body);
      const digest = digestOf(body);
      const text = await readRecord(deps.s3, config, requestId, 'request.json');
      const record = text === undefined ? undefined : parseRequestRecord(text);
      const approved = (await readRecord(deps.s3, config, requestId, 'approval.json')) !== undefined;
      const now = deps.now();
      const refusals = approvalRefusals({ caller, policy: config, record, digest, now, approved });
      if (refusals.length > 0 || !record) throw new ApprovalRefused(refusals);

      // The token first: a run that does not wait (yet) leaves no approval behind, so it can be approved later.
      const token = taskTokenIn(await history(record.executionArn), requestId);
      if (!token) throw new ApprovalRefused('the run is not waiting for approval (it ended, or has not reached the wait yet)');
      const approval = approvalRecord(record, caller, now);
      // Two approvers at once: S3 writes one approval, the other is refused here. (Should sending fail
      // after this write, the request cannot be approved again and expires: request again.)
      if (!(await writeOnce(deps.s3, config, requestId, 'approval.json', approval))) {
        throw new ApprovalRefused('the request is already approved');
      }
      try {
        await deps.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(approval) }));
      } catch (e) {
        // The wait timed out (expired) or the run was stopped: it destroys nothing.
        if (['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes(errorName(e))) {
          throw new ApprovalRefused(`the run no longer waits for approval (${errorName(e)}): it expired or was stopped`);
        }
        throw e;
      }
      logger.info('Erasure approved', { requestId, requester: record.requester.arn, approver: caller.arn, digest });
      return response(200, { ...approval });
    } catch (e) {
      if (errorName(e) === APPROVAL_ERRORS.refused) {
        logger.warn('Erasure approval refused', { reasons: (e as ApprovalRefused).reasons });
        return response(403, { refused: (e as ApprovalRefused).reasons });
      }
      logger.error('Erasure approval failed', { ...loggableError(e) });
      return response(500, { error: `the approval failed: ${errorName(e)}` });
    }
  };

  async function history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await deps.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }
}

export const handler = createApproveHandler({
  s3: createClient(S3Client),
  sfn: createClient(SFNClient),
  env: process.env,
  now: () => new Date(),
});
