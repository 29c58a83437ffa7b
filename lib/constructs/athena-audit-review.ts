import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Name of the Glue table over Cognito's exported user activity. */
export const USER_ACTIVITY_TABLE = 'user_activity';

/** Key prefix, in the results bucket, of the workgroup's query results. */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';

/**
 * The columns of one exported Cognito user-activity event, as "Exporting logs from Amazon Cognito user
 * pools" shows it (https://docs.aws.amazon.com/cognito/latest/developerguide/exporting-quotas-and-usage.html).
 * Cognito writes every value as a string (the time as epoch milliseconds) and warns that the schema can
 * change; the JSON reader maps keys to these names without regard to case. The challenges are read as
 * the API's `ChallengeResponses` (name `Password` or `Mfa`, response `Success` or `Failure`).
 */
export const USER_ACTIVITY_COLUMNS: readonly glue.CfnTable.ColumnProperty[] = [
  { name: 'eventtimestamp', type: 'string', comment: 'event time, epoch milliseconds' },
  { name: 'eventsource', type: 'string', comment: 'USER_ACTIVITY' },
  { name: 'loglevel', type: 'string', comment: 'INFO' },
  {
    name: 'message',
    type:
      'struct<version:string,eventid:string,eventtype:string,usersub:string,username:string,userpoolid:string,' +
      'clientid:string,creationdate:string,eventresponse:string,risklevel:string,riskdecision:string,' +
      'challenges:array<struct<challengename:string,challengeresponse:string>>,devicename:string,ipaddress:string,' +
      'requestid:string,idpname:string,compromisedcredentialdetected:string,city:string,country:string,' +
      'eventfeedbackvalue:string,eventfeedbackdate:string,eventfeedbackprovider:string,hascontextdata:string>',
    comment: 'the event: type, outcome, user, client, address, device, place, risk, challenges',
  },
  { name: 'logsourceid', type: 'struct<userpoolid:string>', comment: 'the user pool' },
];

export interface AthenaAuditReviewProps {
  /** Name of the workgroup (`auditReviewWorkGroupName`). */
  readonly workGroupName: string;
  /** Name of the Glue database (`auditReviewDatabaseName`): lowercase letters, digits and underscores. */
  readonly databaseName: string;
  /** Encrypts the query results (SSE-KMS). The audit key: results hold the same identifiers as the logs. */
  readonly encryptionKey: kms.IKey;
  /** Bucket the query results are written to, under `athena-results/`. Must be encrypted and private. */
  readonly resultsBucket: s3.IBucket;
  /** Where Cognito's user-activity log files are: the bucket and the key prefix (ending in `/`). */
  readonly userActivity: { readonly bucket: s3.IBucket; readonly prefix: string };
}

/**
 * Amazon Athena for the audit reviews that read logs in S3 (HIPAA 164.308(a)(1)(ii)(D) information
 * system activity review): a workgroup and a Glue database with the table of Cognito's user activity.
 *
 * - The workgroup enforces its configuration, so no query can choose another result location or
 *   leave its results unencrypted: results go under `athena-results/` of the given bucket, encrypted
 *   SSE-KMS with the audit key, into a bucket that must belong to this account. Engine version 3;
 *   query metrics are published to CloudWatch.
 * - The table reads the JSON log files (one event per line, gzip by file name) under the log prefix
 *   and its subfolders. It has no partitions: Cognito only documents that it may create an `AWSLogs`
 *   folder, not the layout beneath it, so partition projection would rest on a guess. Every query scans
 *   the whole log, which for a practice's sign-ins stays small. Malformed lines are not skipped: a change
 *   of Cognito's format fails the query instead of silently hiding events from a review.
 */
export class AthenaAuditReview extends Construct {
  readonly workGroup: athena.CfnWorkGroup;
  readonly database: glue.CfnDatabase;
  readonly userActivityTable: glue.CfnTable;
  readonly workGroupName: string;
  readonly databaseName: string;
  readonly userActivityTableName = USER_ACTIVITY_TABLE;

  constructor(scope: Construct, id: string, props: AthenaAuditReviewProps) {
    super(scope, id);
    if (!/^[a-z0-9_]{1,255}$/.test(props.databaseName)) {
      throw new Error(`AthenaAuditReview: "${props.databaseName}" is not a database name Athena can read (a-z, 0-9, _)`);
    }
    if (!props.userActivity.prefix.endsWith('/')) {
      throw new Error(`AthenaAuditReview: the log prefix must end in "/" (got ${props.userActivity.prefix})`);
    }
    const stack = Stack.of(this);
    this.workGroupName = props.workGroupName;
    this.databaseName = props.databaseName;

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName,
      description: 'Audit reviews over logs in S3 (Cognito sign-in activity); results encrypted with the audit key',
      state: 'ENABLED',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.resultsBucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.encryptionKey.keyArn },
          expectedBucketOwner: stack.account,
        },
      },
    });

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: props.databaseName,
        description: 'Tables over the audit logs kept in S3 (no PHI: identifiers, addresses and outcomes)',
      },
    });

    this.userActivityTable = new glue.CfnTable(this, 'UserActivityTable', {
      catalogId: stack.account,
      databaseName: this.database.ref,
      tableInput: {
        name: USER_ACTIVITY_TABLE,
        description: "Cognito's exported threat-protection user activity: sign-ins, MFA, risk decisions",
        tableType: 'EXTERNAL_TABLE',
        parameters: { EXTERNAL: 'TRUE', classification: 'json' },
        storageDescriptor: {
          location: `s3://${props.userActivity.bucket.bucketName}/${props.userActivity.prefix}`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
          columns: [...USER_ACTIVITY_COLUMNS],
        },
      },
    });
  }
}
