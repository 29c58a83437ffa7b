import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { createSecureBucket } from '../../lib/constructs/secure-bucket';
import { projectApp } from '../helpers/app';

describe('createSecureBucket', () => {
  test('callers cannot weaken the secure settings', () => {
    const stack = new Stack(projectApp(), 'S');
    createSecureBucket(stack, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      enforceSSL: false,
      versioned: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      },
    });
    const [policy] = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    const conditions = policy.Properties.PolicyDocument.Statement.map((s: { Condition: unknown }) => s.Condition);
    expect(conditions).toEqual([{ Bool: { 'aws:SecureTransport': 'false' } }, { NumericLessThan: { 's3:TlsVersion': 1.2 } }]);
  });

  test('EventBridge delivery needs no Lambda-backed custom resource', () => {
    const stack = new Stack(projectApp(), 'S');
    createSecureBucket(stack, 'Bucket', { encryption: s3.BucketEncryption.S3_MANAGED });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    expect(Object.keys(template.findResources('Custom::S3BucketNotifications'))).toEqual([]);
  });
});
