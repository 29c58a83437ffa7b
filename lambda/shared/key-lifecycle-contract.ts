/**
 * What the rotation enforcer, the crypto-erasure function, its state machine and the teardown
 * command agree on. One place, so the function, the orchestration and the CLI cannot drift apart.
 */

import { AIR_GAPPED_DATA_CLASS, deploymentNames, EVIDENCE_PREFIXES, TAG, type ErasableDataClass } from '../../lib/vocabulary';

// Re-exported for lib/constructs, which imports them from here; the functions import lib/vocabulary.
export { AIR_GAPPED_DATA_CLASS, ERASABLE_DATA_CLASSES, PROTECTED_DATA_CLASSES } from '../../lib/vocabulary';
export type { ErasableDataClass };

/** The data class of a key in an erasure: the workload's erasable classes, or the backup account's air-gapped key. */
export type ErasureKeyClass = ErasableDataClass | typeof AIR_GAPPED_DATA_CLASS;

/**
 * Version of the plan and certificate format. 2: every key carries its `account` (the backup account's
 * air-gapped key sits beside the workload's keys) and the digest covers it and this version, so no
 * plan of another format can have the same digest.
 */
export const ERASURE_FORMAT_VERSION = 2;

/** Environment of the rotation enforcer. */
export const ROTATION_ENV = {
  deployment: 'DEPLOYMENT_NAME',
  /** Region whose keys this instance checks (the function runs in it). */
  region: 'AWS_REGION',
  rotationPeriodDays: 'ROTATION_PERIOD_DAYS',
  evidenceBucket: 'EVIDENCE_BUCKET',
  evidenceKmsKeyArn: 'EVIDENCE_KMS_KEY_ARN',
} as const;

/** Direct invocation of the rotation enforcer for an on-demand rotation (suspected compromise). */
export interface RotateNowRequest {
  readonly action: 'rotate-now';
  /** Key ARN or alias name (`alias/<deployment>/<class>`); must carry this deployment's tags. */
  readonly key: string;
  /** Why (recorded in the evidence; no PHI). */
  readonly reason: string;
  readonly requestedBy: string;
}

/** Environment of the crypto-erasure function. */
export const ERASURE_ENV = {
  deployment: 'DEPLOYMENT_NAME',
  primaryRegion: 'PRIMARY_REGION',
  drRegion: 'DR_REGION',
  /** Expected account: any key or resource elsewhere is refused. */
  account: 'ACCOUNT_ID',
  pendingWindowDays: 'PENDING_WINDOW_DAYS',
  evidenceBucket: 'EVIDENCE_BUCKET',
  evidenceKmsKeyArn: 'EVIDENCE_KMS_KEY_ARN',
  /** ARN of the asymmetric KMS key that signs certificates (ECC_NIST_P256, ECDSA_SHA_256). */
  signingKeyArn: 'SIGNING_KEY_ARN',
  /** Names of the primary and DR backup vaults (inventory of recovery points). */
  backupVaultName: 'BACKUP_VAULT_NAME',
  drBackupVaultName: 'DR_BACKUP_VAULT_NAME',
} as const;

/**
 * Set (besides ERASURE_ENV) only with accounts apart: JSON array of `ExternalErasureKey`, the keys of
 * other accounts the erasure destroys through a role there. Unset: the workload account's keys only.
 */
export const ERASURE_EXTERNAL_KEYS_ENV = 'EXTERNAL_KEYS';

/**
 * A key of another account in scope of the erasure: the backup account's key of one air-gapped vault.
 * KMS key management is not cross-account, so the function assumes `roleArn` (in `account`) and makes
 * every call on the key with that session, in `region`.
 */
export interface ExternalErasureKey {
  readonly account: string;
  readonly region: string;
  /** Alias name, resolved with DescribeKey in `account` (an alias resolves in the caller's account). */
  readonly alias: string;
  readonly dataClass: typeof AIR_GAPPED_DATA_CLASS;
  readonly roleArn: string;
}

/** The backup account's air-gapped vault keys, one per backup region, with the role that erases them. */
export function airGappedErasureKeys(
  deployment: string,
  backup: { readonly account: string; readonly regions: readonly string[] },
  partition: string,
): ExternalErasureKey[] {
  const names = deploymentNames(deployment);
  return backup.regions.map((region) => ({
    account: backup.account,
    region,
    alias: names.airGappedKeyAlias,
    dataClass: AIR_GAPPED_DATA_CLASS,
    roleArn: `arn:${partition}:iam::${backup.account}:role/${names.airGappedKeyErasureRole}`,
  }));
}

