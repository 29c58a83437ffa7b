/**
 * Amazon S3: bucket encryption, integrity (versioning, Object Lock), replication, access logs, public
 * access, and what bucket policies deny.
 */
import type { TemplateResource } from '../../../assembly/model';
import {
  bucketEncryption,
  deniedDeleteActions,
  deniesInsecureTransport,
  describeObjectLock,
  isRecord,
  isTrue,
  literalText,
  minimumTlsVersion,
  objectLock,
  prop,
  replications,
} from '../../../assembly/template-facts';
import { keyText, type ResourceSpecMapping } from './mapping';

function policyOf(r: TemplateResource): unknown {
  return prop(r, 'PolicyDocument');
}

function bucketOfPolicy(r: TemplateResource): string {
  return literalText(prop(r, 'Bucket')).replace(/^<(.*)>$/, '$1');
}

export const S3_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::S3::Bucket',
    specs: ['164.312(a)(2)(iv)'],
    describe: (r, ctx) => {
      const enc = bucketEncryption(r);
      if (!enc) return undefined;
      if (enc.algorithm.startsWith('aws:kms')) return `default encryption with ${keyText(ctx, r, enc.kmsKey)}`;
      return enc.algorithm === 'AES256' ? 'default encryption with S3-managed keys (SSE-S3)' : undefined;
    },
  },
  {
    type: 'AWS::S3::Bucket',
    specs: ['164.312(c)(1)'],
    describe: (r) => {
      const lock = objectLock(r);
      const versioned = prop(r, 'VersioningConfiguration.Status') === 'Enabled';
      if (!lock && !versioned) return undefined;
      return [versioned ? 'versioned' : '', lock ? describeObjectLock(lock) : ''].filter(Boolean).join(', ');
    },
  },
  {
    type: 'AWS::S3::Bucket',
    specs: ['164.308(a)(7)(ii)(B)', '164.310(d)(2)(iv)'],
    describe: (r) => {
      const reps = replications(r);
      return reps.length
        ? `replicates every object to ${reps.map((x) => x.destination + (x.replicaKey ? ` (re-encrypted with ${x.replicaKey})` : '')).join('; ')}`
        : undefined;
    },
  },
  {
    type: 'AWS::S3::Bucket',
    specs: ['164.312(b)'],
    describe: (r) =>
      prop(r, 'LoggingConfiguration') !== undefined
        ? `server access logs to ${literalText(prop(r, 'LoggingConfiguration.DestinationBucketName')) || 'a log bucket'}`
        : undefined,
  },
  {
    type: 'AWS::S3::Bucket',
    specs: ['164.312(a)(1)'],
    describe: (r) => {
      const block = prop(r, 'PublicAccessBlockConfiguration');
      const all = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];
      return isRecord(block) && all.every((k) => isTrue(block[k])) ? 'all public access blocked' : undefined;
    },
  },
  {
    type: 'AWS::S3::BucketPolicy',
    specs: ['164.312(e)(1)', '164.312(e)(2)(i)', '164.312(e)(2)(ii)'],
    describe: (r) => {
      if (!deniesInsecureTransport(policyOf(r))) return undefined;
      const tls = minimumTlsVersion(policyOf(r));
      return `denies every request to ${bucketOfPolicy(r)} made without TLS${tls ? ` or below TLS ${tls}` : ''}`;
    },
  },
  {
    type: 'AWS::S3::BucketPolicy',
    specs: ['164.312(c)(1)'],
    describe: (r) => {
      const denied = deniedDeleteActions(policyOf(r));
      return denied.length ? `denies ${denied.join(', ')} on ${bucketOfPolicy(r)} to every principal` : undefined;
    },
  },
];
