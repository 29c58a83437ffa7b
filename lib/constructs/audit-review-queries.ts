import * as athena from 'aws-cdk-lib/aws-athena';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AthenaAuditReview } from './athena-audit-review';

export interface AuditReviewQueriesProps {
  /** Folder the queries appear under in the CloudWatch Logs Insights console, e.g. the deployment name. */
  readonly folder: string;
  /** The CloudTrail log group (management events and S3 data events on the PHI buckets). */
  readonly trailLogGroup: logs.ILogGroup;
  /** The Athena workgroup and the table of Cognito's user activity (sign-ins, failures, MFA). */
  readonly athena: UserActivityReview;
}

/** What the sign-in queries need of an `AthenaAuditReview`: its workgroup and the user-activity table. */
export type UserActivityReview = Pick<
  AthenaAuditReview,
  'workGroup' | 'databaseName' | 'userActivityTable' | 'userActivityTableName'
>;

/** One saved Logs Insights query over the CloudTrail log group: what the review asks, and the query. */
export interface AuditReviewQuery {
  readonly name: string;
  readonly query: logs.QueryString;
}

/**
 * The reviews of the CloudTrail log the source documents name (HIPAA 164.308(a)(1)(ii)(D) information
 * system activity review), as CloudWatch Logs Insights saved queries. The schedule that runs them is in
 * docs/runbooks/audit-review.md. The logs hold identifiers (principals, object keys, IPs), never PHI
 * values: object keys must not contain PHI (the CRM names documents by opaque IDs).
 */
export const AUDIT_REVIEW_QUERIES: readonly AuditReviewQuery[] = [
  {
    name: 'who-read-or-changed-a-phi-object',
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
    query: new logs.QueryString({
      filterStatements: ['eventSource = "s3.amazonaws.com"', 'eventName = "GetObject"'],
      statsStatements: ['count(*) as reads by userIdentity.arn, bin(1h) as hour'],
      sort: 'reads desc',
      limit: 100,
    }),
  },
  {
    name: 'kms-key-use-by-principal',
    query: new logs.QueryString({
      filterStatements: ['eventSource = "kms.amazonaws.com"'],
      statsStatements: ['count(*) as calls by userIdentity.arn, eventName, resources.0.ARN'],
      sort: 'calls desc',
      limit: 200,
    }),
  },
  {
    name: 'changes-to-roles-and-permissions',
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

/** One saved Athena query over Cognito's user-activity table: what the review asks, and the SQL. */
export interface SignInReviewQuery {
  readonly name: string;
  readonly description: string;
  /** The SQL, given the quoted `"database"."table"` it reads. */
  readonly sql: (table: string) => string;
}

/** Event time of a user-activity row (Cognito writes epoch milliseconds as a string). */
const EVENT_TIME = 'from_unixtime(CAST(eventtimestamp AS bigint) / 1000)';

/** The period a review covers. Saved queries take no parameters: edit the interval for another period. */
const LAST_7_DAYS = `${EVENT_TIME} > current_timestamp - INTERVAL '7' DAY`;

/**
 * The sign-in reviews (HIPAA 164.308(a)(1)(ii)(D), 164.308(a)(5)(ii)(C) log-in monitoring), as Athena
 * saved queries over Cognito's exported user activity. They read identifiers (user name, `sub`), source
 * address, device, place and outcomes; never PHI.
 */
export const SIGN_IN_REVIEW_QUERIES: readonly SignInReviewQuery[] = [
  {
    name: 'failed-sign-ins',
    description:
      'Failed sign-ins, and events threat protection blocked or found compromised credentials in, over the last 7 days',
    sql: (table) =>
      [
        `SELECT ${EVENT_TIME} AS event_time,`,
        '  message.eventtype AS event_type, message.eventresponse AS outcome,',
        '  message.username AS user_name, message.usersub AS user_sub,',
        '  message.ipaddress AS ip_address, message.city AS city, message.country AS country,',
        '  message.risklevel AS risk_level, message.riskdecision AS risk_decision,',
        '  message.compromisedcredentialdetected AS compromised_credentials',
        `FROM ${table}`,
        `WHERE ${LAST_7_DAYS}`,
        "  AND (message.eventresponse = 'Fail'",
        "    OR upper(message.riskdecision) IN ('BLOCK', 'ACCOUNTTAKEOVER')",
        "    OR lower(message.compromisedcredentialdetected) = 'true')",
        'ORDER BY event_time DESC',
        'LIMIT 1000',
      ].join('\n'),
  },
  {
    name: 'mfa-sign-ins',
    description:
      'Sign-ins of the last 7 days with their challenges: those without an MFA challenge first (expected for passkeys only), failed MFA answers next',
    sql: (table) =>
      [
        `SELECT ${EVENT_TIME} AS event_time,`,
        '  message.username AS user_name, message.usersub AS user_sub,',
        '  message.ipaddress AS ip_address, message.devicename AS device, message.country AS country,',
        '  message.eventresponse AS outcome,',
        "  any_match(message.challenges, c -> strpos(lower(c.challengename), 'mfa') > 0) AS mfa_challenged,",
        "  any_match(message.challenges, c -> strpos(lower(c.challengename), 'mfa') > 0 AND c.challengeresponse = 'Failure') AS mfa_failed,",
        "  array_join(transform(message.challenges, c -> concat(c.challengename, ':', c.challengeresponse)), ', ') AS challenges,",
        '  message.risklevel AS risk_level',
        `FROM ${table}`,
        `WHERE ${LAST_7_DAYS}`,
        "  AND message.eventtype = 'SignIn'",
        'ORDER BY mfa_challenged ASC, mfa_failed DESC, event_time DESC',
        'LIMIT 1000',
      ].join('\n'),
  },
];

/**
 * The saved audit-review queries: Logs Insights query definitions bound to the trail log group, and
 * Athena named queries in the review workgroup over the user-activity table.
 */
export class AuditReviewQueries extends Construct {
  readonly definitions: logs.QueryDefinition[];
  readonly signInQueries: athena.CfnNamedQuery[];

  constructor(scope: Construct, id: string, props: AuditReviewQueriesProps) {
    super(scope, id);
    this.definitions = AUDIT_REVIEW_QUERIES.map(
      (q) =>
        new logs.QueryDefinition(this, q.name, {
          queryDefinitionName: `${props.folder}/${q.name}`,
          queryString: q.query,
          logGroups: [props.trailLogGroup],
        }),
    );
    const review = props.athena;
    const table = `"${review.databaseName}"."${review.userActivityTableName}"`;
    this.signInQueries = SIGN_IN_REVIEW_QUERIES.map((q) => {
      const named = new athena.CfnNamedQuery(this, q.name, {
        name: q.name,
        description: q.description,
        workGroup: review.workGroup.ref,
        database: review.databaseName,
        queryString: q.sql(table),
      });
      // The query names the table; saving it before the table exists would leave a broken query behind.
      named.addResourceDependency(review.userActivityTable);
      return named;
    });
  }
}
