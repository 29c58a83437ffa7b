import {
  errorName,
  InputError,
  inputProblem,
  isAwsError,
  loggableError,
  Refusal,
  requireEnv,
} from '../../../lambda/shared/errors';
import { awsError } from '../fixtures';

describe('loggableError', () => {
  test('keeps the error name, HTTP status and request ID, never the message', () => {
    const logged = loggableError(awsError('TooManyRequestsException', 429));
    expect(logged).toEqual({ errorName: 'TooManyRequestsException', httpStatus: 429, requestId: 'req-1' });
    expect(JSON.stringify(logged)).not.toContain('alice');
  });

  test('copes with errors that are not AWS errors', () => {
    expect(loggableError(new TypeError('x'))).toEqual({ errorName: 'TypeError' });
    expect(loggableError('boom')).toEqual({ errorName: 'string' });
    expect(loggableError(null)).toEqual({ errorName: 'object' });
    expect(loggableError({})).toEqual({ errorName: 'UnknownError' });
  });

  test('nothing but the name, HTTP status and request ID, whatever else the SDK error holds', () => {
    const sdkError = Object.assign(awsError('UsernameExistsException'), {
      $response: { statusCode: 400, body: 'patient Jane Doe' },
      $retryable: undefined,
      Username: 'alice@example.com',
    });
    const logged = loggableError(sdkError);
    expect(logged).toEqual({ errorName: 'UsernameExistsException', httpStatus: 400, requestId: 'req-1' });
    expect(JSON.stringify(logged)).not.toMatch(/alice|Jane/);
    expect(errorName(sdkError)).toBe('UsernameExistsException');
  });

  test('isAwsError matches the exception name only', () => {
    expect(isAwsError(awsError('UserNotFoundException'), 'UserNotFoundException')).toBe(true);
    expect(isAwsError(awsError('UserNotFoundException'), 'ResourceNotFoundException')).toBe(false);
    expect(isAwsError(undefined, 'UserNotFoundException')).toBe(false);
  });
});

describe('InputError', () => {
  test("is the only error whose message may be logged: this code's own words about its input", () => {
    expect(inputProblem(new InputError('environment variable X must be a TCP port'))).toBe(
      'environment variable X must be a TCP port',
    );
    expect(new InputError('x').name).toBe('InputError');
    for (const other of [
      awsError('AccessDeniedException', 403),
      new Error('row 42: Jane Doe'),
      new TypeError('x'),
      'boom',
      undefined,
    ]) {
      expect(inputProblem(other)).toBeUndefined();
    }
  });
});

describe('requireEnv', () => {
  test('returns a set value and refuses a missing or blank one, as an InputError', () => {
    expect(requireEnv('A', { A: 'x' })).toBe('x');
    expect(() => requireEnv('A', {})).toThrow(InputError);
    expect(() => requireEnv('A', {})).toThrow('environment variable A is not set');
    expect(() => requireEnv('A', { A: '  ' })).toThrow('environment variable A is not set');
  });
});

describe('Refusal', () => {
  test('carries its name and every reason, and says them in one message', () => {
    const one = new Refusal('SomethingRefused', 'wrong digest');
    expect(one).toMatchObject({ name: 'SomethingRefused', reasons: ['wrong digest'], message: 'refused: wrong digest' });
    expect(new Refusal('SomethingRefused', ['a', 'b']).message).toBe('refused: a; b');
  });
});
