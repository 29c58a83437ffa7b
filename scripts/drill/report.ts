/**
 * What the drill prints: the plan (also the whole output of a dry run), the summary table, and how to
 * clean up a restore the drill could not finish. Pure text, so the tests read exactly what a person
 * reads.
 */
import type { RestoreValidationRecord } from '../../lambda/shared/restore-validation-contract';
import type { CleanupOutcome } from './cleanup';
import { manualCleanupSteps } from './cleanup';
import { metadataValue, type DrillPlan } from './plan';
import type { RestoreOutcome } from './restore';
import type { ValidatorOutcome } from './validate';

export type DrillVerdict = 'PASSED' | 'FAILED';

export interface DrillResult {
  readonly plan: DrillPlan;
  readonly restoreJobId?: string;
  readonly restore?: RestoreOutcome;
  readonly validation?: ValidatorOutcome;
  readonly verdict: DrillVerdict;
  /** Why the drill failed (empty when PASSED). */
  readonly reasons: readonly string[];
  readonly cleanup?: CleanupOutcome;
}

/** Keys the drill sets itself (see plan.ts), shown as such in the plan. */
const DRILL_KEYS = [
  'DBInstanceIdentifier',
  'DeletionProtection',
  'PubliclyAccessible',
  'DestinationBucketName',
  'NewBucket',
  'Encrypted',
];

