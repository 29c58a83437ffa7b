import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { baaGateIssues } from '../../lib/config/baa-gate';
import { itemsOf, numberAt, stringAt, valueAt } from '../../lib/config/cross-field';
import { parseConfig, plainConfigMessage } from '../../lib/config/load';
import { phiLockIssues } from '../../lib/config/phi-locks';
import { profileIssues } from '../../lib/config/profile-gate';
import { configSchema, regionIssues } from '../../lib/config/schema';
import { backupIssues } from '../../lib/config/schema-backup';
import { integrationBaaIssues } from '../../lib/config/schema-integrations';
import { organizationIssues } from '../../lib/config/schema-organization';
import { configFileProblems, ORGANIZATION_CONFIG, rawConfig } from '../helpers/config';

type Raw = Record<string, unknown>;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cross-field-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** The problems `loadConfig` reports for `raw`, written to a file as a user would. */
const problemsOfFile = (raw: Raw): string[] => configFileProblems(raw, dir, `config-${files++}.json`);

/** `raw` with the value at `at` (a dotted path, numbers for list items) replaced; undefined removes it. */
function edit(raw: Raw, at: string, value: unknown): Raw {
  const copy = structuredClone(raw);
  const keys = at.split('.');
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const edits = (raw: Raw, changes: [string, unknown][]): Raw => changes.reduce((r, [at, v]) => edit(r, at, v), raw);

const production = rawConfig('config/production.example.json');
/** The organization block of the shipped example, and the same without a security-tooling account. */
const organization = rawConfig(ORGANIZATION_CONFIG).organization as Raw;
const organizationWithoutTooling = edit(organization, 'securityTooling', undefined);

/**
 * One field failure of each kind zod aborts on (before this fix, each hid every cross-field problem),
 * in a section no cross-field rule below reads, with the plain-words message it must give.
 */
const FIELD_FAILURES: [string, [string, unknown], RegExp][] = [
  ['a wrong type', ['keys.rotationPeriodDays', '90'], /^keys\.rotationPeriodDays: must be a number, not "90"$/],
  [
    'an enum value',
    ['alerts.minimumFindingSeverity', 'LOW'],
    /^alerts\.minimumFindingSeverity: must be one of "MEDIUM", "HIGH", "CRITICAL", not "LOW"$/,
  ],
  ['a fixed value (literal)', ['logs.retentionDays', 365], /^logs\.retentionDays: must be one of 2192, .*6 years/],
  ['a fixed value (literal) in a nested schema', ['waf.mode', 'COUNT'], /^waf\.mode: must be "BLOCK"/],
  ['a missing field', ['name', undefined], /^name: is required \(text in quotes\)$/],
  ['an unknown field', ['keys.rotationPeriodDay', 90], /^keys: Unrecognized key: "rotationPeriodDay"$/],
];

/**
 * Every cross-field rule in lib/config, broken in the production example: the edits, the message
 * expected, and a field failure inside the same object, which also skipped the object's own
 * refinements (the root's rules have none here: every entry of FIELD_FAILURES is one).
 */
interface CrossFieldRule {
  readonly rule: string;
  readonly breaks: [string, unknown][];
  readonly message: RegExp;
  readonly sibling?: { readonly change: [string, unknown]; readonly message: RegExp };
  /** A field the rule compares with: when that one fails, the rule has nothing to compare. */
  readonly reads?: string;
}
const CROSS_FIELD_RULES: CrossFieldRule[] = [
  {
    rule: 'BAA gate',
    breaks: [['baa', undefined]],
    message: /^baa: this deployment is marked holdsPhi: true but records no executed Business Associate Agreement/,
  },
  {
    rule: 'profile gate',
    breaks: [['profile', 'sandbox']],
    message: /^profile: sandbox is refused for a deployment that holds PHI/,
  },
  {
    rule: 'PHI lock: Object Lock',
    breaks: [['phiBucket.objectLockMode', 'GOVERNANCE']],
    message: /^phiBucket\.objectLockMode: must be "COMPLIANCE" because this deployment holds PHI/,
    sibling: {
      change: ['phiBucket.objectLockRetentionDays', '30'],
      message: /^phiBucket\.objectLockRetentionDays: must be a number, not "30"$/,
    },
  },
  {
    rule: 'PHI lock: Vault Lock',
    breaks: [
      ['backup.vaultLock.mode', 'GOVERNANCE'],
      ['backup.vaultLock.changeableForDays', undefined],
    ],
    message: /^backup\.vaultLock\.mode: must be "COMPLIANCE" because this deployment holds PHI/,
    sibling: {
      change: ['backup.vaultLock.minRetentionDays', null],
      message: /^backup\.vaultLock\.minRetentionDays: must be a number, not null$/,
    },
  },
  {
    rule: 'DR region differs from primary',
    breaks: [['regions.dr', 'us-east-1']],
    message: /^regions\.dr: must differ from regions\.primary/,
    sibling: { change: ['network.vpcCidr', 10], message: /^network\.vpcCidr: must be text in quotes, not 10$/ },
  },
  {
    rule: 'zones in the primary region',
    breaks: [['network.availabilityZones', ['us-east-1a', 'us-west-2b']]],
    message: /^network\.availabilityZones\.1: "us-west-2b" is not in the primary region us-east-1$/,
    sibling: { change: ['network.vpcCidr', false], message: /^network\.vpcCidr: must be text in quotes, not false$/ },
  },
  {
    rule: 'no zone twice',
    breaks: [['network.availabilityZones', ['us-east-1a', 'us-east-1a']]],
    message: /^network\.availabilityZones: lists the same availability zone twice$/,
    sibling: { change: ['network.vpcCidr', []], message: /^network\.vpcCidr: must be text in quotes, not a list$/ },
  },
  {
    rule: 'database storage ceiling',
    breaks: [['database.maxAllocatedStorageGiB', 50]],
    message: /^database\.maxAllocatedStorageGiB: maxAllocatedStorageGiB must be at least allocatedStorageGiB$/,
    sibling: { change: ['database.databaseName', 7], message: /^database\.databaseName: must be text in quotes, not 7$/ },
  },
  {
    rule: 'Vault Lock grace period in COMPLIANCE mode',
    breaks: [['backup.vaultLock.changeableForDays', undefined]],
    message: /^backup\.vaultLock\.changeableForDays: is required in COMPLIANCE mode/,
    sibling: {
      change: ['backup.restoreTesting.startWindowHours', 'eight'],
      message: /^backup\.restoreTesting\.startWindowHours: must be a number, not "eight"$/,
    },
  },
  {
    rule: 'monthly copies outlive daily ones',
    breaks: [
      ['backup.dailyRetentionDays', 120],
      ['backup.monthlyRetentionDays', 100],
    ],
    message: /^backup\.monthlyRetentionDays: must be longer than dailyRetentionDays/,
    sibling: {
      change: ['backup.targets.rtoMinutes', '240'],
      message: /^backup\.targets\.rtoMinutes: must be a number, not "240"$/,
    },
  },
  {
    rule: 'Vault Lock maximum covers monthly copies',
    breaks: [['backup.vaultLock.maxRetentionDays', 400]],
    message: /^backup\.vaultLock\.maxRetentionDays: must be at least monthlyRetentionDays \(2557\)/,
    sibling: {
      change: ['backup.additionalCopyVaultArn', 42],
      message: /^backup\.additionalCopyVaultArn: must be text in quotes, not 42$/,
    },
  },
  {
    rule: 'canary twice per RPO',
    breaks: [['backup.canaryIntervalMinutes', 45]],
    message: /^backup\.canaryIntervalMinutes: must be at most half of targets\.rpoMinutes \(60\)/,
    sibling: {
      change: ['backup.restoreTesting.expectedTables', 'crm.patients'],
      message: /^backup\.restoreTesting\.expectedTables: must be a list \(\[ \.\.\. \]\), not "crm\.patients"$/,
    },
  },
  {
    rule: 'one certificate source',
    breaks: [['domain.certificateArn', undefined]],
    message: /^domain: give exactly one of certificateArn .* or hostedZone/,
    sibling: { change: ['domain.name', 5], message: /^domain\.name: must be text in quotes, not 5$/ },
  },
  {
    rule: 'domain name in its hosted zone',
    breaks: [
      ['domain.certificateArn', undefined],
      ['domain.hostedZone', { id: 'Z123', name: 'example.com' }],
    ],
    message: /^domain\.hostedZone\.name: the domain name must be in the hosted zone$/,
    sibling: { change: ['domain.hostedZone.id', 5], message: /^domain\.hostedZone\.id: must be text in quotes, not 5$/ },
  },
  {
    rule: 'maxTasks at least minTasks',
    breaks: [
      ['workload.maxTasks', 2],
      ['workload.minTasks', 3],
    ],
    message: /^workload\.maxTasks: maxTasks must be at least minTasks$/,
    sibling: { change: ['workload.cpu', 300], message: /^workload\.cpu: must be one of 256, 512, 1024, 2048, 4096/ },
  },
  {
    rule: 'integration receiving PHI has a BAA',
    breaks: [['integrations.0.baa', { inPlace: false }]],
    message:
      /^integrations\.0\.baa\.inPlace: "Example Claims Clearinghouse" receives PHI but has no Business Associate Agreement in place/,
    sibling: {
      change: ['integrations.0.riskRating', 'extreme'],
      message: /^integrations\.0\.riskRating: must be one of "low", "medium", "high", not "extreme"$/,
    },
  },
  {
    rule: 'a BAA in place names where it is filed',
    breaks: [['integrations.0.baa.reference', undefined]],
    message: /^integrations\.0\.baa\.reference: is required when the BAA is in place/,
    sibling: {
      change: ['integrations.0.fieldsShared', 'patient name'],
      message: /^integrations\.0\.fieldsShared: must be a list \(\[ \.\.\. \]\), not "patient name"$/,
    },
  },
  {
    rule: 'no integration listed twice',
    breaks: [['integrations.1.name', 'example claims clearinghouse']],
    message: /^integrations\.1\.name: "example claims clearinghouse" is listed twice$/,
    sibling: {
      change: ['integrations.1.riskRating', 'none'],
      message: /^integrations\.1\.riskRating: must be one of "low", "medium", "high", not "none"$/,
    },
  },
  {
    rule: 'no role listed twice',
    breaks: [
      [
        'identity.roles',
        [
          { name: 'billing', description: 'x', scopes: ['billing.read'] },
          { name: 'billing', description: 'y', scopes: ['billing.read'] },
        ],
      ],
    ],
    message: /^identity\.roles\.1\.name: role "billing" is listed twice$/,
    sibling: {
      change: ['identity.roles.0.scopes', ['billing.delete']],
      message: /^identity\.roles\.0\.scopes\.0: must be one of patients\.read/,
    },
  },
  {
    rule: 'no SMS factor',
    breaks: [['identity.mfaFactors', ['TOTP', 'SMS']]],
    message: /^identity\.mfaFactors: SMS is not allowed/,
    sibling: {
      change: ['identity.mfaFactors', ['TOTP', 'SMS', 2]],
      message: /^identity\.mfaFactors\.2: must be text in quotes, not 2$/,
    },
  },
  {
    rule: 'organization: the workload account is pinned',
    breaks: [
      ['organization', organizationWithoutTooling],
      ['account', undefined],
    ],
    message: /^account: is required when organization is set/,
    sibling: {
      change: ['organization.managementAccount', null],
      message: /^organization\.managementAccount: must be text in quotes, not null$/,
    },
  },
  {
    rule: 'organization: each part in its own account',
    breaks: [['organization', { ...organizationWithoutTooling, backup: { account: '111122223333', regions: ['us-west-2'] } }]],
    message: /^organization\.backup\.account: is the same account as the workload account \(account\) \(111122223333\)/,
    sibling: {
      change: ['organization.erasureApproval.requestExpiryHours', '24'],
      message: /^organization\.erasureApproval\.requestExpiryHours: must be a number, not "24"$/,
    },
  },
  {
    rule: 'organization: one air-gapped vault per backup region',
    breaks: [
      [
        'organization',
        { ...organizationWithoutTooling, backup: { account: '333333333333', regions: ['us-west-2', 'us-west-2'] } },
      ],
    ],
    message: /^organization\.backup\.regions\.1: lists us-west-2 twice/,
    sibling: {
      change: ['organization.backup.account', 12],
      message: /^organization\.backup\.account: must be text in quotes, not 12$/,
    },
  },
  {
    rule: 'organization: detection defers to the security-tooling account',
    breaks: [
      ['organization', organization],
      ['detection', { guardDuty: false, securityHub: false, inspector: false, macie: false }],
    ],
    message: /^detection\.config: must be false when organization\.securityTooling is set/,
    sibling: {
      change: ['organization.securityTooling.account', 5],
      message: /^organization\.securityTooling\.account: must be text in quotes, not 5$/,
    },
  },
  {
    rule: "organization: the approver is none of the deployment's own roles",
    breaks: [
      ['organization', { ...organizationWithoutTooling, erasureApproval: { approverRoleName: 'acme-crm-prod-crypto-erasure' } }],
    ],
    message: /^organization\.erasureApproval\.approverRoleName: must differ from the crypto-erasure role of this deployment/,
    reads: 'name',
    sibling: { change: ['organization.workloadOuId', 7], message: /^organization\.workloadOuId: must be text in quotes, not 7$/ },
  },
];

describe('cross-field rules are reported together with field problems, each in plain words', () => {
  test('the example of issue 13: holdsPhi without a BAA plus a one-year log retention reports both', () => {
    const problems = problemsOfFile(
      edits(production, [
        ['baa', undefined],
        ['logs.retentionDays', 365],
      ]),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^logs\.retentionDays: must be one of 2192/),
      expect.stringMatching(/^baa: this deployment is marked holdsPhi: true but records no executed/),
    ]);
  });

  describe.each(FIELD_FAILURES)('with %s elsewhere', (_kind, [fieldAt, badValue], fieldMessage) => {
    test.each(CROSS_FIELD_RULES.filter((r) => r.reads !== fieldAt))('$rule is reported too', ({ breaks, message }) => {
      const problems = problemsOfFile(edits(production, [...breaks, [fieldAt, badValue]]));
      expect(problems).toHaveLength(2);
      expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(fieldMessage), expect.stringMatching(message)]));
    });
  });

  test.each(CROSS_FIELD_RULES.filter((r) => r.sibling))(
    '$rule is reported when a field of its own object fails',
    ({ breaks, message, sibling }) => {
      const problems = problemsOfFile(edits(production, [...breaks, sibling!.change]));
      expect(problems).toHaveLength(2);
      expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(sibling!.message), expect.stringMatching(message)]));
    },
  );
});

