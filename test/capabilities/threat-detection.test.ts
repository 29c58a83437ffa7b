import type { CfnElement } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { FindingNotifications } from '../../lib/constructs/finding-notifications';
import { HIPAA_CONFIG_RULES } from '../../lib/constructs/config-rules';
import { ThreatDetection, threatDetectionSettings } from '../../lib/capabilities/threat-detection';
import type { DeploymentConfig } from '../../lib/config/schema';
import { LOGICAL_IDS, TAG } from '../../lib/vocabulary';
import { auditStandIns } from '../helpers/audit-stand-ins';
import { flat, PRIVATE_BUCKET } from '../helpers/cfn-values';
import {
  at,
  crossStackRef,
  flatly,
  ofType,
  resourcesIn,
  retained,
  statementsOf,
  type CfnResources,
} from '../helpers/cfn-matchers';
import { SHIPPED_CONFIGS, shippedConfig } from '../helpers/config';
import { shippedAssembly, shippedStacks } from '../helpers/shipped-assembly';

const IDS = LOGICAL_IDS.audit;
type Detection = DeploymentConfig['detection'];
const ALL_ON: Detection = {
  guardDuty: true,
  securityHub: true,
  config: true,
  inspector: true,
  macie: true,
  macieRecordIdentifier: {
    regex: '[0-9]{6,10}',
    keywords: ['MRN', 'medical record', 'record number', 'patient id', 'chart number'],
    maximumMatchDistance: 50,
  },
};

/** The capability from a shipped config with the detection toggles set, next to stand-ins for the key and the PHI bucket. */
/** Tests only read what `build` returns: each config and toggle set is built once per file. */
const built = new Map<string, ReturnType<typeof buildOnce>>();
function build(file: string, detection: Detection = ALL_ON) {
  const key = JSON.stringify([file, detection]);
  if (!built.has(key)) built.set(key, buildOnce(file, detection));
  return built.get(key)!;
}

function buildOnce(file: string, detection: Detection) {
  const config = shippedConfig(file, { detection });
  const { auditKey, phiBucket, auditStack, stack: standIns } = auditStandIns(config);
  const stack = auditStack();
  const detective = new ThreatDetection(stack, 'Detection', {
    ...threatDetectionSettings(config),
    auditKey,
    phiBuckets: [phiBucket],
  });
  const auditKeyStatements = () => statementsOf(resourcesIn(standIns)[LOGICAL_IDS.keys.audit]);
  return { config, detective, resources: resourcesIn(stack), auditKeyStatements };
}

const CONFIG_DELIVERY = 'AllowConfigDeliveryOfThisAccount';

const DETECTION_TYPES = {
  guardDuty: ['AWS::GuardDuty::Detector', 'AWS::GuardDuty::MalwareProtectionPlan'],
  securityHub: ['AWS::SecurityHub::Hub', 'AWS::SecurityHub::Standard'],
  config: ['AWS::Config::ConfigurationRecorder', 'AWS::Config::DeliveryChannel'],
  inspector: ['Custom::InspectorScanning'],
  macie: ['AWS::Macie::Session', 'AWS::Macie::CustomDataIdentifier', 'Custom::MaciePhiDiscoveryJob'],
} as const;
type Toggle = keyof typeof DETECTION_TYPES;

const typesIn = (resources: CfnResources) => new Set(Object.values(resources).map((r) => r.Type));

