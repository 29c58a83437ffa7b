/**
 * What the rotation enforcer, the crypto-erasure function, its state machine and the teardown
 * command agree on. One place, so the function, the orchestration and the CLI cannot drift apart.
 */

/** Tag keys (set on every resource by the app; see lib/stacks/deployment-stack-props.ts). */
export const TAG_DEPLOYMENT = 'hipaa-crm:deployment';
export const TAG_DATA_CLASS = 'hipaa-crm:data-class';

/** Data classes whose keys protect PHI copies: crypto-erasure destroys these and only these. */
export const ERASABLE_DATA_CLASSES = ['phi', 'backup', 'phi-dr', 'backup-dr'] as const;
export type ErasableDataClass = (typeof ERASABLE_DATA_CLASSES)[number];
/** Never erased: the audit trail and evidence outlive PHI (6-year retention). */
export const PROTECTED_DATA_CLASSES = ['audit', 'audit-dr'] as const;

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
      readonly previous?: ErasurePhaseResult;
    };

/** One key in scope of the erasure. */
export interface ErasureKey {
  readonly keyArn: string;
  readonly alias: string;
  readonly region: string;
  readonly dataClass: ErasableDataClass;
  /** What the key protects (resource ARNs, counts per kind); identifiers only. */
  readonly protects: readonly { readonly kind: string; readonly arn?: string; readonly count?: number }[];
  /** Base64 ciphertext of a random canary encrypted with the key at plan time. */
  readonly canaryCiphertext?: string;
}

export interface ErasurePlan {
  readonly deployment: string;
  readonly account: string;
  readonly createdAt: string;
  readonly keys: readonly ErasureKey[];
  /** What stays, and until when (audit trail, locked buckets and vaults holding unreadable ciphertext). */
  readonly remains: readonly { readonly what: string; readonly until?: string }[];
  /** SHA-256 hex of the canonical JSON of everything above except `createdAt`. */
  readonly digest: string;
}

/** What a phase did, key by key, so a partial failure says exactly what was and was not done. */
export interface ErasurePhaseResult {
  readonly phase: ErasurePhase;
  readonly runId: string;
  readonly digest: string;
  readonly completed: boolean;
  readonly keys: readonly {
    readonly keyArn: string;
    readonly state?: string;
    readonly done: boolean;
    readonly detail: string;
    /** CloudTrail event IDs found for this key (verify: DisableKey, ScheduleKeyDeletion; finalize: DeleteKey). */
    readonly cloudTrailEventIds?: readonly string[];
  }[];
  /** Set by certify / finalize: where the certificate is, its SHA-256 and signature. */
  readonly certificate?: {
    readonly bucket: string;
    readonly key: string;
    readonly sha256: string;
    readonly signatureKey: string;
    readonly signingKeyArn: string;
  };
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
export const ROTATION_EVIDENCE_PREFIX = 'key-rotation/';

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
  /** The key, once resolved to one of this deployment's keys. */
  readonly keyArn?: string;
  readonly refusal?: { readonly code: RotateNowRefusalCode; readonly detail: string };
  /** Evidence object (in the evidence bucket) that records the request and its outcome. */
  readonly evidenceKey: string;
}
