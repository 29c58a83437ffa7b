import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  PHI_DISCOVERY_JOB_RESOURCE_TYPE,
  PhiDiscovery,
  phiDiscoveryBucketCriteria,
  type PhiDiscoveryProps,
} from '../../lib/constructs/phi-discovery';
import { TAG } from '../../lib/vocabulary';
import { projectApp } from '../helpers/app';
import { ofType, resourcesIn, retained, statementsOf } from '../helpers/cfn-matchers';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

const ENV = { account: '111122223333', region: 'us-east-1' };
const RECORD_ID = { regex: 'MRN-[0-9]{8}', keywords: ['MRN', 'medical record'], maximumMatchDistance: 40 };

function build(overrides: Partial<PhiDiscoveryProps> = {}) {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const keys = new Stack(app, 'Keys', { env: ENV });
  const data = new Stack(app, 'Data', { env: ENV });
  const stack = new Stack(app, 'Audit', { env: ENV });
  const auditKey = new kms.Key(keys, 'AuditKey');
  const phiBucket = new s3.Bucket(data, 'PhiDocuments');
  new s3.Bucket(data, 'AccessLogs'); // a bucket where no PHI may be: left untagged
  const discovery = new PhiDiscovery(stack, 'PhiDiscovery', {
    deployment: 'crm-test',
    recordIdentifier: RECORD_ID,
    phiBuckets: [phiBucket],
    bucketKeys: [auditKey],
    ...overrides,
  });
  const resources = resourcesIn(stack);
  const one = (type: string) => {
    const found = ofType(resources, type);
    expect(found).toHaveLength(1);
    return found[0];
  };
  return { stack, discovery, resources, one, keys: resourcesIn(keys), data: resourcesIn(data), auditKey };
}

const built = build();
const jobRequest = () => {
  return JSON.parse(JSON.stringify(built.stack.resolve(built.discovery.jobRequest))) as Record<string, unknown> & {
    name: string;
  };
};

describe('PhiDiscovery', () => {
  test('enables Macie, publishing updates every 15 minutes, and keeps it (and its findings) when the stack goes', () => {
    const [, session] = built.one('AWS::Macie::Session');
    expect(session.Properties).toEqual({ Status: 'ENABLED', FindingPublishingFrequency: 'FIFTEEN_MINUTES' });
    expect(session).toMatchObject(retained('AWS::Macie::Session'));
  });

  test('the custom data identifier is the configured record identifier, after the session', () => {
    const [sessionId] = built.one('AWS::Macie::Session');
    const [, identifier] = built.one('AWS::Macie::CustomDataIdentifier');
    expect(identifier.Properties).toMatchObject({
      Name: expect.stringMatching(/^crm-test-crm-record-id-[0-9a-f]{8}$/),
      Regex: 'MRN-[0-9]{8}',
      Keywords: ['MRN', 'medical record'],
      MaximumMatchDistance: 40,
    });
    expect(identifier.DependsOn).toEqual([sessionId]);
  });

  test('the daily job: every managed identifier and the record identifier, all objects sampled, existing ones at first', () => {
    const [identifierId] = built.one('AWS::Macie::CustomDataIdentifier');
    const [sessionId] = built.one('AWS::Macie::Session');
    const [, job] = built.one(PHI_DISCOVERY_JOB_RESOURCE_TYPE);
    expect(job.DependsOn).toEqual([sessionId]);
    const request = jobRequest();
    expect(request).toEqual({
      name: expect.stringMatching(/^crm-test-phi-discovery-[0-9a-f]{8}$/),
      description: expect.any(String),
      jobType: 'SCHEDULED',
      scheduleFrequency: { dailySchedule: {} },
      initialRun: true,
      samplingPercentage: 100,
      managedDataIdentifierSelector: 'ALL',
      customDataIdentifierIds: [{ 'Fn::GetAtt': [identifierId, 'Id'] }],
      s3JobDefinition: { bucketCriteria: phiDiscoveryBucketCriteria('crm-test') },
    });
    // The template carries the same request, as one JSON string (custom resource properties are strings).
    expect(JSON.stringify(job.Properties.JobRequest)).toContain('\\"managedDataIdentifierSelector\\":\\"ALL\\"');
  });

  test("the job scans this deployment's buckets except those tagged as PHI stores, which the PHI buckets are", () => {
    expect(phiDiscoveryBucketCriteria('crm-test')).toEqual({
      includes: { and: [{ tagCriterion: { comparator: 'EQ', tagValues: [{ key: TAG.deployment, value: 'crm-test' }] } }] },
      excludes: { and: [{ tagCriterion: { comparator: 'EQ', tagValues: [{ key: TAG.phiStore, value: 'true' }] } }] },
    });
    const buckets = ofType(built.data, 'AWS::S3::Bucket');
    const tagged = buckets.filter(([, b]) =>
      ((b.Properties?.Tags ?? []) as { Key: string; Value: string }[]).some((t) => t.Key === TAG.phiStore && t.Value === 'true'),
    );
    expect(tagged.map(([id]) => id)).toEqual([expect.stringMatching(/^PhiDocuments/)]);
  });

  test('a new record identifier gives the identifier and the job new names (Macie jobs cannot change)', () => {
    const other = build({ recordIdentifier: { ...RECORD_ID, regex: 'CRM[0-9]{7}' } });
    const name = (b: typeof built, type: string) => b.one(type)[1].Properties.Name;
    expect(name(other, 'AWS::Macie::CustomDataIdentifier')).not.toEqual(name(built, 'AWS::Macie::CustomDataIdentifier'));
    expect(other.discovery.jobRequest.name).not.toEqual(built.discovery.jobRequest.name);
    expect(build().discovery.jobRequest.name).toEqual(built.discovery.jobRequest.name);
  });

  test("the handler's role may create and cancel this account's and region's jobs only", () => {
    const [, role] = built.one('AWS::IAM::Role');
    const statements = (role.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[]).flatMap(
      (p) => p.PolicyDocument.Statement,
    );
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['macie2:CreateClassificationJob', 'macie2:UpdateClassificationJob'],
        Resource: 'arn:aws:macie2:us-east-1:111122223333:classification-job/*',
      },
    ]);
  });

  test("the scanned buckets' key lets Macie's service-linked role decrypt, through S3 of this region, in this account", () => {
    const [, key] = ofType(built.keys, 'AWS::KMS::Key')[0];
    const grants = statementsOf(key).filter((s) => s.Sid === 'AllowMacieToReadObjectsThroughS3');
    expect(grants).toEqual([
      {
        Sid: 'AllowMacieToReadObjectsThroughS3',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: {
          ArnEquals: {
            'aws:PrincipalArn':
              'arn:aws:iam::111122223333:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie',
          },
          StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
        },
      },
    ]);
  });

  test('an imported key (whose policy cannot change) is refused', () => {
    const app = projectApp({ context: TEMPLATE_ONLY });
    const stack = new Stack(app, 'Audit', { env: ENV });
    const imported = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:111122223333:key/imported');
    expect(
      () =>
        new PhiDiscovery(stack, 'PhiDiscovery', {
          deployment: 'crm-test',
          recordIdentifier: RECORD_ID,
          phiBuckets: [],
          bucketKeys: [imported],
        }),
    ).toThrow(/^allowMacieToRead: the key Audit\/Imported has no key policy/);
  });
});
