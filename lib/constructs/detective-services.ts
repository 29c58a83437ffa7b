import { Duration, Stack } from 'aws-cdk-lib';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { SIX_YEARS_IN_DAYS } from '../config/schema';
import { ConfigRecording } from './config-recording';
import { HipaaConfigRules } from './config-rules';
import type { ReplicationDestination } from './replication-role';
import { S3MalwareProtection } from './s3-malware-protection';

/**
 * The GuardDuty protection plans the detector enables (as detector features; the older
 * `DataSources` property is deprecated). CloudTrail management events, VPC flow logs and DNS logs are
 * GuardDuty's foundational sources and always on.
 */
export const GUARDDUTY_FEATURES: readonly guardduty.CfnDetector.CFNFeatureConfigurationProperty[] = [
  // Suspicious access to S3 objects (the PHI documents), from CloudTrail S3 data events.
  { name: 'S3_DATA_EVENTS', status: 'ENABLED' },
  // Anomalous and brute-force sign-ins to the PostgreSQL database.
  { name: 'RDS_LOGIN_EVENTS', status: 'ENABLED' },
  // Process, file and network activity inside the CRM's Fargate tasks; GuardDuty manages the agent.
  {
    name: 'RUNTIME_MONITORING',
    status: 'ENABLED',
    additionalConfiguration: [{ name: 'ECS_FARGATE_AGENT_MANAGEMENT', status: 'ENABLED' }],
  },
  // Malware scans of EBS volumes when GuardDuty sees suspicious EC2 activity.
  { name: 'EBS_MALWARE_PROTECTION', status: 'ENABLED' },
];

/** Security Hub standards enabled on the hub, as the path after `standards/` in their (regional) ARN. */
export const SECURITY_HUB_STANDARDS = {
  AwsFoundationalBestPractices: 'aws-foundational-security-best-practices/v/1.0.0',
  NistSp80053Rev5: 'nist-800-53/v/5.0.0',
  // The version whose controls include the CloudWatch.1 and CloudWatch.4-14 checks of the security alarms
  // (metric filter, alarm, subscribed topic). Security Hub maps those checks to CIS v1.2.0 and v1.4.0 only: v3.0.0
  // and v5.0.0 leave them out, so enabling a newer version alone would leave the alarms unchecked. (CloudWatch.2 and
  // .3 exist only in v1.2.0, a legacy "ruleset" that is not enabled here.)
  CisAwsFoundations: 'cis-aws-foundations-benchmark/v/1.4.0',
} as const;

export interface DetectiveServicesProps {
  /** Deployment name; prefixes the AWS Config rule names. */
  readonly deployment: string;
  /**
   * Create the GuardDuty detector and Malware Protection for S3 on `phiBuckets`. Turn off when the
   * organisation already runs GuardDuty in this account and region (one detector per region). @default true
   */
  readonly guardDuty?: boolean;
  /**
   * Enable Security Hub with the AWS Foundational Security Best Practices, NIST SP 800-53 Rev. 5 and CIS
   * AWS Foundations Benchmark v1.4.0 standards. Turn off when the organisation already enables it. @default true
   */
  readonly securityHub?: boolean;
  /**
   * Create the AWS Config recorder, its delivery channel and history bucket. Turn off when the account
   * already has a recorder (a second one fails to deploy). The managed rules are created either way.
   * @default true
   */
  readonly config?: boolean;
  /** Buckets that get GuardDuty Malware Protection for S3 (with `guardDuty`). @default - none */
  readonly phiBuckets?: readonly s3.IBucket[];
  /** Encrypts the AWS Config history (with `config`): the audit key. */
  readonly auditKey: kms.IKey;
  /** How long the AWS Config history is kept (with `config`). @default 6 years */
  readonly configRetention?: Duration;
  /** Replicates the AWS Config history into another region (with `config`). @default - not replicated */
  readonly configReplicateTo?: ReplicationDestination;
  /**
   * Sandbox profile only (`sandboxRelaxations`, lib/config/profile.ts): the Config history bucket is emptied and deleted with its stack.
   * @default false
   */
  readonly disposable?: boolean;
}

