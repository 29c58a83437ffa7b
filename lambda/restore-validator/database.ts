/**
 * Validates a restored RDS instance: waits until it serves connections (within the time budget),
 * connects as `restore_validator` with IAM authentication over verified TLS, then checks the newest
 * canary row and that every expected table is readable. Every problem becomes a failed check.
 */
import { DescribeDBInstancesCommand, type DBInstance, type RDSClient } from '@aws-sdk/client-rds';
import { describeDbError, type ConnectFn, type SqlClient } from '../shared/db';
import { errorName } from '../shared/errors';
import { CANARY_TABLE_NAME, VALIDATOR_DB_USER, type ValidationCheck } from '../shared/restore-validation-contract';
import { NEWEST_CANARY_SQL, evaluateNewestCanaryRow, tableProbes } from './database-checks';

/**
 * Instance statuses in which a restored copy accepts connections. Besides `available`: a fresh
 * restore usually takes its first automated backup (`backing-up`) and applies monitoring and log
 * settings while already serving.
 */
export const SERVING_STATUSES: readonly string[] = [
  'available',
  'backing-up',
  'configuring-enhanced-monitoring',
  'configuring-log-exports',
  'storage-optimization',
];
export const INSTANCE_POLL_MS = 20_000;

export interface DatabaseDeps {
  readonly rds: RDSClient;
  readonly connect: ConnectFn;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

export interface DatabaseTarget {
  readonly instanceIdentifier: string;
  readonly databaseName: string;
  readonly region: string;
  readonly expectedTables: readonly string[];
  /** Epoch ms by which the checks must be done (the reporting needs the rest of the invocation). */
  readonly deadline: number;
}

export interface DatabaseValidation {
  readonly checks: readonly ValidationCheck[];
  /** `written_at` of the newest canary row in the copy, when one was found. */
  readonly newestCanaryAt?: Date;
}

type WaitResult =
  { readonly instance: DBInstance; readonly host: string; readonly port: number } | { readonly failed: ValidationCheck };

async function waitUntilServing(deps: DatabaseDeps, target: DatabaseTarget): Promise<WaitResult> {
  const started = deps.now();
  let lastStatus = 'unknown';
  for (;;) {
    let instance: DBInstance | undefined;
    try {
      const out = await deps.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: target.instanceIdentifier }));
      instance = out.DBInstances?.[0];
    } catch (error) {
      return {
        failed: {
          name: 'instance-available',
          passed: false,
          detail: `DescribeDBInstances of ${target.instanceIdentifier} failed: ${errorName(error)}`,
        },
      };
    }
    lastStatus = instance?.DBInstanceStatus ?? 'not-found';
    const host = instance?.Endpoint?.Address;
    const port = instance?.Endpoint?.Port;
    if (instance && SERVING_STATUSES.includes(lastStatus) && host && port) return { instance, host, port };
    if (deps.now() + INSTANCE_POLL_MS > target.deadline) {
      const waited = Math.round((deps.now() - started) / 60_000);
      return {
        failed: {
          name: 'instance-available',
          passed: false,
          detail: `${target.instanceIdentifier} did not become available within the function's time budget (waited ${waited} min; last status ${lastStatus})`,
        },
      };
    }
    await deps.sleep(INSTANCE_POLL_MS);
  }
}

export async function validateDatabase(deps: DatabaseDeps, target: DatabaseTarget): Promise<DatabaseValidation> {
  const waited = await waitUntilServing(deps, target);
  if ('failed' in waited) return { checks: [waited.failed] };
  const { instance, host, port } = waited;
  const checks: ValidationCheck[] = [
    { name: 'instance-available', passed: true, detail: `${target.instanceIdentifier} is ${instance.DBInstanceStatus}` },
  ];
  if (instance.IAMDatabaseAuthenticationEnabled !== true) {
    checks.push({
      name: 'iam-auth-enabled',
      passed: false,
      detail:
        'IAM database authentication is off on the restored instance; the restore must set EnableIAMDatabaseAuthentication=true (restore metadata override)',
    });
    return { checks };
  }
  checks.push({ name: 'iam-auth-enabled', passed: true, detail: 'IAM database authentication is enabled' });

  let client: SqlClient;
  try {
    client = await deps.connect(
      {
        host,
        port,
        database: target.databaseName,
        user: VALIDATOR_DB_USER,
        region: target.region,
      },
      { connectMs: 15_000, statementMs: 15_000 },
    );
  } catch (error) {
    checks.push({
      name: 'database-connect',
      passed: false,
      detail: `connecting as ${VALIDATOR_DB_USER} failed: ${describeDbError(error)}`,
    });
    return { checks };
  }
  checks.push({ name: 'database-connect', passed: true, detail: `connected as ${VALIDATOR_DB_USER} over verified TLS` });

  try {
    let newestCanaryAt: Date | undefined;
    try {
      const { rows } = await client.query(NEWEST_CANARY_SQL);
      checks.push({ name: 'canary-table-readable', passed: true, detail: `${CANARY_TABLE_NAME} is readable` });
      const canary = evaluateNewestCanaryRow(rows);
      checks.push(...canary.checks);
      newestCanaryAt = canary.writtenAt;
    } catch (error) {
      checks.push({ name: 'canary-table-readable', passed: false, detail: `${CANARY_TABLE_NAME}: ${describeDbError(error)}` });
    }
    for (const probe of tableProbes(target.expectedTables)) {
      if ('rejected' in probe) {
        checks.push(probe.rejected);
        continue;
      }
      if (deps.now() > target.deadline) {
        checks.push({ name: probe.checkName, passed: false, detail: 'not checked: the time budget was used up' });
        continue;
      }
      try {
        const result = await client.query(probe.sql);
        checks.push({
          name: probe.checkName,
          passed: true,
          detail: result.rows.length > 0 ? 'readable, has rows' : 'readable, empty',
        });
      } catch (error) {
        checks.push({ name: probe.checkName, passed: false, detail: describeDbError(error) });
      }
    }
    return { checks, newestCanaryAt };
  } finally {
    await client.end().catch(() => undefined);
  }
}
