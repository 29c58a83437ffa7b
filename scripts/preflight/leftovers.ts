/**
 * Resources with the fixed names this deployment would create that already exist: leftovers of an
 * earlier attempt or of a deleted deployment of the same name. CloudFormation cannot create a second
 * resource with a taken name, so each one fails the deploy. Stateful resources are created with
 * DeletionPolicy RetainExceptOnCreate, so a failed first create normally removes them; leftovers still
 * come from older versions and from deleted stacks (which retain them on purpose).
 *
 * Every lookup is a read-only describe/head call; each finding prints the commands that remove it, or
 * why it cannot be removed (a vault lock or a COMPLIANCE-mode Object Lock outlives the deployment).
 * Nothing about the contents is printed: counts and lock modes only, never object keys or secret values.
 */
import { DescribeBackupVaultCommand, type BackupClient } from '@aws-sdk/client-backup';
import { DescribeLogGroupsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import {
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeStateMachineCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { deploymentNames } from '../../lib/vocabulary';
import type { GlobalNamedKind, NamedResource, RegionalNamedKind } from './footprint';
import { errorName, fail, GLOBAL, guarded, pass, type CheckResult } from './result';

export interface LeftoverClients {
  readonly logs: CloudWatchLogsClient;
  readonly backup: BackupClient;
  readonly s3: S3Client;
  readonly rds: RDSClient;
  readonly kms: KMSClient;
  readonly secretsmanager: SecretsManagerClient;
  readonly lambda: LambdaClient;
  readonly sfn: SFNClient;
}

/** A resource found under a name the deployment needs: what it is and how to remove it. */
interface Found {
  readonly detail: string;
  readonly fix: string;
}

interface Context {
  readonly clients: LeftoverClients;
  readonly region: string;
  readonly account: string;
  readonly deployment: string;
  readonly today: string;
}

const notFound = (e: unknown, ...names: string[]): boolean => names.includes(errorName(e));
const httpStatus = (e: unknown): number | undefined =>
  (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

function partitionOf(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

interface Lookup<C> {
  readonly label: string;
  readonly permission: string;
  readonly find: (name: string, ctx: C) => Promise<Found | undefined>;
}

const LOOKUPS: Record<RegionalNamedKind, Lookup<Context>> = {
  'log-group': {
    label: 'log group',
    permission: 'logs:DescribeLogGroups',
    find: async (name, { clients, region }) => {
      const groups =
        (await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 5 }))).logGroups ?? [];
      const group = groups.find((g) => g.logGroupName === name);
      if (!group) return undefined;
      return {
        detail: `${group.storedBytes ?? 0} bytes stored`,
        fix: `if its events are records you must keep, export them first; then aws logs delete-log-group --region ${region} --log-group-name ${name}`,
      };
    },
  },
  'backup-vault': {
    label: 'backup vault',
    permission: 'backup:DescribeBackupVault',
    find: async (name, { clients, region }) => {
      let vault;
      try {
        vault = await clients.backup.send(new DescribeBackupVaultCommand({ BackupVaultName: name }));
      } catch (e) {
        if (notFound(e, 'ResourceNotFoundException')) return undefined;
        throw e;
      }
      const points = vault.NumberOfRecoveryPoints ?? 0;
      const lockedForGood = vault.Locked === true && vault.LockDate !== undefined && vault.LockDate.getTime() <= Date.now();
      const remove = `aws backup delete-backup-vault --region ${region} --backup-vault-name ${name}`;
      if (points > 0 && lockedForGood) {
        return {
          detail: `${points} recovery points under a vault lock that can no longer be changed`,
          fix: `cannot be removed until every recovery point's retention has ended (AWS Backup refuses to delete them earlier); deploy under another config name, or wait and then ${remove}`,
        };
      }
      return {
        detail: points > 0 ? `${points} recovery points${vault.Locked ? ', vault lock still in its grace time' : ''}` : 'empty',
        fix:
          points > 0
            ? `delete its recovery points (aws backup list-recovery-points-by-backup-vault --region ${region} --backup-vault-name ${name}, then aws backup delete-recovery-point for each) if none must be kept, then ${remove}`
            : remove,
      };
    },
  },
  bucket: {
    label: 'S3 bucket',
    permission: 's3:ListBucket (HeadBucket), s3:GetBucketObjectLockConfiguration and s3:ListBucketVersions',
    find: async (name, { clients, region }) => {
      try {
        await clients.s3.send(new HeadBucketCommand({ Bucket: name }));
      } catch (e) {
        const status = httpStatus(e);
        if (status === 404 || notFound(e, 'NotFound', 'NoSuchBucket')) return undefined;
        if (status === 403) {
          return {
            detail: 'exists but these credentials cannot read it: it belongs to another account, or s3:ListBucket is missing',
            fix: `check who owns it (bucket names are global); if it is not this account's, deploy under another config name`,
          };
        }
        if (status === 301) {
          return {
            detail: 'exists in another region',
            fix: `empty and delete it in its region (aws s3api head-bucket --bucket ${name} shows which), or deploy under another config name`,
          };
        }
        throw e;
      }
      let mode: string | undefined;
      try {
        mode = (await clients.s3.send(new GetObjectLockConfigurationCommand({ Bucket: name }))).ObjectLockConfiguration?.Rule
          ?.DefaultRetention?.Mode;
      } catch (e) {
        if (!notFound(e, 'ObjectLockConfigurationNotFoundError')) throw e;
      }
      const versions = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: name, MaxKeys: 1 }));
      const hasObjects = (versions.Versions?.length ?? 0) + (versions.DeleteMarkers?.length ?? 0) > 0;
      const remove = `aws s3api delete-bucket --region ${region} --bucket ${name}`;
      if (mode === 'COMPLIANCE' && hasObjects) {
        return {
          detail: 'Object Lock in COMPLIANCE mode, with objects',
          fix: 'cannot be removed until the retention of every object version has ended (nobody can shorten it, not even the root user); deploy under another config name',
        };
      }
      if (!hasObjects) return { detail: 'empty', fix: remove };
      const bypass = mode === 'GOVERNANCE' ? ' with s3:BypassGovernanceRetention (Object Lock in GOVERNANCE mode)' : '';
      return {
        detail: `holds object versions${mode ? `, Object Lock in ${mode} mode` : ''}`,
        fix: `if nothing in it must be kept, delete every object version${bypass} (console: Empty bucket), then ${remove}`,
      };
    },
  },
  'db-instance': {
    label: 'RDS instance',
    permission: 'rds:DescribeDBInstances',
    find: async (name, { clients, region, deployment, today }) => {
      let instance;
      try {
        instance = (await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: name }))).DBInstances?.[0];
      } catch (e) {
        if (notFound(e, 'DBInstanceNotFoundFault')) return undefined;
        throw e;
      }
      if (!instance) return undefined;
      const unprotect = instance.DeletionProtection
        ? `aws rds modify-db-instance --region ${region} --db-instance-identifier ${name} --no-deletion-protection --apply-immediately, then `
        : '';
      return {
        detail: `status ${instance.DBInstanceStatus ?? 'unknown'}${instance.DeletionProtection ? ', deletion protection on' : ''}`,
        fix: `${unprotect}aws rds delete-db-instance --region ${region} --db-instance-identifier ${name} --final-db-snapshot-identifier ${deploymentNames(deployment).finalSnapshot(today)} (keep the snapshot while it may hold PHI)`,
      };
    },
  },
  'kms-alias': {
    label: 'KMS alias',
    permission: 'kms:DescribeKey',
    find: async (name, { clients, region }) => {
      let key;
      try {
        key = (await clients.kms.send(new DescribeKeyCommand({ KeyId: name }))).KeyMetadata;
      } catch (e) {
        if (notFound(e, 'NotFoundException')) return undefined;
        throw e;
      }
      return {
        detail: `points to key ${key?.KeyId ?? 'unknown'} (${key?.KeyState ?? 'unknown state'})`,
        fix: `aws kms delete-alias --region ${region} --alias-name ${name} (the key stays; schedule its deletion only if nothing it encrypted must stay readable)`,
      };
    },
  },
  secret: {
    label: 'secret',
    permission: 'secretsmanager:DescribeSecret',
    find: async (name, { clients, region }) => {
      let secret;
      try {
        secret = await clients.secretsmanager.send(new DescribeSecretCommand({ SecretId: name }));
      } catch (e) {
        if (notFound(e, 'ResourceNotFoundException')) return undefined;
        throw e;
      }
      return {
        detail: secret.DeletedDate ? 'scheduled for deletion: its name stays taken until then' : 'active',
        fix: `aws secretsmanager delete-secret --region ${region} --secret-id ${name} --force-delete-without-recovery`,
      };
    },
  },
  'lambda-function': {
    label: 'Lambda function',
    permission: 'lambda:GetFunction',
    find: async (name, { clients, region }) => {
      try {
        await clients.lambda.send(new GetFunctionCommand({ FunctionName: name }));
      } catch (e) {
        if (notFound(e, 'ResourceNotFoundException')) return undefined;
        throw e;
      }
      return { detail: 'exists', fix: `aws lambda delete-function --region ${region} --function-name ${name}` };
    },
  },
  'state-machine': {
    label: 'state machine',
    permission: 'states:DescribeStateMachine',
    find: async (name, { clients, region, account }) => {
      const arn = `arn:${partitionOf(region)}:states:${region}:${account}:stateMachine:${name}`;
      try {
        await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
      } catch (e) {
        if (notFound(e, 'StateMachineDoesNotExist')) return undefined;
        throw e;
      }
      return { detail: 'exists', fix: `aws stepfunctions delete-state-machine --region ${region} --state-machine-arn ${arn}` };
    },
  },
};

