import { Duration, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

import { CERTIFICATE_SIGNING_DATA_CLASS, deploymentNames, TAG } from '../vocabulary';
import * as grants from './key-policy-grants';
import { STATEFUL_REMOVAL_POLICY } from '../compliance/retention';

/** Data-class tag of the signing key: not an erasable class, so crypto-erasure refuses it (spelled in the vocabulary). */
export { CERTIFICATE_SIGNING_DATA_CLASS };

/** The one algorithm certificates are signed with (defined with the signing grant that requires it). */
export { CERTIFICATE_SIGNING_ALGORITHM } from './key-policy-grants';

export interface CertificateSigningKeyProps {
  /** Deployment name: alias `alias/<deployment>/certificate-signing` and the deployment tag. */
  readonly deployment: string;
  /** Waiting period before the key, if scheduled for deletion, is destroyed (7-30 days). @default Duration.days(30) */
  readonly pendingWindow?: Duration;
}

/**
 * The asymmetric KMS key that signs certificates of destruction (HIPAA 164.310(d)(2)(i) disposal,
 * 164.312(c)(1) integrity): ECC_NIST_P256 for SIGN_VERIFY, so anyone holding the public key can check a
 * certificate offline, long after the erased keys are gone. Retained on stack deletion and never
 * crypto-erased (its data-class tag is not an erasable class): certificates must stay verifiable for
 * as long as the audit trail is kept.
 *
 * The key policy keeps CDK's account-root statement (IAM-delegated: any principal of the account that
 * an IAM policy allows may call `kms:GetPublicKey` or `kms:Verify`), denies grants except for AWS
 * resources (Control Tower CT.KMS.PR.3, as on every data-class key), and gives signing to exactly the
 * one role its consumer names with `allowSigningBy` (key-policy-grants.ts).
 *
 * No automatic rotation: KMS rotates symmetric encryption keys only. Both cdk-nag's
 * KMSBackingKeyRotationEnabled and Control Tower's CT.KMS.PR.1 exempt asymmetric keys, so nothing is
 * acknowledged. A replacement key is a new key with a new public key; certificates name the key ARN
 * that signed them.
 */
export class CertificateSigningKey extends Construct {
  readonly key: kms.Key;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: CertificateSigningKeyProps) {
    super(scope, id);
    this.aliasName = deploymentNames(props.deployment).keyAlias(CERTIFICATE_SIGNING_DATA_CLASS);
    this.key = new kms.Key(this, 'Key', {
      description: `${props.deployment} ${CERTIFICATE_SIGNING_DATA_CLASS}: signs certificates of destruction (never crypto-erased)`,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      // Asymmetric keys cannot rotate (KMS refuses EnableKeyRotation for them).
      enableKeyRotation: false,
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      alias: this.aliasName,
      removalPolicy: STATEFUL_REMOVAL_POLICY,
    });
    grants.denyGrantsExceptForAwsResources(this.key);
    Tags.of(this.key).add(TAG.deployment, props.deployment);
    Tags.of(this.key).add(TAG.dataClass, CERTIFICATE_SIGNING_DATA_CLASS);
  }

  /** Lets exactly the role `roleArn` sign with the key, ECDSA_SHA_256 only, one signer per key (`grants.allowSigningBy`). */
  allowSigningBy(roleArn: string): void {
    grants.allowSigningBy(this.key, roleArn);
  }
}
