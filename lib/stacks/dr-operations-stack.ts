import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { KeyRotationEnforcer } from '../constructs/key-rotation-enforcer';
import { keyRotationFunctionName } from '../naming';
import type { DrStack } from './dr-stack';
import { pinLogicalId } from '../constructs/logical-ids';

export interface DrOperationsStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** The DR region's keys and evidence replica. */
  readonly dr: DrStack;
}

/**
 * Stateless, DR region: what must run next to the DR region's keys. KMS is regional and the primary
 * VPC has no NAT and no endpoint for another region, so the rotation enforcer of the DR keys runs
 * here (HIPAA 164.312(a)(2)(iv)), with its own alert topic (alarm actions cannot cross regions) under
 * the audit-dr key, and its evidence in the DR evidence replica (write-once, audit-dr key).
 *
 * The DR region has no VPC by design (nothing but replicas and vaults lives there), so the function
 * runs outside any VPC; it calls KMS and S3 only, TLS and SigV4-signed, and logs key IDs and dates.
 */
export class DrOperationsStack extends Stack {
  /** Alerts of the DR region, to the same people as the primary security topic. */
  readonly securityTopic: sns.Topic;
  readonly keyRotation: KeyRotationEnforcer;

  constructor(scope: Construct, id: string, props: DrOperationsStackProps) {
    super(scope, id, props);
    const { config, dr } = props;

    this.securityTopic = new sns.Topic(this, 'SecurityTopic', {
      displayName: `${config.name} security alerts (DR region)`,
      masterKey: dr.auditDrKey,
      enforceSSL: true,
    });
    for (const email of [config.securityContactEmail, ...config.alerts.additionalEmails]) {
      this.securityTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    // The topic's policy (TLS only) replaces SNS's default one: alarms of this account and region must be
    // allowed to publish explicitly (the audit-dr key lets them encrypt for it).
    this.securityTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.securityTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*` },
        },
      }),
    );

    this.keyRotation = new KeyRotationEnforcer(this, 'KeyRotation', {
      deployment: config.name,
      functionName: keyRotationFunctionName(config.name, 'dr'),
      schedule: config.keys.rotationCheckSchedule,
      rotationPeriodDays: config.keys.rotationPeriodDays,
      // Every key behind alias/<name>/ in this region: one missing here fails each check (AccessDenied) and alarms.
      keyArns: [dr.phiDrKey.keyArn, dr.auditDrKey.keyArn, dr.backupDrKey.keyArn],
      evidenceBucket: dr.evidenceReplica.bucket,
      evidenceKey: dr.auditDrKey,
      placement: {
        outsideVpc: {
          reason:
            'the DR region has no VPC by design (only replicas, vaults and their keys live there), and KMS is regional: ' +
            'the primary VPC cannot reach this region without NAT. It calls KMS and S3 only, and holds and logs no PHI: ' +
            'key IDs, dates and counts.',
        },
      },
      encryptionKey: dr.auditDrKey,
      logRetentionDays: config.logs.retentionDays,
      alarmTopic: this.securityTopic,
    });

    // Six years of logs: a refactor must not orphan them for a new, empty group.
    pinLogicalId(this.keyRotation.handler.logGroup, 'KeyRotationLogGroup');
  }
}
