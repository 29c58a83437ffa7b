import { ACMClient } from '@aws-sdk/client-acm';
import { BackupClient, DescribeBackupVaultCommand, DescribeRegionSettingsCommand } from '@aws-sdk/client-backup';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient, DescribeUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeDeliveryChannelsCommand,
} from '@aws-sdk/client-config-service';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetAccountSettingsCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeDBEngineVersionsCommand,
  DescribeDBInstancesCommand,
  DescribeOrderableDBInstanceOptionsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { GetHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetMacieSessionCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError } from '../../../lib/config/load';
import type { DeploymentConfig } from '../../../lib/config/schema';
import type { DeploymentFootprint, RegionFootprint } from '../../../scripts/preflight/footprint';
import { runPreflight, type PreflightDeps, type RegionClients } from '../../../scripts/preflight/run';
import { shippedConfig } from '../../helpers/config';

const ACCOUNT = '111122223333';
const CONFIG = shippedConfig('config/demo.json', {
  account: ACCOUNT,
  domain: { name: 'crm.clinic.org', hostedZone: { id: 'Z0123456789ABC', name: 'clinic.org' } },
});

const mocks = {
  sts: mockClient(STSClient),
  cloudformation: mockClient(CloudFormationClient),
  backup: mockClient(BackupClient),
  lambda: mockClient(LambdaClient),
  guardduty: mockClient(GuardDutyClient),
  securityhub: mockClient(SecurityHubClient),
  config: mockClient(ConfigServiceClient),
  macie: mockClient(Macie2Client),
  serviceQuotas: mockClient(ServiceQuotasClient),
  cognito: mockClient(CognitoIdentityProviderClient),
  acm: mockClient(ACMClient),
  rds: mockClient(RDSClient),
  logs: mockClient(CloudWatchLogsClient),
  s3: mockClient(S3Client),
  kms: mockClient(KMSClient),
  secretsmanager: mockClient(SecretsManagerClient),
  sfn: mockClient(SFNClient),
  route53: mockClient(Route53Client),
  ec2: mockClient(EC2Client),
  iam: mockClient(IAMClient),
};
const err = (name: string, message = name, status = 400) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

