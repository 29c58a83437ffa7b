/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Duration, Stack, type App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { acknowledgedFindings, failedPlugins, openFindings, readValidationReport } from '../../lib/compliance/report';
import { CertificateSigningKey } from '../../lib/constructs/certificate-signing-key';
import { ERASABLE_DATA_CLASSES } from '../../lambda/shared/key-lifecycle-contract';
import { STACK_IDS } from '../../lib/vocabulary';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';
import { SHIPPED_CONFIGS } from '../helpers/config';
import { shippedAssembly } from '../helpers/shipped-assembly';

const ENV = { account: '111122223333', region: 'us-east-1' };
const SIGNER = 'arn:aws:iam::111122223333:role/crm-demo-crypto-erasure';

function build(app: App, use: (key: CertificateSigningKey) => void = (k) => k.allowSigningBy(SIGNER)) {
  const stack = new Stack(app, 'Keys', { env: ENV });
  const signing = new CertificateSigningKey(stack, 'Signing', { deployment: 'crm-demo', pendingWindow: Duration.days(14) });
  use(signing);
  return { stack, signing };
}

function setup(use?: (key: CertificateSigningKey) => void) {
  const { stack, signing } = build(projectApp({ context: TEMPLATE_ONLY }), use);
  const template = Template.fromStack(stack);
  const [[keyId, key]] = Object.entries(template.findResources('AWS::KMS::Key'));
  const statements: any[] = key.Properties.KeyPolicy.Statement;
  return { stack, signing, template, keyId, key, statements };
}

describe('CertificateSigningKey', () => {
  test('an ECC_NIST_P256 signing key, retained, with the configured pending window and no rotation (asymmetric)', () => {
    const { key } = setup();
    expect(key).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    expect(key.Properties).toMatchObject({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      PendingWindowInDays: 14,
      EnableKeyRotation: false,
    });
  });

  test('alias alias/<deployment>/certificate-signing', () => {
    const { template, keyId, signing } = setup();
    expect(signing.aliasName).toBe('alias/crm-demo/certificate-signing');
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/crm-demo/certificate-signing',
      TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  test('tagged with the deployment and a data class that crypto-erasure refuses', () => {
    const { key } = setup();
    expect(key.Properties.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'hipaa-crm:deployment', Value: 'crm-demo' },
        { Key: 'hipaa-crm:data-class', Value: 'certificate-signing' },
      ]),
    );
    expect(ERASABLE_DATA_CLASSES).not.toContain('certificate-signing');
  });

  test('key policy: the account root (IAM-delegated, e.g. kms:GetPublicKey for verifiers), the grant deny, and the one signer', () => {
    const { statements } = setup();
    expect(statements.map((s) => s.Sid ?? 'root')).toEqual([
      'root',
      'DenyGrantsExceptForAwsResources',
      'AllowSigningByTheCertificateSigner',
    ]);
    expect(statements[0]).toEqual({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 'kms:*',
      Resource: '*',
    });
    expect(statements[1]).toEqual({
      Sid: 'DenyGrantsExceptForAwsResources',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
  });

  test('allowSigningBy: kms:Sign for exactly that role of this account, ECDSA_SHA_256 only', () => {
    const { statements } = setup();
    expect(statements.find((s) => s.Sid === 'AllowSigningByTheCertificateSigner')).toEqual({
      Sid: 'AllowSigningByTheCertificateSigner',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:Sign',
      Resource: '*',
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': SIGNER },
        StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:SigningAlgorithm': 'ECDSA_SHA_256' },
      },
    });
  });

  test('without allowSigningBy nobody is granted signing in the key policy', () => {
    const { statements } = setup(() => undefined);
    expect(JSON.stringify(statements)).not.toContain('kms:Sign');
  });

  test('one signer: a second role is refused', () => {
    expect(() =>
      setup((k) => {
        k.allowSigningBy(SIGNER);
        k.allowSigningBy('arn:aws:iam::111122223333:role/someone-else');
      }),
    ).toThrow(/already has its signer/);
  });
});

/** Checked where it ships: in the Keys stack of each shipped config's whole app, with every rule pack. */
describe.each(SHIPPED_CONFIGS)('CertificateSigningKey compliance in %s', (file) => {
  test('passes every rule pack with nothing acknowledged (rotation rules exempt asymmetric keys)', () => {
    const { dir } = shippedAssembly(file);
    const keys = new CloudAssembly(dir).getStackArtifact(STACK_IDS.keys);
    const prefix = `/${STACK_IDS.keys}/Default/CertificateSigning/`;
    // The construct is where the filter looks: its key is in the checked template.
    expect(keys.findMetadataByType('aws:cdk:logicalId').map((m) => m.path)).toContain(`${prefix}Key/Resource`);
    const report = readValidationReport(dir);
    const ours = (f: { constructPath: string }) => `/${f.constructPath}`.startsWith(prefix);
    expect(failedPlugins(report)).toEqual([]);
    expect(openFindings(report).filter(ours)).toEqual([]);
    expect(acknowledgedFindings(report).filter(ours)).toEqual([]);
  });
});
