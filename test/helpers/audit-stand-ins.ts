import { Stack, type App } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { DeploymentConfig } from '../../lib/config/schema';
import { pinLogicalId } from '../../lib/constructs/logical-ids';
import { LOGICAL_IDS } from '../../lib/vocabulary';
import { projectApp } from './app';
import { TEMPLATE_ONLY } from './cfn-values';

/**
 * What the Audit stack receives from the Keys, Data and Identity stacks, as stand-ins in a stack of
 * their own in the config's account and primary region, so references cross stacks as in the app. The
 * stand-ins carry the pinned logical IDs of the real resources (`AuditKey`, `PhiKey`,
 * `PhiDocumentsBucket`, `UserPool`), so cross-stack references read the same as in the deployment.
 */
export function auditStandIns(config: DeploymentConfig, app: App = projectApp({ context: TEMPLATE_ONLY })) {
  const env = { account: config.account, region: config.regions.primary };
  const stack = new Stack(app, 'StandIns', { env });
  const auditKey = new kms.Key(stack, LOGICAL_IDS.keys.audit);
  const phiKey = new kms.Key(stack, LOGICAL_IDS.keys.phi);
  const phiBucket = new s3.Bucket(stack, LOGICAL_IDS.data.documentsBucket, {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: phiKey,
  });
  const userPool = new cognito.UserPool(stack, LOGICAL_IDS.identity.userPool, { featurePlan: cognito.FeaturePlan.PLUS });
  pinLogicalId(auditKey, LOGICAL_IDS.keys.audit);
  pinLogicalId(phiKey, LOGICAL_IDS.keys.phi);
  pinLogicalId(phiBucket, LOGICAL_IDS.data.documentsBucket);
  pinLogicalId(userPool, LOGICAL_IDS.identity.userPool);
  /** A stack next to the stand-ins (same account and region) for the capability under test. */
  const auditStack = (id = 'Audit') => new Stack(app, id, { env });
  return { app, env, stack, auditKey, phiKey, phiBucket, userPool, auditStack };
}