/**
 * Set to `on` (besides ERASURE_ENV) only when the deployment has the two-person rule: execute then
 * refuses unless the approval it is given is the one the approve function recorded.
 */
export const ERASURE_TWO_PERSON_ENV = 'TWO_PERSON_RULE';

/** The phases of one crypto-erasure run; each is an invocation of the erasure function. */
export type ErasurePhase = 'plan' | 'execute' | 'verify' | 'certify' | 'finalize';

/** Input of the erasure function. `plan` is read-only; every other phase needs the plan digest. */
export type ErasureRequest =
  | { readonly phase: 'plan'; readonly requestedBy: string }
  | {
      readonly phase: 'execute' | 'verify' | 'certify' | 'finalize';
      /** SHA-256 hex of the canonical plan the operator confirmed; refused if the current plan differs. */
      readonly confirmDigest: string;
      readonly requestedBy: string;
      /** Carried between phases by the state machine. */
      readonly runId: string;
      /**
       * The previous phase's result, passed on unchanged by the state machine. verify, certify and
       * finalize need it (they work from the plan that execute confirmed and carried, never re-plan:
       * disabled keys can no longer encrypt); execute uses it on a re-run to keep the canaries of keys
       * an earlier attempt already disabled.
       */
      readonly previous?: ErasurePhaseResult;
      /**
       * verify and finalize: this is the last attempt. CloudTrail events still not visible are then
       * reported as missing (`missingEvents`) instead of throwing `CloudTrailEventsNotYetVisible`.
       */
      readonly lastAttempt?: boolean;
      /** certify: write the final certificate (after finalize) instead of the first one. */
      readonly final?: boolean;
      /**
       * With the two-person rule: the approval the approve function sent the run (execute checks it,
       * certify records it). Absent without the rule.
       */
      readonly approval?: ErasureApprovalEvidence;
    };

/** A person of the two-person rule, as AWS authenticated them at the function URL. */
export interface ErasureApprovalPerson {
  readonly arn: string;
  readonly userId: string;
  readonly accountId: string;
}

/** The two-person rule's approval of one run (lambda/erasure-approval writes it; the certificate records it). */
export interface ErasureApprovalEvidence {
  /** The request ID: also the run ID and the execution name. */
  readonly requestId: string;
  /** The plan digest the requester confirmed and the approver approved. */
  readonly digest: string;
  readonly requester: ErasureApprovalPerson;
  readonly requestedAt: string;
  readonly approver: ErasureApprovalPerson;
  readonly approvedAt: string;
  readonly executionArn: string;
}

/** Errors the erasure function throws by name (`error.name`, what Step Functions matches in Retry/Catch). */
export const ERASURE_ERRORS = {
  /** Fail closed: foreign/untagged/protected key, missing or wrong digest, missing run state. Never retry. */
  refused: 'ErasureRefused',
  /** verify/finalize: a DisableKey/ScheduleKeyDeletion/DeleteKey event is not in CloudTrail yet. Retry (minutes). */
  cloudTrailEventsNotYetVisible: 'CloudTrailEventsNotYetVisible',
  /** finalize: a key is still PendingDeletion (window not over, or KMS not done yet). Retry (hours). */
  keysNotYetDeleted: 'KeysNotYetDeleted',
  /** The function's environment is wrong (a deployment bug). Never retry. */
  configuration: 'ErasureConfigError',
} as const;

/** Powertools service name of the erasure function (the `service` dimension of its metrics). */
export const ERASURE_METRIC_SERVICE = 'crypto-erasure';

/** Metrics of the erasure function (namespace HipaaCrm, dimensions `service` and `Phase`), all counts. */
export const ERASURE_METRICS = {
  /** A phase finished with `completed: true` (plan: a plan was returned). */
  succeeded: 'ErasurePhaseSucceeded',
  /** A phase was refused, threw, or finished with `completed: false`. Alarm on it. */
  failed: 'ErasurePhaseFailed',
  /** A phase threw one of the retryable "not yet" errors; the state machine retries it. No alarm. */
  pending: 'ErasurePhasePending',
} as const;

/**
 * The pair every crypto-erasure canary's encryption context contains (with the deployment and run).
 * The erasable keys' policies let the erasure role Encrypt/Decrypt only under it, so the role can never
 * decrypt a data key of the data it erases.
 */
export const ERASURE_CANARY_CONTEXT = { [TAG.purpose]: 'crypto-erasure-canary' } as const;

/** Evidence bucket prefix of the erasure function: `<prefix><runId>/plan.json`, `certificate(.final).json(.sig)`. */
export const ERASURE_EVIDENCE_PREFIX = EVIDENCE_PREFIXES.certificatesOfDestruction;

