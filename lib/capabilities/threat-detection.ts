import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { sandboxRelaxations } from '../config/profile';
import type { DeploymentConfig } from '../config/schema';
import { DetectiveServices, type DetectiveServicesProps } from '../constructs/detective-services';
import type { FindingNotifications } from '../constructs/finding-notifications';
import { PhiDiscovery, type RecordIdentifier } from '../constructs/phi-discovery';
import { VulnerabilityScanning } from '../constructs/vulnerability-scanning';
import { allowConfigDelivery } from '../constructs/key-policy-grants';
import { pinLogicalId } from '../constructs/logical-ids';
import { LOGICAL_IDS } from '../vocabulary';
import { evidenceReplica } from './evidence-store';

/** The config-derived part of `ThreatDetectionProps`: which services run, and where the Config history goes. */
export type ThreatDetectionSettings = Pick<
  DetectiveServicesProps,
  'deployment' | 'guardDuty' | 'securityHub' | 'config' | 'configRetention' | 'configReplicateTo' | 'disposable'
> & {
  /** Turn on Amazon Inspector scanning of the ECR images and Lambda functions (`VulnerabilityScanning`). */
  readonly inspector: boolean;
  /** Turn on Amazon Macie and its daily PHI discovery job (`PhiDiscovery`). */
  readonly macie: boolean;
  /** The CRM's record identifier, a Macie custom data identifier (with `macie`). */
  readonly recordIdentifier: RecordIdentifier;
};

/**
 * Threat detection settings of a deployment: the `detection` toggles; the configuration history kept
 * for the log retention and copied into the DR region's write-once evidence replica, next to the evidence.
 */
export function threatDetectionSettings(config: DeploymentConfig): ThreatDetectionSettings {
  return {
    deployment: config.name,
    guardDuty: config.detection.guardDuty,
    securityHub: config.detection.securityHub,
    config: config.detection.config,
    inspector: config.detection.inspector,
    macie: config.detection.macie,
    recordIdentifier: config.detection.macieRecordIdentifier,
    configRetention: Duration.days(config.logs.retentionDays),
    configReplicateTo: evidenceReplica(config),
    disposable: sandboxRelaxations(config).disposable,
  };
}

export interface ThreatDetectionProps extends ThreatDetectionSettings {
  /** Buckets GuardDuty scans for malware (Malware Protection for S3): every PHI bucket. @default - none */
  readonly phiBuckets?: readonly s3.IBucket[];
  /**
   * Encrypts the AWS Config history (with `config`): the audit key. While Config records, this construct
   * lets it deliver under the key (`allowConfigDelivery`); it must then be a key whose policy CDK can change.
   */
  readonly auditKey: kms.IKey;
  /**
   * Where the PHI discovery job's findings are sent (with `macie`): `notifyPhiDiscovery` adds its rule.
   * @default - not sent (only the Macie console shows them)
   */
  readonly findingNotifications?: FindingNotifications;
}

/**
 * The detective services of the account and region (HIPAA 164.308(a)(1)(ii)(D), 164.308(a)(6)(ii),
 * 164.312(b)): GuardDuty, Security Hub and AWS Config, each on unless the organisation already runs it
 * (`DetectiveServices`), and the HIPAA Config rules; Amazon Inspector's vulnerability scanning of the images
 * and functions (`VulnerabilityScanning`) and Amazon Macie's search for PHI where none may be (`PhiDiscovery`),
 * each a toggle too.
 *
 * The services are this construct's `Default` child, which CDK leaves out of logical IDs: built with the
 * id `Detection`, everything keeps the ID it had before this construct existed. The detector, the hub,
 * the recorder, the delivery channel, the history buckets and the Macie session are pinned besides: there
 * is one of each per account and region, so a replacement could never be created next to the original.
 */
export class ThreatDetection extends Construct {
  readonly services: DetectiveServices;
  /** Amazon Inspector scanning, with `inspector`. */
  readonly vulnerabilityScanning?: VulnerabilityScanning;
  /** Amazon Macie and its PHI discovery job, with `macie`. */
  readonly phiDiscovery?: PhiDiscovery;

  constructor(scope: Construct, id: string, props: ThreatDetectionProps) {
    super(scope, id);
    const services = new DetectiveServices(this, 'Default', props);
    this.services = services;
    if (services.detector) pinLogicalId(services.detector, LOGICAL_IDS.audit.guardDutyDetector);
    if (services.hub) pinLogicalId(services.hub, LOGICAL_IDS.audit.securityHub);
    if (services.recording) {
      // The delivery channel encrypts the history with the audit key as the Config service principal.
      allowConfigDelivery(props.auditKey);
      pinLogicalId(services.recording.recorder, LOGICAL_IDS.audit.configRecorder);
      pinLogicalId(services.recording.deliveryChannel, LOGICAL_IDS.audit.configDeliveryChannel);
      pinLogicalId(services.recording.bucket, LOGICAL_IDS.audit.configHistoryBucket);
      pinLogicalId(services.recording.accessLogs.bucket, LOGICAL_IDS.audit.configHistoryAccessLogBucket);
    }
    if (props.inspector) this.vulnerabilityScanning = new VulnerabilityScanning(this, 'VulnerabilityScanning');
    if (props.macie) {
      // The audit key encrypts the evidence, trail, sign-in log (Athena results) and Config history buckets;
      // the other scanned buckets (access logs) are SSE-S3.
      this.phiDiscovery = new PhiDiscovery(this, 'PhiDiscovery', {
        deployment: props.deployment,
        recordIdentifier: props.recordIdentifier,
        phiBuckets: props.phiBuckets ?? [],
        bucketKeys: [props.auditKey],
      });
      pinLogicalId(this.phiDiscovery.session, LOGICAL_IDS.audit.macieSession);
      props.findingNotifications?.notifyPhiDiscovery(this.phiDiscovery.job.ref);
    }
  }
}