describe.each(SHIPPED_CONFIGS)('ThreatDetection from %s', (file) => {
  const on = build(file);

  test('every service on by default, with pinned logical IDs (one of each per account and region)', () => {
    expect(shippedConfig(file).detection).toEqual(ALL_ON);
    expect(on.detective.services.detector).toBeDefined();
    expect(on.resources[IDS.guardDutyDetector].Type).toBe('AWS::GuardDuty::Detector');
    expect(on.resources[IDS.securityHub].Type).toBe('AWS::SecurityHub::Hub');
    expect(on.resources[IDS.configRecorder].Type).toBe('AWS::Config::ConfigurationRecorder');
    expect(on.resources[IDS.configDeliveryChannel].Type).toBe('AWS::Config::DeliveryChannel');
    expect(on.resources[IDS.configHistoryBucket]).toMatchObject(retained('AWS::S3::Bucket'));
    expect(on.resources[IDS.configHistoryAccessLogBucket]).toMatchObject(retained('AWS::S3::Bucket'));
    expect(on.resources[IDS.macieSession]).toMatchObject(retained('AWS::Macie::Session'));
  });

  test('GuardDuty scans the PHI documents bucket (Data stack) and may decrypt it with the PHI key through S3 only', () => {
    const plans = ofType(on.resources, 'AWS::GuardDuty::MalwareProtectionPlan');
    expect(plans).toHaveLength(1);
    expect(at(plans[0][1].Properties, 'ProtectedResource', 'S3Bucket', 'BucketName')).toEqual(
      crossStackRef(LOGICAL_IDS.data.documentsBucket, 'Ref'),
    );
    const malwarePolicies = ofType(on.resources, 'AWS::IAM::ManagedPolicy').filter(([, r]) =>
      statementsOf(r).some((s) => s.Sid === 'ScanAndTagObjects'),
    );
    expect(malwarePolicies).toHaveLength(1);
    expect(statementsOf(malwarePolicies[0][1]).find((s) => s.Sid === 'DecryptThroughS3')).toMatchObject({
      Resource: crossStackRef(LOGICAL_IDS.keys.phi, 'Arn'),
      Condition: { StringEquals: { 'kms:ViaService': `s3.${on.config.regions.primary}.amazonaws.com` } },
    });
  });

  test('Security Hub standards name the primary region', () => {
    const arns = ofType(on.resources, 'AWS::SecurityHub::Standard')
      .map(([, r]) => flat(r.Properties.StandardsArn))
      .sort();
    const region = on.config.regions.primary;
    expect(arns).toEqual([
      `arn:<AWS::Partition>:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
      `arn:<AWS::Partition>:securityhub:${region}::standards/cis-aws-foundations-benchmark/v/1.4.0`,
      `arn:<AWS::Partition>:securityhub:${region}::standards/nist-800-53/v/5.0.0`,
    ]);
  });

  test('Config delivers under config/ into its own private bucket, encrypted with the audit key', () => {
    expect(on.resources[IDS.configDeliveryChannel].Properties).toMatchObject({
      S3BucketName: { Ref: IDS.configHistoryBucket },
      S3KeyPrefix: 'config',
      S3KmsKeyArn: crossStackRef(LOGICAL_IDS.keys.audit, 'Arn'),
    });
    expect(on.resources[IDS.configHistoryBucket].Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { KMSMasterKeyID: crossStackRef(LOGICAL_IDS.keys.audit, 'Arn') } },
        ],
      },
      ...PRIVATE_BUCKET,
    });
  });

  test('the configuration history is replicated into the DR evidence replica under the audit-dr key', () => {
    const { config } = on;
    expect(at(on.resources[IDS.configHistoryBucket].Properties, 'ReplicationConfiguration', 'Rules')).toMatchObject([
      {
        Destination: {
          Bucket: flatly(`arn:<AWS::Partition>:s3:::${config.name}-evidence-dr-<AWS::AccountId>-${config.regions.dr}`),
          EncryptionConfiguration: {
            ReplicaKmsKeyID: flatly(
              new RegExp(
                `^arn:<AWS::Partition>:kms:${config.regions.dr}:(<AWS::AccountId>|\\d{12}):alias/${config.name}/audit-dr$`,
              ),
            ),
          },
        },
      },
    ]);
  });

  test("the HIPAA managed rules are named after the deployment and wait for this capability's recorder", () => {
    const rules = ofType(on.resources, 'AWS::Config::ConfigRule').map(([, r]) => r);
    expect(rules).toHaveLength(HIPAA_CONFIG_RULES.length);
    expect(rules.map((r) => r.Properties.ConfigRuleName).sort()).toEqual(
      HIPAA_CONFIG_RULES.map((r) => `${on.config.name}-${r.name}`).sort(),
    );
    for (const r of rules) expect([...(r.DependsOn ?? [])].sort()).toEqual([IDS.configDeliveryChannel, IDS.configRecorder]);
  });

  test("the audit key it receives lets Config deliver this deployment's history, for this account only", () => {
    expect(on.auditKeyStatements().filter((s) => s.Sid === CONFIG_DELIVERY)).toEqual([
      {
        Sid: CONFIG_DELIVERY,
        Effect: 'Allow',
        Principal: { Service: 'config.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': on.config.account ?? { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });
});

// The toggles act the same whatever the config: checked on the demo config only.
describe('ThreatDetection toggles (demo config)', () => {
  const file = 'config/demo.json';
  const on = build(file);

  test.each(Object.keys(DETECTION_TYPES) as Toggle[])('%s off removes exactly its resources', (service) => {
    const off = build(file, { ...ALL_ON, [service]: false });
    const before = typesIn(on.resources);
    const after = typesIn(off.resources);
    for (const [s, types] of Object.entries(DETECTION_TYPES)) {
      for (const t of types) {
        expect(before).toContain(t);
        if (s === service) expect(after).not.toContain(t);
        else expect(after).toContain(t);
      }
    }
    // guardDuty: detector, plan, role, policy; securityHub: hub, 3 standards; config: recorder, channel,
    // history and access-log buckets and their policies, replication role and policy; inspector: the custom
    // resource, its handler and role; macie: session, identifier, job, the job's handler and role.
    expect(Object.keys(on.resources).length - Object.keys(off.resources).length).toBe(
      { guardDuty: 4, securityHub: 4, config: 8, inspector: 3, macie: 5 }[service],
    );
  });

  test('the audit key grants Config delivery only while this deployment records (detection.config)', () => {
    const configStatements = (detection: Detection) =>
      build(file, detection)
        .auditKeyStatements()
        .filter((s) => s.Sid === CONFIG_DELIVERY);
    expect(configStatements({ ...ALL_ON, config: false })).toHaveLength(0);
    expect(configStatements({ ...ALL_ON, guardDuty: false })).toHaveLength(1);
    expect(configStatements({ ...ALL_ON, securityHub: false })).toHaveLength(1);
    expect(threatDetectionSettings(shippedConfig(file, { detection: { ...ALL_ON, config: false } })).config).toBe(false);
  });

  test("config off: no recorder, channel or history bucket, and the managed rules stay for the organisation's recorder", () => {
    const off = build(file, { ...ALL_ON, config: false });
    expect(off.detective.services.recording).toBeUndefined();
    expect(off.resources[IDS.configHistoryBucket]).toBeUndefined();
    expect(off.resources[IDS.configHistoryAccessLogBucket]).toBeUndefined();
    const rules = ofType(off.resources, 'AWS::Config::ConfigRule');
    expect(rules).toHaveLength(HIPAA_CONFIG_RULES.length);
    for (const [, r] of rules) expect(r.DependsOn).toBeUndefined();
  });
});

test('with every service off only the managed rules remain', () => {
  const off = build('config/demo.json', {
    ...ALL_ON,
    guardDuty: false,
    securityHub: false,
    config: false,
    inspector: false,
    macie: false,
  });
  const types = typesIn(off.resources);
  for (const t of Object.values(DETECTION_TYPES).flat()) expect(types).not.toContain(t);
  expect(ofType(off.resources, 'AWS::Config::ConfigRule')).toHaveLength(HIPAA_CONFIG_RULES.length);
  expect(Object.values(off.resources).every((r) => r.Type === 'AWS::Config::ConfigRule')).toBe(true);
});

test('Macie: the audit key lets Macie read only with macie on; the job findings go to the given notifications', () => {
  const config = shippedConfig('config/production.example.json');
  const { auditKey, phiBucket, auditStack, stack: standIns } = auditStandIns(config);
  const stack = auditStack();
  const topic = new sns.Topic(stack, 'Topic', { masterKey: auditKey, enforceSSL: true });
  const findingNotifications = new FindingNotifications(stack, 'Findings', { topic, minimumSeverity: 'HIGH' });
  const detection = new ThreatDetection(stack, 'Detection', {
    ...threatDetectionSettings(config),
    auditKey,
    phiBuckets: [phiBucket],
    findingNotifications,
  });
  expect(
    stack.resolve(
      findingNotifications.phiDiscoveryRule?.node.defaultChild &&
        (findingNotifications.phiDiscoveryRule.node.defaultChild as events.CfnRule).eventPattern,
    ),
  ).toMatchObject({
    detail: {
      classificationDetails: {
        jobId: [{ Ref: stack.getLogicalId(detection.phiDiscovery!.job.node.defaultChild as CfnElement) }],
      },
    },
  });
  const macieGrants = (b: ReturnType<typeof build>) =>
    b.auditKeyStatements().filter((s) => s.Sid === 'AllowMacieToReadObjectsThroughS3');
  expect(
    statementsOf(resourcesIn(standIns)[LOGICAL_IDS.keys.audit]).filter((s) => s.Sid === 'AllowMacieToReadObjectsThroughS3'),
  ).toHaveLength(1);
  expect(macieGrants(build('config/production.example.json', { ...ALL_ON, macie: false }))).toHaveLength(0);
  expect(threatDetectionSettings(config)).toMatchObject({
    inspector: true,
    macie: true,
    recordIdentifier: config.detection.macieRecordIdentifier,
  });
});

test('an audit key whose policy cannot be changed (an imported key) is refused while Config records', () => {
  const config = shippedConfig('config/production.example.json');
  const { phiBucket, auditStack } = auditStandIns(config);
  const stack = auditStack();
  const imported = kms.Key.fromKeyArn(stack, 'Imported', `arn:aws:kms:${config.regions.primary}:111122223333:key/imported`);
  expect(
    () =>
      new ThreatDetection(stack, 'Detection', {
        ...threatDetectionSettings(config),
        auditKey: imported,
        phiBuckets: [phiBucket],
      }),
  ).toThrow(/^allowConfigDelivery: the key Audit\/Imported has no key policy/);
});

describe.each(SHIPPED_CONFIGS)('PHI discovery scope in the whole app of %s', (file) => {
  test("Macie's job selects exactly the primary region's buckets where no PHI may be: every one but the documents", () => {
    const assembly = shippedAssembly(file);
    const { config } = assembly;
    const tagged = (tags: unknown, key: string, value: string) =>
      ((tags ?? []) as { Key: string; Value: string }[]).some((t) => t.Key === key && t.Value === value);
    const selected: string[] = [];
    const outOfRegion: string[] = [];
    for (const { id, artifact, template } of shippedStacks(assembly)) {
      for (const [logicalId, r] of Object.entries(template.Resources)) {
        if (r.Type !== 'AWS::S3::Bucket') continue;
        const tags = r.Properties?.Tags;
        // The job's criteria (phiDiscoveryBucketCriteria): this deployment's tag, and not a PHI store.
        if (!tagged(tags, TAG.deployment, config.name) || tagged(tags, TAG.phiStore, 'true')) continue;
        (artifact.environment.region === config.regions.primary ? selected : outOfRegion).push(`${id}/${logicalId}`);
      }
    }
    const L = LOGICAL_IDS;
    expect(selected.sort()).toEqual(
      [
        `App/${L.app.loadBalancerAccessLogBucket}`,
        `Audit/${L.audit.evidenceBucket}`,
        `Audit/${L.audit.evidenceAccessLogBucket}`,
        `Audit/${L.audit.trailBucket}`,
        `Audit/${L.audit.trailAccessLogBucket}`,
        `Audit/${L.audit.signInLogBucket}`,
        `Audit/${L.audit.signInLogAccessLogBucket}`,
        `Audit/${L.audit.configHistoryBucket}`,
        `Audit/${L.audit.configHistoryAccessLogBucket}`,
        `Data/${L.data.documentsAccessLogBucket}`,
      ].sort(),
    );
    // Macie is regional: the DR replicas (copies of scanned buckets) are outside its reach.
    expect(outOfRegion.every((b) => b.startsWith('Dr/'))).toBe(true);
  });
});
