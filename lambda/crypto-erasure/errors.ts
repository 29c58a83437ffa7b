/**
 * Errors the erasure function throws on purpose. Each sets `name` to a string literal: Step Functions
 * matches Retry/Catch on `error.name`, and the bundle is minified (class names would be mangled).
 * Messages carry identifiers only (key ARNs, aliases, error names), never data.
 */
import { InputError, Refusal } from '../shared/errors';
import { ERASURE_ERRORS } from '../shared/key-lifecycle-contract';

/** Fail closed: nothing destructive was (or will be) sent. Never retried. */
export class ErasureRefused extends Refusal {
  constructor(reasons: readonly string[] | string) {
    super(ERASURE_ERRORS.refused, reasons);
  }
}

/** The environment the stack set is wrong: a deployment bug, never retried. */
export class ErasureConfigError extends InputError {
  constructor(problems: readonly string[]) {
    super(`crypto-erasure configuration: ${problems.join('; ')}`);
    this.name = ERASURE_ERRORS.configuration;
  }
}

/** verify/finalize: the expected CloudTrail events are not in event history yet (delivery lags minutes). */
export class CloudTrailEventsNotYetVisible extends Error {
  constructor(readonly missing: readonly { readonly keyArn: string; readonly eventNames: readonly string[] }[]) {
    super(`CloudTrail events not yet visible: ${missing.map((m) => `${m.keyArn} (${m.eventNames.join(', ')})`).join('; ')}`);
    this.name = ERASURE_ERRORS.cloudTrailEventsNotYetVisible;
  }
}

/** finalize: some keys are still pending deletion. */
export class KeysNotYetDeleted extends Error {
  constructor(readonly pending: readonly { readonly keyArn: string; readonly deletionDate?: string }[]) {
    super(`keys not yet deleted: ${pending.map((p) => `${p.keyArn} (deletion date ${p.deletionDate ?? 'unknown'})`).join('; ')}`);
    this.name = ERASURE_ERRORS.keysNotYetDeleted;
  }
}
