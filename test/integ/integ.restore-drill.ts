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
 * Run it against a sandbox deployment (config/sandbox.json, profile sandbox: holds no PHI, and `cdk destroy
 * --all` removes it afterwards; test/integ/README.md), once its first weekly restore test has run.
 * Run (AWS credentials of the deployment's account; DRILL_CONFIG names its config, default demo):
 *   DRILL_CONFIG=config/sandbox.json npx integ-runner integ.restore-drill.ts --directory test/integ \
 *     --language typescript --parallel-regions <primary region> --update-on-failed
 * The empty stack and the assertion stack are destroyed afterwards.
 *
 * integ-runner 2.197.10, the newest, cannot do this yet: it cannot read aws-cdk-lib 2.276's cloud
 * assembly and stops before deploying with
 *   AssemblyVersionMismatch: This AWS CDK Toolkit is not compatible with the AWS CDK library used by
 *   your application. ... Maximum schema version supported is 53.x.x, but found 55.0.0.
 * Until a release reads schema 55, deploy the app with the project's CDK CLI, which reads it:
 *   DRILL_CONFIG=config/sandbox.json npx cdk deploy --app 'npx tsx test/integ/integ.restore-drill.ts' \
 *     --all --require-approval never --outputs-file restore-drill-outputs.json
 *   DRILL_CONFIG=config/sandbox.json npx cdk destroy --app 'npx tsx test/integ/integ.restore-drill.ts' --all --force
 * These assertions do not wait, so a failed one does not fail the deploy: every AssertionResults* output
 * of RestoreDrill/DefaultTest/DeployAssert in restore-drill-outputs.json must read {"status":"success"}.
 * The snapshot next to this file (integ.restore-drill.ts.snapshot/, synthesized from config/demo.json:
 * DRILL_CONFIG is not passed on) is written by `npm run integ:snapshot`, offline and the way integ-runner
 * synthesizes, and checked by test/integ-snapshots.test.ts; an integ-runner that reads schema 55 should
 * write identical templates. See test/integ/README.md.
 */
import * as path from 'node:path';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { loadConfig } from '../../lib/config/load';
import { deploymentNames, RESTORE_TESTING_SELECTIONS } from '../../lib/vocabulary';

const repoRoot = path.join(__dirname, '..', '..');
const config = loadConfig(process.env.DRILL_CONFIG ?? 'config/demo.json', repoRoot);
const env = { account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT, region: config.regions.primary };

const app = new App();
const stack = new Stack(app, 'RestoreDrillInteg', { env, stackName: deploymentNames(config.name).integStack('restore-drill') });
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
  .awsApiCall('Lambda', 'getFunction', { FunctionName: deploymentNames(config.name).restoreValidatorFunction }, [
    'Configuration.State',
  ])
  .assertAtPath('Configuration.State', ExpectedResult.stringLikeRegexp('^Active$'));

const planName = deploymentNames(config.name).restoreTestingPlan;
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
