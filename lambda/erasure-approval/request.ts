/**
 * The erasure request function (two-person rule). Two callers:
 *
 * - a person, through the AWS_IAM function URL (`npm run teardown -- --execute`): the requester is who
 *   AWS says signed the call (never the body). It writes the request record (write-once) and starts the
 *   erasure run named after the request, with that requester. Nothing is destroyed: the run waits for
 *   an approval.
 * - the state machine's wait-for-approval task: it confirms the run is the one a request started, with
 *   its digest and requester, or fails the task (the run stops, nothing destroyed).
 *
 * Logs carry identifiers (request ID, caller ARN, digest) only.
 */
import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createClient } from '../shared/clients';
import { errorName, loggableError } from '../shared/errors';
import { createLogger } from '../shared/powertools';
import { executionArnOf, parseApprovalConfig } from './config';
import {
  APPROVAL_ERRORS,
  ApprovalRefused,
  awaitingRefusals,
  bodyOf,
  callerOf,
  digestOf,
  newRequestId,
  parseAwaitingApproval,
  parseRequestRecord,
  requestRecord,
  requestRefusals,
  response,
} from './logic';
import { readRecord, writeOnce } from './store';

export interface RequestDeps {
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  readonly randomHex8: () => string;
}

export function createRequestHandler(deps: RequestDeps) {
  const logger = createLogger('erasure-request');
  return async (event: unknown): Promise<unknown> => {
    const config = parseApprovalConfig(deps.env);
    const awaiting = parseAwaitingApproval(event);
    if (awaiting) {
      // From the state machine: throws (fails the wait task) unless a request started this run.
      const text = await readRecord(deps.s3, config, awaiting.requestId, 'request.json');
      const refusals = awaitingRefusals(awaiting, text === undefined ? undefined : parseRequestRecord(text));
      if (refusals.length > 0) {
        logger.error('Run refused: not started by an erasure request', { requestId: awaiting.requestId, refusals });
        throw new ApprovalRefused(refusals);
      }
      logger.info('Run waits for approval', { requestId: awaiting.requestId, digest: awaiting.digest });
      return { awaitingApproval: awaiting.requestId };
    }

    try {
      const caller = callerOf(event);
      const digest = digestOf(bodyOf(event));
      const refusals = requestRefusals(caller, config);
      if (refusals.length > 0) throw new ApprovalRefused(refusals);
      const now = deps.now();
      const requestId = newRequestId(now, deps.randomHex8());
      const record = requestRecord({
        requestId,
        digest,
        caller,
        now,
        expirySeconds: config.requestExpirySeconds,
        executionArn: executionArnOf(config.stateMachineArn, requestId),
      });
      if (!(await writeOnce(deps.s3, config, requestId, 'request.json', record))) {
        throw new ApprovalRefused(`request ${requestId} exists already: request again`);
      }
      // The execution name is the request ID: Step Functions refuses a second one of that name.
      await deps.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: config.stateMachineArn,
          name: requestId,
          input: JSON.stringify({ confirmDigest: digest, requestedBy: caller.arn, runId: requestId }),
        }),
      );
      logger.info('Erasure requested', { requestId, requester: caller.arn, digest, expiresAt: record.expiresAt });
      return response(200, { ...record });
    } catch (e) {
      if (errorName(e) === APPROVAL_ERRORS.refused) {
        logger.warn('Erasure request refused', { reasons: (e as ApprovalRefused).reasons });
        return response(403, { refused: (e as ApprovalRefused).reasons });
      }
      logger.error('Erasure request failed', { ...loggableError(e) });
      return response(500, { error: `the request failed: ${errorName(e)}` });
    }
  };
}

export const handler = createRequestHandler({
  s3: createClient(S3Client),
  sfn: createClient(SFNClient),
  env: process.env,
  now: () => new Date(),
  randomHex8: () => randomBytes(4).toString('hex'),
});
