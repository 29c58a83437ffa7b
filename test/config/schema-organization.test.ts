import { parseConfig } from '../../lib/config/load';
import { organizationSettings } from '../../lib/config/organization';
import { organizationIssues } from '../../lib/config/schema-organization';
import { deploymentNames } from '../../lib/vocabulary';
import { ALL_SHIPPED_CONFIGS, configProblems, ORGANIZATION_CONFIG, rawConfig, shippedConfig } from '../helpers/config';

type Raw = Record<string, unknown>;

const example = rawConfig(ORGANIZATION_CONFIG);
const organization = example.organization as Raw;

/** The example with fields of the organization block replaced (shallow per key of the block). */
const withOrganization = (changes: Raw, top: Raw = {}): Raw => ({
  ...example,
  ...top,
  organization: { ...organization, ...changes },
});

/** `raw` without the given top-level fields. */
const without = (raw: Raw, ...keys: string[]): Raw => Object.fromEntries(Object.entries(raw).filter(([k]) => !keys.includes(k)));

describe('the shipped accounts-apart example', () => {
  test('loads, and organizationSettings gives the integrator every account, region and ID', () => {
    const config = shippedConfig(ORGANIZATION_CONFIG);
    expect(organizationSettings(config)).toEqual({
      organizationId: 'o-a1b2c3d4e5',
      managementAccount: '111111111111',
      workloadOuId: 'ou-ab12-cd34ef56',
      workloadAccount: '111122223333',
      primaryRegion: 'us-east-1',
      drRegion: 'us-west-2',
      logArchiveAccount: '222222222222',
      backupAccount: '333333333333',
      backupRegions: ['us-east-1', 'us-west-2'],
      securityToolingAccount: '444444444444',
      erasureApproval: { approverRoleName: 'acme-crm-org-erasure-approver', requestExpiryHours: 24 },
    });
  });

  test('is the production example plus the organization block, under its own name', () => {
    const production = rawConfig('config/production.example.json');
    const differing = ['organization', 'detection', 'name', 'description', 'identity'];
    expect(without(example, ...differing)).toEqual(without(production, ...differing));
    expect(example.name).not.toBe(production.name);
    expect(example.detection).toEqual({ guardDuty: false, securityHub: false, config: false, inspector: false, macie: false });
    // The Cognito domain prefix is unique per region: a second deployment needs its own.
    const identity = example.identity as Raw;
    const productionIdentity = production.identity as Raw;
    expect(without(identity, 'domainPrefix')).toEqual(without(productionIdentity, 'domainPrefix'));
    expect(identity.domainPrefix).not.toBe(productionIdentity.domainPrefix);
  });

  test('without a security-tooling account the detection toggles keep their defaults', () => {
    const config = parseConfig({ ...without(example, 'detection'), organization: without(organization, 'securityTooling') });
    expect(config.detection).toEqual(
      expect.objectContaining({ guardDuty: true, securityHub: true, config: true, inspector: true, macie: true }),
    );
    expect(organizationSettings(config)?.securityToolingAccount).toBeUndefined();
  });

  test('the approver role defaults to <name>-erasure-approver, the expiry to 24 hours', () => {
    const settings = organizationSettings(parseConfig(withOrganization({ erasureApproval: undefined })));
    expect(settings?.erasureApproval).toEqual({
      approverRoleName: deploymentNames('acme-crm-org').erasureApproverRole,
      requestExpiryHours: 24,
    });
    expect(settings?.erasureApproval.approverRoleName).toBe('acme-crm-org-erasure-approver');
  });
});

test('organizationSettings refuses a block without the workload account (a config built in code, not parsed)', () => {
  const config = { ...shippedConfig(ORGANIZATION_CONFIG), account: undefined };
  expect(() => organizationSettings(config)).toThrow('config.account is required when config.organization is set');
});

describe('single-account deployments are unaffected', () => {
  test.each(ALL_SHIPPED_CONFIGS.filter((f) => f !== ORGANIZATION_CONFIG))(
    '%s has no organization block and no organization settings',
    (file) => {
      const config = shippedConfig(file);
      expect(config.organization).toBeUndefined();
      expect(organizationSettings(config)).toBeUndefined();
    },
  );

  test('detection stays on by default without the block', () => {
    expect(shippedConfig('config/production.example.json').detection).toEqual(
      expect.objectContaining({ guardDuty: true, securityHub: true, config: true, inspector: true, macie: true }),
    );
  });
});

