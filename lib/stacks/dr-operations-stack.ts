import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { DrKeyLifecycle, drKeyLifecycleSettings } from '../capabilities/key-lifecycle';
import { SecurityNotifications, securityNotificationsSettings } from '../capabilities/security-notifications';
import type { DeploymentConfig } from '../config/schema';
import { PhiInLogsAlarm } from '../constructs/log-data-protection';
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
  readonly phiInLogsAlarm: PhiInLogsAlarm;

  constructor(scope: Construct, id: string, props: DrOperationsStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.securityTopic = new SecurityNotifications(this, 'SecurityTopic', {
      ...securityNotificationsSettings(config, 'dr'),
      encryptionKey: props.auditDrKey,
    }).topic;

    this.keyLifecycle = new DrKeyLifecycle(this, 'KeyLifecycle', {
      ...drKeyLifecycleSettings(config),
      partsScope: this,
      keys: [props.phiDrKey, props.auditDrKey, props.backupDrKey],
      evidenceBucket: props.evidenceBucket,
      auditKey: props.auditDrKey,
      alarmTopic: this.securityTopic,
    });

    // The DR region's log groups carry the same data protection policy; its findings alarm here.
    this.phiInLogsAlarm = new PhiInLogsAlarm(this, 'PhiInLogs', {
      topic: this.securityTopic,
      alarmName: deploymentNames(config.name).phiInLogsAlarm,
    });
  }
}
