/**
 * Integration test of the restore-test chain of an already deployed deployment, in its real account.
 * It deploys nothing of the deployment: one empty test stack (integ-runner needs a test case) and the
 * assertion stack of @aws-cdk/integ-tests-alpha, whose custom resources make read-only API calls:
 *
 * - the restore validator function exists and is Active (it is what the drill and the scheduled tests invoke),
 * - the restore testing plan exists, and each of its two selections names exactly the resource type
 *   the drill restores, with RestoreMetadataOverrides (isolated subnets, dedicated security group),
 * - the protected database has at least one COMPLETED restore job started by that restore testing
 *   plan whose validation AWS Backup recorded as SUCCESSFUL (so run it after the first weekly test).
 *
 * It starts no restore: a restore creates a PHI copy that must be validated and deleted with the
 * safety checks of `npm run drill`, which the assertion framework cannot give. The drill itself is run
 * with `npm run drill -- -c config=config/<name>.json --yes` (docs/runbooks/restore-drills.md).
 *
 * Run (AWS credentials of the deployment's account; DRILL_CONFIG names its config, default demo):
 *   DRILL_CONFIG=config/<name>.json npx integ-runner --directory test/integ --language typescript \
 *     --parallel-regions <primary region> --update-on-failed
 * The empty stack and the assertion stack are destroyed afterwards.
 */
import * as path from 'node:path';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { loadConfig } from '../../lib/config/load';
import { RESTORE_TESTING_SELECTIONS, restoreTestingPlanName, restoreValidatorFunctionName, stackName } from '../../lib/naming';

const repoRoot = path.join(__dirname, '..', '..');
const config = loadConfig(process.env.DRILL_CONFIG ?? 'config/demo.json', repoRoot);
const env = { account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT, region: config.regions.primary };

const app = new App();
const stack = new Stack(app, 'RestoreDrillInteg', { env, stackName: stackName(config.name, 'restore-drill-integ') });
// A stack needs one resource to deploy; a wait condition handle has no cost, no permissions, no data.
new CfnWaitConditionHandle(stack, 'Placeholder');

const integ = new IntegTest(app, 'RestoreDrill', {
  testCases: [stack],
  regions: [config.regions.primary],
  // Nothing here is updated in place: every run reads the deployment as it is now.
  stackUpdateWorkflow: false,
  diffAssets: false,
});
const assertions = integ.assertions;

assertions
  .awsApiCall('Lambda', 'getFunction', { FunctionName: restoreValidatorFunctionName(config.name) }, ['Configuration.State'])
  .assertAtPath('Configuration.State', ExpectedResult.stringLikeRegexp('^Active$'));

const planName = restoreTestingPlanName(config.name);
const plan = assertions.awsApiCall('Backup', 'getRestoreTestingPlan', { RestoreTestingPlanName: planName }, [
  'RestoreTestingPlan.RestoreTestingPlanArn',
  'RestoreTestingPlan.RestoreTestingPlanName',
]);
plan.assertAtPath('RestoreTestingPlan.RestoreTestingPlanName', ExpectedResult.stringLikeRegexp(`^${planName}$`));

const expectedType = { database: 'RDS', documents: 'S3' } as const;
for (const resource of Object.keys(RESTORE_TESTING_SELECTIONS) as (keyof typeof RESTORE_TESTING_SELECTIONS)[]) {
  // The drill refuses a wildcard selection, so exactly one concrete ARN is part of the contract.
  assertions
    .awsApiCall('Backup', 'getRestoreTestingSelection', {
      RestoreTestingPlanName: planName,
      RestoreTestingSelectionName: RESTORE_TESTING_SELECTIONS[resource],
    })
    .expect(
      ExpectedResult.objectLike({
        RestoreTestingSelection: {
          ProtectedResourceType: expectedType[resource],
          ProtectedResourceArns: [
            Match.stringLikeRegexp(resource === 'database' ? '^arn:aws[a-z-]*:rds:.+:db:.+$' : '^arn:aws[a-z-]*:s3:::.+$'),
          ],
          RestoreMetadataOverrides: Match.objectLike({}),
        },
      }),
    );
}

// The chain of a scheduled restore test: restore job COMPLETED and the validator's result recorded.
// (A second call with output paths: they limit what the call returns, so the full answer above stays unfiltered.)
const databaseArn = assertions.awsApiCall(
  'Backup',
  'getRestoreTestingSelection',
  { RestoreTestingPlanName: planName, RestoreTestingSelectionName: RESTORE_TESTING_SELECTIONS.database },
  ['RestoreTestingSelection.ProtectedResourceArns.0'],
);
const restoreJobs = assertions.awsApiCall('Backup', 'listRestoreJobsByProtectedResource', {
  ResourceArn: databaseArn.getAttString('RestoreTestingSelection.ProtectedResourceArns.0'),
  ByStatus: 'COMPLETED',
});
restoreJobs.expect(
  ExpectedResult.objectLike({
    RestoreJobs: Match.arrayWith([
      Match.objectLike({
        CreatedBy: { RestoreTestingPlanArn: plan.getAttString('RestoreTestingPlan.RestoreTestingPlanArn') },
        ValidationStatus: 'SUCCESSFUL',
      }),
    ]),
  }),
);

app.synth();
