/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  cdkExecutionRoleArns,
  GLOBAL_SERVICE_ACTIONS,
  guardrailPolicies,
  MAX_SCP_CHARACTERS,
  MAX_SCPS_PER_TARGET,
  OrganizationGuardrails,
  POLICIES_ALREADY_ON_TARGET,
  type OrganizationGuardrailsProps,
} from '../../lib/constructs/organization-guardrails';
import { deploymentNames, TAG } from '../../lib/vocabulary';
import { templateApp } from '../helpers/stand-ins';

const WORKLOAD = '111122223333';
const OU = 'ou-ab12-cd34ef56';
const ERASER = `arn:aws:iam::${WORKLOAD}:role/crm-demo-crypto-erasure`;
const DEPLOYERS = cdkExecutionRoleArns({ accounts: [WORKLOAD], regions: ['us-east-1', 'us-west-2'] });
const PROPS: OrganizationGuardrailsProps = {
  deployment: 'crm-demo',
  organizationId: 'o-a1b2c3d4e5',
  workloadOuId: OU,
  allowedRegions: ['us-east-1', 'us-west-2'],
  erasureRoleArns: [ERASER],
  deployerRoleArns: DEPLOYERS,
};
const names = deploymentNames('crm-demo');

// One synth for the file: the policies as CloudFormation receives them.
const stack = new Stack(templateApp(), 'Guardrails', { env: { account: '999988887777', region: 'us-east-1' } });
const guardrails = new OrganizationGuardrails(stack, 'Default', PROPS);
const policies = Object.values(Template.fromStack(stack).findResources('AWS::Organizations::Policy')) as any[];
const statements: any[] = policies.flatMap((p) => p.Properties.Content.Statement);
const statement = (sid: string) => {
  const found = statements.filter((s) => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0];
};
const deploymentKeys = { StringEquals: { 'aws:ResourceTag/hipaa-crm:deployment': 'crm-demo' } };
const exceptDeployers = { ArnNotLike: { 'aws:PrincipalArn': DEPLOYERS } };
const vaults = [
  'arn:aws:backup:*:*:backup-vault:crm-demo-backup-vault',
  'arn:aws:backup:*:*:backup-vault:crm-demo-backup-vault-dr',
];
const trail = 'arn:aws:cloudtrail:*:*:trail/crm-demo-audit-trail';

describe('OrganizationGuardrails: the policies', () => {
  test('two service control policies, named from the vocabulary, attached to the workload OU only', () => {
    expect(policies.map((p) => p.Properties.Name).sort()).toEqual([
      names.guardrailPolicy('account'),
      names.guardrailPolicy('data'),
    ]);
    for (const p of policies) {
      expect(p.Properties).toMatchObject({ Type: 'SERVICE_CONTROL_POLICY', TargetIds: [OU] });
      expect(p.Properties.Description).toMatch(/^crm-demo \(o-a1b2c3d4e5\): /);
    }
    expect(Object.keys(guardrails.policies).sort()).toEqual(['account', 'data']);
  });

  test('every statement denies, has a Sid of its own, and none allows anything', () => {
    expect(statements.map((s) => s.Sid)).toEqual([
      'DenyKeyDestructionExceptErasure',
      'DenyKeyPolicyOrRotationChangesExceptDeploys',
      'DenyKeyDeploymentTagChanges',
      'DenyRecoveryPointDeletion',
      'DenyVaultDeletion',
      'DenyVaultPolicyChangesExceptDeploys',
      'DenyExemptRoleTakeover',
      'DenyTrailStopOrDeletion',
      'DenyTrailChangesExceptDeploys',
      'DenyReplicationChangesExceptDeploys',
      'DenyDetectionShutdown',
      'DenyDetectionChangesExceptDeploys',
      'DenyPublicAccessBlockChanges',
      'DenyLeavingOrganization',
      'DenyOutsideAllowedRegions',
    ]);
    expect(statements.every((s) => s.Effect === 'Deny')).toBe(true);
    expect(statements.filter((s) => s.Principal || s.NotPrincipal || s.NotResource)).toEqual([]);
  });

  test("content is an object, not a string: CloudFormation's handler serializes it compactly and keeps drift detection", () => {
    for (const p of policies) expect(typeof p.Properties.Content).toBe('object');
  });
});

