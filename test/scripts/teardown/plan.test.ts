import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { airGappedErasureKeys } from '../../../lambda/shared/key-lifecycle-contract';
import {
  externalErasureKeys,
  parseErasurePlan,
  planScopeProblems,
  requestErasurePlan,
  TeardownError,
} from '../../../scripts/teardown/plan';
import { ORGANIZATION_CONFIG, shippedConfig } from '../../helpers/config';
import { ACCOUNT, DR_REGION, erasurePlan, lambdaPayload, PHI_KEY, REGION } from './fixtures';

const SCOPE = { deployment: 'crm-demo', account: ACCOUNT, regions: { primary: REGION, dr: DR_REGION } };

describe('planScopeProblems: accounts apart', () => {
  const BACKUP = '777788889999';
  const externalKeys = airGappedErasureKeys('crm-demo', { account: BACKUP, regions: ['us-east-2'] }, 'aws');
  const lagKey = {
    keyArn: `arn:aws:kms:us-east-2:${BACKUP}:key/9999`,
    alias: 'alias/crm-demo/backup-lag',
    account: BACKUP,
    region: 'us-east-2',
    dataClass: 'backup-lag' as const,
    protects: [],
  };
  const withLag = (key = lagKey) => erasurePlan({ keys: [...erasurePlan().keys, key] });

  test('accepts the configured air-gapped key of the backup account', () => {
    expect(planScopeProblems(withLag(), { ...SCOPE, externalKeys })).toEqual([]);
  });

  test('refuses it when the config names no external key (single account)', () => {
    expect(planScopeProblems(withLag(), SCOPE)).toEqual([
      expect.stringMatching(/is in account 777788889999, not 111122223333, and is not a configured external key/),
    ]);
  });

  test.each([
    ['another account', { keyArn: 'arn:aws:kms:us-east-2:444455556666:key/9999', account: '444455556666' }],
    ['a backup region not configured', { keyArn: `arn:aws:kms:eu-west-1:${BACKUP}:key/9999`, region: 'eu-west-1' }],
    ['another alias', { alias: 'alias/crm-demo/backup' }],
  ])('refuses a key of %s', (_what, change) => {
    expect(planScopeProblems(withLag({ ...lagKey, ...change } as never), { ...SCOPE, externalKeys })).toEqual([
      expect.stringMatching(/not a configured external key/),
    ]);
  });

  test('refuses a key whose listed account contradicts its ARN', () => {
    expect(planScopeProblems(withLag({ ...lagKey, account: ACCOUNT }), { ...SCOPE, externalKeys })).toEqual([
      `key ${lagKey.keyArn} is listed for account ${ACCOUNT} but its ARN says ${BACKUP}`,
    ]);
  });

  test("the external keys of a config: the organization's backup account, one per backup region; none for a single account", () => {
    expect(externalErasureKeys(shippedConfig(), 'aws')).toEqual([]);
    expect(externalErasureKeys(shippedConfig(ORGANIZATION_CONFIG), 'aws')).toEqual(
      ['us-east-1', 'us-west-2'].map((region) => ({
        account: '333333333333',
        region,
        alias: 'alias/acme-crm-org/backup-lag',
        dataClass: 'backup-lag',
        roleArn: 'arn:aws:iam::333333333333:role/acme-crm-org-lag-key-erasure',
      })),
    );
  });
});

