import type { ClientConfig } from 'pg';
import {
  assertRdsCaBundle,
  dbErrorCode,
  describeDbError,
  iamConnector,
  pgClientConfig,
  signIamToken,
  type DbTarget,
} from '../../../lambda/shared/db';

const TARGET: DbTarget = {
  host: 'crm-demo-db.cxyz.us-east-1.rds.amazonaws.com',
  port: 5433,
  database: 'crm',
  user: 'hipaa_canary',
  region: 'us-east-1',
};

describe('pgClientConfig', () => {
  test('verifies the server certificate, authenticates with the token and bounds every wait', () => {
    const config = pgClientConfig(TARGET, 'token-1', { connectMs: 3_000, statementMs: 4_000 }, 'integrity-canary');
    expect(config).toEqual({
      host: TARGET.host,
      port: 5433,
      database: 'crm',
      user: 'hipaa_canary',
      password: 'token-1',
      ssl: { rejectUnauthorized: true },
      connectionTimeoutMillis: 3_000,
      statement_timeout: 4_000,
      query_timeout: 6_000,
      application_name: 'integrity-canary',
    });
  });

  test('defaults to 10-second waits', () => {
    const config = pgClientConfig(TARGET, 't');
    expect(config).toMatchObject({ connectionTimeoutMillis: 10_000, statement_timeout: 10_000 });
  });
});

describe('signIamToken', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test('signs an rds-db:connect token for the host, port and user locally, from the role credentials', async () => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session',
    });
    const token = await signIamToken(TARGET);
    expect(token.startsWith(`${TARGET.host}:5433/?`)).toBe(true);
    const query = new URLSearchParams(token.slice(token.indexOf('?') + 1));
    expect(query.get('Action')).toBe('connect');
    expect(query.get('DBUser')).toBe('hipaa_canary');
    expect(query.get('X-Amz-Credential')).toMatch(/^AKIAEXAMPLE\/\d{8}\/us-east-1\/rds-db\/aws4_request$/);
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('iamConnector', () => {
  test('signs a fresh token for the target and connects a client configured with it', async () => {
    const sign = jest.fn(async () => 'token-xyz');
    const client = { connect: jest.fn(async () => undefined), query: jest.fn(), end: jest.fn(async () => undefined) };
    const configs: ClientConfig[] = [];
    const connect = iamConnector('restore-validator', sign, (config) => {
      configs.push(config);
      return client as never;
    });
    const connected = await connect(TARGET, { connectMs: 1_000 });
    expect(sign).toHaveBeenCalledWith(TARGET);
    expect(configs[0]).toMatchObject({
      password: 'token-xyz',
      ssl: { rejectUnauthorized: true },
      application_name: 'restore-validator',
    });
    expect(client.connect).toHaveBeenCalledTimes(1);
    expect(client.end).not.toHaveBeenCalled();
    expect(connected).toBe(client);
  });

  test('closes the half-open client and rethrows when connecting fails', async () => {
    const failure = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const client = {
      connect: jest.fn(async () => Promise.reject(failure)),
      query: jest.fn(),
      end: jest.fn(async () => undefined),
    };
    const connect = iamConnector(
      'x',
      async () => 't',
      () => client as never,
    );
    await expect(connect(TARGET)).rejects.toBe(failure);
    expect(client.end).toHaveBeenCalledTimes(1);
  });

  test('the default pg client really connects (a closed loopback port is refused, with its code)', async () => {
    const connect = iamConnector('x', async () => 't');
    const error = await connect({ ...TARGET, host: '127.0.0.1', port: 1 }, { connectMs: 2_000 }).catch((e: unknown) => e);
    expect(dbErrorCode(error)).toBe('ECONNREFUSED');
  });
});

describe('assertRdsCaBundle', () => {
  test('requires NODE_EXTRA_CA_CERTS to name the runtime CA bundle', () => {
    expect(() => assertRdsCaBundle({ NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' })).not.toThrow();
    expect(() => assertRdsCaBundle({})).toThrow('NODE_EXTRA_CA_CERTS must be /var/runtime/ca-cert.pem');
    expect(() => assertRdsCaBundle({ NODE_EXTRA_CA_CERTS: '/tmp/other.pem' })).toThrow('NODE_EXTRA_CA_CERTS');
  });
});

describe('dbErrorCode and describeDbError', () => {
  test('keep the SQLSTATE or network code, never the message (which can quote values)', () => {
    const pgError = Object.assign(new Error('invalid input syntax for type integer: "Jane Doe"'), { code: '22P02' });
    expect(dbErrorCode(pgError)).toBe('22P02');
    expect(describeDbError(pgError)).toBe('error 22P02');
    expect(describeDbError(pgError)).not.toContain('Jane');
    expect(describeDbError(Object.assign(new Error('x'), { code: '42P01' }))).toBe('table does not exist (SQLSTATE 42P01)');
    expect(describeDbError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('connection refused (ECONNREFUSED)');
  });

  test('recognise pg timeouts, which have no code', () => {
    expect(dbErrorCode(new Error('Connection terminated due to connection timeout'))).toBe('timeout');
    expect(dbErrorCode(new Error('Query read timeout'))).toBe('timeout');
    expect(describeDbError(new Error('timeout expired'))).toBe('timed out');
  });

  test('fall back to a safe error name', () => {
    expect(dbErrorCode(new TypeError('secret value'))).toBe('TypeError');
    expect(dbErrorCode(Object.assign(new Error('m'), { code: 'not a code!' }))).toBe('Error');
    expect(dbErrorCode('boom')).toBe('unknown');
  });
});
