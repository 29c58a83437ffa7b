import { Aspects, Stack, type IAspect } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';

/** A replication destination in another region, known by deterministic names only. */
export interface ReplicationDestination {
  /** Name of the destination bucket. */
  readonly bucketName: string;
  /** Region of the destination bucket and its key. */
  readonly region: string;
  /** Alias name (`alias/...`) of the key that encrypts the replicas in the destination region. */
  readonly keyAliasName: string;
}

/**
 * A write-once archive in another account of the organization (the log archive, config `organization`):
 * a second destination besides the DR replica. Replicas there belong to the archive account (owner
 * override) and are encrypted with its key, so the source account can neither read nor delete them.
 */
export interface ArchiveDestination {
  /** Name of the archive bucket. */
  readonly bucketName: string;
  /** Account that owns the archive bucket and its key. */
  readonly account: string;
  /** Region of the archive bucket and its key. */
  readonly region: string;
  /**
   * Full ARN of the archive key. Another account's key must be named by ARN: an alias would be resolved
   * in the source account (https://docs.aws.amazon.com/AmazonS3/latest/API/API_EncryptionConfiguration.html).
   */
  readonly keyArn: string;
  /** Fixed name of the replication role: the archive's bucket and key policies name its exact ARN. */
  readonly replicationRoleName: string;
}

export interface ReplicationRoleProps {
  readonly destination: ReplicationDestination;
  /** Also replicate into this archive of another account. @default - the DR replica only */
  readonly archive?: ArchiveDestination;
}

/**
 * The role S3 assumes to replicate one SSE-KMS, Object Lock bucket into another region, with least
 * privilege (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html):
 * read the source versions (including their Object Lock retention and legal hold) on the source bucket
 * only, decrypt them with the source key only through S3, write replicas into the destination bucket
 * only, and encrypt them with the destination key only through S3 in the destination region.
 *
 * The destination key lives in a stack of another region and cross-region references are not used, so
 * it is named by its alias. IAM cannot name a key by alias in `Resource`, so that one statement covers
 * `key/*` of the destination region and is narrowed by `kms:ResourceAliases`, `kms:ViaService` and the
 * S3 encryption context of the destination bucket.
 *
 * Call `allowReplicationFrom` once the source bucket exists.
 */
export class ReplicationRole extends Construct {
  readonly role: iam.Role;
  private readonly destination: ReplicationDestination;
  private readonly archive?: ArchiveDestination;

  constructor(scope: Construct, id: string, props: ReplicationRoleProps) {
    super(scope, id);
    this.destination = props.destination;
    this.archive = props.archive;
    this.role = new iam.Role(this, 'Role', {
      // Named only with an archive, whose policies in the other account must name it before it exists
      // (the key is left out otherwise: CDK's construct metadata records even an undefined one).
      ...(props.archive ? { roleName: props.archive.replicationRoleName } : {}),
      description: props.archive
        ? `S3 replication into ${props.destination.region} and into the log archive account ${props.archive.account}`
        : `S3 replication into ${props.destination.region}`,
      // The trust policy S3 documents, without source conditions: S3 does not document passing them for
      // replication, and only principals allowed iam:PassRole on this role can name it in a bucket.
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
    });
  }

