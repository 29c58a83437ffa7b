/**
 * `npm run drill -- -c config=config/<name>.json [--resource database|documents|all] [--yes] [--keep]`
 *
 * On-demand restore drill (HIPAA 164.308(a)(7)(ii)(D) testing of the contingency plan): restores the
 * newest recovery point exactly as the scheduled restore tests do, has the restore validator check it
 * and write the evidence, and deletes the copy. Dry run unless --yes. The flow and its safety checks
 * are described in scripts/drill/run.ts; the runbook is docs/runbooks/restore-drills.md.
 */
import { BackupClient } from '@aws-sdk/client-backup';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { runAsMain } from './cli/main';
import { stsCallerIdentity } from './drill/identity';
import { leftoverGuidance } from './drill/report';
import { runDrill, type DrillState } from './drill/run';

const state: DrillState = {};

runAsMain(
  {
    interrupted: 'Interrupted: finishing the current step (Ctrl-C again to quit at once).',
    stoppedOnError: 'The drill stopped on an unexpected error',
    printLeftovers: () => {
      if (state.plan && state.restoreRequested && !state.cleanedUp) {
        console.error(`\n${leftoverGuidance(state.plan, state.restoreJobId)}`);
      }
    },
  },
  (signal) =>
    runDrill(process.argv.slice(2), {
      createClients: (region) => ({
        backup: new BackupClient({ region }),
        lambda: new LambdaClient({ region }),
        rds: new RDSClient({ region }),
        s3: new S3Client({ region }),
      }),
      callerIdentity: (region) => stsCallerIdentity(new STSClient({ region }))(),
      out: (text) => console.log(text),
      err: (text) => console.error(text),
      signal,
      state,
    }),
);
