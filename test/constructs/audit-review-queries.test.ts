/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AthenaAuditReview } from '../../lib/constructs/athena-audit-review';
import { AUDIT_REVIEW_QUERIES, AuditReviewQueries, SIGN_IN_REVIEW_QUERIES } from '../../lib/constructs/audit-review-queries';

describe('AuditReviewQueries', () => {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'S');
  const trail = new logs.LogGroup(stack, 'Trail');
  const bucket = new s3.Bucket(stack, 'Logs');
  const review = new AthenaAuditReview(stack, 'Review', {
    workGroupName: 'crm-demo-audit-review',
    databaseName: 'crm_demo_audit_review',
    encryptionKey: new kms.Key(stack, 'Key'),
    resultsBucket: bucket,
    userActivity: { bucket, prefix: 'AWSLogs/123456789012/' },
  });
  new AuditReviewQueries(stack, 'Queries', { folder: 'crm-demo', trailLogGroup: trail, athena: review });
  const template = Template.fromStack(stack).toJSON();
  const ofType = (type: string) =>
    Object.values(template.Resources as Record<string, { Type: string; Properties: any; DependsOn?: string[] }>).filter(
      (r) => r.Type === type,
    );
  const definitions = ofType('AWS::Logs::QueryDefinition').map(
    (r) => r.Properties as { Name: string; QueryString: string; LogGroupNames: unknown[] },
  );
  const byName = (n: string) => definitions.find((d) => d.Name === `crm-demo/${n}`)!;
  const named = ofType('AWS::Athena::NamedQuery');
  const namedQuery = (n: string) => named.find((q) => q.Properties.Name === n)!;
  const logicalId = (c: CfnResource) => stack.resolve(c.logicalId) as string;

  test('saves every review of the trail the source documents name, in the deployment folder', () => {
    expect(definitions.map((d) => d.Name).sort()).toEqual([
      'crm-demo/changes-to-roles-and-permissions',
      'crm-demo/exports-and-bulk-reads-by-user',
      'crm-demo/kms-key-use-by-principal',
      'crm-demo/who-read-or-changed-a-phi-object',
    ]);
    expect(AUDIT_REVIEW_QUERIES).toHaveLength(4);
  });

  test('every Logs Insights query reads the trail log group', () => {
    for (const d of definitions) expect(d.LogGroupNames).toEqual([{ Ref: expect.stringMatching(/^Trail/) }]);
  });

  test('the Logs Insights queries look at what they claim to', () => {
    expect(byName('who-read-or-changed-a-phi-object').QueryString).toMatch(
      /eventSource = "s3\.amazonaws\.com"[\s\S]*GetObject[\s\S]*requestParameters\.key/,
    );
    expect(byName('exports-and-bulk-reads-by-user').QueryString).toMatch(/stats count\(\*\) as reads by userIdentity\.arn/);
    expect(byName('kms-key-use-by-principal').QueryString).toMatch(/eventSource = "kms\.amazonaws\.com"/);
    expect(byName('changes-to-roles-and-permissions').QueryString).toMatch(/iam\.amazonaws\.com[\s\S]*AdminRemoveUserFromGroup/);
  });

  test('the sign-in reviews are Athena named queries in the review workgroup, over the user-activity table', () => {
    expect(named.map((q) => q.Properties.Name).sort()).toEqual(['failed-sign-ins', 'mfa-sign-ins']);
    expect(SIGN_IN_REVIEW_QUERIES).toHaveLength(2);
    for (const q of named) {
      expect(q.Properties.WorkGroup).toEqual({ Ref: logicalId(review.workGroup) });
      expect(q.Properties.Database).toBe('crm_demo_audit_review');
      expect(q.Properties.QueryString).toContain('FROM "crm_demo_audit_review"."user_activity"');
      expect(q.Properties.QueryString).toContain("INTERVAL '7' DAY");
      // A saved query must never name a table that does not exist yet.
      expect(q.DependsOn).toContain(logicalId(review.userActivityTable));
    }
  });

  test('the sign-in queries look at what they claim to', () => {
    const failed = namedQuery('failed-sign-ins').Properties.QueryString;
    expect(failed).toContain("message.eventresponse = 'Fail'");
    expect(failed).toMatch(/upper\(message\.riskdecision\) IN \('BLOCK', 'ACCOUNTTAKEOVER'\)/);
    expect(failed).toContain("lower(message.compromisedcredentialdetected) = 'true'");
    const mfa = namedQuery('mfa-sign-ins').Properties.QueryString;
    expect(mfa).toContain("message.eventtype = 'SignIn'");
    expect(mfa).toMatch(
      /any_match\(message\.challenges, c -> strpos\(lower\(c\.challengename\), 'mfa'\) > 0\) AS mfa_challenged/,
    );
    expect(mfa).toContain("c.challengeresponse = 'Failure') AS mfa_failed");
    expect(mfa).toMatch(/ORDER BY mfa_challenged ASC, mfa_failed DESC/);
  });
});