  /** Grants exactly what replicating `source` (encrypted with `sourceKey`) into the destination needs. */
  allowReplicationFrom(source: s3.IBucket, sourceKey: kms.IKey): void {
    const stack = Stack.of(this);
    const dest = this.destination;
    const destBucketArn = stack.formatArn({ service: 's3', region: '', account: '', resource: dest.bucketName });
    const destKeys = stack.formatArn({ service: 'kms', region: dest.region, resource: 'key', resourceName: '*' });
    const archiveBucketArn = this.archive
      ? stack.formatArn({ service: 's3', region: '', account: '', resource: this.archive.bucketName })
      : undefined;
    const encryptionContext = (bucketArn: string) => ({
      // With S3 Bucket Keys the context is the bucket ARN; without, the object ARN.
      'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`],
    });
    // A customer managed policy, not an inline one (HIPAA.Security-IAMNoInlinePolicy).
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Least privilege for S3 replication into ${dest.bucketName}`,
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadSourceReplicationConfiguration',
          actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
          resources: [source.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'ReadSourceObjectVersions',
          actions: [
            's3:GetObjectVersionForReplication',
            's3:GetObjectVersionAcl',
            's3:GetObjectVersionTagging',
            // Object Lock: the replica keeps the source version's retention and legal hold.
            's3:GetObjectRetention',
            's3:GetObjectLegalHold',
          ],
          resources: [source.arnForObjects('*')],
        }),
        new iam.PolicyStatement({
          sid: 'WriteReplicas',
          actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
          resources: [`${destBucketArn}/*`],
        }),
        new iam.PolicyStatement({
          sid: 'DecryptSourceThroughS3',
          actions: ['kms:Decrypt'],
          resources: [sourceKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
            StringLike: encryptionContext(source.bucketArn),
          },
        }),
        new iam.PolicyStatement({
          sid: 'EncryptReplicasWithDestinationKey',
          actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [destKeys],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${dest.region}.amazonaws.com` },
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [dest.keyAliasName] },
            StringLike: encryptionContext(destBucketArn),
          },
        }),
        ...(archiveBucketArn && this.archive ? archiveStatements(this.archive, archiveBucketArn, encryptionContext) : []),
      ],
    });
    const why = 'S3 replication of a whole bucket acts on every object version, whose keys are not known in advance.';
    acknowledgeWildcardResources(policy, [
      {
        resource: source.arnForObjects('*'),
        reason: `${why} Limited to reading object versions (and their lock settings) for replication in the source bucket only.`,
      },
      {
        resource: `${destBucketArn}/*`,
        reason: `${why} Limited to the replicate actions in the destination bucket only.`,
      },
      {
        resource: destKeys,
        reason:
          'The destination key lives in a stack of another region and is known only by its alias; IAM cannot name a key by alias in Resource. Narrowed by conditions to the key carrying that alias (kms:ResourceAliases), used through S3 in that region (kms:ViaService), for the destination bucket (S3 encryption context), and to Encrypt/GenerateDataKey only.',
      },
      ...(archiveBucketArn
        ? [
            {
              resource: `${archiveBucketArn}/*`,
              reason: `${why} Limited to the replicate actions and the owner override in the log archive bucket only.`,
            },
          ]
        : []),
    ]);
  }
}

/**
 * What replicating into the log archive adds: write replicas (no ReplicateDelete: deletes are never
 * replicated) handing their ownership to the archive account (`s3:ObjectOwnerOverrideToBucketOwner`,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-change-owner.html), and encrypt them
 * with the archive key, named by its full ARN, through S3 in the archive's region only. The archive's
 * own bucket and key policies must allow the same (LogArchive).
 */
function archiveStatements(
  archive: ArchiveDestination,
  archiveBucketArn: string,
  encryptionContext: (bucketArn: string) => Record<string, string[]>,
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'WriteArchiveReplicasOwnedByTheArchive',
      actions: ['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'],
      resources: [`${archiveBucketArn}/*`],
    }),
    // Both sides must allow a cross-account call: the archive's bucket policy grants the same
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html).
    new iam.PolicyStatement({
      sid: 'CheckArchiveVersioning',
      actions: ['s3:GetBucketVersioning'],
      resources: [archiveBucketArn],
    }),
    new iam.PolicyStatement({
      sid: 'EncryptArchiveReplicasWithArchiveKey',
      actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
      resources: [archive.keyArn],
      conditions: {
        StringEquals: { 'kms:ViaService': `s3.${archive.region}.amazonaws.com` },
        StringLike: encryptionContext(archiveBucketArn),
      },
    }),
  ];
}