/** Looks `candidates` up in `scope`: one FAIL per name taken, one PASS when none is. */
async function findTaken<K extends string, C>(
  scope: string,
  candidates: readonly (NamedResource & { readonly kind: K })[],
  lookups: Record<K, Lookup<C>>,
  ctx: C,
): Promise<CheckResult[]> {
  if (candidates.length === 0) return [];
  const results = await Promise.all(
    candidates.map((n) => {
      const lookup = lookups[n.kind];
      return guarded(scope, `whether ${lookup.label} ${n.name} exists`, lookup.permission, async () => {
        const found = await lookup.find(n.name, ctx);
        return found
          ? [
              fail(
                scope,
                `${lookup.label} ${n.name} already exists (${found.detail}); ${n.stackName} cannot create it`,
                found.fix,
              ),
            ]
          : [];
      });
    }),
  );
  const findings = results.flat();
  if (findings.length > 0) return findings;
  const n = candidates.length;
  const where = scope === GLOBAL ? 'account-wide' : 'here';
  return [pass(scope, `${n} fixed name${n === 1 ? '' : 's'} this deployment creates ${where}: none is taken`)];
}

const isRegional = (n: NamedResource): n is NamedResource & { readonly kind: RegionalNamedKind } => n.kind in LOOKUPS;

