import { InvokeCommand } from '@aws-sdk/client-lambda';
import { invokeValidator, parseValidationRecord, recordInconsistencies } from '../../../scripts/drill/validate';
import { CALLER_ARN, JOB_ID, lambdaPayload, mockDeployment, passedRecord, realClients, type Mocks } from './fixtures';

let mocks: Mocks;
beforeEach(() => {
  mocks = mockDeployment();
});
afterEach(() => mocks.restore());

const request = { source: 'hipaa-crm.drill', restoreJobId: JOB_ID, requestedBy: CALLER_ARN } as const;
const EXPECTED = { restoreJobId: JOB_ID, resourceType: 'RDS' } as const;
const invoke = () => invokeValidator(realClients().lambda, 'crm-demo-restore-validator', request);

describe('invokeValidator', () => {
  test('invokes the validator synchronously with the drill request and returns its record', async () => {
    const outcome = await invoke();
    expect(outcome).toEqual({ ok: true, record: passedRecord() });
    const input = mocks.lambda.commandCalls(InvokeCommand)[0].args[0].input;
    expect(input.FunctionName).toBe('crm-demo-restore-validator');
    expect(input.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual(request);
  });

  test("a FAILED record is returned as it is (the verdict is the validator's)", async () => {
    const failed = passedRecord({
      verdict: 'FAILED',
      checks: [{ name: 'canary-present', passed: false, detail: 'no canary row' }],
    });
    mocks.lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: lambdaPayload(failed) as never });
    expect(await invoke()).toEqual({ ok: true, record: failed });
  });

  test('a function error is a failed validation with the error type and message', async () => {
    mocks.lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: lambdaPayload({ errorType: 'TimeoutError', errorMessage: 'connect ETIMEDOUT 10.40.3.12:5432' }) as never,
    });
    expect(await invoke()).toEqual({
      ok: false,
      reason: 'crm-demo-restore-validator failed (Unhandled): TimeoutError: connect ETIMEDOUT 10.40.3.12:5432',
    });
  });

  test('an invoke that AWS refuses is a failed validation, not a crash', async () => {
    mocks.lambda.on(InvokeCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    expect(await invoke()).toEqual({
      ok: false,
      reason: 'could not invoke crm-demo-restore-validator: AccessDeniedException: User is not authorized',
    });
  });

  test('an answer that is not a record is a failed validation', async () => {
    mocks.lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: lambdaPayload({ verdict: 'PASSED' }) as never });
    const outcome = await invoke();
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.reason).toMatch(/unreadable record: field kind is missing/);
  });
});

describe('parseValidationRecord', () => {
  test.each([
    ['verdict', { verdict: 'OK' }],
    ['checks[0]', { checks: [{ name: 'x', passed: 'yes', detail: '' }] }],
    ['targets', { targets: { rpoMinutes: 60 } }],
    ['restoreMinutes', { restoreMinutes: '42' }],
    ['evidenceKey', { evidenceKey: 7 }],
  ])('names the wrong field (%s)', (field, change) => {
    expect(() => parseValidationRecord({ ...passedRecord(), ...change })).toThrow(
      `field ${field} is missing or of the wrong type`,
    );
  });
});

describe('recordInconsistencies', () => {
  test('a record that holds together has none', () => {
    expect(recordInconsistencies(passedRecord(), EXPECTED)).toEqual([]);
  });

  test('a PASSED verdict without checks, with a failed check, or over a target is not trusted', () => {
    expect(recordInconsistencies(passedRecord({ checks: [] }), EXPECTED)).toEqual([
      'the validator passed the copy without running any check',
    ]);
    expect(
      recordInconsistencies(
        passedRecord({ checks: [{ name: 'object-checksum', passed: false, detail: '1 of 20 differ' }] }),
        EXPECTED,
      ),
    ).toEqual(['the verdict is PASSED but checks failed: object-checksum']);
    expect(recordInconsistencies(passedRecord({ restoreMinutes: 300, dataAgeMinutes: 61 }), EXPECTED)).toEqual([
      'the restore took 300 min, over the RTO of 240 min',
      'the restored data was 61 min old, over the RPO of 60 min',
    ]);
  });

  test("a record for another restore job is not this drill's evidence", () => {
    expect(recordInconsistencies(passedRecord({ restoreJobId: 'other' }), EXPECTED)).toEqual([
      `the record is for restore job other, not ${JOB_ID}`,
    ]);
  });
});