/**
 * The detective services (HIPAA 164.308(a)(1)(ii)(D) information system activity review,
 * 164.308(a)(6)(ii) response and reporting, 164.312(b) audit controls): GuardDuty threat detection,
 * Security Hub posture checks against three standards (`SECURITY_HUB_STANDARDS`), and AWS Config
 * recording with the HIPAA managed rules (`HIPAA_CONFIG_RULES`).
 *
 * Each service is a toggle, because an organisation may already run it centrally and each allows only
 * one instance per account and region. A service switched off leaves none of its resources (nor any
 * bucket policy statement for it) behind. The managed rules are the exception: they are created even
 * with `config` off, evaluated by the organisation's recorder, which must then exist in the account
 * and region. With `config` on they depend on this construct's recorder and delivery channel.
 */
export class DetectiveServices extends Construct {
  /** The GuardDuty detector, with `guardDuty`. */
  readonly detector?: guardduty.CfnDetector;
  /** Malware Protection for S3 on the PHI buckets, with `guardDuty` and at least one bucket. */
  readonly malwareProtection?: S3MalwareProtection;
  /** The Security Hub hub, with `securityHub`. */
  readonly hub?: securityhub.CfnHub;
  /** The enabled Security Hub standards, by key of `SECURITY_HUB_STANDARDS`. */
  readonly standards: Partial<Record<keyof typeof SECURITY_HUB_STANDARDS, securityhub.CfnStandard>> = {};
  /** The AWS Config recorder, delivery channel and history bucket, with `config`. */
  readonly recording?: ConfigRecording;
  /** The HIPAA managed rules (always). */
  readonly rules: HipaaConfigRules;

  constructor(scope: Construct, id: string, props: DetectiveServicesProps) {
    super(scope, id);
    const stack = Stack.of(this);

    if (props.guardDuty ?? true) {
      this.detector = new guardduty.CfnDetector(this, 'GuardDuty', {
        enable: true,
        findingPublishingFrequency: 'FIFTEEN_MINUTES',
        features: [...GUARDDUTY_FEATURES],
      });
      acknowledge(this.detector, {
        ruleId: 'cdk-validator-cfnguard::guardduty_s3_protection_enabled_check',
        control: '164.308(a)(1)(ii)(D)',
        reason:
          'False positive: S3 protection IS enabled, as the S3_DATA_EVENTS detector feature (asserted by the unit tests). The CT.GUARDDUTY.PR.1 guard rule only recognises the deprecated DataSources.S3Logs property, which GuardDuty replaced with Features and which cannot be combined with them.',
      });
      const buckets = props.phiBuckets ?? [];
      if (buckets.length) {
        this.malwareProtection = new S3MalwareProtection(this, 'S3MalwareProtection', { buckets });
        // With a detector, malware found by a plan is also a GuardDuty finding.
        for (const plan of this.malwareProtection.plans) plan.addResourceDependency(this.detector);
      }
    }

    if (props.securityHub ?? true) {
      this.hub = new securityhub.CfnHub(this, 'SecurityHub', {
        enableDefaultStandards: false,
        controlFindingGenerator: 'SECURITY_CONTROL',
        autoEnableControls: true,
      });
      for (const [key, path] of Object.entries(SECURITY_HUB_STANDARDS)) {
        const standard = new securityhub.CfnStandard(this, key, {
          standardsArn: `arn:${stack.partition}:securityhub:${stack.region}::standards/${path}`,
        });
        standard.addResourceDependency(this.hub);
        this.standards[key as keyof typeof SECURITY_HUB_STANDARDS] = standard;
      }
    }

    if (props.config ?? true) {
      this.recording = new ConfigRecording(this, 'Config', {
        encryptionKey: props.auditKey,
        retention: props.configRetention ?? Duration.days(SIX_YEARS_IN_DAYS),
        replicateTo: props.configReplicateTo,
        disposable: props.disposable,
      });
    }
    this.rules = new HipaaConfigRules(this, 'Rules', {
      deployment: props.deployment,
      recorder: this.recording ? [this.recording.recorder, this.recording.deliveryChannel] : undefined,
    });
  }
}