/** Every path in a JSON value: object keys and list items, depth first. */
function pathsOf(value: unknown, prefix = ''): string[] {
  const children: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : typeof value === 'object' && value !== null
      ? Object.entries(value)
      : [];
  return children.flatMap(([key, child]) => {
    const at = prefix ? `${prefix}.${key}` : key;
    return [at, ...pathsOf(child, at)];
  });
}

describe('the cross-field rules stay safe on any input, since they now see the raw values of failed fields', () => {
  const garbage = [undefined, null, 7, [null]];

  test('replacing any value of the production example with anything gives problems, never a crash', () => {
    const paths = pathsOf(production);
    expect(paths.length).toBeGreaterThan(100);
    const crashes: string[] = [];
    for (const at of paths) {
      for (const value of garbage) {
        try {
          configSchema.safeParse(edit(production, at, value), { error: plainConfigMessage });
        } catch (e) {
          crashes.push(`${at} = ${JSON.stringify(value)}: ${(e as Error).message}`);
        }
      }
    }
    expect(crashes).toEqual([]);
  });

  test('replacing any value of the organization block with anything gives problems, never a crash', () => {
    const withBlock = edit(production, 'organization', organization);
    const crashes: string[] = [];
    for (const at of pathsOf(organization).map((p) => `organization.${p}`)) {
      for (const value of garbage) {
        try {
          configSchema.safeParse(edit(withBlock, at, value), { error: plainConfigMessage });
        } catch (e) {
          crashes.push(`${at} = ${JSON.stringify(value)}: ${(e as Error).message}`);
        }
      }
    }
    expect(crashes).toEqual([]);
  });

  test('a config that is not an object at all is refused with one message', () => {
    for (const value of [null, 5, 'config', [], true]) {
      expect(() => parseConfig(value)).toThrow(/has 1 problem:\n {2}- \(top level\): must be an object/);
    }
  });

  test.each([
    ['baaGateIssues', (v: unknown) => baaGateIssues(v)],
    ['profileIssues', profileIssues],
    ['phiLockIssues', phiLockIssues],
    ['regionIssues', regionIssues],
    ['backupIssues', backupIssues],
    ['integrationBaaIssues', integrationBaaIssues],
    ['organizationIssues', organizationIssues],
  ])('%s finds nothing in input of the wrong shape', (_name, rule) => {
    for (const value of [...garbage, {}, { holdsPhi: 'true' }, { regions: 'us-east-1', network: { availabilityZones: 'x' } }]) {
      expect(rule(value)).toEqual([]);
    }
  });

  test('the raw-input accessors read only what has the expected type', () => {
    const raw = { a: { b: [1, 'two', { c: 3 }] } };
    expect(valueAt(raw, 'a', 'b', 2, 'c')).toBe(3);
    expect(valueAt(raw, 'a', 'b', 'c')).toBeUndefined();
    expect(valueAt(raw, 'a', 0)).toBeUndefined();
    expect(valueAt(null, 'a')).toBeUndefined();
    expect(numberAt(raw, 'a', 'b', 0)).toBe(1);
    expect(numberAt(raw, 'a', 'b', 1)).toBeUndefined();
    expect(numberAt({ n: Number.NaN }, 'n')).toBeUndefined();
    expect(stringAt(raw, 'a', 'b', 1)).toBe('two');
    expect(stringAt(raw, 'a', 'b', 0)).toBeUndefined();
    expect(itemsOf(raw.a.b)).toHaveLength(3);
    expect(itemsOf(raw)).toEqual([]);
  });
});
