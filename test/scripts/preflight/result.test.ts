import {
  couldNotCheck,
  exitCodeOf,
  fail,
  formatResults,
  guarded,
  pass,
  PREFLIGHT_EXIT,
  summary,
  warn,
} from '../../../scripts/preflight/result';

const accessDenied = () => Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });

describe('lines', () => {
  test('one line per result: status, scope padded to the widest, what, and the fix after a dash', () => {
    const lines = formatResults([
      pass('global', 'credentials are for 111122223333'),
      warn('us-east-1', 'no detector', 'aws guardduty create-detector --enable --region us-east-1'),
      fail('us-west-2', 'not bootstrapped', 'npx cdk bootstrap aws://111122223333/us-west-2'),
    ]);
    expect(lines).toEqual([
      'PASS  global     credentials are for 111122223333',
      'WARN  us-east-1  no detector  — aws guardduty create-detector --enable --region us-east-1',
      'FAIL  us-west-2  not bootstrapped  — npx cdk bootstrap aws://111122223333/us-west-2',
    ]);
  });
});

describe('exit code and summary', () => {
  test('any FAIL exits 1 and says not ready', () => {
    const results = [pass('global', 'a'), fail('us-east-1', 'b', 'fix b')];
    expect(exitCodeOf(results)).toBe(PREFLIGHT_EXIT.notReady);
    expect(PREFLIGHT_EXIT.notReady).toBe(1);
    expect(summary(results, 'config/x.json')).toMatch(/^2 checks: 1 passed, 0 warnings, 1 failed\.\nNOT READY/);
  });

  test('warnings alone exit 0 with the deploy command', () => {
    const results = [pass('global', 'a'), warn('us-east-1', 'b', 'fix b')];
    expect(exitCodeOf(results)).toBe(0);
    expect(summary(results, 'config/x.json')).toContain('npx cdk deploy --all -c config=config/x.json');
  });

  test('all passed exits 0', () => {
    expect(exitCodeOf([pass('global', 'a')])).toBe(0);
    expect(summary([pass('global', 'a')], 'c.json')).toBe(
      '1 check: 1 passed, 0 warnings, 0 failed.\nReady to deploy: npx cdk deploy --all -c config=c.json',
    );
  });
});

describe('a check that cannot be made is a FAIL', () => {
  test('access denied names the missing permission', () => {
    const r = couldNotCheck('us-east-1', 'the opt-in', 'backup:DescribeRegionSettings', accessDenied());
    expect(r.status).toBe('FAIL');
    expect(r.what).toBe('cannot check the opt-in: access denied (missing permission backup:DescribeRegionSettings)');
    expect(r.fix).toMatch(/^grant backup:DescribeRegionSettings/);
  });

  test('an HTTP 403 without a known name is access denied too', () => {
    const e = Object.assign(new Error('forbidden'), { name: 'Unknown', $metadata: { httpStatusCode: 403 } });
    expect(couldNotCheck('global', 'x', 'a:B', e).what).toContain('missing permission a:B');
  });

  test('another error is reported by name and message', async () => {
    const results = await guarded('us-east-1', 'the thing', 'a:B', () =>
      Promise.reject(Object.assign(new Error('slow down'), { name: 'ThrottlingException' })),
    );
    expect(results).toEqual([
      expect.objectContaining({ status: 'FAIL', what: 'cannot check the thing: ThrottlingException: slow down' }),
    ]);
  });
});
