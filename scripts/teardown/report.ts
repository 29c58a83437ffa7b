/**
 * What teardown prints: the plan, what happens to each stack, the certificate and how anyone verifies
 * it, what a failed run left behind and how to resume. Pure text, so the tests read exactly what a
 * person reads.
 */
import type { ErasurePhase, ErasurePhaseResult, ErasurePlan } from '../../lambda/shared/key-lifecycle-contract';
import { CERTIFICATE_SIGNING_DATA_CLASS, deploymentNames, PROTECTED_DATA_CLASSES, STACK_PARTS } from '../../lib/vocabulary';
import type { FollowOutcome } from './executions';
import type { AppStackCheck, StackDeletionOutcome } from './stacks';

const DAY_MS = 24 * 60 * 60_000;

function rows(pairs: readonly (readonly [string, string])[], indent = '  '): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`);
}

/** What a key protects, one line per entry: `kind arn` or `kind x count`. */
function protectsLines(key: ErasurePlan['keys'][number]): string[] {
  if (key.protects.length === 0) return ['(nothing found: the key is erased all the same)'];
  return key.protects.map((p) => [p.kind, p.arn, p.count !== undefined ? `x ${p.count}` : undefined].filter(Boolean).join(' '));
}

export interface PlanContext {
  readonly region: string;
  readonly drRegion: string;
  readonly pendingWindowDays: number;
  readonly appStack: AppStackCheck;
}

/** The plan: keys, what each protects, what remains and until when, the stacks, the digest. */
export function formatPlan(plan: ErasurePlan, ctx: PlanContext): string {
  const name = plan.deployment;
  const names = deploymentNames(name);
  const lines = [
    `Crypto-erasure plan for ${name}, account ${plan.account} (made ${plan.createdAt})`,
    '',
    `Keys to destroy: disabled at once (every copy they protect becomes unreadable), then deleted by KMS after`,
    `the ${ctx.pendingWindowDays}-day waiting window:`,
  ];
  for (const key of plan.keys) {
    const [first, ...more] = protectsLines(key);
    lines.push(
      ...rows([
        ['class', key.dataClass],
        ['account', key.account],
        ['region', key.region],
        ['alias', key.alias],
        ['key', key.keyArn],
        ['protects', first],
        ...more.map((l) => ['', l] as const),
      ]),
      '',
    );
  }
  const listed = (title: string, items: readonly string[]) => {
    if (items.length > 0) lines.push(title, ...items.map((i) => `  - ${i}`), '');
  };
  listed(
    'Keys not found (their copies cannot be erased by this run):',
    (plan.missingKeys ?? []).map((k) => `${k.dataClass} ${k.alias} (account ${k.account ?? plan.account}, ${k.region})`),
  );
  listed(
    'Copies no key in scope protects (they would survive the erasure):',
    (plan.uncovered ?? []).map((u) => `${u.kind} ${u.arn}: ${u.reason}${u.blocking ? ' (blocking)' : ''}`),
  );
  listed(
    'Resources that could not be checked:',
    (plan.unchecked ?? []).map((u) => `${u.kind} ${u.arn}: ${u.reason}`),
  );
  listed('BLOCKERS (execute is refused until they are resolved):', plan.blockers ?? []);
  lines.push(
    `Never destroyed: ${PROTECTED_DATA_CLASSES.map((c) => names.keyAlias(c)).join(', ')} and ${names.keyAlias(CERTIFICATE_SIGNING_DATA_CLASS)}`,
    '  (the audit trail, the evidence and the certificate must stay readable and verifiable; they hold no PHI).',
    '',
    'What remains, and until when:',
  );
  if (plan.remains.length === 0) lines.push('  (the plan lists nothing)');
  for (const r of plan.remains) lines.push(`  - ${r.what}${r.until ? `: until ${r.until}` : ''}`);
  lines.push('', 'Stacks:', ...stackLines(name, ctx));
  lines.push('', `Plan digest: ${plan.digest}`);
  return lines.join('\n');
}

/** Stateful stacks of the primary region, which teardown never deletes. */
const PRIMARY_STATEFUL_PARTS = [
  STACK_PARTS.keys,
  STACK_PARTS.data,
  STACK_PARTS.backup,
  STACK_PARTS.audit,
  STACK_PARTS.identity,
  STACK_PARTS.network,
] as const;

function stackLines(name: string, ctx: PlanContext): string[] {
  const stack = deploymentNames(name).stack;
  const app = ctx.appStack;
  const appLine =
    app.verdict === 'deletable'
      ? `${app.stackName}: deleted after the certificate (stateless; unless --keep-stacks)`
      : app.verdict === 'absent'
        ? `${app.stackName}: does not exist (nothing to delete)`
        : `${app.stackName}: WILL NOT be deleted, it is not recognisably this deployment's: ${app.reasons.join('; ')}`;
  return [
    `  ${appLine}`,
    `  ${stack(STACK_PARTS.operations)}: kept until the final certificate (its state machine waits out the window and runs finalize)`,
    `  ${PRIMARY_STATEFUL_PARTS.map(stack).join(', ')} (${ctx.region}),`,
    `  ${stack(STACK_PARTS.dr)} (${ctx.drRegion}): kept. Stateful and termination-protected: they hold the ciphertext under`,
    '  Object Lock and Vault Lock until the retention ends, and the audit trail for its 6+ years.',
  ];
}

