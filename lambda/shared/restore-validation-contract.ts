/**
 * What the restore validator, the integrity canary and the drill command agree on. One place, so
 * the function, the CLI and the bootstrap SQL cannot drift apart.
 */

/** Schema and table the integrity canary writes into; created by `db/bootstrap-restore-validation.sql`. */
export const CANARY_SCHEMA = 'hipaa_ops';
export const CANARY_TABLE = 'restore_canary';
/** Fully qualified canary table name. */
export const CANARY_TABLE_NAME = `${CANARY_SCHEMA}.${CANARY_TABLE}`;
/** Database user of the integrity canary (IAM authentication; may INSERT into the canary table only). */
export const CANARY_DB_USER = 'hipaa_canary';
/** Database user of the restore validator (IAM authentication; read-only). */
export const VALIDATOR_DB_USER = 'restore_validator';

/** Environment variables of the restore validator function. */
export const VALIDATOR_ENV = {
  /** Deployment name (evidence keys, metric dimension). */
  deployment: 'DEPLOYMENT_NAME',
  /** Evidence bucket and its KMS key ARN (drill records). */
  evidenceBucket: 'EVIDENCE_BUCKET',
  evidenceKmsKeyArn: 'EVIDENCE_KMS_KEY_ARN',
  /** Database name inside the restored instance. */
  databaseName: 'DATABASE_NAME',
  /** Comma-separated "schema.table" names that must be readable (the canary table is always checked). */
  expectedTables: 'EXPECTED_TABLES',
  /** How many objects of a restored bucket are checked. */
  sampleObjectCount: 'SAMPLE_OBJECT_COUNT',
  /** Targets in minutes. */
  rpoMinutes: 'RPO_MINUTES',
  rtoMinutes: 'RTO_MINUTES',
} as const;

/** Environment variables of the integrity canary function. */
export const CANARY_ENV = {
  /** Endpoint address, port, database name of the live database. */
  host: 'DB_HOST',
  port: 'DB_PORT',
  databaseName: 'DATABASE_NAME',
} as const;

/**
 * Direct invocation of the validator by the drill command (`npm run drill`). Scheduled restore tests
 * arrive instead as EventBridge "Restore Job State Change" events from aws.backup.
 */
export interface DrillValidationRequest {
  readonly source: 'hipaa-crm.drill';
  readonly restoreJobId: string;
  /** Who ran the drill (the caller's IAM ARN), recorded in the evidence. */
  readonly requestedBy: string;
}

export type ValidationVerdict = 'PASSED' | 'FAILED';

export interface ValidationCheck {
  /** Short stable identifier, e.g. `canary-present`, `table-readable:public.patients`, `object-checksum`. */
  readonly name: string;
  readonly passed: boolean;
  /** Plain words; identifiers and counts only, never data values. */
  readonly detail: string;
}

/** What the validator returns (drill) and writes to the evidence store (both). */
export interface RestoreValidationRecord {
  readonly kind: 'restore-test' | 'drill';
  readonly deployment: string;
  readonly restoreJobId: string;
  readonly resourceType: 'RDS' | 'S3';
  /** The restored copy (instance or bucket ARN), deleted afterwards by AWS Backup or the drill. */
  readonly restoredResourceArn?: string;
  readonly recoveryPointArn?: string;
  readonly verdict: ValidationVerdict;
  readonly checks: readonly ValidationCheck[];
  /** RTO achieved: restore job creation to completion, in minutes. */
  readonly restoreMinutes?: number;
  /** RPO achieved: age of the newest canary row (database) or of the recovery point (bucket) at restore start, in minutes. */
  readonly dataAgeMinutes?: number;
  readonly targets: { readonly rpoMinutes: number; readonly rtoMinutes: number };
  readonly validatedAt: string;
  /** Evidence object written for this record (set once stored). */
  readonly evidenceKey?: string;
}

/** CloudWatch metrics (namespace HipaaCrm, dimension `ResourceType`) published by the validator. */
export const RESTORE_METRICS = {
  restoreMinutes: 'RestoreDurationMinutes',
  dataAgeMinutes: 'RecoveryPointAgeMinutes',
  passed: 'RestoreValidationPassed',
  failed: 'RestoreValidationFailed',
} as const;