describe('OrganizationGuardrails: one test per statement', () => {
  test("DenyKeyDestructionExceptErasure: disabling or deleting this deployment's keys, by tag, except by the erasure role", () => {
    expect(statement('DenyKeyDestructionExceptErasure')).toEqual({
      Sid: 'DenyKeyDestructionExceptErasure',
      Effect: 'Deny',
      Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey'],
      Resource: '*',
      Condition: { ...deploymentKeys, ArnNotLike: { 'aws:PrincipalArn': [ERASER] } },
    });
    expect(TAG.deployment).toBe('hipaa-crm:deployment');
  });

  test('DenyKeyPolicyOrRotationChangesExceptDeploys: key policy and rotation changes only through CloudFormation', () => {
    expect(statement('DenyKeyPolicyOrRotationChangesExceptDeploys')).toEqual({
      Sid: 'DenyKeyPolicyOrRotationChangesExceptDeploys',
      Effect: 'Deny',
      Action: ['kms:PutKeyPolicy', 'kms:DisableKeyRotation'],
      Resource: '*',
      Condition: { ...deploymentKeys, ...exceptDeployers },
    });
  });

  test('DenyKeyDeploymentTagChanges: nobody removes or changes the tag the key statements match on', () => {
    expect(statement('DenyKeyDeploymentTagChanges')).toEqual({
      Sid: 'DenyKeyDeploymentTagChanges',
      Effect: 'Deny',
      Action: ['kms:TagResource', 'kms:UntagResource'],
      Resource: '*',
      Condition: {
        ...deploymentKeys,
        'ForAnyValue:StringEquals': { 'aws:TagKeys': ['hipaa-crm:deployment'] },
        StringNotEquals: { 'aws:RequestTag/hipaa-crm:deployment': 'crm-demo' },
      },
    });
  });

  test('DenyRecoveryPointDeletion: no principal deletes a recovery point or shortens its life, no exemption', () => {
    expect(statement('DenyRecoveryPointDeletion')).toEqual({
      Sid: 'DenyRecoveryPointDeletion',
      Effect: 'Deny',
      Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
      Resource: '*',
    });
  });

  test("DenyVaultDeletion: the deployment's vaults and their locks cannot be deleted, no exemption", () => {
    expect([names.backupVault, names.drBackupVault]).toEqual(['crm-demo-backup-vault', 'crm-demo-backup-vault-dr']);
    expect(statement('DenyVaultDeletion')).toEqual({
      Sid: 'DenyVaultDeletion',
      Effect: 'Deny',
      Action: ['backup:DeleteBackupVault', 'backup:DeleteBackupVaultLockConfiguration'],
      Resource: vaults,
    });
  });

  test('DenyVaultPolicyChangesExceptDeploys: vault access policies and lock settings only through CloudFormation', () => {
    expect(statement('DenyVaultPolicyChangesExceptDeploys')).toEqual({
      Sid: 'DenyVaultPolicyChangesExceptDeploys',
      Effect: 'Deny',
      Action: [
        'backup:PutBackupVaultAccessPolicy',
        'backup:DeleteBackupVaultAccessPolicy',
        'backup:PutBackupVaultLockConfiguration',
      ],
      Resource: vaults,
      Condition: exceptDeployers,
    });
  });

  test('DenyExemptRoleTakeover: the exempt roles cannot be deleted and re-created or re-trusted, except by CloudFormation', () => {
    expect(statement('DenyExemptRoleTakeover')).toEqual({
      Sid: 'DenyExemptRoleTakeover',
      Effect: 'Deny',
      Action: ['iam:DeleteRole', 'iam:UpdateAssumeRolePolicy'],
      Resource: [ERASER, 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*'],
      Condition: exceptDeployers,
    });
  });

  test("DenyTrailStopOrDeletion: nobody stops or deletes this deployment's trail", () => {
    expect(names.trail).toBe('crm-demo-audit-trail');
    expect(statement('DenyTrailStopOrDeletion')).toEqual({
      Sid: 'DenyTrailStopOrDeletion',
      Effect: 'Deny',
      Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'],
      Resource: trail,
    });
  });

  test('DenyTrailChangesExceptDeploys: what the trail records changes only through CloudFormation', () => {
    expect(statement('DenyTrailChangesExceptDeploys')).toEqual({
      Sid: 'DenyTrailChangesExceptDeploys',
      Effect: 'Deny',
      Action: ['cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors', 'cloudtrail:PutInsightSelectors'],
      Resource: trail,
      Condition: exceptDeployers,
    });
  });

  test("DenyReplicationChangesExceptDeploys: the buckets' replication (trail and evidence into the DR region and the log archive) changes only through CloudFormation", () => {
    // CloudFormation names the trail and evidence buckets after the stack, whose name starts with the deployment's.
    expect(names.stack('audit').startsWith(names.stackPrefix)).toBe(true);
    expect(statement('DenyReplicationChangesExceptDeploys')).toEqual({
      Sid: 'DenyReplicationChangesExceptDeploys',
      Effect: 'Deny',
      // Also what DeleteBucketReplication is authorized as.
      Action: 's3:PutReplicationConfiguration',
      Resource: 'arn:aws:s3:::crm-demo-*',
      Condition: exceptDeployers,
    });
  });

  test('DenyDetectionShutdown: GuardDuty, Security Hub, Config, Inspector and Macie cannot be switched off or detached, no exemption', () => {
    expect(statement('DenyDetectionShutdown')).toEqual({
      Sid: 'DenyDetectionShutdown',
      Effect: 'Deny',
      Action: [
        'guardduty:DeleteDetector',
        'guardduty:DisassociateFromAdministratorAccount',
        'guardduty:DisassociateFromMasterAccount',
        'securityhub:DisableSecurityHub',
        'securityhub:DisassociateFromAdministratorAccount',
        'securityhub:DisassociateFromMasterAccount',
        'config:StopConfigurationRecorder',
        'config:DeleteConfigurationRecorder',
        'config:DeleteDeliveryChannel',
        'inspector2:Disable',
        'macie2:DisableMacie',
        'macie2:DisassociateFromAdministratorAccount',
      ],
      Resource: '*',
    });
  });

  test('DenyDetectionChangesExceptDeploys: detector, filters, standards, recorder and rules change only through CloudFormation', () => {
    expect(statement('DenyDetectionChangesExceptDeploys')).toEqual({
      Sid: 'DenyDetectionChangesExceptDeploys',
      Effect: 'Deny',
      Action: [
        'guardduty:UpdateDetector',
        'guardduty:CreateFilter',
        'guardduty:UpdateFilter',
        'securityhub:BatchDisableStandards',
        'config:PutConfigurationRecorder',
        'config:DeleteConfigRule',
      ],
      Resource: '*',
      Condition: exceptDeployers,
    });
  });

  test("DenyPublicAccessBlockChanges: the account's S3 Block Public Access cannot be changed, no exemption", () => {
    expect(statement('DenyPublicAccessBlockChanges')).toEqual({
      Sid: 'DenyPublicAccessBlockChanges',
      Effect: 'Deny',
      Action: 's3:PutAccountPublicAccessBlock',
      Resource: '*',
    });
  });

  test('DenyLeavingOrganization: no account of the OU leaves the organization', () => {
    expect(statement('DenyLeavingOrganization')).toEqual({
      Sid: 'DenyLeavingOrganization',
      Effect: 'Deny',
      Action: 'organizations:LeaveOrganization',
      Resource: '*',
    });
  });

  test('DenyOutsideAllowedRegions: everything but global services outside the allowed regions, no exemption', () => {
    const s = statement('DenyOutsideAllowedRegions');
    expect(s).toEqual({
      Sid: 'DenyOutsideAllowedRegions',
      Effect: 'Deny',
      NotAction: [...GLOBAL_SERVICE_ACTIONS],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } },
    });
    // The global services of AWS's example are left alone...
    for (const global of ['iam:*', 'sts:*', 'organizations:*', 'cloudfront:*', 'route53:*', 'support:*']) {
      expect(s.NotAction).toContain(global);
    }
    // ...and no service the deployment runs regionally escapes the deny.
    const regional = ['kms', 'backup', 'rds', 'ecs', 'lambda', 'cloudtrail', 'logs', 'guardduty', 'securityhub', 'config', 'ec2'];
    expect(s.NotAction.filter((a: string) => regional.some((r) => a === `${r}:*`) || a === 's3:*')).toEqual([]);
  });
});

