import { createCanaryHandler } from '../../../lambda/integrity-canary/index';
import { INSERT_CANARY_SQL, SERVER_TIME_SQL } from '../../../lambda/integrity-canary/write';
import { canaryDigest } from '../../../lambda/shared/canary-digest';
import { CANARY_METRICS } from '../../../lambda/shared/restore-validation-contract';
import { captureOutput, lambdaContext, metricNames } from '../fixtures';
import { fakeDatabase, pgError, type Answer } from './fake-sql';

const NONCE = '0123456789abcdef0123456789abcdef';
const SERVER_TIME = new Date('2026-04-05T05:50:00.123Z');
const ENV = {
  AWS_REGION: 'us-east-1',
  DB_HOST: 'crm-demo-db.cxyz.us-east-1.rds.amazonaws.com',
  DB_PORT: '5433',
  DATABASE_NAME: 'crm',
  NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
};

const healthy: Answer = (text) =>
  text === SERVER_TIME_SQL ? { rows: [{ written_at: SERVER_TIME }] } : { rows: [], rowCount: 1 };

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

function run(db: ReturnType<typeof fakeDatabase>, env: NodeJS.ProcessEnv = ENV) {
  const handler = createCanaryHandler({ connect: db.connect, newNonce: () => NONCE, env });
  return handler({ source: 'aws.events' }, lambdaContext('crm-demo-integrity-canary'));
}

describe('integrity-canary handler', () => {
  test('connects to the live database as hipaa_canary and inserts the server time, the nonce and their digest', async () => {
    const db = fakeDatabase(healthy);
    await run(db);
    expect(db.targets).toEqual([
      {
        target: { host: ENV.DB_HOST, port: 5433, database: 'crm', user: 'hipaa_canary', region: 'us-east-1' },
        timeouts: { connectMs: 10_000, statementMs: 5_000 },
      },
    ]);
    expect(db.queries.map((q) => q.text)).toEqual([SERVER_TIME_SQL, INSERT_CANARY_SQL]);
    expect(db.queries[1].values).toEqual([SERVER_TIME, NONCE, canaryDigest(SERVER_TIME, NONCE)]);
    expect(db.ended).toBe(1);
  });

  test('counts the row and logs no data values (no nonce, digest or time)', async () => {
    await run(fakeDatabase(healthy));
    expect(metricNames(output.lines())).toEqual([CANARY_METRICS.written]);
    expect(output.lines()).toContainEqual(
      expect.objectContaining({ message: 'Canary row written', service: 'integrity-canary' }),
    );
    const text = output.text();
    expect(text).not.toContain(NONCE);
    expect(text).not.toContain(canaryDigest(SERVER_TIME, NONCE));
    expect(text).not.toContain('2026-04-05T05:50');
  });

  test('counts and rethrows a refused connection with its code only', async () => {
    const db = fakeDatabase(healthy, Object.assign(new Error('connect ECONNREFUSED 10.0.3.4:5433'), { code: 'ECONNREFUSED' }));
    await expect(run(db)).rejects.toThrow('integrity canary failed at connect: ECONNREFUSED');
    expect(metricNames(output.lines())).toEqual([CANARY_METRICS.failed]);
    expect(output.lines()).toContainEqual(expect.objectContaining({ level: 'ERROR', stage: 'connect', code: 'ECONNREFUSED' }));
    expect(output.text()).not.toContain('10.0.3.4');
  });

  test('counts and rethrows a connect timeout', async () => {
    const db = fakeDatabase(healthy, new Error('Connection terminated due to connection timeout'));
    await expect(run(db)).rejects.toThrow('integrity canary failed at connect: timeout');
    expect(metricNames(output.lines())).toEqual([CANARY_METRICS.failed]);
  });

  test('a rejected insert fails the invocation, closes the connection and never logs the database message', async () => {
    const db = fakeDatabase((text) => (text === SERVER_TIME_SQL ? { rows: [{ written_at: SERVER_TIME }] } : pgError('42501')));
    await expect(run(db)).rejects.toThrow('integrity canary failed at insert: 42501');
    expect(db.ended).toBe(1);
    expect(output.text()).not.toMatch(/Jane|jane@example\.com/);
  });

  test('refuses to connect without the RDS CA bundle', async () => {
    const db = fakeDatabase(healthy);
    const env = { ...ENV, NODE_EXTRA_CA_CERTS: undefined };
    await expect(run(db, env)).rejects.toThrow('integrity canary failed at config');
    expect(db.connect).not.toHaveBeenCalled();
    expect(output.lines()).toContainEqual(
      expect.objectContaining({
        stage: 'config',
        detail: expect.stringContaining('NODE_EXTRA_CA_CERTS must be /var/runtime/ca-cert.pem'),
      }),
    );
  });

  test.each([
    [{ DB_PORT: 'postgres' }, 'DB_PORT must be a TCP port'],
    [{ DB_PORT: '70000' }, 'DB_PORT must be a TCP port'],
    [{ DB_HOST: '' }, 'DB_HOST is not set'],
    [{ DATABASE_NAME: undefined }, 'DATABASE_NAME is not set'],
  ])('refuses a broken configuration %j', async (override, detail) => {
    const db = fakeDatabase(healthy);
    await expect(run(db, { ...ENV, ...override })).rejects.toThrow('integrity canary failed at config');
    expect(output.lines()).toContainEqual(expect.objectContaining({ detail: expect.stringContaining(detail) }));
    expect(db.connect).not.toHaveBeenCalled();
  });
});
