/** AWS Backup: plans, selections, vaults (encryption, Vault Lock, the DR copy), restore testing and audit frameworks. */
import { asArray, deniedDeleteActions, isRecord, isTrue, literalText, num, prop, str } from '../../../assembly/template-facts';
import type { TemplateResource } from '../../../assembly/model';
import { kmsEncrypted, type ResourceSpecMapping, type MappingContext } from './mapping';

/** The backup vault names that some backup plan copies recovery points into. */
function copyDestinations(ctx: MappingContext): string[] {
  return ctx.resources
    .filter((r) => r.type === 'AWS::Backup::BackupPlan')
    .flatMap((plan) => asArray(prop(plan, 'BackupPlan.BackupPlanRule')))
    .flatMap((rule) => (isRecord(rule) ? asArray(rule.CopyActions) : []))
    .map((copy) => (isRecord(copy) ? literalText(copy.DestinationBackupVaultArn) : ''));
}

/** Whether some backup plan rule stores its recovery points in `vault` (by name, or by reference in its stack). */
function isBackupTarget(vault: TemplateResource, ctx: MappingContext): boolean {
  const name = str(prop(vault, 'BackupVaultName'));
  const reference = `<${vault.logicalId}.BackupVaultName>`;
  return ctx.resources
    .filter((r) => r.type === 'AWS::Backup::BackupPlan')
    .flatMap((plan) =>
      asArray(prop(plan, 'BackupPlan.BackupPlanRule')).map((rule) => ({
        sameStack: plan.stack === vault.stack,
        target: isRecord(rule) ? literalText(rule.TargetBackupVault) : '',
      })),
    )
    .some(({ sameStack, target }) => (name !== undefined && target === name) || (sameStack && target === reference));
}

export const BACKUP_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::Backup::BackupPlan',
    specs: ['164.308(a)(7)(ii)(A)'],
    describe: (r) => {
      const rules = asArray(prop(r, 'BackupPlan.BackupPlanRule')).filter(isRecord);
      if (!rules.length) return undefined;
      return `rules: ${rules
        .map(
          (x) =>
            `${literalText(x.RuleName)}${isTrue(x.EnableContinuousBackup) ? ' (continuous)' : ''} kept ${num(isRecord(x.Lifecycle) ? x.Lifecycle.DeleteAfterDays : undefined) ?? '?'} days`,
        )
        .join('; ')}`;
    },
  },
  {
    type: 'AWS::Backup::BackupPlan',
    specs: ['164.308(a)(7)(ii)(B)', '164.310(d)(2)(iv)'],
    describe: (r) => {
      const copies = asArray(prop(r, 'BackupPlan.BackupPlanRule')).filter(
        (x) => isRecord(x) && asArray(x.CopyActions).length > 0,
      );
      return copies.length ? `copies the recovery points of ${copies.length} rule(s) to another vault` : undefined;
    },
  },
  {
    type: 'AWS::Backup::BackupSelection',
    specs: ['164.308(a)(7)(ii)(A)'],
    describe: (r) => `selects ${asArray(prop(r, 'BackupSelection.Resources')).length} resource(s) by ARN for the backup plan`,
  },
  kmsEncrypted('AWS::Backup::BackupVault', 'EncryptionKeyArn', 'backup vault'),
  {
    type: 'AWS::Backup::BackupVault',
    specs: ['164.312(c)(1)'],
    describe: (r) => {
      const lock = prop(r, 'LockConfiguration');
      const denied = deniedDeleteActions(prop(r, 'AccessPolicy'));
      const parts: string[] = [];
      if (isRecord(lock)) {
        parts.push(
          `Vault Lock ${lock.ChangeableForDays !== undefined ? 'COMPLIANCE' : 'GOVERNANCE'} ` +
            `(retention ${literalText(lock.MinRetentionDays)}-${literalText(lock.MaxRetentionDays)} days)`,
        );
      }
      if (denied.length) parts.push(`denies ${denied.join(', ')} to every principal`);
      return parts.length ? parts.join('; ') : undefined;
    },
  },
  {
    type: 'AWS::Backup::BackupVault',
    specs: ['164.308(a)(7)(ii)(A)'],
    describe: (r) => `holds recovery points (vault ${literalText(prop(r, 'BackupVaultName'))})`,
  },
  {
    // Data backup and storage: a plan's rules store their recovery points, exact copies that can be restored, here.
    type: 'AWS::Backup::BackupVault',
    specs: ['164.310(d)(2)(iv)'],
    describe: (r, ctx) =>
      isBackupTarget(r, ctx)
        ? `stores the recovery points of the backup plan: retrievable exact copies${isRecord(prop(r, 'LockConfiguration')) ? ' under Vault Lock' : ''}`
        : undefined,
  },
  {
    // The DR vault: a vault some backup plan copies into.
    type: 'AWS::Backup::BackupVault',
    specs: ['164.308(a)(7)(ii)(B)', '164.310(d)(2)(iv)'],
    describe: (r, ctx) => {
      const name = str(prop(r, 'BackupVaultName'));
      return name && copyDestinations(ctx).some((arn) => arn.endsWith(`:backup-vault:${name}`))
        ? `receives the copies of scheduled recovery points${r.region ? ` in ${r.region}` : ''}`
        : undefined;
    },
  },
  kmsEncrypted('AWS::Backup::LogicallyAirGappedBackupVault', 'EncryptionKeyArn', 'logically air-gapped vault'),
  {
    // The backup account's copy (accounts apart): always compliance-locked by AWS, copied into by the plan.
    type: 'AWS::Backup::LogicallyAirGappedBackupVault',
    specs: ['164.308(a)(7)(ii)(A)', '164.308(a)(7)(ii)(B)', '164.310(d)(2)(iv)', '164.312(c)(1)'],
    describe: (r, ctx) => {
      const name = str(prop(r, 'BackupVaultName'));
      const copied = name !== undefined && copyDestinations(ctx).some((arn) => arn.endsWith(`:backup-vault:${name}`));
      return (
        `logically air-gapped vault ${literalText(prop(r, 'BackupVaultName'))}${r.region ? ` in ${r.region}` : ''}, ` +
        `compliance-locked by AWS (retention ${literalText(prop(r, 'MinRetentionDays'))}-${literalText(prop(r, 'MaxRetentionDays'))} days)` +
        (copied ? ', receives a copy of every scheduled recovery point from another account' : '')
      );
    },
  },
  {
    type: 'AWS::Backup::RestoreTestingPlan',
    specs: ['164.308(a)(7)(ii)(D)'],
    describe: (r) => `restore tests on ${literalText(prop(r, 'ScheduleExpression'))}`,
  },
  {
    type: 'AWS::Backup::RestoreTestingSelection',
    specs: ['164.308(a)(7)(ii)(D)'],
    describe: (r) => `restores the ${literalText(prop(r, 'ProtectedResourceType'))} recovery points in every test`,
  },
  {
    type: 'AWS::Backup::Framework',
    specs: ['164.308(a)(7)(ii)(D)'],
    describe: (r) => `Backup Audit Manager framework with ${asArray(prop(r, 'FrameworkControls')).length} controls`,
  },
  {
    type: 'AWS::Backup::ReportPlan',
    specs: ['164.308(a)(7)(ii)(D)'],
    describe: (r) => `delivers the ${literalText(prop(r, 'ReportSetting.ReportTemplate'))} report`,
  },
];
