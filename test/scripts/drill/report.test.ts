import { formatSummary, leftoverGuidance } from '../../../scripts/drill/report';
import { DRILL_BUCKET, JOB_ID, NOW, passedRecord, planFor } from './fixtures';

describe('formatSummary', () => {
  test('measures the RTO from the restore job when the validator did not, and marks a missed target', () => {
    const text = formatSummary({
      plan: planFor('database'),
      restoreJobId: JOB_ID,
      restore: {
        end: 'COMPLETED',
        elapsedMinutes: 301,
        job: { CreationDate: NOW, CompletionDate: new Date(NOW.getTime() + 300 * 60_000), $metadata: {} },
      },
      validation: { ok: true, record: passedRecord({ restoreMinutes: undefined, dataAgeMinutes: undefined }) },
      verdict: 'FAILED',
      reasons: ['the restore took 300 min, over the RTO of 240 min'],
    });
    expect(text).toMatch(/RTO \(restore time\)\s+300 min\s+240 min\s+MISSED/);
    expect(text).toMatch(/RPO \(data age\)\s+not measured\s+60 min\s+unknown/);
    expect(text).toMatch(/because\s+the restore took 300 min/);
    expect(text).toMatch(/cleanup\s+nothing to clean up/);
  });

  test('without a record there are no checks and no evidence, and the summary says why', () => {
    const text = formatSummary({
      plan: planFor('database'),
      restoreJobId: JOB_ID,
      restore: { end: 'COMPLETED', elapsedMinutes: 40 },
      validation: { ok: false, reason: 'crm-demo-restore-validator failed (Unhandled): Error: boom' },
      verdict: 'FAILED',
      reasons: ['crm-demo-restore-validator failed (Unhandled): Error: boom'],
    });
    expect(text).toMatch(/checks:\n\s+none: crm-demo-restore-validator failed \(Unhandled\): Error: boom/);
    expect(text).toMatch(/evidence\s+none written by the validator/);
  });
});

describe('leftoverGuidance', () => {
  test('for a running documents restore: how to find the copy and how to delete it', () => {
    const text = leftoverGuidance(planFor('documents'), JOB_ID);
    expect(text).toMatch(`Restore job ${JOB_ID} is still running in AWS Backup (a restore job cannot be stopped).`);
    expect(text).toMatch(`aws backup describe-restore-job --region us-east-1 --restore-job-id ${JOB_ID}`);
    expect(text).toMatch(`S3 console > ${DRILL_BUCKET} > Empty`);
    expect(text).toMatch(
      `aws s3api delete-bucket --region us-east-1 --bucket ${DRILL_BUCKET} --expected-bucket-owner 111122223333`,
    );
  });

  test('when StartRestoreJob itself failed: check that no copy exists', () => {
    expect(leftoverGuidance(planFor('database'), undefined)).toMatch(
      /^No restore job was confirmed\. Check that no crm-demo-drill-202603011200 exists/,
    );
  });
});
