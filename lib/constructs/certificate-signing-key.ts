import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

import { CERTIFICATE_SIGNING_DATA_CLASS, deploymentNames, TAG } from '../vocabulary';
import { denyGrantsExceptForAwsResources } from './data-class-key';

/** Data-class tag of the signing key: not an erasable class, so crypto-erasure refuses it (spelled in the vocabulary). */
export { CERTIFICATE_SIGNING_DATA_CLASS };

/** The one algorithm certificates are signed with (ECC_NIST_P256 keys sign with ECDSA_SHA_256 only). */
export const CERTIFICATE_SIGNING_ALGORITHM = 'ECDSA_SHA_256';

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
 * roles named with `allowSigningBy`.
 *
 * No automatic rotation: KMS rotates symmetric encryption keys only. Both cdk-nag's
 * KMSBackingKeyRotationEnabled and Control Tower's CT.KMS.PR.1 exempt asymmetric keys, so nothing is
 * acknowledged. A replacement key is a new key with a new public key; certificates name the key ARN
 * that signed them.
 */
export class CertificateSigningKey extends Construct {
  readonly key: kms.Key;
  readonly aliasName: string;
  private signer?: string;

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
      removalPolicy: RemovalPolicy.RETAIN,
    });
    denyGrantsExceptForAwsResources(this.key);
    Tags.of(this.key).add(TAG.deployment, props.deployment);
    Tags.of(this.key).add(TAG.dataClass, CERTIFICATE_SIGNING_DATA_CLASS);
  }

  /**
   * Lets exactly the role `roleArn` (of this account) sign with the key, with ECDSA_SHA_256 only. The
   * role lives in a later stack than the key: a key policy that named it as principal would be refused
   * while the role does not exist yet (and, once accepted, would silently break if the role were
   * recreated), so the principal is `*`, narrowed to that role's ARN and this account. One signer per
   * key: a second call throws, so a certificate's signature always points at one function.
   */
  allowSigningBy(roleArn: string): void {
    if (this.signer !== undefined) {
      throw new Error(`${this.node.path}: the signing key already has its signer; one role signs certificates`);
    }
    this.signer = roleArn;
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSigningByTheCertificateSigner',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Sign'],
        resources: ['*'],
        conditions: {
          ArnEquals: { 'aws:PrincipalArn': roleArn },
          StringEquals: { 'kms:CallerAccount': stack.account, 'kms:SigningAlgorithm': CERTIFICATE_SIGNING_ALGORITHM },
        },
      }),
    );
  }
}