/** An account where everything is ready. */
function readyAccount(): void {
  mocks.sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/jane` });
  mocks.cloudformation.on(DescribeStacksCommand).rejects(err('ValidationError', 'Stack with id x does not exist'));
  mocks.cloudformation.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).resolves({
    Stacks: [
      {
        StackName: 'CDKToolkit',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '29' }],
      },
    ],
  });
  mocks.backup.on(DescribeRegionSettingsCommand).resolves({ ResourceTypeOptInPreference: { RDS: true, S3: true } });
  mocks.backup.on(DescribeBackupVaultCommand).rejects(err('ResourceNotFoundException'));
  mocks.lambda
    .on(GetAccountSettingsCommand)
    .resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 } });
  mocks.lambda.on(GetFunctionCommand).rejects(err('ResourceNotFoundException'));
  // The organisation runs the detective services already; the footprint below creates none.
  mocks.guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d1'] });
  mocks.securityhub.on(DescribeHubCommand).resolves({ HubArn: 'arn:hub' });
  mocks.config.on(DescribeConfigurationRecordersCommand).resolves({ ConfigurationRecorders: [{ name: 'default' }] });
  mocks.config.on(DescribeDeliveryChannelsCommand).resolves({ DeliveryChannels: [] });
  mocks.macie.on(GetMacieSessionCommand).resolves({ status: 'ENABLED' });
  mocks.serviceQuotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 50 } });
  mocks.cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: {} });
  mocks.rds.on(DescribeDBEngineVersionsCommand).resolves({ DBEngineVersions: [{ EngineVersion: '16.9', Status: 'available' }] });
  mocks.rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [{ MultiAZCapable: true }] });
  mocks.rds.on(DescribeDBInstancesCommand).rejects(err('DBInstanceNotFoundFault'));
  mocks.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
  mocks.s3.on(HeadBucketCommand).rejects(err('NotFound', 'NotFound', 404));
  mocks.kms.on(DescribeKeyCommand).rejects(err('NotFoundException'));
  mocks.secretsmanager.on(DescribeSecretCommand).rejects(err('ResourceNotFoundException'));
  mocks.sfn.on(DescribeStateMachineCommand).rejects(err('StateMachineDoesNotExist'));
  mocks.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-default' }] });
  mocks.iam.on(GetRoleCommand).rejects(err('NoSuchEntityException', 'no role', 404));
  mocks.route53
    .on(GetHostedZoneCommand)
    .resolves({ HostedZone: { Id: 'Z0123456789ABC', Name: 'clinic.org.', CallerReference: 'x' } });
}
beforeEach(readyAccount);
afterEach(() => Object.values(mocks).forEach((m) => m.reset()));

const NONE = { guardDuty: false, securityHub: false, config: false, macie: false };
const region = (r: string, reserved: number, stackNames: string[]): RegionFootprint => ({
  region: r,
  stackNames,
  reservedConcurrency: reserved,
  reservingFunctions: [],
  vpcs: r === 'us-east-1' ? 1 : 0,
  interfaceEndpointsPerVpc: r === 'us-east-1' ? 10 : 0,
  creates: NONE,
});
const FOOTPRINT: DeploymentFootprint = {
  regions: [region('us-east-1', 8, ['crm-demo-keys', 'crm-demo-data']), region('us-west-2', 1, ['crm-demo-dr'])],
  bootstrap: { version: 6, qualifier: 'hnb659fds' },
  database: {
    region: 'us-east-1',
    identifier: 'crm-demo-crm',
    engine: 'postgres',
    engineVersion: '16.9',
    instanceClass: 'db.t4g.medium',
    multiAz: true,
  },
  signInDomain: { region: 'us-east-1', prefix: 'crm-demo-signin' },
  fargateVcpus: [{ region: 'us-east-1', vcpus: 2 }],
  named: [
    { kind: 'db-instance', name: 'crm-demo-crm', region: 'us-east-1', stackName: 'crm-demo-data', logicalId: 'PhiDatabase' },
    {
      kind: 'bucket',
      name: `crm-demo-phi-replica-${ACCOUNT}-us-west-2`,
      region: 'us-west-2',
      stackName: 'crm-demo-dr',
      logicalId: 'PhiReplicaBucket',
    },
    { kind: 'iam-role', name: 'crm-demo-break-glass', region: 'global', stackName: 'crm-demo-keys', logicalId: 'BreakGlass' },
  ],
};

const regionClients = (r: string): RegionClients => ({
  cloudformation: new CloudFormationClient({ region: r }),
  backup: new BackupClient({ region: r }),
  lambda: new LambdaClient({ region: r }),
  guardduty: new GuardDutyClient({ region: r }),
  securityhub: new SecurityHubClient({ region: r }),
  config: new ConfigServiceClient({ region: r }),
  macie: new Macie2Client({ region: r }),
  serviceQuotas: new ServiceQuotasClient({ region: r }),
  cognito: new CognitoIdentityProviderClient({ region: r }),
  acm: new ACMClient({ region: r }),
  rds: new RDSClient({ region: r }),
  logs: new CloudWatchLogsClient({ region: r }),
  s3: new S3Client({ region: r }),
  kms: new KMSClient({ region: r }),
  secretsmanager: new SecretsManagerClient({ region: r }),
  sfn: new SFNClient({ region: r }),
  ec2: new EC2Client({ region: r }),
});

function run(argv: string[] = ['-c', 'config=config/x.json'], overrides: Partial<PreflightDeps> = {}) {
  const out: string[] = [];
  const errs: string[] = [];
  const footprint = jest.fn((_config: DeploymentConfig, _account: string) => FOOTPRINT);
  const made = new Map<string, RegionClients>();
  const clients = (r: string): RegionClients => made.get(r) ?? made.set(r, regionClients(r)).get(r)!;
  const code = runPreflight(argv, {
    clients,
    sts: (r) => new STSClient({ region: r }),
    route53: () => new Route53Client({ region: 'us-east-1' }),
    iam: () => new IAMClient({ region: 'us-east-1' }),
    footprint,
    loadConfig: () => CONFIG,
    out: (t) => out.push(...t.split('\n')),
    err: (t) => errs.push(t),
    ...overrides,
  });
  return { code, out, errs, footprint };
}

const LINE = /^(PASS|WARN|FAIL) {2}(global|us-east-1|us-west-2) +\S.*$/;
const resultLines = (out: string[]) => out.filter((l) => /^(PASS|WARN|FAIL) /.test(l));

test('a ready account: every line PASS or WARN in the documented format, exit 0', async () => {
  const { code, out, footprint } = run();
  expect(await code).toBe(0);
  expect(out[0]).toBe(
    'Preflight of deployment crm-demo (config/x.json) in us-east-1 and us-west-2. Read-only: nothing is written to AWS.',
  );
  const lines = resultLines(out);
  for (const line of lines) expect(line).toMatch(LINE);
  expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
  expect(lines[0]).toMatch(
    /^PASS {2}global +credentials of arn:aws:sts::111122223333:assumed-role\/Deployer\/jane are for the config's account/,
  );
  // Both regions are checked for the bootstrap, the Backup opt-in and the Lambda concurrency.
  for (const what of ['CDK bootstrap stack CDKToolkit', 'AWS Backup opt-in for RDS and S3', 'unreserved Lambda concurrency']) {
    expect(lines.filter((l) => l.includes(what)).map((l) => l.split(/ +/)[1])).toEqual(['us-east-1', 'us-west-2']);
  }
  expect(out[out.length - 1]).toBe('Ready to deploy: npx cdk deploy --all -c config=config/x.json');
  expect(footprint).toHaveBeenCalledWith(CONFIG, ACCOUNT);
});

test('the preflight only reads: every AWS call is a Get, Describe, List or Head', async () => {
  await run().code;
  const commands = Object.values(mocks).flatMap((m) => m.calls().map((c) => (c.args[0] as object).constructor.name));
  expect(commands.length).toBeGreaterThan(25);
  expect(commands.filter((name) => !/^(Get|Describe|List|Head)[A-Za-z]*Command$/.test(name))).toEqual([]);
});

test('a new account with a Lambda quota of 10 fails in both regions and exits 1', async () => {
  mocks.lambda
    .on(GetAccountSettingsCommand)
    .resolves({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } });
  const { code, out } = run();
  expect(await code).toBe(1);
  const fails = resultLines(out).filter((l) => l.startsWith('FAIL'));
  expect(fails.map((l) => l.split(/ +/)[1])).toEqual(['us-east-1', 'us-west-2']);
  expect(fails[0]).toMatch(
    / {2}— aws service-quotas request-service-quota-increase --region us-east-1 --service-code lambda --quota-code L-B99A9384/,
  );
  expect(out.some((l) => l.startsWith('NOT READY to deploy'))).toBe(true);
});

test('an existing stack of the deployment owns its names: they are not reported as leftovers', async () => {
  mocks.cloudformation.on(DescribeStacksCommand, { StackName: 'crm-demo-data' }).resolves({
    Stacks: [{ StackName: 'crm-demo-data', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }],
  });
  mocks.rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceIdentifier: 'crm-demo-crm' }] });
  const { code, out } = run();
  expect(await code).toBe(0);
  expect(mocks.rds.commandCalls(DescribeDBInstancesCommand)).toHaveLength(0);
  expect(resultLines(out).some((l) => l.startsWith('WARN  us-east-1  stack crm-demo-data already exists'))).toBe(true);
});

test('a leftover break-glass role is a global FAIL; the owning stack, once it exists, owns it', async () => {
  mocks.iam.on(GetRoleCommand).resolves({
    Role: { RoleName: 'crm-demo-break-glass', Path: '/', RoleId: 'R', Arn: 'arn:r', CreateDate: new Date('2026-01-02') },
  });
  const first = run();
  expect(await first.code).toBe(1);
  expect(resultLines(first.out).filter((l) => l.startsWith('FAIL'))).toEqual([
    expect.stringMatching(
      /^FAIL {2}global +IAM role crm-demo-break-glass already exists .*aws iam delete-role --role-name crm-demo-break-glass$/,
    ),
  ]);
  mocks.iam.resetHistory();
  mocks.cloudformation.on(DescribeStacksCommand, { StackName: 'crm-demo-keys' }).resolves({
    Stacks: [{ StackName: 'crm-demo-keys', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }],
  });
  expect(await run().code).toBe(0);
  expect(mocks.iam.commandCalls(GetRoleCommand)).toHaveLength(0);
});

test('a region with its VPCs-per-Region quota used up fails, only where the deployment creates a VPC', async () => {
  mocks.serviceQuotas.on(GetServiceQuotaCommand, { QuotaCode: 'L-F678F1CE' }).resolves({ Quota: { Value: 1 } });
  const { code, out } = run();
  expect(await code).toBe(1);
  expect(resultLines(out).filter((l) => l.startsWith('FAIL'))).toEqual([
    expect.stringMatching(
      /^FAIL {2}us-east-1 +quota VPCs per Region \(L-F678F1CE\) is 1; 1 in use and this deployment needs 1 {2}— .*--desired-value 2$/,
    ),
  ]);
  expect(mocks.ec2.calls()).toHaveLength(1);
});

test('credentials of another account: one FAIL, nothing else asked, exit 1', async () => {
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: '999988887777', Arn: 'arn:aws:iam::999988887777:user/x' });
  const { code, out, footprint } = run();
  expect(await code).toBe(1);
  expect(resultLines(out)).toHaveLength(1);
  expect(footprint).not.toHaveBeenCalled();
  expect(mocks.cloudformation.calls()).toHaveLength(0);
});

test('a deployment that cannot be synthesized is a FAIL', async () => {
  const { code, out } = run(undefined, {
    footprint: () => {
      throw new Error('boom');
    },
  });
  expect(await code).toBe(1);
  expect(resultLines(out)[1]).toMatch(
    /^FAIL {2}global +cannot synthesize the deployment to learn what it needs: boom {2}— npx cdk synth -c config=config\/x.json/,
  );
});

test('usage and config errors exit 2 having asked nothing', async () => {
  const usage = run(['--yes']);
  expect(await usage.code).toBe(2);
  expect(usage.errs[0]).toContain('unknown argument "--yes"');
  const config = run(undefined, {
    loadConfig: () => {
      throw new ConfigError('config/x.json', ['name: bad', 'regions.dr: bad']);
    },
  });
  expect(await config.code).toBe(2);
  expect(config.errs[0]).toContain('has 2 problems');
  expect(mocks.sts.calls()).toHaveLength(0);
});

test('--help prints the usage and exits 0', async () => {
  const { code, out } = run(['--help']);
  expect(await code).toBe(0);
  expect(out[0]).toBe('Usage: npm run preflight -- -c config=config/<name>.json');
});