describe('the organization block refuses inconsistent combinations, each in plain words', () => {
  test('the workload account must be pinned', () => {
    expect(configProblems({ ...example, account: undefined })).toEqual([
      expect.stringMatching(/^account: is required when organization is set: the log-archive, backup and guardrails accounts/),
    ]);
  });

  test.each([
    [
      'the workload and backup accounts',
      { backup: { account: '111122223333', regions: ['us-west-2'] } },
      'organization.backup.account',
      'the workload account \\(account\\)',
      '111122223333',
    ],
    [
      'the management and log-archive accounts',
      { logArchive: { account: '111111111111' } },
      'organization.logArchive.account',
      'organization\\.managementAccount',
      '111111111111',
    ],
    [
      'the log-archive and backup accounts',
      { backup: { account: '222222222222', regions: ['us-west-2'] } },
      'organization.backup.account',
      'organization\\.logArchive\\.account',
      '222222222222',
    ],
    [
      'the backup and security-tooling accounts',
      { securityTooling: { account: '333333333333' } },
      'organization.securityTooling.account',
      'organization\\.backup\\.account',
      '333333333333',
    ],
    [
      'the workload and management accounts',
      { managementAccount: '111122223333' },
      'organization.managementAccount',
      'the workload account \\(account\\)',
      '111122223333',
    ],
  ])('%s must differ, and the message names both', (_pair, changes, at, other, id) => {
    expect(configProblems(withOrganization(changes))).toEqual([
      expect.stringMatching(
        new RegExp(`^${at.replace(/\./g, '\\.')}: is the same account as ${other} \\(${id}\\): each part needs its own account`),
      ),
    ]);
  });

  test('three accounts that are one are reported twice, each against the first', () => {
    const problems = configProblems(
      withOrganization({ logArchive: { account: '111111111111' }, securityTooling: { account: '111111111111' } }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^organization\.logArchive\.account: is the same account as organization\.managementAccount/),
      expect.stringMatching(/^organization\.securityTooling\.account: is the same account as organization\.managementAccount/),
    ]);
  });

  test('backup.regions must not be empty', () => {
    expect(configProblems(withOrganization({ backup: { account: '333333333333', regions: [] } }))).toEqual([
      'organization.backup.regions: needs at least one region: where the air-gapped vault is',
    ]);
  });

  test('backup.regions must be region names', () => {
    expect(configProblems(withOrganization({ backup: { account: '333333333333', regions: ['us-west-2', 'oregon'] } }))).toEqual([
      'organization.backup.regions.1: must be an AWS region code such as "us-west-2"',
    ]);
  });

  test('backup.regions must not list a region twice', () => {
    expect(
      configProblems(withOrganization({ backup: { account: '333333333333', regions: ['us-west-2', 'us-east-2', 'us-west-2'] } })),
    ).toEqual(['organization.backup.regions.2: lists us-west-2 twice: one vault per region']);
  });

  test('backup.additionalCopyVaultArn is refused beside the air-gapped copy, and accepted without the block', () => {
    const backup = {
      ...(example.backup as Raw),
      additionalCopyVaultArn: 'arn:aws:backup:us-west-2:444455556666:backup-vault:other',
    };
    expect(configProblems({ ...example, backup })).toEqual([
      expect.stringMatching(
        /^backup\.additionalCopyVaultArn: must not be set when organization is set: every scheduled recovery point/,
      ),
    ]);
    expect(configProblems(without({ ...example, backup }, 'organization'))).toEqual([]);
  });

  test('the Vault Lock minimum must be at least 7 days, the air-gapped vault floor; 7 itself is accepted', () => {
    const lock = (minRetentionDays: number): Raw => ({
      ...example,
      backup: { ...(example.backup as Raw), vaultLock: { ...((example.backup as Raw).vaultLock as Raw), minRetentionDays } },
    });
    expect(configProblems(lock(6))).toEqual([
      "backup.vaultLock.minRetentionDays: must be at least 7 when organization is set: the backup account's logically air-gapped vaults take this minimum, and AWS Backup refuses less for them",
    ]);
    expect(configProblems(lock(7))).toEqual([]);
    expect(configProblems(without(lock(6), 'organization'))).toEqual([]);
  });

  test.each([
    ['guardDuty', 'GuardDuty'],
    ['securityHub', 'Security Hub'],
    ['config', 'AWS Config'],
    ['inspector', 'Amazon Inspector'],
    ['macie', 'Amazon Macie'],
  ])('with a security-tooling account, detection.%s must be false', (toggle, service) => {
    const detection = { ...(example.detection as Raw), [toggle]: true };
    expect(configProblems({ ...example, detection })).toEqual([
      expect.stringMatching(
        new RegExp(
          `^detection\\.${toggle}: must be false when organization\\.securityTooling is set: the delegated administrator \\(444444444444\\) runs ${service} for the organization`,
        ),
      ),
    ]);
  });

  test('with a security-tooling account, leaving detection at its defaults (on) is refused for all five at once', () => {
    expect(configProblems(without(example, 'detection'))).toEqual([
      expect.stringMatching(/^detection\.guardDuty: must be false when organization\.securityTooling is set/),
      expect.stringMatching(/^detection\.securityHub: must be false/),
      expect.stringMatching(/^detection\.config: must be false/),
      expect.stringMatching(/^detection\.inspector: must be false/),
      expect.stringMatching(/^detection\.macie: must be false/),
    ]);
  });

  test.each([
    ['too long', 'a'.repeat(65)],
    ['empty', ''],
    ['with a slash', 'team/approver'],
    ['with a space', 'erasure approver'],
  ])('erasureApproval.approverRoleName must be an IAM role name (%s)', (_what, name) => {
    expect(configProblems(withOrganization({ erasureApproval: { approverRoleName: name } }))).toEqual([
      'organization.erasureApproval.approverRoleName: must be an IAM role name: 1 to 64 letters, digits or _+=,.@-',
    ]);
  });

  test('a 64-character role name with every allowed sign is accepted', () => {
    const name = `${'a'.repeat(57)}_+=,.@-`;
    expect(name).toHaveLength(64);
    expect(configProblems(withOrganization({ erasureApproval: { approverRoleName: name } }))).toEqual([]);
  });

  test.each([
    ['break-glass', deploymentNames('acme-crm-org').breakGlassRole],
    ['crypto-erasure', deploymentNames('acme-crm-org').cryptoErasureRole],
    ['crypto-erasure', deploymentNames('acme-crm-org').cryptoErasureRole.toUpperCase()],
  ])("the approver role must not be the deployment's %s role (%s; IAM names ignore case)", (what, name) => {
    expect(configProblems(withOrganization({ erasureApproval: { approverRoleName: name } }))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^organization\\.erasureApproval\\.approverRoleName: must differ from the ${what} role of this deployment \\(acme-crm-org-${what}\\)`,
        ),
      ),
    ]);
  });

  test.each([
    [0, 'must be at least 1 hour'],
    [73, 'must be at most 72 hours'],
    [1.5, 'must be a whole number of hours'],
    ['24', 'must be a number, not "24"'],
  ])('erasureApproval.requestExpiryHours %p is refused', (hours, message) => {
    expect(configProblems(withOrganization({ erasureApproval: { requestExpiryHours: hours } }))).toEqual([
      `organization.erasureApproval.requestExpiryHours: ${message}`,
    ]);
  });

  test.each(['o-a1b2c3d4e', 'o-A1B2C3D4E5', 'a1b2c3d4e5', `o-${'a'.repeat(33)}`])('organizationId %p is refused', (id) => {
    expect(configProblems(withOrganization({ organizationId: id }))).toEqual([
      expect.stringMatching(/^organization\.organizationId: must be an AWS Organizations ID such as "o-a1b2c3d4e5"/),
    ]);
  });

  test.each(['ou-ab1-cd34ef56', 'ou-ab12-cd34ef5', 'ou-AB12-cd34ef56', 'r-ab12', 'ou-ab12cd34ef56'])(
    'workloadOuId %p is refused',
    (id) => {
      expect(configProblems(withOrganization({ workloadOuId: id }))).toEqual([
        expect.stringMatching(/^organization\.workloadOuId: must be an organizational unit ID such as "ou-ab12-cd34ef56"/),
      ]);
    },
  );

  test('the longest organization and OU IDs are accepted', () => {
    expect(
      configProblems(
        withOrganization({ organizationId: `o-${'a'.repeat(32)}`, workloadOuId: `ou-${'0'.repeat(32)}-${'z'.repeat(32)}` }),
      ),
    ).toEqual([]);
  });

  test('an unknown field in the block is refused', () => {
    expect(configProblems(withOrganization({ targetOu: 'ou-ab12-cd34ef56' }))).toEqual([
      'organization: Unrecognized key: "targetOu"',
    ]);
  });

  test('the sandbox profile is refused: cdk destroy could not remove the locked archive and vault', () => {
    expect(configProblems({ ...example, profile: 'sandbox', holdsPhi: false, baa: undefined })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^profile: cannot be sandbox when organization is set: the log archive/)]),
    );
  });

  test('a primary region without Lambda function URLs is refused: the two-person rule could not run there', () => {
    const inZurich = { ...example, regions: { primary: 'eu-central-2', dr: 'eu-central-1' } };
    expect(configProblems(inZurich)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^regions\.primary: cannot be eu-central-2 when organization is set: the two-person rule .* function URLs/,
        ),
      ]),
    );
    // The same region is fine for a single-account deployment, which has no two-person rule.
    expect(configProblems(without(inZurich, 'organization')).filter((p) => p.startsWith('regions.primary'))).toEqual([]);
  });

  test('every problem at once: a type failure elsewhere, one inside the block, and the organization rules', () => {
    const problems = configProblems(
      withOrganization(
        {
          backup: { account: '222222222222', regions: ['us-west-2', 'us-west-2'] },
          erasureApproval: { approverRoleName: 'acme-crm-org-break-glass', requestExpiryHours: '24' },
        },
        {
          account: undefined,
          keys: { rotationPeriodDays: '90' },
          detection: { guardDuty: true, securityHub: false, config: false, inspector: false, macie: false },
        },
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'keys.rotationPeriodDays: must be a number, not "90"',
        'organization.erasureApproval.requestExpiryHours: must be a number, not "24"',
        expect.stringMatching(/^account: is required when organization is set/),
        expect.stringMatching(
          /^organization\.backup\.account: is the same account as organization\.logArchive\.account \(222222222222\)/,
        ),
        'organization.backup.regions.1: lists us-west-2 twice: one vault per region',
        expect.stringMatching(/^detection\.guardDuty: must be false when organization\.securityTooling is set/),
        expect.stringMatching(/^organization\.erasureApproval\.approverRoleName: must differ from the break-glass role/),
      ]),
    );
    expect(problems).toHaveLength(7);
  });
});

describe('organizationIssues on raw input', () => {
  test('finds nothing without an organization block or in input of the wrong shape', () => {
    for (const value of [undefined, null, 7, [null], {}, { organization: 'yes' }, { organization: [] }, { organization: null }]) {
      expect(organizationIssues(value)).toEqual([]);
    }
  });

  test('any field of the block missing or of the wrong type gives a problem on that field, never a crash', () => {
    const optional = ['securityTooling', 'erasureApproval'];
    const unreported: string[] = [];
    for (const key of Object.keys(organization)) {
      for (const value of [undefined, null, 7, 'x', [null], {}]) {
        if (value === undefined && optional.includes(key)) continue;
        if (key === 'erasureApproval' && JSON.stringify(value) === '{}') continue; // every field has a default
        const problems = configProblems(withOrganization({ [key]: value }));
        if (!problems.some((p) => p.startsWith(`organization.${key}`))) unreported.push(`${key} = ${JSON.stringify(value)}`);
      }
    }
    expect(unreported).toEqual([]);
  });

  test('a malformed account ID is reported by its field only, not also as a collision', () => {
    expect(configProblems(withOrganization({ managementAccount: '1234', logArchive: { account: '1234' } }))).toEqual([
      'organization.managementAccount: must be a 12-digit AWS account ID',
      'organization.logArchive.account: must be a 12-digit AWS account ID',
    ]);
  });
});