describe('planScopeProblems', () => {
  test('the demo plan is in scope', () => {
    expect(planScopeProblems(erasurePlan(), SCOPE)).toEqual([]);
  });

  test('refuses another deployment or account', () => {
    expect(planScopeProblems(erasurePlan({ deployment: 'crm-prod', account: '999988887777' }), SCOPE)).toEqual([
      'the plan is for deployment crm-prod, not crm-demo',
      'the plan is for account 999988887777, not 111122223333',
    ]);
  });

  test('refuses an empty plan: "erased nothing" must never look like success', () => {
    expect(planScopeProblems(erasurePlan({ keys: [] }), SCOPE)).toEqual([
      'the plan names no key: there would be nothing to erase',
    ]);
  });

  test('refuses the audit keys, whatever else is right about them', () => {
    const audit = {
      keyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/aaaa`,
      alias: 'alias/crm-demo/audit',
      account: ACCOUNT,
      region: REGION,
      protects: [],
    };
    const plan = erasurePlan({
      keys: [
        { ...audit, dataClass: 'audit' as never },
        { ...audit, keyArn: `arn:aws:kms:${DR_REGION}:${ACCOUNT}:key/bbbb`, region: DR_REGION, dataClass: 'audit-dr' as never },
      ],
    });
    const problems = planScopeProblems(plan, SCOPE);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/is an audit key: the audit trail's keys are never erased/);
    expect(problems[1]).toMatch(/is an audit-dr key/);
  });

  test.each([
    [
      'another account',
      { keyArn: `arn:aws:kms:${REGION}:999988887777:key/1111`, account: '999988887777' },
      /is in account 999988887777, not 111122223333, and is not a configured external key/,
    ],
    [
      'a third region',
      { keyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1111`, region: 'eu-west-1' },
      /is in region eu-west-1, not us-east-1 or us-west-2/,
    ],
    ['a region that contradicts the ARN', { region: DR_REGION }, /is listed for region us-west-2 but its ARN says us-east-1/],
    [
      "another deployment's alias",
      { alias: 'alias/crm-prod/phi' },
      /has alias alias\/crm-prod\/phi, expected alias\/crm-demo\/phi/,
    ],
    ['an unknown data class', { dataClass: 'logs' }, /has data class "logs", not one of phi, backup, phi-dr, backup-dr/],
    ['something that is not a key ARN', { keyArn: 'alias/crm-demo/phi' }, /is not a KMS key ARN/],
  ])('refuses a key in %s', (_what, change, message) => {
    const [phi, ...rest] = erasurePlan().keys;
    expect(planScopeProblems(erasurePlan({ keys: [{ ...phi, ...change } as never, ...rest] }), SCOPE)).toEqual([
      expect.stringMatching(message),
    ]);
  });

  test('refuses a key listed twice', () => {
    const [phi, ...rest] = erasurePlan().keys;
    expect(planScopeProblems(erasurePlan({ keys: [phi, phi, ...rest] }), SCOPE)).toEqual([`key ${PHI_KEY} is listed twice`]);
  });
});

describe('parseErasurePlan', () => {
  test('accepts a well-formed plan', () => {
    expect(parseErasurePlan(JSON.parse(JSON.stringify(erasurePlan())))).toEqual(erasurePlan());
  });

  test.each([
    ['digest', { digest: 'abc' }],
    ['keys', { keys: 'all' }],
    ['keys[1].protects', { keys: [erasurePlan().keys[0], { ...erasurePlan().keys[1], protects: undefined }] }],
    ['keys[0].protects[0]', { keys: [{ ...erasurePlan().keys[0], protects: [{ kind: 'bucket', count: 'two' }] }] }],
    ['remains[0]', { remains: [{ until: '2030-01-01' }] }],
    ['keys[0].account', { keys: [{ ...erasurePlan().keys[0], account: undefined }] }],
  ])('names the first wrong field: %s', (field, change) => {
    expect(() => parseErasurePlan({ ...erasurePlan(), ...change })).toThrow(`field ${field} is missing or of the wrong type`);
  });

  test('refuses a plan of another format (a function of another version): format 1 had no account per key', () => {
    const format1: Record<string, unknown> = { ...erasurePlan() };
    delete format1.formatVersion;
    expect(() => parseErasurePlan(format1)).toThrow(
      'plan format null, not 2: the function and this command are of different versions',
    );
    expect(() => parseErasurePlan({ ...erasurePlan(), formatVersion: 3 })).toThrow('plan format 3, not 2');
  });
});

describe('requestErasurePlan', () => {
  const lambda = mockClient(LambdaClient);
  beforeEach(() => lambda.reset());
  afterAll(() => lambda.restore());
  const request = () =>
    requestErasurePlan(new LambdaClient({ region: REGION }), 'crm-demo-crypto-erasure', 'arn:aws:iam::1:user/x');

  test('invokes synchronously with the plan phase only', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: lambdaPayload(erasurePlan()) as never });
    await expect(request()).resolves.toMatchObject({ digest: erasurePlan().digest });
    const input = lambda.commandCalls(InvokeCommand)[0].args[0].input;
    expect(input.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual({
      phase: 'plan',
      requestedBy: 'arn:aws:iam::1:user/x',
    });
  });

  test.each([
    [
      'a function error',
      { StatusCode: 200, FunctionError: 'Unhandled', Payload: lambdaPayload({ errorType: 'Boom', errorMessage: 'no' }) },
      /could not make the plan \(Unhandled\): Boom: no/,
    ],
    [
      'an unreadable answer',
      { StatusCode: 200, Payload: lambdaPayload({ keys: [] }) },
      /returned an unreadable plan: field deployment/,
    ],
    ['another status', { StatusCode: 202 }, /answered with status 202/],
  ])('%s is a TeardownError (exit 2)', async (_what, answer, message) => {
    lambda.on(InvokeCommand).resolves(answer as never);
    const error = await request().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TeardownError);
    expect((error as TeardownError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
  });

  test('a missing function points at the Operations stack', async () => {
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' }));
    await expect(request()).rejects.toThrow(/is the Operations stack of this deployment deployed/);
  });
});