/** One key in scope of the erasure. */
export interface ErasureKey {
  readonly keyArn: string;
  readonly alias: string;
  /** The key's account: the workload account, or the backup account for the air-gapped vault's key. */
  readonly account: string;
  readonly region: string;
  readonly dataClass: ErasureKeyClass;
  /** What the key protects (resource ARNs, counts per kind); identifiers only. */
  readonly protects: readonly { readonly kind: string; readonly arn?: string; readonly count?: number }[];
  /** Base64 ciphertext of a random canary encrypted with the key at plan time. */
  readonly canaryCiphertext?: string;
  /** The encryption context the canary was encrypted under (decrypting needs the same). */
  readonly canaryEncryptionContext?: Readonly<Record<string, string>>;
  /** Key ID (the UUID part of the ARN). */
  readonly keyId?: string;
  /** KeyState when the plan was made (not in the digest: a re-run after a partial failure keeps its digest). */
  readonly state?: string;
}

/** A PHI copy found in the deployment's vaults that none of the keys in scope protects. */
export interface ErasureUncovered {
  readonly kind: string;
  readonly arn: string;
  readonly encryptionKeyArn?: string;
  readonly reason: string;
  /** true: destroying the keys in scope would leave this copy readable, so execute is refused. */
  readonly blocking: boolean;
}

export interface ErasurePlan {
  /** `ERASURE_FORMAT_VERSION` of the function that made the plan. */
  readonly formatVersion: number;
  readonly deployment: string;
  /** The workload account (where the function runs); each key names its own account. */
  readonly account: string;
  readonly createdAt: string;
  readonly keys: readonly ErasureKey[];
  /** What stays, and until when (audit trail, locked buckets and vaults holding unreadable ciphertext). */
  readonly remains: readonly { readonly what: string; readonly until?: string }[];
  /**
   * SHA-256 hex of the canonical JSON (object keys sorted, no whitespace) of `formatVersion`, `deployment`,
   * `account`, `keys` (only `keyArn`, `alias`, `account`, `region`, `dataClass`, `protects`), `missingKeys`, `uncovered`,
   * `unchecked` and `remains`. Not `createdAt`, `runId`, key states or canaries, so planning again when
   * nothing changed gives the same digest.
   */
  readonly digest: string;
  /** The run the canaries were made for (`plan-<random>` for a plan phase; the run ID for execute). */
  readonly runId?: string;
  /** Erasable classes whose alias names no key (never created, or already deleted): nothing to do for them. */
  readonly missingKeys?: readonly {
    readonly dataClass: ErasureKeyClass;
    readonly alias: string;
    readonly account: string;
    readonly region: string;
  }[];
  /** PHI copies in the vaults that no key in scope protects; any `blocking` one refuses execute. */
  readonly uncovered?: readonly ErasureUncovered[];
  /** Resources that could not be inspected (e.g. a bucket whose encryption settings are access-denied). */
  readonly unchecked?: readonly { readonly kind: string; readonly arn: string; readonly reason: string }[];
  /** Why execute would be refused even with the right digest; empty when the plan can be executed. */
  readonly blockers?: readonly string[];
  /**
   * Set on the plan carried from execute onwards: `protects` is summarised (a `{ kind, count }` per
   * kind, ARNs only for small kinds) and the full plan is this evidence object.
   */
  readonly inventoryEvidence?: {
    readonly bucket: string;
    readonly key: string;
    readonly sha256: string;
    readonly versionId?: string;
  };
}

/** A CloudTrail event recorded as evidence (identifiers only). */
export interface ErasureTrailEvent {
  readonly eventName: string;
  readonly eventId: string;
  readonly eventTime?: string;
  /** Who made the call (userIdentity.arn), or the service for AWS service events such as DeleteKey. */
  readonly principal?: string;
  readonly eventType?: string;
}

/** One key's outcome in a phase. */
export interface ErasureKeyResult {
  readonly keyArn: string;
  readonly state?: string;
  readonly done: boolean;
  readonly detail: string;
  /** CloudTrail event IDs found for this key (verify: DisableKey, ScheduleKeyDeletion; finalize: DeleteKey). */
  readonly cloudTrailEventIds?: readonly string[];
  readonly dataClass?: ErasureKeyClass;
  readonly account?: string;
  readonly region?: string;
  /** execute: the destructive calls that succeeded in this invocation, in order. */
  readonly actions?: readonly ('DisableKey' | 'ScheduleKeyDeletion')[];
  /** When KMS deletes (deleted) the key. */
  readonly deletionDate?: string;
  /** The AWS error name of the call that failed, if one did. */
  readonly errorName?: string;
  /** verify: the error decrypting the canary gave (DisabledException / KMSInvalidStateException expected). */
  readonly canaryDecryptError?: string;
  /** The CloudTrail events found, with who and when. */
  readonly events?: readonly ErasureTrailEvent[];
  /** CloudTrail events expected but not found by the last attempt. */
  readonly missingEvents?: readonly string[];
  /** finalize: DescribeKey answered NotFoundException at this time (request ID kept as proof). */
  readonly notFound?: { readonly at: string; readonly requestId?: string };
}

