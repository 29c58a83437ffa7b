import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, parseConfig } from '../../lib/config/load';
import { deploymentConfigs } from '../../scripts/lint-cfn/index';
import { configProblems, EVERY_CONFIG_FILE, rawConfig, REPO_ROOT } from '../helpers/config';

const demo = rawConfig();

describe('shipped configs', () => {
  test('every config in config/ is one the tests load (lint:cfn synthesizes each of them)', () => {
    expect(deploymentConfigs()).toEqual([...EVERY_CONFIG_FILE].sort());
  });

  test.each(EVERY_CONFIG_FILE)('%s is valid and names its schema', (file) => {
    const config = loadConfig(file, REPO_ROOT);
    expect(config.name).toMatch(/^[a-z]/);
    expect(rawConfig(file).$schema).toBe('./schema.json');
  });

  test('the demo holds no PHI; the production example holds PHI under a recorded BAA with compliance-mode locks', () => {
    const d = loadConfig('config/demo.json', REPO_ROOT);
    const p = loadConfig('config/production.example.json', REPO_ROOT);
    expect(d.holdsPhi).toBe(false);
    expect(d.phiBucket.objectLockMode).toBe('GOVERNANCE');
    expect(p.holdsPhi).toBe(true);
    expect(p.baa?.reference).toBeTruthy();
    expect(p.phiBucket.objectLockMode).toBe('COMPLIANCE');
    expect(p.backup.vaultLock.mode).toBe('COMPLIANCE');
    expect(p.network.availabilityZones).toHaveLength(3);
  });
});

describe('every problem is reported at once, with the path of the bad field', () => {
  test('three mistakes give three messages', () => {
    const problems = configProblems({
      ...demo,
      network: { vpcCidr: '10.40.0.0/33', availabilityZones: ['us-east-1a', 'us-east-1b'] },
      keys: { rotationPeriodDays: 30, pendingWindowDays: 30 },
      logs: { retentionDays: 365 },
    });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^network\.vpcCidr: must be an IPv4 CIDR/);
    expect(problems[1]).toMatch(/^keys\.rotationPeriodDays: must be at least 90 days/);
    expect(problems[2]).toMatch(/^logs\.retentionDays: must be one of 2192.*6 years/);
  });

  test('the error message lists each problem on its own line, under the file name', () => {
    expect(() => parseConfig({ ...demo, name: 'Bad Name', securityContactEmail: 'nobody' }, 'config/x.json')).toThrow(
      /Configuration config\/x\.json has 2 problems:\n {2}- name: .*\n {2}- securityContactEmail: must be an e-mail address/,
    );
  });

  test('cross-field rules are reported together with field errors', () => {
    const problems = configProblems({
      ...demo,
      name: 'X',
      regions: { primary: 'us-east-1', dr: 'us-east-1' },
      network: { vpcCidr: '10.40.0.0/16', availabilityZones: ['us-west-2a', 'us-east-1b'] },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^name: /),
      expect.stringMatching(/^regions\.dr: must differ from regions\.primary/),
      expect.stringMatching(/^network\.availabilityZones\.0: "us-west-2a" is not in the primary region us-east-1/),
    ]);
  });

  test('unknown fields are refused (typos must not silently fall back to defaults)', () => {
    expect(configProblems({ ...demo, keys: { rotationPeriodDay: 90 } })).toEqual([
      expect.stringMatching(/^keys: Unrecognized key: "rotationPeriodDay"/),
    ]);
  });
});