describe('OrganizationGuardrails: exemptions name single roles', () => {
  const exempted = statements.flatMap((s) => Object.values(s.Condition ?? {}).flatMap((c: any) => c['aws:PrincipalArn'] ?? []));

  test('every exemption is aws:PrincipalArn with the exact ARN of one role: no wildcard, no account root, no account-wide key', () => {
    expect(exempted.length).toBeGreaterThan(0);
    for (const arn of exempted) expect(arn).toMatch(/^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/);
    const keys = statements.flatMap((s) => Object.values(s.Condition ?? {}).flatMap((c: any) => Object.keys(c)));
    expect(keys.filter((k) => /Account|SourceIp|PrincipalOrgID|PrincipalType|userid/i.test(k))).toEqual([]);
    expect([...new Set(exempted)].sort()).toEqual([ERASER, ...DEPLOYERS].sort());
  });

  test('only the key destruction statement exempts the erasure role; the CDK execution roles are exact per account and region', () => {
    const withEraser = statements.filter((s) => JSON.stringify(s.Condition ?? {}).includes(ERASER)).map((s) => s.Sid);
    expect(withEraser).toEqual(['DenyKeyDestructionExceptErasure']);
    expect(DEPLOYERS).toEqual([
      'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1',
      'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-west-2',
    ]);
  });

  test.each([
    [
      'a wildcard role pattern',
      { deployerRoleArns: ['arn:aws:iam::*:role/cdk-*-cfn-exec-role-*'] },
      /not the exact ARN of one role/,
    ],
    ['an account root', { erasureRoleArns: [`arn:aws:iam::${WORKLOAD}:root`] }, /not the exact ARN of one role/],
    [
      'a role name with a wildcard',
      { erasureRoleArns: [`arn:aws:iam::${WORKLOAD}:role/crm-*`] },
      /not the exact ARN of one role/,
    ],
    ['no erasure role', { erasureRoleArns: [] }, /erasureRoleArns is empty/],
    ['no deployer role', { deployerRoleArns: [] }, /deployerRoleArns is empty/],
    ['no region', { allowedRegions: [] }, /allowedRegions is empty/],
    ['a misspelt region', { allowedRegions: ['us-east1'] }, /us-east1 is not a region/],
    ['an OU id that is not one', { workloadOuId: 'r-ab12' }, /workloadOuId r-ab12/],
    ['an organization id that is not one', { organizationId: 'org-1' }, /organizationId org-1/],
    ['a token', { allowedRegions: [Token.asString({ Ref: 'AWS::Region' })] }, /literal, not a token/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => guardrailPolicies({ ...PROPS, ...change })).toThrow(message);
  });
});

