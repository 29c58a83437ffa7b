import {
  BackupClient,
  DeleteRecoveryPointCommand,
  ListRecoveryPointsByBackupVaultCommand,
  type RecoveryPointByBackupVault,
} from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';

// Plain CommonJS handler (lambda/vault-emptier/index.js): required as the Lambda runtime would load it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { emptyVault, handler } = require('../../../lambda/vault-emptier/index.js') as {
  emptyVault: (args: Record<string, unknown>) => Promise<{ deleted: number }>;
  handler: (event: Record<string, unknown>) => Promise<{ PhysicalResourceId: string }>;
};

const backup = mockClient(BackupClient);
const VAULT = 'demo-backup-vault';
const arn = (n: number) => `arn:aws:backup:eu-west-1:111122223333:recovery-point:${n}`;
const point = (n: number, Status: RecoveryPointByBackupVault['Status'] = 'COMPLETED') => ({ RecoveryPointArn: arn(n), Status });

/** A fake clock: sleeping advances it, nothing waits for real. */
function fakeClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), elapsed: () => t };
}
const run = (clock = fakeClock()) =>
  emptyVault({ client: new BackupClient({}), vaultName: VAULT, ...clock, pollMs: 1000, deadlineMs: 5000, log: () => undefined });
const deletedArns = () => backup.commandCalls(DeleteRecoveryPointCommand).map((c) => c.args[0].input.RecoveryPointArn);

beforeEach(() => backup.reset());

describe('emptyVault', () => {
  test('an empty vault: nothing deleted, no wait', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [] });
    const clock = fakeClock();
    await expect(run(clock)).resolves.toEqual({ deleted: 0 });
    expect(deletedArns()).toEqual([]);
    expect(clock.elapsed()).toBe(0);
    expect(backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[0].args[0].input).toEqual({ BackupVaultName: VAULT });
  });

  test('deletes every point of every page (continuous ones too), then waits for the DELETING ones', async () => {
    backup
      .on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: VAULT, NextToken: undefined })
      .resolvesOnce({ RecoveryPoints: [point(1), point(2, 'DELETING')], NextToken: 'page-2' })
      .resolvesOnce({ RecoveryPoints: [point(2, 'DELETING'), point(1, 'DELETING')], NextToken: 'page-2' })
      .resolves({ RecoveryPoints: [] });
    backup
      .on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: VAULT, NextToken: 'page-2' })
      .resolvesOnce({ RecoveryPoints: [point(3, 'PARTIAL')] })
      .resolves({ RecoveryPoints: [point(3, 'DELETING')] });
    const clock = fakeClock();
    await expect(run(clock)).resolves.toEqual({ deleted: 2 });
    // Point 2 was already being deleted: waited for, not deleted again; nothing deleted twice.
    expect(deletedArns()).toEqual([arn(1), arn(3)]);
    expect(backup.commandCalls(DeleteRecoveryPointCommand)[0].args[0].input.BackupVaultName).toBe(VAULT);
    expect(clock.elapsed()).toBe(2000);
  });

  test('points that stay (EXPIRED: deletion refused) fail after the deadline with their count and ARNs', async () => {
    backup
      .on(ListRecoveryPointsByBackupVaultCommand)
      .resolvesOnce({ RecoveryPoints: [point(1), point(2)] })
      .resolves({ RecoveryPoints: [point(1, 'EXPIRED'), point(2, 'DELETING')] });
    const clock = fakeClock();
    await expect(run(clock)).rejects.toThrow(
      `vault ${VAULT} still holds 2 recovery point(s) after 0 minutes: ${arn(1)} (EXPIRED), ${arn(2)} (DELETING)`,
    );
    // The EXPIRED point is asked once more (it may have expired for want of the service-linked role), not forever.
    expect(deletedArns()).toEqual([arn(1), arn(2), arn(1)]);
    expect(clock.elapsed()).toBe(5000);
  });

  test('a refused DeleteRecoveryPoint call fails the deletion', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [point(1)] });
    backup.on(DeleteRecoveryPointCommand).rejects(new Error('AccessDeniedException'));
    await expect(run()).rejects.toThrow('AccessDeniedException');
  });
});

describe('handler', () => {
  test.each(['Create', 'Update'])('%s: no AWS call, the vault name is the physical ID', async (RequestType) => {
    await expect(handler({ RequestType, ResourceProperties: { BackupVaultName: VAULT } })).resolves.toEqual({
      PhysicalResourceId: VAULT,
    });
    expect(backup.calls()).toHaveLength(0);
  });

  test('Delete empties the named vault', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolvesOnce({ RecoveryPoints: [] });
    await expect(
      handler({ RequestType: 'Delete', PhysicalResourceId: VAULT, ResourceProperties: { BackupVaultName: VAULT } }),
    ).resolves.toEqual({ PhysicalResourceId: VAULT });
    expect(backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[0].args[0].input.BackupVaultName).toBe(VAULT);
  });
});