/**
 * Looks up every name of `named` in `region` whose stack is not one of `ownedBy` (existing stacks own
 * their resources). One FAIL per name taken; one PASS when none is.
 */
export function checkLeftovers(
  clients: LeftoverClients,
  region: string,
  account: string,
  deployment: string,
  named: readonly NamedResource[],
  ownedBy: readonly string[] = [],
  today = new Date().toISOString().slice(0, 10),
): Promise<CheckResult[]> {
  const candidates = named.filter(isRegional).filter((n) => n.region === region && !ownedBy.includes(n.stackName));
  return findTaken(region, candidates, LOOKUPS, { clients, region, account, deployment, today });
}

interface GlobalContext {
  readonly iam: IAMClient;
}

const GLOBAL_LOOKUPS: Record<GlobalNamedKind, Lookup<GlobalContext>> = {
  'iam-role': {
    label: 'IAM role',
    permission: 'iam:GetRole',
    find: async (name, { iam }) => {
      let role;
      try {
        role = (await iam.send(new GetRoleCommand({ RoleName: name }))).Role;
      } catch (e) {
        if (notFound(e, 'NoSuchEntityException', 'NoSuchEntity')) return undefined;
        throw e;
      }
      // DeleteRole refuses a role that still has managed policies attached, inline policies or
      // instance profiles: https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html
      const r = `--role-name ${name}`;
      return {
        detail: `created ${role?.CreateDate?.toISOString().slice(0, 10) ?? 'at an unknown date'}`,
        fix:
          `if nothing uses it any more: for each policy of aws iam list-attached-role-policies ${r}, aws iam detach-role-policy ${r} --policy-arn <arn>; ` +
          `for each of aws iam list-role-policies ${r}, aws iam delete-role-policy ${r} --policy-name <name>; ` +
          `for each of aws iam list-instance-profiles-for-role ${r}, aws iam remove-role-from-instance-profile --instance-profile-name <name> ${r}; ` +
          `then aws iam delete-role ${r}`,
      };
    },
  },
};

/**
 * Looks up the account-wide names of `named` (IAM roles) whose stack is not one of `ownedBy`; the
 * findings are `global`. One FAIL per name taken; one PASS when none is.
 */
export function checkGlobalLeftovers(
  iam: IAMClient,
  named: readonly NamedResource[],
  ownedBy: readonly string[] = [],
): Promise<CheckResult[]> {
  const candidates = named.filter(
    (n): n is NamedResource & { readonly kind: GlobalNamedKind } =>
      n.kind in GLOBAL_LOOKUPS && n.region === GLOBAL && !ownedBy.includes(n.stackName),
  );
  return findTaken(GLOBAL, candidates, GLOBAL_LOOKUPS, { iam });
}