describe('validation rules', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['name too short', { name: 'ab' }, /^name: must be 3-20 characters/],
    ['name too long (DR bucket names must fit 63 chars)', { name: 'a'.repeat(21) }, /^name: /],
    ['account not 12 digits', { account: '1234' }, /^account: must be a 12-digit AWS account ID/],
    ['bad region', { regions: { primary: 'virginia', dr: 'us-west-2' } }, /^regions\.primary: must be an AWS region code/],
    ['missing holdsPhi', { holdsPhi: undefined }, /^holdsPhi: /],
    ['bad email', { securityContactEmail: 'security' }, /^securityContactEmail: must be an e-mail address/],
    [
      'VPC prefix too wide',
      { network: { vpcCidr: '10.0.0.0/8', availabilityZones: ['us-east-1a', 'us-east-1b'] } },
      /^network\.vpcCidr: prefix must be between \/16 and \/22/,
    ],
    [
      'one AZ',
      { network: { vpcCidr: '10.40.0.0/16', availabilityZones: ['us-east-1a'] } },
      /^network\.availabilityZones: needs at least 2/,
    ],
    [
      'four AZs',
      { network: { vpcCidr: '10.40.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'] } },
      /^network\.availabilityZones: at most 3/,
    ],
    [
      'same AZ twice',
      { network: { vpcCidr: '10.40.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1a'] } },
      /^network\.availabilityZones: lists the same availability zone twice/,
    ],
    ['rotation above 365', { keys: { rotationPeriodDays: 400 } }, /^keys\.rotationPeriodDays: must be at most 365/],
    ['deletion window below 7', { keys: { pendingWindowDays: 6 } }, /^keys\.pendingWindowDays: must be at least 7/],
    ['deletion window above 30', { keys: { pendingWindowDays: 31 } }, /^keys\.pendingWindowDays: must be at most 30/],
    [
      'engine version',
      { database: { ...(demo.database as object), engineVersion: '9.6' } },
      /^database\.engineVersion: must be a PostgreSQL version/,
    ],
    [
      'burstable micro',
      { database: { ...(demo.database as object), instanceType: 't4g.micro' } },
      /^database\.instanceType: must be "medium" or larger/,
    ],
    [
      'storage ceiling below initial',
      { database: { ...(demo.database as object), allocatedStorageGiB: 50, maxAllocatedStorageGiB: 30 } },
      /^database\.maxAllocatedStorageGiB: /,
    ],
    [
      'object lock mode',
      { phiBucket: { ...(demo.phiBucket as object), objectLockMode: 'NONE' } },
      /^phiBucket\.objectLockMode: /,
    ],
    [
      'object lock retention 0',
      { phiBucket: { ...(demo.phiBucket as object), objectLockRetentionDays: 0 } },
      /^phiBucket\.objectLockRetentionDays: /,
    ],
    ['log retention 1 year', { logs: { retentionDays: 365 } }, /^logs\.retentionDays: must be one of .*6 years/],
    ['log retention 5 years', { logs: { retentionDays: 1827 } }, /^logs\.retentionDays: /],
    ['alert email', { alerts: { additionalEmails: ['x'] } }, /^alerts\.additionalEmails\.0: must be an e-mail address/],
    [
      'certificate ARN',
      { domain: { name: 'crm.example.com', certificateArn: 'arn:nope' } },
      /^domain\.certificateArn: must be an ACM certificate ARN/,
    ],
  ];
  test.each(cases)('%s is refused', (_label, override, expected) => {
    const problems = configProblems({ ...demo, ...override });
    expect(problems).toEqual([expect.stringMatching(expected)]);
  });

  test('six years of log retention and more are accepted; defaults fill omitted sections', () => {
    const config = parseConfig({ ...demo, logs: { retentionDays: 3653 }, keys: undefined, alerts: undefined });
    expect(config.logs.retentionDays).toBe(3653);
    expect(config.keys).toEqual({ rotationPeriodDays: 365, pendingWindowDays: 30, rotationCheckSchedule: 'cron(0 6 * * ? *)' });
    expect(config.alerts).toEqual({ additionalEmails: [], minimumFindingSeverity: 'HIGH' });
    expect(parseConfig({ ...demo, logs: undefined }).logs.retentionDays).toBe(2192);
  });
});

