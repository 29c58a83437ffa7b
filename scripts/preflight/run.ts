/**
 * `npm run preflight`: the arguments and config first (every problem at once, exit 2), then whose
 * credentials these are (a config pinned to another account ends the run), then the deployment is
 * synthesized in-process to learn what it needs, and every check runs, concurrently where independent,
 * in both regions. Only read-only calls are made. The lines are printed in a fixed order (check by
 * check, primary region first) whatever order the answers come in.
 */
import type { ACMClient } from '@aws-sdk/client-acm';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { STSClient } from '@aws-sdk/client-sts';
import { UsageError } from '../../lib/cli/args';
import { ConfigError, loadConfig as loadConfigFile } from '../../lib/config/load';
import { organizationSettings } from '../../lib/config/organization';
import type { DeploymentConfig } from '../../lib/config/schema';
import { describeError } from '../cli/start';
import { parseArgs, USAGE } from './args';
import { checkBackupOptIn } from './backup-opt-in';
import { checkBootstrap } from './bootstrap';
import { checkCrossAccountBackup } from './cross-account-backup';
import { checkDatabase } from './database';
import { checkDetectiveServices, type DetectiveClients } from './detective-services';
import { checkDomain } from './domain';
import type { DeploymentFootprint, RegionFootprint } from './footprint';
import { checkIdentity } from './identity';
import { checkLambdaConcurrency } from './lambda-concurrency';
import { checkGlobalLeftovers, checkLeftovers, type LeftoverClients } from './leftovers';
import { checkQuota, checkVpcsPerRegion, FARGATE_VCPU_QUOTA, INTERFACE_ENDPOINTS_QUOTA } from './quotas';
import { exitCodeOf, fail, formatResults, GLOBAL, PREFLIGHT_EXIT, summary, type CheckResult } from './result';
import { checkSignInDomain } from './sign-in-domain';
import { checkStacks } from './stacks';

/** The clients of one region, created once per region by the caller. */
export interface RegionClients extends LeftoverClients, DetectiveClients {
  readonly cloudformation: CloudFormationClient;
  readonly serviceQuotas: ServiceQuotasClient;
  readonly cognito: CognitoIdentityProviderClient;
  readonly acm: ACMClient;
  readonly ec2: EC2Client;
}

