import { InvokeCommand } from '@aws-sdk/client-lambda';
import { EXIT, runTeardown } from '../../../scripts/teardown/run';
import { deleteRecoveryPointsCommand, formatSandboxTeardown } from '../../../scripts/teardown/sandbox';
import { SANDBOX_CONFIG, shippedConfig } from '../../helpers/config';
import { demoConfig, mockDeployment, NOW, teardownDeps, type Mocks } from './fixtures';

const sandbox = shippedConfig(SANDBOX_CONFIG);

describe('the sandbox teardown output', () => {
  const text = formatSandboxTeardown(sandbox, SANDBOX_CONFIG, NOW);

  test('cdk destroy --all comes first: the vault emptiers empty both vaults, no manual step before it', () => {
    expect(text).toContain('npx cdk destroy --all --force -c config=config/sandbox.json');
    expect(text.indexOf('npx cdk destroy --all')).toBeLessThan(text.indexOf('delete-recovery-point'));
    expect(text).toMatch(/emptied by its emptier custom resource \(Custom::BackupVaultEmptier\)/);
  });

  test('the manual deletion of both vaults, by name and region, is only the fallback when an emptier failed', () => {
    const fallback = text.slice(text.indexOf('Only if a stack fails to delete'));
    expect(fallback).toMatch(/^Only if a stack fails to delete:\n.*the emptier failed/);
    expect(fallback).toContain(deleteRecoveryPointsCommand('crm-sandbox-backup-vault', 'us-east-1'));
    expect(fallback).toContain(deleteRecoveryPointsCommand('crm-sandbox-backup-vault-dr', 'us-west-2'));
  });

  test('says what remains and until when: the keys 7 days after today', () => {
    expect(text).toMatch(/keys gone on or about 2026-03-08/);
    expect(text).toMatch(
      /- the KMS keys .*: 7 days after `cdk destroy`.*not billed \(https:\/\/aws\.amazon\.com\/kms\/pricing\/\)/,
    );
    expect(text).toMatch(/- the database secret.*not billed/);
  });

  test('the recovery-point command lists, then deletes each one, and does nothing on an empty vault', () => {
    expect(deleteRecoveryPointsCommand('v', 'eu-west-1')).toBe(
      "aws backup list-recovery-points-by-backup-vault --region eu-west-1 --backup-vault-name v --query 'RecoveryPoints[].RecoveryPointArn' " +
        "--output text | tr '\\t' '\\n' | xargs -r -n1 aws backup delete-recovery-point --region eu-west-1 --backup-vault-name v --recovery-point-arn",
    );
  });
});

describe('npm run teardown with a sandbox config', () => {
  let mocks: Mocks;
  beforeEach(() => {
    mocks = mockDeployment();
  });
  afterEach(() => mocks.restore());

  test('prints the sandbox section first, then the (read-only) erasure plan', async () => {
    // The demo deployment of the fixtures, as a sandbox: the mocked erasure plan is the demo's.
    const deps = teardownDeps({ loadConfig: () => ({ ...demoConfig(), profile: 'sandbox' }) });
    expect(await runTeardown(['-c', 'config=config/demo-sandbox.json'], deps)).toBe(EXIT.ok);
    expect(deps.stdout()).toMatch(
      /^Caller .*\n\ncrm-demo is a SANDBOX deployment.*\n +1\. npx cdk destroy --all --force -c config=config\/demo-sandbox\.json\n/,
    );
    expect(deps.stdout()).toMatch(/crm-demo-backup-vault /);
    expect(deps.stdout().indexOf('SANDBOX')).toBeLessThan(deps.stdout().indexOf('alias/crm-demo/phi'));
    expect(mocks.lambda.commandCalls(InvokeCommand)[0].args[0].input.FunctionName).toBe('crm-demo-crypto-erasure');
  });

  test('a production-profile deployment gets no sandbox section', async () => {
    const deps = teardownDeps({ loadConfig: () => demoConfig() });
    expect(await runTeardown(['-c', 'config=config/demo.json'], deps)).toBe(EXIT.ok);
    expect(deps.stdout()).not.toMatch(/SANDBOX/);
  });
});