interface WildcardResource {
  /** The policy resource with a `*`, as passed to the policy statement. */
  readonly resource: string;
  /** Why the wildcard is needed and how it is narrowed. */
  readonly reason: string;
}

/**
 * Acknowledges the AwsSolutions-IAM5 finding of each listed wildcard resource, and only those, on
 * `policy`. cdk-nag names such a finding after the resolved resource (`<LogicalId.Arn>/*`), which is
 * only final once the stack has pinned its logical IDs, so the acknowledgement is added by an aspect,
 * which runs after construction and before the rule packs.
 */
function acknowledgeWildcardResources(policy: iam.ManagedPolicy, wildcards: readonly WildcardResource[]): void {
  const target = policy.node.defaultChild as iam.CfnManagedPolicy;
  const aspect: IAspect = {
    visit(node: IConstruct) {
      if (node !== target) return;
      const stack = Stack.of(target);
      acknowledge(
        target,
        ...wildcards.map((w) => ({
          ruleId: `AwsSolutions::AwsSolutions-IAM5[Resource::${flattenReference(stack.resolve(w.resource))}]`,
          control: '164.312(a)(1)' as const,
          reason: w.reason,
        })),
      );
    },
  };
  Aspects.of(target).add(aspect);
}

/** The flat form cdk-nag gives a resolved CloudFormation value in finding names. */
function flattenReference(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v['Fn::Join'])) {
    const [delimiter, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flattenReference).join(delimiter);
  }
  if (typeof v.Ref === 'string') return `<${v.Ref}>`;
  if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if (v['Fn::ImportValue'] !== undefined) return flattenReference(v['Fn::ImportValue']);
  throw new Error(`cannot name the cdk-nag finding of ${JSON.stringify(value)}`);
}

/**
 * The role and the rules that replicate every object version of a bucket into `dest` (another region),
 * re-encrypted with the destination's key (S3 accepts a key alias ARN as ReplicaKmsKeyID in the same
 * account), and, with `archive`, also into the log archive of another account: replicas owned by the
 * archive account (owner override, `Destination.Account`) under its key's full ARN. S3 requires a
 * priority on every rule once there are several. Delete markers are never replicated, so a delete in
 * the primary region leaves the copies readable.
 */
export function crossRegionReplication(
  scope: Construct,
  dest: ReplicationDestination,
  archive?: ArchiveDestination,
): { role: ReplicationRole; rules: s3.ReplicationRule[] } {
  const stack = Stack.of(scope);
  const role = new ReplicationRole(scope, 'Replication', { destination: dest, archive });
  const destination = s3.Bucket.fromBucketAttributes(scope, 'ReplicaBucket', {
    bucketName: dest.bucketName,
    region: dest.region,
    account: stack.account,
  });
  const aliasArn = stack.formatArn({ service: 'kms', region: dest.region, resource: dest.keyAliasName });
  const replicaRule: s3.ReplicationRule = {
    id: 'replicate-all-versions',
    destination,
    kmsKey: kms.Key.fromKeyArn(scope, 'ReplicaKey', aliasArn),
    sseKmsEncryptedObjects: true,
    deleteMarkerReplication: false,
  };
  if (!archive) return { role, rules: [replicaRule] };
  const archiveRule: s3.ReplicationRule = {
    id: 'archive-all-versions',
    priority: 2,
    // Another account: CDK sets Destination.Account (required with the owner override).
    destination: s3.Bucket.fromBucketAttributes(scope, 'ArchiveBucket', {
      bucketName: archive.bucketName,
      region: archive.region,
      account: archive.account,
    }),
    kmsKey: kms.Key.fromKeyArn(scope, 'ArchiveKey', archive.keyArn),
    // AccessControlTranslation Owner=Destination (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-change-owner.html).
    accessControlTransition: true,
    sseKmsEncryptedObjects: true,
    deleteMarkerReplication: false,
  };
  return { role, rules: [{ ...replicaRule, priority: 1 }, archiveRule] };
}