export interface PreflightDeps {
  readonly clients: (region: string) => RegionClients;
  readonly sts: (region: string) => STSClient;
  readonly route53: () => Route53Client;
  /** IAM is global (role names are account-wide). */
  readonly iam: () => IAMClient;
  /** What the deployment needs, from its synthesized templates (synth.ts). */
  readonly footprint: (config: DeploymentConfig, account: string) => DeploymentFootprint;
  /** @default lib/config/load loadConfig (relative to the working directory) */
  readonly loadConfig?: (path: string) => DeploymentConfig;
  /** @default CDKToolkit */
  readonly toolkitStackName?: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const emptyRegion = (region: string): RegionFootprint => ({
  region,
  stackNames: [],
  reservedConcurrency: 0,
  reservingFunctions: [],
  vpcs: 0,
  interfaceEndpointsPerVpc: 0,
  creates: { guardDuty: false, securityHub: false, config: false, macie: false },
});

/** Every check after the identity, in the order they are printed. */
async function runChecks(
  config: DeploymentConfig,
  configPath: string,
  account: string,
  footprint: DeploymentFootprint,
  deps: PreflightDeps,
): Promise<CheckResult[]> {
  const regions = [config.regions.primary, config.regions.dr];
  const organization = organizationSettings(config);
  const regionFootprint = (r: string) => footprint.regions.find((f) => f.region === r) ?? emptyRegion(r);
  const perRegion = (check: (region: string, c: RegionClients, f: RegionFootprint) => Promise<CheckResult[]>) =>
    Promise.all(regions.map((r) => check(r, deps.clients(r), regionFootprint(r)))).then((rs) => rs.flat());

  const stacks = Promise.all(
    regions.map((r) => checkStacks(deps.clients(r).cloudformation, r, regionFootprint(r).stackNames, configPath)),
  );
  const owned = stacks.then((outcomes) => outcomes.flatMap((o) => o.healthy));
  const groups: Promise<CheckResult[]>[] = [
    stacks.then((outcomes) => outcomes.flatMap((o) => o.results)),
    perRegion((r, c) => checkBootstrap(c.cloudformation, r, account, footprint.bootstrap, deps.toolkitStackName)),
    perRegion((r, c) => checkBackupOptIn(c.backup, r)),
    // Accounts apart: the copy jobs start in the primary region, into the backup account.
    organization
      ? checkCrossAccountBackup(
          deps.clients(config.regions.primary).backup,
          config.regions.primary,
          organization.managementAccount,
        )
      : Promise.resolve([]),
    perRegion((r, c, f) => checkLambdaConcurrency(c.lambda, r, f.reservedConcurrency)),
    perRegion((r, c, f) => checkDetectiveServices(c, r, f.creates, r === config.regions.primary, configPath)),
    checkDomain(
      { route53: deps.route53(), acm: deps.clients(config.regions.primary).acm },
      config.domain,
      config.regions.primary,
      account,
      configPath,
    ),
    footprint.database
      ? checkDatabase(deps.clients(footprint.database.region).rds, footprint.database, configPath)
      : Promise.resolve([]),
    footprint.signInDomain
      ? checkSignInDomain(deps.clients(footprint.signInDomain.region).cognito, footprint.signInDomain, account, configPath)
      : Promise.resolve([]),
    owned.then((ownedBy) =>
      perRegion((r, c, f) => (f.vpcs > 0 ? checkVpcsPerRegion(c.serviceQuotas, c.ec2, r, f.vpcs, ownedBy) : Promise.resolve([]))),
    ),
    perRegion((r, c, f) =>
      f.interfaceEndpointsPerVpc > 0
        ? checkQuota(c.serviceQuotas, r, { ...INTERFACE_ENDPOINTS_QUOTA, needed: f.interfaceEndpointsPerVpc })
        : Promise.resolve([]),
    ),
    Promise.all(
      footprint.fargateVcpus.map((f) =>
        checkQuota(deps.clients(f.region).serviceQuotas, f.region, { ...FARGATE_VCPU_QUOTA, needed: Math.ceil(f.vcpus) }),
      ),
    ).then((rs) => rs.flat()),
    owned.then((ownedBy) => checkGlobalLeftovers(deps.iam(), footprint.named, ownedBy)),
    owned.then((ownedBy) => perRegion((r, c) => checkLeftovers(c, r, account, config.name, footprint.named, ownedBy))),
  ];
  return (await Promise.all(groups)).flat();
}

/** Runs the preflight for `argv`; resolves to the exit code. */
export async function runPreflight(argv: readonly string[], deps: PreflightDeps): Promise<number> {
  let configPath: string;
  try {
    const parsed = parseArgs(argv);
    if (parsed.help) {
      deps.out(USAGE);
      return PREFLIGHT_EXIT.ready;
    }
    configPath = parsed.configPath;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    deps.err(`${e.message}\n\n${USAGE}`);
    return PREFLIGHT_EXIT.refused;
  }
  let config: DeploymentConfig;
  try {
    config = (deps.loadConfig ?? ((p: string) => loadConfigFile(p)))(configPath);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    deps.err(e.message);
    return PREFLIGHT_EXIT.refused;
  }

  deps.out(
    `Preflight of deployment ${config.name} (${configPath}) in ${config.regions.primary} and ${config.regions.dr}. Read-only: nothing is written to AWS.\n`,
  );
  const identity = await checkIdentity(deps.sts(config.regions.primary), config, configPath);
  const results: CheckResult[] = [...identity.results];
  if (identity.account !== undefined) {
    let footprint: DeploymentFootprint | undefined;
    deps.out('Synthesizing the deployment to learn what it needs (no AWS call, about 10 seconds)...\n');
    try {
      footprint = deps.footprint(config, identity.account);
    } catch (e) {
      results.push(
        fail(
          GLOBAL,
          `cannot synthesize the deployment to learn what it needs: ${describeError(e)}`,
          `npx cdk synth -c config=${configPath} shows the problem`,
        ),
      );
    }
    if (footprint) results.push(...(await runChecks(config, configPath, identity.account, footprint, deps)));
  }
  for (const line of formatResults(results)) deps.out(line);
  deps.out(`\n${summary(results, configPath)}`);
  return exitCodeOf(results);
}
