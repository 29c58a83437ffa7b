import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AUDIT_REVIEW_QUERIES, AuditReviewQueries } from '../../lib/constructs/audit-review-queries';

describe('AuditReviewQueries', () => {
  const stack = new Stack(new App(), 'S');
  const trail = new logs.LogGroup(stack, 'Trail');
  new AuditReviewQueries(stack, 'Queries', {
    folder: 'crm-demo',
    trailLogGroup: trail,
    userActivityLogGroupName: '/aws/vendedlogs/cognito/crm-demo/user-activity',
  });
  const definitions = Object.values(Template.fromStack(stack).findResources('AWS::Logs::QueryDefinition')).map(
    (r) => r.Properties as { Name: string; QueryString: string; LogGroupNames: unknown[] },
  );
  const byName = (n: string) => definitions.find((d) => d.Name === `crm-demo/${n}`)!;

  test('saves every review the source documents name, in the deployment folder', () => {
    expect(definitions.map((d) => d.Name).sort()).toEqual([
      'crm-demo/changes-to-roles-and-permissions',
      'crm-demo/exports-and-bulk-reads-by-user',
      'crm-demo/failed-and-mfa-sign-ins',
      'crm-demo/kms-key-use-by-principal',
      'crm-demo/who-read-or-changed-a-phi-object',
    ]);
    expect(AUDIT_REVIEW_QUERIES).toHaveLength(5);
  });

  test('object-access queries read the trail; sign-in queries read the Cognito user-activity log', () => {
    expect(byName('who-read-or-changed-a-phi-object').LogGroupNames).toEqual([{ Ref: expect.stringMatching(/^Trail/) }]);
    expect(byName('failed-and-mfa-sign-ins').LogGroupNames).toEqual(['/aws/vendedlogs/cognito/crm-demo/user-activity']);
  });

  test('the queries look at what they claim to', () => {
    expect(byName('who-read-or-changed-a-phi-object').QueryString).toMatch(
      /eventSource = "s3\.amazonaws\.com"[\s\S]*GetObject[\s\S]*requestParameters\.key/,
    );
    expect(byName('exports-and-bulk-reads-by-user').QueryString).toMatch(/stats count\(\*\) as reads by userIdentity\.arn/);
    expect(byName('kms-key-use-by-principal').QueryString).toMatch(/eventSource = "kms\.amazonaws\.com"/);
    expect(byName('changes-to-roles-and-permissions').QueryString).toMatch(/iam\.amazonaws\.com[\s\S]*AdminRemoveUserFromGroup/);
    expect(byName('failed-and-mfa-sign-ins').QueryString).toMatch(/eventResponse != "Pass"/);
  });
});