function rows(pairs: readonly (readonly [string, string])[], indent = '  '): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`);
}

function recoveryPointText(plan: DrillPlan): string {
  const rp = plan.recoveryPoint;
  const kind = rp.continuous
    ? 'continuous, restores to the latest restorable time'
    : `snapshot created ${rp.creationDate?.toISOString() ?? 'at an unknown time'}`;
  return `${rp.arn} (${kind})`;
}

export function formatPlan(plan: DrillPlan, options: { timeoutMinutes: number; keep: boolean }): string {
  const lines = [
    `Restore drill plan: ${plan.resource} (${plan.resourceType}) of ${plan.deployment}, account ${plan.account}, ${plan.region}`,
    ...rows([
      ['protected resource', `${plan.protectedResourceArn} (live: never touched)`],
      ['restore testing', `plan ${plan.restoreTestingPlanName}, selection ${plan.selectionName}`],
      ['recovery point', recoveryPointText(plan)],
      ['vault', plan.vaultAccountId ? `${plan.vaultName} (air-gapped, account ${plan.vaultAccountId})` : plan.vaultName],
      ['restore role', plan.iamRoleArn],
      ['restored copy', `${plan.restoredName} (${options.keep ? 'kept: --keep' : 'deleted after validation'})`],
      ['validator', plan.validatorFunctionName],
      [
        'targets',
        `RTO ${plan.targets.rtoMinutes} min, RPO ${plan.targets.rpoMinutes} min; stops waiting after ${options.timeoutMinutes} min`,
      ],
    ]),
    '  restore metadata for StartRestoreJob:',
  ];
  const metadata = Object.entries(plan.metadata).sort(([a], [b]) => a.localeCompare(b));
  const source = (key: string, value: string) => {
    if (metadataValue(plan.overrides, key) === value) return 'restore testing override';
    return DRILL_KEYS.some((k) => k.toLowerCase() === key.toLowerCase()) ? 'drill' : 'recovery point';
  };
  lines.push(
    ...rows(
      metadata.map(([k, v]) => [k, `${v}   [${source(k, v)}]`]),
      '    ',
    ),
  );
  return lines.join('\n');
}

function minutes(value: number | undefined): string {
  return value === undefined ? 'not measured' : `${Math.round(value * 10) / 10} min`;
}

function targetResult(achieved: number | undefined, target: number): string {
  if (achieved === undefined) return 'unknown';
  return achieved <= target ? 'met' : 'MISSED';
}

/** RTO from the restore job's own timestamps, when the validator did not report one. */
function jobMinutes(result: DrillResult): number | undefined {
  const job = result.restore?.job;
  if (!job?.CreationDate || !job.CompletionDate) return undefined;
  return (job.CompletionDate.getTime() - job.CreationDate.getTime()) / 60_000;
}

export function formatSummary(result: DrillResult): string {
  const { plan } = result;
  const record: RestoreValidationRecord | undefined = result.validation?.ok ? result.validation.record : undefined;
  const targets = record?.targets ?? plan.targets;
  const rto = record?.restoreMinutes ?? jobMinutes(result);
  const rpo = record?.dataAgeMinutes;
  const restoreText = result.restore
    ? `${result.restore.end} after ${minutes(result.restore.elapsedMinutes)}${result.restore.job?.StatusMessage && result.restore.end !== 'COMPLETED' ? ` (${result.restore.job.StatusMessage})` : ''}`
    : 'not started';

  const lines = [
    `Restore drill summary: ${plan.resource} (${plan.resourceType}) of ${plan.deployment}`,
    ...rows([
      ['restore job', `${result.restoreJobId ?? '-'}: ${restoreText}`],
      ['recovery point', recoveryPointText(plan)],
      ['restored copy', result.restore?.job?.CreatedResourceArn ?? plan.restoredName],
    ]),
    '',
    ...rows([
      ['', 'achieved'.padEnd(14) + 'target'.padEnd(10) + 'result'],
      [
        'RTO (restore time)',
        minutes(rto).padEnd(14) + `${targets.rtoMinutes} min`.padEnd(10) + targetResult(rto, targets.rtoMinutes),
      ],
      [
        'RPO (data age)',
        minutes(rpo).padEnd(14) + `${targets.rpoMinutes} min`.padEnd(10) + targetResult(rpo, targets.rpoMinutes),
      ],
    ]),
  ];
  if (
    record &&
    (record.targets.rtoMinutes !== plan.targets.rtoMinutes || record.targets.rpoMinutes !== plan.targets.rpoMinutes)
  ) {
    lines.push(
      `  note: the validator measured against RTO ${record.targets.rtoMinutes} / RPO ${record.targets.rpoMinutes} min, the config says ${plan.targets.rtoMinutes} / ${plan.targets.rpoMinutes}: deploy the config`,
    );
  }
  lines.push('', '  checks:');
  if (record && record.checks.length > 0) {
    lines.push(
      ...rows(
        record.checks.map((c) => [c.passed ? 'PASS' : 'FAIL', `${c.name}: ${c.detail}`]),
        '    ',
      ),
    );
  } else {
    lines.push(
      `    none: ${result.validation && !result.validation.ok ? result.validation.reason : 'the copy was not validated'}`,
    );
  }
  lines.push(
    '',
    ...rows([
      ['verdict', result.verdict],
      ...result.reasons.map((r): [string, string] => ['  because', r]),
      ['evidence', record?.evidenceKey ? `${record.evidenceKey} (evidence bucket)` : 'none written by the validator'],
      ['cleanup', result.cleanup ? `${result.cleanup.status}: ${result.cleanup.detail}` : 'nothing to clean up'],
      ...(result.cleanup?.manualSteps ?? []).map((s): [string, string] => ['  to do', s]),
    ]),
  );
  return lines.join('\n');
}

/**
 * For a restore job the drill leaves running (Ctrl-C, timeout): AWS Backup cannot stop it, so the copy
 * appears when it finishes and must be deleted by hand.
 */
export function leftoverGuidance(plan: DrillPlan, restoreJobId: string | undefined): string {
  const lines = restoreJobId
    ? [
        `Restore job ${restoreJobId} is still running in AWS Backup (a restore job cannot be stopped).`,
        `The restored copy ${plan.restoredName} holds a copy of the ${plan.resource} and is NOT deleted by the drill. When the job has ended:`,
        `  aws backup describe-restore-job --region ${plan.region} --restore-job-id ${restoreJobId}`,
        `  (CreatedResourceArn must name ${plan.restoredName}; then delete it:)`,
      ]
    : [`No restore job was confirmed. Check that no ${plan.restoredName} exists; if it does, delete it:`];
  return [...lines, ...manualCleanupSteps(plan).map((s) => `  ${s}`)].join('\n');
}
