import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { CertificateSigningKey } from '../../lib/constructs/certificate-signing-key';
import { CryptoErasure, type CryptoErasureProps } from '../../lib/constructs/crypto-erasure';
import { projectApp } from './app';
import { TEMPLATE_ONLY } from './cfn-values';

/** Any existing handler: bundling is skipped, and the erasure code itself is tested under test/lambda. */
const ENTRY = path.join(__dirname, '..', '..', 'lambda', 'session-revocation', 'index.ts');
export const CRYPTO_ERASURE_ENV = { account: '111122223333', region: 'us-east-1' };
export const VAULT_ARN = 'arn:aws:backup:us-east-1:111122223333:backup-vault:crm-demo-backup-vault';
export const DR_VAULT_ARN = 'arn:aws:backup:us-west-2:111122223333:backup-vault:crm-demo-backup-vault-dr';

/**
 * `CryptoErasure` in an Ops stack of a new app (templates only), next to a Keys stack holding what it
 * receives: the audit key, the signing key, the evidence bucket and the security topic.
 */
export function cryptoErasureStandIns(overrides: Partial<CryptoErasureProps> = {}) {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const env = CRYPTO_ERASURE_ENV;
  const keys = new Stack(app, 'Keys', { env });
  const auditKey = new kms.Key(keys, 'AuditKey', { enableKeyRotation: true });
  const signing = new CertificateSigningKey(keys, 'Signing', { deployment: 'crm-demo' });
  const evidence = new s3.Bucket(keys, 'Evidence', { encryption: s3.BucketEncryption.KMS, encryptionKey: auditKey });
  const topic = new sns.Topic(keys, 'Topic', { masterKey: auditKey });
  const ops = new Stack(app, 'Ops', { env });
  const erasure = new CryptoErasure(ops, 'CryptoErasure', {
    deployment: 'crm-demo',
    functionName: 'crm-demo-crypto-erasure',
    regions: { primary: 'us-east-1', dr: 'us-west-2' },
    account: ops.account,
    pendingWindowDays: 30,
    evidenceBucket: evidence,
    evidenceKey: auditKey,
    signingKey: signing.key,
    securityTopic: topic,
    backupVault: { name: 'crm-demo-backup-vault', arn: VAULT_ARN },
    drBackupVault: { name: 'crm-demo-backup-vault-dr', arn: DR_VAULT_ARN },
    auditKey,
    logRetentionDays: 2192,
    entry: ENTRY,
    ...overrides,
  });
  return { app, keys, ops, erasure, auditKey, signing, evidence, topic };
}

/** A state machine definition as JSON, references written `<...>`. */
export interface StateMachineDefinition {
  readonly StartAt: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the definition is untyped JSON, read deep inside
  readonly States: Record<string, any>;
}

/** The crypto-erasure state machine's definition in `stack`, as JSON with references written `<...>`. */
export function erasureDefinition(stack: Stack, erasure: CryptoErasure): StateMachineDefinition {
  const resolved = stack.resolve((erasure.stateMachine.node.defaultChild as sfn.CfnStateMachine).definitionString);
  const parts: unknown[] = typeof resolved === 'string' ? [resolved] : resolved['Fn::Join'][1];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const ref = p as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::ImportValue'?: unknown };
      if (ref.Ref) return `<${ref.Ref}>`;
      if (ref['Fn::GetAtt']) return `<${ref['Fn::GetAtt'].join('.')}>`;
      if (ref['Fn::ImportValue']) return `<export:${String(ref['Fn::ImportValue']).split(':').pop()}>`;
      throw new Error(`unexpected part ${JSON.stringify(p)}`);
    })
    .join('');
  return JSON.parse(text) as StateMachineDefinition;
}