/** How to run the execution once the plan is approved. */
export function executeHint(configPath: string, digest: string): string {
  return [
    'Plan only: nothing was changed.',
    'After the export and the approval of this plan, execute it with:',
    `  npm run teardown -- -c config=${configPath} --execute --confirm ${digest} --export-done`,
  ].join('\n');
}

const PHASE_ORDER: readonly ErasurePhase[] = ['execute', 'verify', 'certify', 'finalize'];

/** Key by key: what was and was not done, from the last phase result. */
export function keyStateLines(result: ErasurePhaseResult | undefined, plan: ErasurePlan): string[] {
  if (!result) {
    return [
      '  no phase reported a result: the execute phase may not have run, or may have disabled some keys before failing.',
      '  Check each key (KeyState Enabled = not erased yet; Disabled or PendingDeletion = unreadable):',
      ...plan.keys.map(
        (k) =>
          `    aws kms describe-key --region ${k.region} --key-id ${k.keyArn} --query KeyMetadata.[KeyState,DeletionDate]` +
          (k.account !== plan.account ? `   # with credentials of account ${k.account}` : ''),
      ),
    ];
  }
  const lines = [`  last phase that reported: ${result.phase} (${result.completed ? 'complete' : 'NOT complete'})`];
  for (const key of plan.keys) {
    const k = result.keys.find((r) => r.keyArn === key.keyArn);
    const mark = k?.done ? 'done    ' : 'NOT DONE';
    lines.push(
      `  ${mark}  ${key.dataClass.padEnd(10)} account ${key.account} ${key.region}  ${key.keyArn}${k?.state ? ` [${k.state}]` : ''}: ${k?.detail ?? 'not in the result'}`,
    );
  }
  for (const k of result.keys) {
    if (!plan.keys.some((p) => p.keyArn === k.keyArn))
      lines.push(`  ${k.done ? 'done    ' : 'NOT DONE'}  ${k.keyArn}: ${k.detail}`);
  }
  return lines;
}

/** A failed run: what the execution says, what each key's state is, and how to resume. */
export function formatFailure(outcome: FollowOutcome, plan: ErasurePlan, resumeCommand: string): string {
  const e = outcome.execution;
  const phases = PHASE_ORDER.map((p) => {
    const r = outcome.progress.results[p];
    return `${p} ${r ? (r.completed ? 'complete' : 'incomplete') : 'no result'}`;
  }).join(', ');
  return [
    `The erasure run FAILED (execution ${e?.status ?? 'status unknown'}${e?.error ? `: ${e.error}` : ''}).`,
    ...(e?.cause ? [`  cause: ${e.cause.replace(/\s+/g, ' ').slice(0, 500)}`] : []),
    `  phases: ${phases}`,
    ...keyStateLines(outcome.progress.last, plan),
    'Keys marked done are disabled (their copies are unreadable already); keys NOT DONE still protect readable data.',
    'No stack was deleted.',
    'To resume, fix the cause and run the same command again with the same digest: the erasure is idempotent',
    '(done keys are confirmed, not repeated). If the plan changed (the digest is refused), review the new plan first.',
    `  ${resumeCommand}`,
  ].join('\n');
}