describe('loadConfig', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-'));
  test('a missing file says how to pass one', () => {
    expect(() => loadConfig('nope.json', dir)).toThrow(/cannot read the file .*-c config=<path>/);
  });
  test('invalid JSON is reported as such', () => {
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "name": ');
    expect(() => loadConfig('broken.json', dir)).toThrow(/broken\.json has 1 problem:\n {2}- is not valid JSON/);
  });
});

describe('identity, WAF and workload rules that protect a control', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['SMS MFA', { identity: { mfaFactors: ['TOTP', 'SMS'] } }, /^identity\.mfaFactors: SMS is not allowed/],
    [
      'optional MFA',
      { identity: { mfa: 'OPTIONAL' } },
      /^identity\.mfa: must be "REQUIRED".*optional or disabled MFA is not allowed/,
    ],
    [
      'access token over 60 minutes',
      { identity: { accessTokenMinutes: 120 } },
      /^identity\.accessTokenMinutes: must be at most 60 minutes/,
    ],
    ['ID token over 60 minutes', { identity: { idTokenMinutes: 61 } }, /^identity\.idTokenMinutes: must be at most 60 minutes/],
    [
      'refresh token over a shift',
      { identity: { refreshTokenHours: 24 } },
      /^identity\.refreshTokenHours: must be at most 12 hours/,
    ],
    [
      'unknown scope',
      { identity: { roles: [{ name: 'x-ray', description: 'x', scopes: ['patients.delete'] }] } },
      /^identity\.roles\.0\.scopes\.0: must be one of patients\.read/,
    ],
    [
      'duplicate role',
      {
        identity: {
          roles: [
            { name: 'a1', description: 'x', scopes: ['admin'] },
            { name: 'a1', description: 'y', scopes: ['admin'] },
          ],
        },
      },
      /^identity\.roles\.1\.name: role "a1" is listed twice/,
    ],
    [
      'WAF in count mode',
      { waf: { mode: 'COUNT' } },
      /^waf\.mode: must be "BLOCK": a web ACL in count mode only watches attacks/,
    ],
    ['bad office CIDR', { waf: { allowedCidrs: ['10.0.0.0/99'] } }, /^waf\.allowedCidrs\.0: must be an IPv4 CIDR/],
    [
      'upload path without a leading slash',
      { waf: { largeBodyPaths: ['documents'] } },
      /^waf\.largeBodyPaths\.0: must be a URI path prefix such as "\/api\/documents"/,
    ],
    ['upload path "/" (every path)', { waf: { largeBodyPaths: ['/'] } }, /^waf\.largeBodyPaths\.0: must be a URI path prefix/],
    [
      'upload path with a wildcard',
      { waf: { largeBodyPaths: ['/api/*'] } },
      /^waf\.largeBodyPaths\.0: must be a URI path prefix/,
    ],
    [
      'more than 10 upload paths',
      { waf: { largeBodyPaths: Array.from({ length: 11 }, (_, i) => `/u${i}`) } },
      /^waf\.largeBodyPaths: /,
    ],
    ['a single task', { workload: { minTasks: 1 } }, /^workload\.minTasks: must be at least 2/],
    ['privileged port', { workload: { containerPort: 80 } }, /^workload\.containerPort: must be 1024 or above/],
    [
      'no certificate source',
      { domain: { name: 'crm.example.com' } },
      /^domain: give exactly one of certificateArn .* or hostedZone/,
    ],
    [
      'name outside its zone',
      { domain: { name: 'crm.other.com', hostedZone: { id: 'Z123', name: 'example.com' } } },
      /^domain\.hostedZone\.name: the domain name must be in the hosted zone/,
    ],
  ];
  test.each(cases)('%s is refused', (_label, override, expected) => {
    expect(configProblems({ ...demo, ...override })).toEqual([expect.stringMatching(expected)]);
  });

  test('the default role matrix has one role per job function named in the source documents', () => {
    expect(parseConfig(demo).identity.roles.map((r) => r.name)).toEqual([
      'front-desk',
      'medical-assistant',
      'billing',
      'provider',
      'practice-manager',
      'compliance-officer',
    ]);
  });
});
