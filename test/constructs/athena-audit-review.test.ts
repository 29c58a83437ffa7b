/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { AthenaAuditReview, USER_ACTIVITY_TABLE, type AthenaAuditReviewProps } from '../../lib/constructs/athena-audit-review';
import { projectApp } from '../helpers/app';
import { flat } from '../helpers/cfn-values';

const ENV = { account: '111122223333', region: 'us-east-1' };

type Resources = Record<string, { Type: string; Properties: Record<string, any>; [k: string]: unknown }>;

function build(options: { keyInOtherStack?: boolean; props?: Partial<AthenaAuditReviewProps> } = {}) {
  const app = projectApp();
  const stack = new Stack(app, 'Audit', { env: ENV });
  const keyStack = options.keyInOtherStack ? new Stack(app, 'Keys', { env: ENV }) : stack;
  const key = new kms.Key(keyStack, 'AuditKey');
  const bucket = new s3.Bucket(stack, 'Logs');
  const review = new AthenaAuditReview(stack, 'Review', {
    workGroupName: 't-audit-review',
    databaseName: 't_audit_review',
    encryptionKey: key,
    resultsBucket: bucket,
    userActivity: { bucket, prefix: 'AWSLogs/111122223333/' },
    ...options.props,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;
  const id = (c: IConstruct) => stack.resolve(((c.node.defaultChild ?? c) as CfnResource).logicalId) as string;
  return { stack, review, resources, id, keyId: id(key), bucketId: id(bucket) };
}

const acknowledged = (c: IConstruct): string[] =>
  c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.keys(m.data));

describe('AthenaAuditReview', () => {
  const built = build();
  const { resources, review, id } = built;
  const workGroup = () => resources[id(review.workGroup)].Properties;
  const table = () => resources[id(review.userActivityTable)].Properties;

  test('the workgroup enforces its configuration: results under athena-results/, SSE-KMS with the given key, this account only', () => {
    expect(workGroup().Name).toBe('t-audit-review');
    expect(workGroup().State).toBe('ENABLED');
    const config = workGroup().WorkGroupConfiguration;
    expect(config.EnforceWorkGroupConfiguration).toBe(true);
    expect(config.ResultConfiguration.EncryptionConfiguration).toEqual({
      EncryptionOption: 'SSE_KMS',
      KmsKey: { 'Fn::GetAtt': [built.keyId, 'Arn'] },
    });
    expect(flat(config.ResultConfiguration.OutputLocation)).toBe(`s3://<${built.bucketId}>/athena-results/`);
    expect(config.ResultConfiguration.ExpectedBucketOwner).toBe('111122223333');
    expect(config.EngineVersion).toEqual({ SelectedEngineVersion: 'Athena engine version 3' });
    expect(config.PublishCloudWatchMetricsEnabled).toBe(true);
  });

  test('the Glue database has the given name, in this account', () => {
    expect(resources[id(review.database)].Properties).toMatchObject({
      CatalogId: '111122223333',
      DatabaseInput: { Name: 't_audit_review' },
    });
  });

  test('the table reads the JSON log files under the log prefix, without partitions, and fails on malformed lines', () => {
    expect(table().DatabaseName).toEqual({ Ref: id(review.database) });
    expect(table().TableInput).toMatchObject({ Name: USER_ACTIVITY_TABLE, TableType: 'EXTERNAL_TABLE' });
    expect(table().TableInput.PartitionKeys).toBeUndefined();
    const storage = table().TableInput.StorageDescriptor;
    expect(flat(storage.Location)).toBe(`s3://<${built.bucketId}>/AWSLogs/111122223333/`);
    expect(storage.SerdeInfo).toEqual({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' });
    expect(storage.InputFormat).toBe('org.apache.hadoop.mapred.TextInputFormat');
  });

  test('the columns hold the time, and the event fields the sign-in reviews read', () => {
    const columns = table().TableInput.StorageDescriptor.Columns as { Name: string; Type: string }[];
    expect(columns.map((c) => c.Name)).toEqual(['eventtimestamp', 'eventsource', 'loglevel', 'message', 'logsourceid']);
    const message = columns.find((c) => c.Name === 'message')!.Type;
    for (const field of [
      'eventtype:string',
      'eventresponse:string',
      'username:string',
      'usersub:string',
      'ipaddress:string',
      'riskdecision:string',
      'compromisedcredentialdetected:string',
      'challenges:array<struct<challengename:string,challengeresponse:string>>',
    ]) {
      expect(message).toContain(field);
    }
  });

  test('refuses a database name Athena cannot read, and a log prefix that is not a folder', () => {
    expect(() => build({ props: { databaseName: 't-audit-review' } })).toThrow(/not a database name Athena can read/);
    expect(() => build({ props: { userActivity: { bucket: new s3.Bucket(new Stack(), 'B'), prefix: 'AWSLogs' } } })).toThrow(
      /must end in "\/"/,
    );
  });

  test('with the key in the same template, nothing is acknowledged', () => {
    expect(acknowledged(review.workGroup)).toEqual([]);
  });

  test('with the key in another stack, nothing is acknowledged either: the guard rules read the resolved key', () => {
    const crossStack = build({ keyInOtherStack: true });
    expect(acknowledged(crossStack.review.workGroup)).toEqual([]);
    const encryption =
      crossStack.resources[crossStack.id(crossStack.review.workGroup)].Properties.WorkGroupConfiguration.ResultConfiguration
        .EncryptionConfiguration;
    expect(encryption.EncryptionOption).toBe('SSE_KMS');
    expect(JSON.stringify(encryption.KmsKey)).toMatch(/AuditKey/);
  });
});