describe('OrganizationGuardrails: the SCP limits', () => {
  // The longest deployment name the schema accepts, three accounts in the OU deploying into three regions.
  const regions = ['ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1'];
  const largest: OrganizationGuardrailsProps = {
    ...PROPS,
    deployment: 'abcdefghijklmnopqrst',
    allowedRegions: regions,
    erasureRoleArns: [
      `arn:aws:iam::${WORKLOAD}:role/abcdefghijklmnopqrst-crypto-erasure`,
      'arn:aws:iam::333333333333:role/abcdefghijklmnopqrst-backup-key-erasure',
    ],
    deployerRoleArns: cdkExecutionRoleArns({ accounts: [WORKLOAD, '222222222222', '333333333333'], regions }),
  };

  test.each([
    ['the fixture', PROPS],
    ['the largest expected deployment', largest],
  ])('every policy of %s fits in 5,120 characters, minified as stored', (_what, props) => {
    for (const p of guardrailPolicies(props)) {
      const stored = JSON.stringify(p.content);
      expect(stored.length).toBeLessThanOrEqual(MAX_SCP_CHARACTERS);
      expect(/^[\x20-\x7e]*$/.test(stored)).toBe(true); // ASCII only: characters and bytes agree
    }
    expect(MAX_SCP_CHARACTERS).toBe(5120);
  });

  test('a policy over the limit fails synth with its size', () => {
    const many = cdkExecutionRoleArns({ accounts: ['111111111111', '222222222222', '333333333333', '444444444444'], regions });
    expect(() => guardrailPolicies({ ...largest, deployerRoleArns: many })).toThrow(
      /abcdefghijklmnopqrst-guardrails-data is \d+ characters, over the SCP limit of 5120/,
    );
  });

  test('the policies on the OU plus FullAWSAccess stay within 5 per target', () => {
    const onOu = policies.filter((p) => p.Properties.TargetIds.includes(OU));
    expect(onOu.length + POLICIES_ALREADY_ON_TARGET).toBeLessThanOrEqual(MAX_SCPS_PER_TARGET);
    expect(MAX_SCPS_PER_TARGET).toBe(5);
  });
});
