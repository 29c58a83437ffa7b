'use strict';
/**
 * Sandbox profile only: the Delete handler of a `Custom::BackupVaultEmptier` custom resource
 * (lib/constructs/vault-emptier.ts). AWS Backup refuses to delete a vault that still holds recovery
 * points, so before CloudFormation deletes the vault this deletes every recovery point in it and waits
 * until the vault is empty. Create and Update do nothing.
 *
 * Plain CommonJS over the AWS SDK v3 that the Lambda Node.js runtime ships: no bundling needed.
 * Logs recovery point ARNs and counts only (no PHI: the sandbox holds none, and ARNs carry no data).
 */
const { BackupClient, DeleteRecoveryPointCommand, paginateListRecoveryPointsByBackupVault } = require('@aws-sdk/client-backup');

/** Below the Lambda 15-minute limit, so the handler reports a failure itself instead of timing out. */
const DEFAULT_DEADLINE_MS = 12 * 60 * 1000;
const DEFAULT_POLL_MS = 15 * 1000;

async function listRecoveryPoints(client, vaultName) {
  const points = [];
  for await (const page of paginateListRecoveryPointsByBackupVault({ client }, { BackupVaultName: vaultName })) {
    for (const p of page.RecoveryPoints ?? []) points.push({ arn: p.RecoveryPointArn, status: p.Status });
  }
  return points;
}

/**
 * Deletes every recovery point of `vaultName`, then lists the vault until it is empty or `deadlineMs`
 * has passed, and throws with the count and ARNs of what remains.
 *
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DeleteRecoveryPoint.html: deleting a
 * continuous recovery point stops continuous backup; with insufficient permissions the call returns
 * 200 and the point becomes EXPIRED instead of being deleted. So success is judged by the listing, not
 * by the calls. Points already DELETING are waited for, not deleted again.
 */
async function emptyVault({
  client,
  vaultName,
  now = () => Date.now(),
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  deadlineMs = DEFAULT_DEADLINE_MS,
  pollMs = DEFAULT_POLL_MS,
  log = console.log,
}) {
  const deadline = now() + deadlineMs;
  /** Deletion requests per recovery point ARN. */
  const requested = new Map();
  for (;;) {
    const points = await listRecoveryPoints(client, vaultName);
    if (points.length === 0) {
      log(`vault ${vaultName} is empty (${requested.size} recovery point(s) deleted)`);
      return { deleted: requested.size };
    }
    // Ask once per point; an EXPIRED point (a deletion refused for permissions) is asked once more.
    const toDelete = points.filter((p) => {
      const asked = requested.get(p.arn) ?? 0;
      return p.status !== 'DELETING' && (asked === 0 || (p.status === 'EXPIRED' && asked === 1));
    });
    for (const p of toDelete) {
      requested.set(p.arn, (requested.get(p.arn) ?? 0) + 1);
      log(`deleting recovery point ${p.arn} (${p.status})`);
      await client.send(new DeleteRecoveryPointCommand({ BackupVaultName: vaultName, RecoveryPointArn: p.arn }));
    }
    if (now() >= deadline) {
      const remaining = points.map((p) => `${p.arn} (${p.status})`);
      throw new Error(
        `vault ${vaultName} still holds ${points.length} recovery point(s) after ${Math.round(deadlineMs / 60000)} minutes: ` +
          remaining.join(', '),
      );
    }
    await sleep(pollMs);
  }
}

/** CloudFormation custom resource handler (CustomResourceProvider: the return value is the response). */
async function handler(event) {
  const vaultName = event.ResourceProperties.BackupVaultName;
  if (event.RequestType === 'Delete') {
    await emptyVault({ client: new BackupClient({}), vaultName });
  }
  return { PhysicalResourceId: vaultName };
}

module.exports = { emptyVault, handler, DEFAULT_DEADLINE_MS };
