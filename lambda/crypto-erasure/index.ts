/**
 * Crypto-erasure (HIPAA 164.310(d)(2)(i) disposal, 164.310(d)(2)(ii) media re-use): destroys PHI by
 * destroying the keys that protect every copy, in phases that fail closed. Thin handler: checks the
 * request, dispatches on `phase`, logs and counts; the phases are in their own modules.
 *
 * - plan (default; the teardown command invokes it directly): read-only, returns the plan and digest;
 * - execute -> verify -> certify -> (wait for the window) -> finalize -> certify final: the state
 *   machine, each with the confirmed digest and the previous phase's result.
 *
 * Runs outside the VPC: it calls KMS, RDS, Backup, S3, Secrets Manager and CloudTrail in two regions
 * and the VPC has no NAT. With accounts apart it also assumes the backup account's erasure role (STS)
 * to erase the air-gapped vaults' keys there. Logs carry identifiers and counts only.
 */
import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import {
  ERASURE_ERRORS,
  ERASURE_METRIC_SERVICE,
  ERASURE_METRICS,
  type ErasurePhase,
  type ErasurePhaseResult,
  type ErasurePlan,
} from '../shared/key-lifecycle-contract';
import { errorName, loggableError } from '../shared/errors';
import { createClient } from '../shared/clients';
import { createLogger, createMetrics } from '../shared/powertools';
import { createExternalClientsFor, roleSessionName, type ExternalClientsFor } from './accounts';
import { certifyErasure } from './certify';
import { createClientsFor, createClientsWithCredentials, type ClientsFor } from './clients';
import { parseErasureConfig } from './config';
import { executeErasure } from './execute';
import { finalizeErasure } from './finalize';
import { buildPlan } from './plan';
import { parseErasureRequest } from './request';
import { verifyErasure } from './verify';

export interface HandlerDeps {
  readonly clientsFor: ClientsFor;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  /** Random run ID of a plan's canaries (`plan-<hex>`). */
  readonly planRunId: () => string;
  /**
   * The clients of the external keys for one invocation, the role session named `sessionName`.
   * @default - none: a config naming external keys fails (ErasureConfigError)
   */
  readonly externalSessions?: (sessionName: string) => ExternalClientsFor;
}

export type ErasureHandler = (event: unknown, context: Context) => Promise<ErasurePlan | ErasurePhaseResult>;

const RETRYABLE: readonly string[] = [ERASURE_ERRORS.cloudTrailEventsNotYetVisible, ERASURE_ERRORS.keysNotYetDeleted];
const OWN_ERRORS: readonly string[] = [...RETRYABLE, ERASURE_ERRORS.refused, ERASURE_ERRORS.configuration];
const PHASES: readonly string[] = ['plan', 'execute', 'verify', 'certify', 'finalize'];

/** The phase asked for, for the metric dimension, even when the request is refused. */
function phaseOf(event: unknown): ErasurePhase | 'unknown' {
  const phase = typeof event === 'object' && event !== null ? ((event as { phase?: unknown }).phase ?? 'plan') : undefined;
  return typeof phase === 'string' && PHASES.includes(phase) ? (phase as ErasurePhase) : 'unknown';
}

