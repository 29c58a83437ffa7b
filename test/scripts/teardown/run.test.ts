import { DeleteStackCommand, DescribeStackEventsCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { EXIT, runTeardown, type TeardownState } from '../../../scripts/teardown/run';
import { TeardownError } from '../../../scripts/teardown/plan';
import {
  ACCOUNT,
  ALL_KEYS,
  APP_STACK,
  APP_STACK_ID,
  appStack,
  BACKUP_DR_KEY,
  BACKUP_KEY,
  CALLER_ARN,
  CERTIFICATE,
  demoConfig,
  DIGEST,
  DR_REGION,
  entered,
  erasurePlan,
  EXECUTION_ARN,
  lambdaPayload,
  LOAD_BALANCER_ARN,
  mockDeployment,
  OTHER_DIGEST,
  PHI_BUCKET,
  PHI_DR_KEY,
  PHI_KEY,
  REGION,
  phaseResult,
  RUN_ID,
  SIGNING_KEY,
  STATE_MACHINE_ARN,
  succeeded,
  teardownDeps,
  type Mocks,
} from './fixtures';

let mocks: Mocks;
beforeEach(() => {
  mocks = mockDeployment();
});
afterEach(() => mocks.restore());

const CONFIG = ['-c', 'config=config/demo.json'];
const EXECUTE = [...CONFIG, '--execute', '--confirm', DIGEST, '--export-done'];

/** No call that changes anything was sent. */
function expectNothingChanged(loadBalancerCalls: readonly string[]) {
  expect(mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  expect(mocks.cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  expect(loadBalancerCalls.filter((c) => c.startsWith('disable'))).toEqual([]);
}

describe('plan (without --execute)', () => {
  test('prints keys, what they protect, what remains, the stacks, the export step and the digest; read-only calls only; exit 0', async () => {
    const deps = teardownDeps();
    expect(await runTeardown(CONFIG, deps)).toBe(EXIT.ok);

    const request = JSON.parse(
      new TextDecoder().decode(mocks.lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array),
    );
    expect(request).toEqual({ phase: 'plan', requestedBy: CALLER_ARN });
    expect(mocks.lambda.commandCalls(InvokeCommand)[0].args[0].input.FunctionName).toBe('crm-demo-crypto-erasure');
    // Read-only: no Step Functions call at all, no stack deletion, no load balancer change.
    expect(mocks.sfn.calls()).toHaveLength(0);
    expectNothingChanged(deps.loadBalancers.calls);
    expect(deps.loadBalancers.calls).toEqual([]);
    expect(
      mocks.cfn
        .calls()
        .map((c) => c.args[0].constructor.name)
        .sort(),
    ).toEqual(['DescribeStackResourceCommand', 'DescribeStacksCommand']);

    const out = deps.stdout();
    expect(out).toMatch(
      /class {5}phi\n\s+account\s+111122223333\n\s+region\s+us-east-1\n\s+alias\s+alias\/crm-demo\/phi\n\s+key\s+arn:aws:kms:us-east-1:111122223333:key\/1111/,
    );
    expect(out).toMatch(
      /\n {2}protects {2}rds-db-instance arn:aws:rds:us-east-1:111122223333:db:crm-demo-crm\n {12}rds-snapshot x 12\n/,
    );
    expect(out).toMatch(/class\s+phi-dr[\s\S]*protects\s+\(nothing found: the key is erased all the same\)/);
    expect(out).toMatch(/audit trail, evidence and certificates \(audit key, Object Lock COMPLIANCE\): until 2032-03-01/);
    expect(out).toMatch(
      /Never destroyed: alias\/crm-demo\/audit, alias\/crm-demo\/audit-dr and alias\/crm-demo\/certificate-signing/,
    );
    expect(out).toMatch('crm-demo-app: deleted after the certificate (stateless; unless --keep-stacks)');
    expect(out).toMatch('crm-demo-operations: kept until the final certificate');
    expect(out).toMatch(`Plan digest: ${DIGEST}`);
    // The export step: exact commands for the database and the documents.
    expect(out).toMatch(
      'aws rds start-export-task --region us-east-1 --export-task-identifier crm-demo-export-20260301 ' +
        '--source-arn arn:aws:rds:us-east-1:111122223333:snapshot:crm-demo-crm-final-20260301 --s3-bucket-name <CUSTOMER_BUCKET>',
    );
    expect(out).toMatch('--iam-role-arn <CUSTOMER_EXPORT_ROLE_ARN> --kms-key-id <CUSTOMER_KMS_KEY_ARN>');
    expect(out).toMatch(`aws s3 sync s3://${PHI_BUCKET} s3://<CUSTOMER_BUCKET>/crm-demo/documents`);
    expect(out).toMatch(/run it before --execute/);
    expect(out).toMatch('Plan only: nothing was changed.');
    expect(out).toMatch(`npm run teardown -- -c config=config/demo.json --execute --confirm ${DIGEST} --export-done`);
  });

  test('a plan that reaches outside the deployment is refused, exit 2', async () => {
    mocks.lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: lambdaPayload(
        erasurePlan({
          keys: [
            ...erasurePlan().keys,
            {
              keyArn: `arn:aws:kms:us-east-1:999988887777:key/9999`,
              alias: 'alias/other/phi',
              account: '999988887777',
              region: 'us-east-1',
              dataClass: 'phi',
              protects: [],
            },
          ],
        }),
      ) as never,
    });
    const deps = teardownDeps();
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toMatch(
      /Refusing the plan of crm-demo-crypto-erasure: it reaches outside deployment crm-demo\. Nothing was changed/,
    );
    expect(deps.stderr()).toMatch(/is in account 999988887777, not 111122223333/);
    expect(mocks.sfn.calls()).toHaveLength(0);
  });

  test('the erasure function failing: no plan, exit 2, nothing changed', async () => {
    mocks.lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: lambdaPayload({ errorType: 'AccessDeniedException', errorMessage: 'kms:Encrypt denied' }) as never,
    });
    const deps = teardownDeps();
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toMatch(
      'No plan, nothing was changed: crm-demo-crypto-erasure could not make the plan (Unhandled): AccessDeniedException: kms:Encrypt denied',
    );
    expect(mocks.sfn.calls()).toHaveLength(0);
  });
});

