import { TAG } from '../../../../lib/vocabulary';
import { claimsOf, claimsOfTemplate } from './claims';

const kmsEncryption = (key: unknown) => ({
  ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key } }],
});

const tlsDeny = {
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 's3:*',
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};

describe('AWS::S3::Bucket', () => {
  test('default encryption names the KMS key behind it, followed through the template', () => {
    const claims = claimsOfTemplate({
      PhiKey: { Type: 'AWS::KMS::Key', Properties: { Tags: [{ Key: TAG.dataClass, Value: 'phi' }] } },
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: kmsEncryption({ 'Fn::GetAtt': ['PhiKey', 'Arn'] }) } },
    });
    expect(claims.Bucket).toEqual({ '164.312(a)(2)(iv)': 'default encryption with KMS key PhiKey (phi)' });
  });

  test('a key that cannot be followed is named as written, or just as a KMS key', () => {
    expect(claimsOf('AWS::S3::Bucket', { BucketEncryption: kmsEncryption('arn:aws:kms:us-east-1:111122223333:key/k') })).toEqual({
      '164.312(a)(2)(iv)': 'default encryption with KMS key arn:aws:kms:us-east-1:111122223333:key/k',
    });
    expect(claimsOf('AWS::S3::Bucket', { BucketEncryption: kmsEncryption({ Ref: 'Elsewhere' }) })).toEqual({
      '164.312(a)(2)(iv)': 'default encryption with a KMS key',
    });
  });

  test('S3-managed encryption is claimed as such; no default encryption is not claimed', () => {
    const sseS3 = { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] };
    expect(claimsOf('AWS::S3::Bucket', { BucketEncryption: sseS3 })).toEqual({
      '164.312(a)(2)(iv)': 'default encryption with S3-managed keys (SSE-S3)',
    });
    expect(claimsOf('AWS::S3::Bucket', {})).toEqual({});
  });

  test('versioning and Object Lock are integrity controls', () => {
    expect(
      claimsOf('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2192 } } },
      }),
    ).toEqual({ '164.312(c)(1)': 'versioned, Object Lock COMPLIANCE 2192 days (6.0 years)' });
    expect(claimsOf('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Suspended' } })).toEqual({});
  });

  test('replication is the disaster-recovery copy and the backup of the media', () => {
    const how =
      'replicates every object to arn:aws:s3:::crm-demo-phi-replica (re-encrypted with arn:aws:kms:us-west-2:111122223333:alias/crm-demo/phi-dr)';
    const rule = {
      Status: 'Enabled',
      Destination: {
        Bucket: 'arn:aws:s3:::crm-demo-phi-replica',
        EncryptionConfiguration: { ReplicaKmsKeyID: 'arn:aws:kms:us-west-2:111122223333:alias/crm-demo/phi-dr' },
      },
    };
    expect(claimsOf('AWS::S3::Bucket', { ReplicationConfiguration: { Rules: [rule] } })).toEqual({
      '164.308(a)(7)(ii)(B)': how,
      '164.310(d)(2)(iv)': how,
    });
    expect(claimsOf('AWS::S3::Bucket', { ReplicationConfiguration: { Rules: [{ ...rule, Status: 'Disabled' }] } })).toEqual({});
  });

  test('server access logs are an audit control', () => {
    expect(claimsOf('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: { Ref: 'LogBucket' } } })).toEqual({
      '164.312(b)': 'server access logs to <LogBucket>',
    });
    expect(claimsOf('AWS::S3::Bucket', { LoggingConfiguration: {} })).toEqual({
      '164.312(b)': 'server access logs to a log bucket',
    });
  });

  test('blocking all four kinds of public access is an access control; three of them is not', () => {
    const block = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: 'true' };
    expect(claimsOf('AWS::S3::Bucket', { PublicAccessBlockConfiguration: block })).toEqual({
      '164.312(a)(1)': 'all public access blocked',
    });
    expect(claimsOf('AWS::S3::Bucket', { PublicAccessBlockConfiguration: { ...block, BlockPublicPolicy: false } })).toEqual({});
  });
});

describe('AWS::S3::BucketPolicy', () => {
  test('a bucket policy that refuses plain HTTP (and old TLS) is transmission security', () => {
    const how = 'denies every request to Bucket made without TLS or below TLS 1.2';
    const tlsFloor = {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
    };
    expect(
      claimsOf('AWS::S3::BucketPolicy', { Bucket: { Ref: 'Bucket' }, PolicyDocument: { Statement: [tlsDeny, tlsFloor] } }),
    ).toEqual({ '164.312(e)(1)': how, '164.312(e)(2)(i)': how, '164.312(e)(2)(ii)': how });
    expect(claimsOf('AWS::S3::BucketPolicy', { Bucket: 'b', PolicyDocument: { Statement: [tlsDeny] } })).toMatchObject({
      '164.312(e)(1)': 'denies every request to b made without TLS',
    });
  });

  test('a bucket policy that allows plain HTTP is not transmission security', () => {
    expect(claimsOf('AWS::S3::BucketPolicy', { Bucket: 'b', PolicyDocument: { Statement: [] } })).toEqual({});
    const allowOnly = { ...tlsDeny, Effect: 'Allow' };
    expect(claimsOf('AWS::S3::BucketPolicy', { Bucket: 'b', PolicyDocument: { Statement: [allowOnly] } })).toEqual({});
  });

  test('denying deletes to every principal is an integrity control', () => {
    const denyDeletes = { Effect: 'Deny', Principal: { AWS: '*' }, Action: ['s3:DeleteObject', 's3:PutObject'] };
    expect(claimsOf('AWS::S3::BucketPolicy', { Bucket: 'logs', PolicyDocument: { Statement: [denyDeletes] } })).toEqual({
      '164.312(c)(1)': 'denies s3:DeleteObject on logs to every principal',
    });
    const forSomeone = { ...denyDeletes, Principal: { AWS: 'arn:aws:iam::111122223333:root' } };
    expect(claimsOf('AWS::S3::BucketPolicy', { Bucket: 'logs', PolicyDocument: { Statement: [forSomeone] } })).toEqual({});
  });
});