/** Where the certificate is, and the commands anyone with read access uses to verify it. */
export function formatCertificate(result: ErasurePhaseResult): string {
  const c = result.certificate;
  if (!c) return 'No certificate was reported.';
  const kmsRegion = c.signingKeyArn.split(':')[3] || '<region>';
  return [
    `Certificate of destruction (${result.phase === 'finalize' ? 'final, after KMS deleted the keys' : 'written after verify'}):`,
    ...rows([
      ['certificate', `s3://${c.bucket}/${c.key}`],
      ['sha256', c.sha256],
      ['signature', `s3://${c.bucket}/${c.signatureKey}`],
      ['signed by', `${c.signingKeyArn} (ECDSA_SHA_256)`],
    ]),
    'Both objects are in the write-once audit bucket (Object Lock COMPLIANCE). To verify, anyone with read access',
    '(or with the two files and the public key, which can be handed out) runs:',
    `  aws s3 cp s3://${c.bucket}/${c.key} certificate.json`,
    `  aws s3 cp s3://${c.bucket}/${c.signatureKey} certificate.sig`,
    `  sha256sum certificate.json        # must print ${c.sha256}`,
    `  aws kms get-public-key --region ${kmsRegion} --key-id ${c.signingKeyArn} --query PublicKey --output text | base64 --decode > signing-key.der`,
    '  openssl pkey -pubin -inform DER -in signing-key.der -out signing-key.pem',
    '  openssl dgst -sha256 -verify signing-key.pem -signature certificate.sig certificate.json   # must print "Verified OK"',
    '  (if certificate.sig holds base64 text rather than binary, decode it first: base64 --decode certificate.sig > certificate.der.sig)',
  ].join('\n');
}

/** The KMS waiting window after certify: when KMS deletes the keys and finalize runs. */
export function formatWaitingWindow(outcome: FollowOutcome, pendingWindowDays: number, deployment: string): string {
  const started = outcome.progress.executeCompletedAt ?? outcome.execution?.startDate;
  const date = started ? new Date(started.getTime() + pendingWindowDays * DAY_MS).toISOString() : undefined;
  const when = date ? `on or about ${date}` : `${pendingWindowDays} days after the execute phase`;
  return [
    `The keys are disabled and scheduled for deletion. KMS deletes them at the end of the ${pendingWindowDays}-day`,
    `waiting window, ${when}. The state machine then runs finalize, which checks that the keys are gone,`,
    'records the DeleteKey events and writes the final certificate next to this one.',
    `Keep ${deploymentNames(deployment).stack(STACK_PARTS.operations)} until then.`,
    'Inside the window a mistake can still be undone (CancelKeyDeletion, then EnableKey): see',
    'docs/runbooks/crypto-erasure-and-teardown.md; CloudTrail records both calls.',
  ].join('\n');
}

/** The stack deletion result, with what CloudFormation kept. */
export function formatStackDeletion(outcome: StackDeletionOutcome): string {
  const lines = [`App stack: ${outcome.status}: ${outcome.detail}`];
  if (outcome.failures.length > 0) lines.push('  not deleted:', ...outcome.failures.map((f) => `    ${f}`));
  if (outcome.retained.length > 0) {
    lines.push('  kept by their retention policy (logs, no PHI):', ...outcome.retained.map((r) => `    ${r}`));
  }
  if (outcome.manualSteps.length > 0) lines.push('  to do:', ...outcome.manualSteps.map((s) => `    ${s}`));
  return lines.join('\n');
}

/** What stays after the teardown, and when each part can go. */
export function formatWhatRemains(deployment: string, region: string, configPath: string, finalizeDate?: string): string {
  const ops = deploymentNames(deployment).stack(STACK_PARTS.operations);
  return [
    'What remains:',
    `  ${ops}: delete it after the final certificate${finalizeDate ? ` (finalize runs on or about ${finalizeDate})` : ''}:`,
    `    npx cdk destroy ${ops} -c config=${configPath}`,
    '  The stateful stacks stay: they are termination-protected, and what they hold cannot be deleted before its',
    '  retention ends (Object Lock, Vault Lock); it is ciphertext under destroyed keys, unreadable for good. The',
    '  audit trail, the evidence and the certificates stay readable for their 6+ years. When the last retention has',
    `  ended, the stacks can be removed by hand (termination protection off, then delete), audit last.`,
    `  Region ${region} and the DR region keep these until then; the plan above lists each with its date.`,
  ].join('\n');
}
