import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { DrKeyLifecycle, drKeyLifecycleSettings } from '../capabilities/key-lifecycle';
import type { DeploymentConfig } from '../config/schema';
import { deploymentNames } from '../vocabulary';

export interface DrOperationsStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** The DR region's keys (Dr stack): each is checked by the rotation enforcer. */
  readonly phiDrKey: kms.IKey;
  readonly auditDrKey: kms.IKey;
  readonly backupDrKey: kms.IKey;
  /** The DR evidence replica (Dr stack, write-once, audit-dr key): the enforcer's evidence. */
  readonly evidenceBucket: s3.IBucket;
}

/**
 * Stateless, DR region: what must run next to the DR region's keys (`DrKeyLifecycle`), with its own
 * alert topic under the audit-dr key: alarm actions cannot cross regions. The capability builds its parts
 * in this stack itself (`partsScope`), where they were deployed before it existed.
 */
export class DrOperationsStack extends Stack {
  /** Alerts of the DR region, to the same people as the primary security topic. */
  readonly securityTopic: sns.Topic;
  readonly keyLifecycle: DrKeyLifecycle;

  constructor(scope: Construct, id: string, props: DrOperationsStackProps) {
    super(scope, id, props);
    const { config } = props;

    // To be replaced by the SecurityNotifications capability of the Audit stack.
    this.securityTopic = new sns.Topic(this, 'SecurityTopic', {
      displayName: deploymentNames(config.name).drSecurityTopicDisplayName,
      masterKey: props.auditDrKey,
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

    this.keyLifecycle = new DrKeyLifecycle(this, 'KeyLifecycle', {
      ...drKeyLifecycleSettings(config),
      partsScope: this,
      keys: [props.phiDrKey, props.auditDrKey, props.backupDrKey],
      evidenceBucket: props.evidenceBucket,
      auditKey: props.auditDrKey,
      alarmTopic: this.securityTopic,
    });
  }
}
