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
  /** The restore testing plan whose jobs the validator validates (events of other restores are ignored). */
  restoreTestingPlanArn: 'RESTORE_TESTING_PLAN_ARN',
  /** Accounts apart only: the plan that restores the air-gapped copies; its jobs are validated too. */
  airGappedRestoreTestingPlanArn: 'AIR_GAPPED_RESTORE_TESTING_PLAN_ARN',
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
 * Environment both functions need for TLS to RDS (set it on each function, with this exact value).
 * Node.js 20+ Lambda runtimes no longer trust the Amazon CA certificates (RDS CAs included) by
 * default; they ship them in `/var/runtime/ca-cert.pem` and load them when `NODE_EXTRA_CA_CERTS`
 * names that file. Node reads it once at start-up, so the functions cannot set it themselves; they
 * refuse to connect without it rather than fail later with an opaque certificate error.
 */
export const RDS_CA_BUNDLE_ENV = { NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' } as const;

/**
 * Powertools service names of the two functions. Powertools adds `service` as a dimension to every
 * metric, so alarms must name it: e.g. `{ service: 'restore-validator', ResourceType: 'RDS' }`.
 */
export const METRIC_SERVICE = { canary: 'integrity-canary', validator: 'restore-validator' } as const;

/** CloudWatch metrics (namespace HipaaCrm, dimension `service` only) published by the integrity canary. */
export const CANARY_METRICS = {
  /** 1 per row written. Alarm when its sum over a few intervals is 0: the RPO check of every restore would fail. */
  written: 'IntegrityCanaryWritten',
  /** 1 per failed invocation (connection, authentication, insert); the invocation also fails. */
  failed: 'IntegrityCanaryFailed',
} as const;

/** `source` of a drill's request, which tells it from AWS Backup's events. */
export const DRILL_REQUEST_SOURCE = 'hipaa-crm.drill';

/**
 * Direct invocation of the validator by the drill command (`npm run drill`). Scheduled restore tests
 * arrive instead as EventBridge "Restore Job State Change" events from aws.backup.
 */
export interface DrillValidationRequest {
  readonly source: typeof DRILL_REQUEST_SOURCE;
  readonly restoreJobId: string;
  /** Who ran the drill (the caller's IAM ARN), recorded in the evidence. */
  readonly requestedBy: string;
  /**
   * What the drill restored. Only used to label the record and metrics when the restore job itself
   * cannot be described (AWS Backup's answer always wins). @default - 'UNKNOWN' in that case
   */
  readonly resourceType?: 'RDS' | 'S3';
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
  /** `UNKNOWN` only when the restore job could not be described and the caller gave no hint (then FAILED). */
  readonly resourceType: 'RDS' | 'S3' | 'UNKNOWN';
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
  /** Drills: who ran it (from the request). */
  readonly requestedBy?: string;
  /** Restore tests: the plan that started the job (from AWS Backup). */
  readonly restoreTestingPlanArn?: string;
  /** ISO timestamps of the restore job (creation, completion) and of its recovery point. */
  readonly restoreStartedAt?: string;
  readonly restoreCompletedAt?: string;
  readonly recoveryPointCreatedAt?: string;
  /** Whether the verdict was sent to AWS Backup (PutRestoreValidationResult); restore tests only. */
  readonly reportedToBackup?: boolean;
}

/**
 * CloudWatch metrics (namespace HipaaCrm, dimensions `service` = METRIC_SERVICE.validator and
 * `ResourceType` = RDS | S3 | UNKNOWN) published by the validator as embedded metric format.
 */
export const RESTORE_METRICS = {
  restoreMinutes: 'RestoreDurationMinutes',
  dataAgeMinutes: 'RecoveryPointAgeMinutes',
  passed: 'RestoreValidationPassed',
  failed: 'RestoreValidationFailed',
  /** 1 when the verdict could not be sent to AWS Backup; the invocation then fails (and is retried). */
  reportingFailed: 'RestoreValidationReportingFailed',
} as const;