export function createErasureHandler(deps: HandlerDeps): ErasureHandler {
  const logger = createLogger(ERASURE_METRIC_SERVICE);
  const metrics = createMetrics(ERASURE_METRIC_SERVICE);
  return async (event, context) => {
    logger.addContext(context);
    const phase = phaseOf(event);
    try {
      const request = parseErasureRequest(event);
      const config = parseErasureConfig(deps.env);
      const runId = request.phase === 'plan' ? deps.planRunId() : request.runId;
      // A new session each invocation: the other account's CloudTrail names the run in it.
      const externalClientsFor = deps.externalSessions?.(roleSessionName(runId));
      const base = { clientsFor: deps.clientsFor, config, now: deps.now, ...(externalClientsFor ? { externalClientsFor } : {}) };
      logger.info('Phase started', {
        phase,
        requestedBy: request.requestedBy,
        runId: 'runId' in request ? request.runId : undefined,
      });

      let outcome: ErasurePlan | ErasurePhaseResult;
      if (request.phase === 'plan') outcome = await buildPlan(base, { runId, canaries: true });
      else if (request.phase === 'execute') outcome = await executeErasure(base, request);
      else if (request.phase === 'verify') outcome = await verifyErasure(base, request);
      else if (request.phase === 'certify')
        outcome = await certifyErasure({ ...base, executedBy: context.invokedFunctionArn }, request);
      else outcome = await finalizeErasure(base, request);

      const completed = 'completed' in outcome ? outcome.completed : true;
      count(completed ? ERASURE_METRICS.succeeded : ERASURE_METRICS.failed, phase);
      logOutcome(outcome, phase);
      return outcome;
    } catch (error) {
      const name = errorName(error);
      const retryable = RETRYABLE.includes(name);
      count(retryable ? ERASURE_METRICS.pending : ERASURE_METRICS.failed, phase);
      if (OWN_ERRORS.includes(name)) {
        // Our own errors carry identifiers only; the message tells the operator what to do.
        logger[retryable ? 'warn' : 'error'](retryable ? 'Phase not ready yet; the state machine retries' : 'Phase refused', {
          phase,
          errorName: name,
          reason: (error as Error).message,
        });
        throw error;
      }
      logger.error('Phase failed', { phase, ...loggableError(error) });
      // Rethrown without the SDK message (it can repeat request values), under the same name so the
      // state machine can still tell throttling and service errors apart.
      const sanitized = new Error(`crypto-erasure ${phase} failed: ${name}`);
      sanitized.name = name;
      throw sanitized;
    } finally {
      metrics.publishStoredMetrics();
    }
  };

  function count(metric: string, phase: string): void {
    const single = metrics.singleMetric();
    single.addDimension('Phase', phase);
    single.addMetric(metric, MetricUnit.Count, 1);
  }

  function logOutcome(outcome: ErasurePlan | ErasurePhaseResult, phase: string): void {
    if (!('completed' in outcome)) {
      logger.info('Plan made', {
        phase,
        digest: outcome.digest,
        keys: outcome.keys.map((k) => ({
          keyArn: k.keyArn,
          dataClass: k.dataClass,
          state: k.state,
          protected: k.protects.length,
        })),
        missingKeys: (outcome.missingKeys ?? []).map((m) => m.alias),
        uncovered: (outcome.uncovered ?? []).length,
        unchecked: (outcome.unchecked ?? []).length,
        blockers: (outcome.blockers ?? []).length,
      });
      return;
    }
    const keys = outcome.keys.map((k) => ({
      keyArn: k.keyArn,
      state: k.state,
      done: k.done,
      actions: k.actions,
      errorName: k.errorName,
      canaryDecryptError: k.canaryDecryptError,
      cloudTrailEventIds: k.cloudTrailEventIds,
      missingEvents: k.missingEvents,
    }));
    const fields = { phase, runId: outcome.runId, digest: outcome.digest, completed: outcome.completed, keys };
    if (outcome.completed) logger.info('Phase completed', { ...fields, certificate: outcome.certificate });
    // A key that still decrypts, a cancelled deletion or a half-done execute: loud.
    else logger.error('Phase NOT completed', { ...fields, detail: outcome.detail });
  }
}

// STS of the function's own region (regional endpoint); an external key's clients are of the key's region.
const sts = createClient(STSClient);
const clientsWithCredentials = createClientsWithCredentials();

export const handler = createErasureHandler({
  clientsFor: createClientsFor(),
  env: process.env,
  now: () => new Date(),
  planRunId: () => `plan-${randomUUID()}`,
  externalSessions: (sessionName) => createExternalClientsFor(sts, clientsWithCredentials, sessionName),
});
