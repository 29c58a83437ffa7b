/**
 * `npm run preflight -- -c config=config/<name>.json`
 *
 * Read-only checks of the target account and both regions before the first deploy: one line per
 * check, PASS, WARN or FAIL with the command that fixes it; exit 1 on any FAIL. The checks are in
 * scripts/preflight/; the runbook step is docs/runbooks/deploy-and-update.md (step 0).
 */
import { ACMClient } from '@aws-sdk/client-acm';
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Macie2Client } from '@aws-sdk/client-macie2';
import { STSClient } from '@aws-sdk/client-sts';
import { runAsMain } from './cli/main';
import { runPreflight, type RegionClients } from './preflight/run';
import { readCdkJson, synthesizeFootprint } from './preflight/synth';

/** Each region's clients, created once. */
const regionClients = new Map<string, RegionClients>();
function clients(region: string): RegionClients {
  let c = regionClients.get(region);
  if (!c) {
    c = {
      cloudformation: new CloudFormationClient({ region }),
      backup: new BackupClient({ region }),
      lambda: new LambdaClient({ region }),
      guardduty: new GuardDutyClient({ region }),
      securityhub: new SecurityHubClient({ region }),
      config: new ConfigServiceClient({ region }),
      macie: new Macie2Client({ region }),
      serviceQuotas: new ServiceQuotasClient({ region }),
      cognito: new CognitoIdentityProviderClient({ region }),
      acm: new ACMClient({ region }),
      rds: new RDSClient({ region }),
      logs: new CloudWatchLogsClient({ region }),
      s3: new S3Client({ region }),
      kms: new KMSClient({ region }),
      secretsmanager: new SecretsManagerClient({ region }),
      sfn: new SFNClient({ region }),
      ec2: new EC2Client({ region }),
    };
    regionClients.set(region, c);
  }
  return c;
}

let route53: Route53Client | undefined;
let iam: IAMClient | undefined;

runAsMain(
  {
    interrupted: 'Interrupted: the preflight only reads, nothing to undo (Ctrl-C again to quit at once).',
    stoppedOnError: 'The preflight stopped on an unexpected error',
    printLeftovers: () => undefined,
  },
  () =>
    runPreflight(process.argv.slice(2), {
      clients,
      sts: (region) => new STSClient({ region }),
      // Route 53 is global; its API is served from us-east-1.
      route53: () => (route53 ??= new Route53Client({ region: 'us-east-1' })),
      // IAM is global; like Route 53, its API is served from us-east-1.
      iam: () => (iam ??= new IAMClient({ region: 'us-east-1' })),
      footprint: synthesizeFootprint,
      toolkitStackName: readCdkJson().toolkitStackName,
      out: (text) => console.log(text),
      err: (text) => console.error(text),
    }),
);
