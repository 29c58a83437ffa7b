import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface AuditReviewQueriesProps {
  /** Folder the queries appear under in the CloudWatch Logs Insights console, e.g. the deployment name. */
  readonly folder: string;
  /** The CloudTrail log group (management events and S3 data events on the PHI buckets). */
  readonly trailLogGroup: logs.ILogGroup;
  /** Name of Cognito's user-activity log group (sign-ins, failures, MFA). */
  readonly userActivityLogGroupName: string;
}

/** One saved query: what the review asks, where it looks, and the Logs Insights text. */
export interface AuditReviewQuery {
  readonly name: string;
  readonly source: 'trail' | 'userActivity';
  readonly query: logs.QueryString;
}

/**
 * The reviews the source documents name (HIPAA 164.308(a)(1)(ii)(D) information system activity
 * review), as CloudWatch Logs Insights saved queries. The schedule that runs them is in
 * docs/runbooks/audit-review.md. The logs hold identifiers (principals, object keys, IPs), never PHI
 * values: object keys must not contain PHI (the CRM names documents by opaque IDs).
 */
export const AUDIT_REVIEW_QUERIES: readonly AuditReviewQuery[] = [
  {
    name: 'who-read-or-changed-a-phi-object',
    source: 'trail',
    query: new logs.QueryString({
      fields: [
        '@timestamp',
        'userIdentity.arn',
        'eventName',
        'requestParameters.bucketName',
        'requestParameters.key',
        'sourceIPAddress',
      ],
      filterStatements: [
        'eventSource = "s3.amazonaws.com"',
        'eventName in ["GetObject", "PutObject", "DeleteObject", "DeleteObjects", "CopyObject", "RestoreObject"]',
        '# Replace OBJECT_KEY with the document ID under review',
        'requestParameters.key like /OBJECT_KEY/',
      ],
      sort: '@timestamp desc',
      limit: 1000,
    }),
  },
  {
    name: 'exports-and-bulk-reads-by-user',
    source: 'trail',
    query: new logs.QueryString({
      filterStatements: ['eventSource = "s3.amazonaws.com"', 'eventName = "GetObject"'],
      statsStatements: ['count(*) as reads by userIdentity.arn, bin(1h) as hour'],
      sort: 'reads desc',
      limit: 100,
    }),
  },
  {
    name: 'failed-and-mfa-sign-ins',
    source: 'userActivity',
    query: new logs.QueryString({
      fields: [
        '@timestamp',
        'message.eventType',
        'message.eventResponse',
        'message.userSub',
        'message.ipAddress',
        'message.challenges.0.challengeName',
      ],
      filterStatements: ['message.eventResponse != "Pass" or ispresent(message.challenges.0.challengeName)'],
      sort: '@timestamp desc',
      limit: 1000,
    }),
  },
  {
    name: 'kms-key-use-by-principal',
    source: 'trail',
    query: new logs.QueryString({
      filterStatements: ['eventSource = "kms.amazonaws.com"'],
      statsStatements: ['count(*) as calls by userIdentity.arn, eventName, resources.0.ARN'],
      sort: 'calls desc',
      limit: 200,
    }),
  },
  {
    name: 'changes-to-roles-and-permissions',
    source: 'trail',
    query: new logs.QueryString({
      fields: [
        '@timestamp',
        'userIdentity.arn',
        'eventSource',
        'eventName',
        'requestParameters.roleName',
        'requestParameters.groupName',
        'requestParameters.policyArn',
      ],
      filterStatements: [
        '(eventSource = "iam.amazonaws.com" and eventName not like /^(Get|List|Generate|Simulate)/) or ' +
          '(eventSource = "cognito-idp.amazonaws.com" and eventName in ["AdminAddUserToGroup", "AdminRemoveUserFromGroup", "CreateGroup", "DeleteGroup", "UpdateGroup", "AdminCreateUser", "AdminDeleteUser", "AdminDisableUser", "AdminEnableUser"])',
      ],
      sort: '@timestamp desc',
      limit: 1000,
    }),
  },
];

/** The saved audit-review queries, each bound to the log group it reads. */
export class AuditReviewQueries extends Construct {
  readonly definitions: logs.QueryDefinition[];

  constructor(scope: Construct, id: string, props: AuditReviewQueriesProps) {
    super(scope, id);
    const userActivity = logs.LogGroup.fromLogGroupName(this, 'UserActivity', props.userActivityLogGroupName);
    this.definitions = AUDIT_REVIEW_QUERIES.map(
      (q) =>
        new logs.QueryDefinition(this, q.name, {
          queryDefinitionName: `${props.folder}/${q.name}`,
          queryString: q.query,
          logGroups: [q.source === 'trail' ? props.trailLogGroup : userActivity],
        }),
    );
  }
}