describe('refusals before anything starts (exit 2)', () => {
  test('a wrong digest is refused, naming both digests; nothing starts', async () => {
    const deps = teardownDeps();
    expect(await runTeardown([...CONFIG, '--execute', '--confirm', OTHER_DIGEST, '--export-done'], deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toMatch(`--confirm ${OTHER_DIGEST} is not the digest of the plan made now (${DIGEST})`);
    expect(mocks.sfn.calls()).toHaveLength(0);
    expectNothingChanged(deps.loadBalancers.calls);
  });

  test('a plan with blockers is shown with them, and its execution refused even with the right digest', async () => {
    mocks.lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: lambdaPayload(
        erasurePlan({
          blockers: ['recovery point arn:aws:backup:us-east-1:111122223333:recovery-point:x is under no key in scope'],
        }),
      ) as never,
    });
    const deps = teardownDeps();
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.refused);
    expect(deps.stdout()).toMatch(
      /BLOCKERS \(execute is refused until they are resolved\):\n {2}- recovery point .* is under no key in scope/,
    );
    expect(deps.stderr()).toMatch(/the plan has a blocker: recovery point .* is under no key in scope/);
    expect(mocks.sfn.calls()).toHaveLength(0);
    expectNothingChanged(deps.loadBalancers.calls);
  });

  test('a missing digest is refused, and the plan (with its digest) is still shown', async () => {
    const deps = teardownDeps();
    expect(await runTeardown([...CONFIG, '--execute', '--export-done'], deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toMatch(`confirm the plan you reviewed: --confirm ${DIGEST}`);
    expect(deps.stdout()).toMatch(`Plan digest: ${DIGEST}`);
    expect(mocks.sfn.calls()).toHaveLength(0);
    expectNothingChanged(deps.loadBalancers.calls);
  });

  test('a missing export acknowledgement is refused, with every other reason at once', async () => {
    const deps = teardownDeps();
    expect(await runTeardown([...CONFIG, '--execute'], deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toMatch(
      /Refusing to execute; nothing was changed:\n {2}- say whether the export is done: --export-done, or --skip-export/,
    );
    expect(deps.stderr()).toMatch(/\n {2}- confirm the plan you reviewed/);
    expect(mocks.sfn.calls()).toHaveLength(0);
  });

  test('credentials of another account than the config pins are refused before any call', async () => {
    const deps = teardownDeps({ loadConfig: () => demoConfig({ account: '999988887777' }) });
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toMatch(
      'Refusing to run: the credentials are for account 111122223333, but config/demo.json pins deployment crm-demo to account 999988887777.',
    );
    expect(mocks.lambda.calls()).toHaveLength(0);
    expect(mocks.sfn.calls()).toHaveLength(0);
    expect(mocks.cfn.calls()).toHaveLength(0);
  });

  test('bad arguments print the usage, exit 2; --help exit 0', async () => {
    const deps = teardownDeps();
    expect(await runTeardown([...CONFIG, '--confirm', DIGEST], deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toMatch(/--confirm only means something with --execute[\s\S]*Usage: npm run teardown/);
    expect(mocks.lambda.calls()).toHaveLength(0);
    const help = teardownDeps();
    expect(await runTeardown(['--help'], help)).toBe(EXIT.ok);
    expect(help.stdout()).toMatch(/Exit codes: 0 plan printed/);
  });

  test("an App stack that is not this deployment's refuses the execution unless --keep-stacks", async () => {
    mocks.cfn.on(DescribeStacksCommand, { StackName: APP_STACK }).resolves({
      Stacks: [
        appStack({
          Tags: [
            { Key: 'hipaa-crm:deployment', Value: 'crm-prod' },
            { Key: 'hipaa-crm:stateful', Value: 'false' },
          ],
        }),
      ],
    });
    const deps = teardownDeps();
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.refused);
    expect(deps.stdout()).toMatch(
      /crm-demo-app: WILL NOT be deleted, it is not recognisably this deployment's: its hipaa-crm:deployment tag is "crm-prod"/,
    );
    expect(deps.stderr()).toMatch(/crm-demo-app cannot be deleted afterwards .*: fix that, or run with --keep-stacks/);
    expect(mocks.sfn.calls()).toHaveLength(0);
  });

  test('the load balancer client missing: refused before the erasure starts', async () => {
    const deps = teardownDeps({
      loadBalancerProtection: async () => {
        throw new TeardownError('@aws-sdk/client-elastic-load-balancing-v2 is not installed');
      },
    });
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toMatch(
      /Refusing to execute; nothing was changed: TeardownError: @aws-sdk\/client-elastic-load-balancing-v2 is not installed/,
    );
    expect(mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  test('another erasure run with another digest is running: refused, nothing started', async () => {
    const other = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:teardown-20260220090000`;
    mocks.sfn.on(ListExecutionsCommand).resolves({
      executions: [
        { executionArn: other, stateMachineArn: STATE_MACHINE_ARN, name: 'x', status: 'RUNNING', startDate: new Date() },
      ],
    });
    mocks.sfn.on(DescribeExecutionCommand, { executionArn: other }).resolves({
      executionArn: other,
      stateMachineArn: STATE_MACHINE_ARN,
      status: 'RUNNING',
      startDate: new Date(),
      input: JSON.stringify({ confirmDigest: OTHER_DIGEST, requestedBy: CALLER_ARN, runId: 'teardown-20260220090000' }),
    });
    const deps = teardownDeps();
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toMatch(`${other} (digest ${OTHER_DIGEST})`);
    expect(mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('execute', () => {
  test('starts the run, shows progress to the certificate, deletes only the App stack; exit 0', async () => {
    const deps = teardownDeps();
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.ok);

    expect(mocks.sfn.commandCalls(ListExecutionsCommand)[0].args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE_ARN,
      statusFilter: 'RUNNING',
      nextToken: undefined,
    });
    const start = mocks.sfn.commandCalls(StartExecutionCommand);
    expect(start).toHaveLength(1);
    expect(start[0].args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE_ARN,
      name: RUN_ID,
      input: JSON.stringify({ confirmDigest: DIGEST, requestedBy: CALLER_ARN, runId: RUN_ID }),
    });

    const out = deps.stdout();
    expect(out).toMatch(`Started erasure run ${RUN_ID}: ${EXECUTION_ARN}`);
    expect(out).toMatch(
      /\[0h00m00s\] Execute: started\n.*\[0h00m00s\] execute: done, 4 of 4 key\(s\) disabled and scheduled for deletion/,
    );
    expect(out).toMatch(
      /\[0h00m30s\] verify: not complete, 2 of 4 key\(s\) confirmed .* \(verification failed: see the keys below\)/,
    );
    expect(out).toMatch(/\[0h00m30s\] WaitForCloudTrail: waiting/);
    expect(out).toMatch(/\[0h01m00s\] certify: done, 4 of 4 key\(s\) in the certificate; certificate s3:\/\//);
    // Polling stopped at certify: the wait for the KMS window is not followed.
    expect(mocks.sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(3);

    // The certificate, its signature and the verify commands.
    expect(out).toMatch(new RegExp(`certificate\\s+s3://${CERTIFICATE.bucket}/${CERTIFICATE.key.replace(/[.]/g, '\\.')}`));
    expect(out).toMatch(new RegExp(`sha256\\s+${CERTIFICATE.sha256}`));
    expect(out).toMatch(`aws kms get-public-key --region us-east-1 --key-id ${SIGNING_KEY} --query PublicKey --output text`);
    expect(out).toMatch('openssl dgst -sha256 -verify signing-key.pem -signature certificate.sig certificate.json');
    // The waiting window: execute completed at +1 min, 30-day window.
    expect(out).toMatch(
      /KMS deletes them at the end of the 30-day\nwaiting window, on or about 2026-03-31T12:01:00.000Z\. The state machine then runs finalize/,
    );

    // Only the App stack, by its ID, after turning off its load balancer's deletion protection.
    expect(deps.loadBalancers.calls).toEqual([`describe ${LOAD_BALANCER_ARN}`, `disable ${LOAD_BALANCER_ARN}`]);
    const deletes = mocks.cfn.commandCalls(DeleteStackCommand);
    expect(deletes).toHaveLength(1);
    expect(deletes[0].args[0].input).toEqual({ StackName: APP_STACK_ID, ClientRequestToken: RUN_ID });
    expect(out).toMatch(
      /App stack: deleted: crm-demo-app deleted\n {2}kept by their retention policy \(logs, no PHI\):\n {4}ServiceLogGroup \(AWS::Logs::LogGroup \/crm-demo\/crm\)/,
    );
    expect(out).not.toMatch(/ {4}Old \(/);
    expect(out).toMatch('npx cdk destroy crm-demo-operations -c config=config/demo.json');
    expect(out).toMatch('(finalize runs on or about 2026-03-31T12:01:00.000Z)');
  });

  test('--keep-stacks: certificate reached, no stack deleted, the manual commands printed', async () => {
    const deps = teardownDeps();
    expect(await runTeardown([...EXECUTE, '--keep-stacks'], deps)).toBe(EXIT.ok);
    expect(mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(mocks.cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(deps.loadBalancers.calls).toEqual([]);
    expect(deps.stdout()).toMatch(/--keep-stacks: crm-demo-app is left in place/);
    expect(deps.stdout()).toMatch('aws cloudformation delete-stack --region us-east-1 --stack-name crm-demo-app');
  });

  test('--skip-export is accepted as the acknowledgement', async () => {
    const deps = teardownDeps();
    expect(await runTeardown([...CONFIG, '--execute', '--confirm', DIGEST, '--skip-export', '--keep-stacks'], deps)).toBe(
      EXIT.ok,
    );
    expect(mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  test('a failed run: exit 1, key by key what was and was not done, how to resume; no stack deleted', async () => {
    const executeResult = phaseResult('execute', {}, [PHI_KEY, BACKUP_KEY]);
    mocks.sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        entered(2, 'Execute', 0),
        {
          id: 3,
          type: 'TaskFailed',
          timestamp: new Date(),
          taskFailedEventDetails: {
            resourceType: 'lambda',
            resource: 'invoke',
            error: 'ErasureIncomplete',
            cause: '2 keys not done',
          },
        },
        succeeded(4, executeResult, 1),
      ],
    });
    mocks.sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      status: 'FAILED',
      startDate: new Date(),
      error: 'ErasureIncomplete',
      cause: 'execute did not complete: 2 of 4 keys',
    });
    const deps = teardownDeps();
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.failed);
    const err = deps.stderr();
    expect(err).toMatch('The erasure run FAILED (execution FAILED: ErasureIncomplete).');
    expect(err).toMatch('phases: execute incomplete, verify no result, certify no result, finalize no result');
    const at = (region: string) => `account ${ACCOUNT} ${region} {2}`;
    expect(err).toMatch(new RegExp(`done {4} {2}phi {8}${at(REGION)}${PHI_KEY} \\[PendingDeletion\\]: execute done`));
    expect(err).toMatch(new RegExp(`done {4} {2}backup {5}${at(REGION)}${BACKUP_KEY}`));
    expect(err).toMatch(
      new RegExp(
        `NOT DONE {2}phi-dr {5}${at(DR_REGION)}${PHI_DR_KEY} \\[Enabled\\]: execute: AccessDeniedException on ScheduleKeyDeletion`,
      ),
    );
    expect(err).toMatch(new RegExp(`NOT DONE {2}backup-dr {2}${at(DR_REGION)}${BACKUP_DR_KEY}`));
    expect(err).toMatch('No stack was deleted.');
    expect(err).toMatch(`npm run teardown -- -c config=config/demo.json --execute --confirm ${DIGEST} --export-done`);
    expect(mocks.cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(deps.loadBalancers.calls).toEqual([]);
  });

  test('a failed run without any phase result says how to check each key', async () => {
    mocks.sfn.on(GetExecutionHistoryCommand).resolves({ events: [entered(2, 'Execute', 0)] });
    mocks.sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      status: 'TIMED_OUT',
      startDate: new Date(),
    });
    const deps = teardownDeps();
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.failed);
    for (const key of ALL_KEYS) expect(deps.stderr()).toMatch(`--key-id ${key} --query KeyMetadata.[KeyState,DeletionDate]`);
  });

  test('Ctrl-C while following: exit 1, the run goes on, how to watch it; no stack deleted', async () => {
    const controller = new AbortController();
    mocks.sfn.on(GetExecutionHistoryCommand).callsFake(async () => {
      controller.abort();
      return { events: [entered(2, 'Execute', 0)] };
    });
    const state: TeardownState = {};
    const deps = teardownDeps({ signal: controller.signal, state });
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.failed);
    expect(deps.stderr()).toMatch('Stopped watching (Ctrl-C). The erasure run goes on in Step Functions; no stack was deleted.');
    expect(deps.stderr()).toMatch(`aws stepfunctions describe-execution --region us-east-1 --execution-arn ${EXECUTION_ARN}`);
    expect(state.executionArn).toBe(EXECUTION_ARN);
    expect(mocks.cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  test('a state machine that does not exist: nothing started, exit 2', async () => {
    mocks.sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('State Machine Does Not Exist'), { name: 'StateMachineDoesNotExist' }));
    const deps = teardownDeps();
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.refused);
    expect(deps.stderr()).toMatch(
      /Could not start the erasure run: StateMachineDoesNotExist: State Machine Does Not Exist\nNothing was changed\./,
    );
    expect(mocks.cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  test('a start that may have happened (network error): exit 1 and how to check before running again', async () => {
    mocks.sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    const deps = teardownDeps();
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.failed);
    expect(deps.stderr()).toMatch(
      `aws stepfunctions list-executions --region us-east-1 --state-machine-arn ${STATE_MACHINE_ARN} --status-filter RUNNING`,
    );
  });

  test('a run with the same digest already running is followed, not started again', async () => {
    const running = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${RUN_ID}`;
    mocks.sfn.on(ListExecutionsCommand).resolves({
      executions: [
        { executionArn: running, stateMachineArn: STATE_MACHINE_ARN, name: RUN_ID, status: 'RUNNING', startDate: new Date() },
      ],
    });
    const deps = teardownDeps();
    expect(await runTeardown([...EXECUTE, '--keep-stacks'], deps)).toBe(EXIT.ok);
    expect(mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(deps.stdout()).toMatch(`already running: following ${running} instead of starting another`);
    expect(deps.stdout()).toMatch(/certify: done/);
  });

  test('a stack deletion that fails after the certificate: exit 1, what was not deleted and how to finish', async () => {
    mocks.cfn
      .on(DescribeStacksCommand, { StackName: APP_STACK_ID })
      .resolves({ Stacks: [appStack({ StackStatus: 'DELETE_FAILED' })] });
    mocks.cfn.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        {
          StackId: APP_STACK_ID,
          EventId: 'f1',
          StackName: APP_STACK,
          LogicalResourceId: 'WebAclAssociation',
          ResourceType: 'AWS::WAFv2::WebACLAssociation',
          ResourceStatus: 'DELETE_FAILED',
          ResourceStatusReason: 'WAFUnavailableEntityException',
          Timestamp: new Date('2026-03-01T12:30:00Z'),
        },
      ],
    });
    const deps = teardownDeps();
    expect(await runTeardown(EXECUTE, deps)).toBe(EXIT.failed);
    expect(deps.stderr()).toMatch(
      /App stack: failed: crm-demo-app is DELETE_FAILED: part of it is deleted, the resources below are not/,
    );
    expect(deps.stderr()).toMatch('WebAclAssociation (AWS::WAFv2::WebACLAssociation): WAFUnavailableEntityException');
    expect(deps.stderr()).toMatch(`aws cloudformation delete-stack --region us-east-1 --stack-name ${APP_STACK_ID}`);
    // The certificate was reached all the same, and said so.
    expect(deps.stdout()).toMatch(/Certificate of destruction/);
  });
});