/** What a phase did, key by key, so a partial failure says exactly what was and was not done. */
export interface ErasurePhaseResult {
  readonly phase: ErasurePhase;
  readonly runId: string;
  readonly digest: string;
  readonly completed: boolean;
  readonly keys: readonly ErasureKeyResult[];
  /** Set by certify / finalize: where the certificate is, its SHA-256 and signature. */
  readonly certificate?: {
    readonly bucket: string;
    readonly key: string;
    readonly sha256: string;
    readonly signatureKey: string;
    readonly signingKeyArn: string;
    readonly versionId?: string;
  };
  /** From execute on: the confirmed plan (summarised; see `ErasurePlan.inventoryEvidence`), carried to the next phase. */
  readonly plan?: ErasurePlan;
  /** When the first execute of the run started: CloudTrail lookups start here. */
  readonly startedAt?: string;
  /** The latest deletion date of the keys: finalize is pointless before it (a Wait state's timestamp). */
  readonly pendingWindowEndsAt?: string;
  /** verify/finalize: every expected CloudTrail event was found. */
  readonly evidenceComplete?: boolean;
  /** The results of the earlier phases of this run, oldest first (each without `plan` and `history`). */
  readonly history?: readonly ErasurePhaseResult[];
  /** Why the phase did not complete, in one line (identifiers only). */
  readonly detail?: string;
}

/** Powertools service name of the rotation enforcer: the `service` dimension of its metrics. */
export const ROTATION_METRIC_SERVICE = 'key-rotation';

/** Metrics of the rotation enforcer (namespace HipaaCrm, dimension `service` only), all counts. */
export const ROTATION_METRICS = {
  /** Check runs only: keys found under `alias/<deployment>/`. Written by every check run that got that far. */
  keysChecked: 'KeysChecked',
  /** Keys that need a person: overdue, not Enabled, not rotatable though they should be, or refused (foreign, untagged). */
  keysOutOfPolicy: 'KeysOutOfPolicy',
  /** Keys whose automatic rotation was found off or with another period, and was switched back on with the configured one. */
  driftFixed: 'KeyRotationDriftFixed',
  /** Keys (or whole runs) that could not be checked or recorded; the invocation fails after the evidence is written. */
  failures: 'KeyRotationFailures',
  /** On-demand rotations started by a rotate-now request. */
  onDemandRotations: 'OnDemandRotations',
} as const;

/** Evidence bucket prefix of the rotation enforcer; the function may write nowhere else. */
export const ROTATION_EVIDENCE_PREFIX = EVIDENCE_PREFIXES.keyRotation;

/**
 * KMS "on-demand rotation" resource quota: at most 25 on-demand rotations per KMS key over its whole
 * life, and (unlike the other KMS quotas) not adjustable. Past it, RotateKeyOnDemand fails with
 * `LimitExceededException`.
 */
export const ON_DEMAND_ROTATION_QUOTA = 25;

/** Manual check run (the schedule sends an EventBridge "Scheduled Event" instead). */
export interface RotationCheckRequest {
  readonly action: 'check';
}

/** Why a rotate-now request was refused; nothing was rotated. */
export type RotateNowRefusalCode =
  | 'invalid-key-identifier'
  | 'outside-deployment'
  | 'foreign-key'
  | 'not-a-deployment-key'
  | 'not-customer-managed'
  | 'missing-deployment-tag'
  | 'other-deployment'
  | 'missing-data-class-tag'
  | 'key-not-enabled'
  | 'not-rotatable'
  | 'on-demand-quota-exhausted'
  | 'rotation-in-progress';

/** What a rotate-now invocation returns (the same outcome is in its evidence record). */
export interface RotateNowResult {
  readonly outcome: 'rotation-started' | 'refused';
  /** The key ARN the request resolved to (also when refused after DescribeKey, so the operator sees which key it was). */
  readonly keyArn?: string;
  readonly refusal?: { readonly code: RotateNowRefusalCode; readonly detail: string };
  /** Evidence object (in the evidence bucket) that records the request and its outcome. */
  readonly evidenceKey: string;
}
