/**
 * AWS services on the HIPAA Eligible Services Reference, keyed by CloudFormation namespace
 * (`AWS::<Namespace>::<Type>`).
 *
 * Source: https://aws.amazon.com/compliance/hipaa-eligible-services-reference/
 * Transcribed: 2026-11-22; Amazon Macie added 2026-12-06 (Amazon Inspector was already listed). Review this list whenever a new resource type enters the app; the guard
 * refuses anything not listed here, so a stale list fails closed (it refuses, never admits).
 *
 * Only the namespaces this kind of deployment plausibly uses are listed; adding a namespace needs
 * a check against the reference page above.
 */
export const HIPAA_ELIGIBLE_SERVICES: Readonly<Record<string, string>> = {
  ApiGateway: 'Amazon API Gateway',
  ApiGatewayV2: 'Amazon API Gateway',
  ApplicationAutoScaling: 'Application Auto Scaling (Amazon ECS service scaling)',
  Athena: 'Amazon Athena',
  Backup: 'AWS Backup',
  BackupGateway: 'AWS Backup',
  CertificateManager: 'AWS Certificate Manager',
  CloudFront: 'Amazon CloudFront',
  CloudTrail: 'AWS CloudTrail',
  CloudWatch: 'Amazon CloudWatch',
  Cognito: 'Amazon Cognito',
  Config: 'AWS Config',
  DynamoDB: 'Amazon DynamoDB',
  EC2: 'Amazon EC2 / Amazon VPC',
  ECR: 'Amazon Elastic Container Registry',
  ECS: 'Amazon Elastic Container Service',
  EFS: 'Amazon Elastic File System',
  ElasticLoadBalancingV2: 'Elastic Load Balancing',
  Events: 'Amazon EventBridge',
  Glue: 'AWS Glue',
  GuardDuty: 'Amazon GuardDuty',
  Inspector: 'Amazon Inspector',
  InspectorV2: 'Amazon Inspector',
  KMS: 'AWS Key Management Service',
  Lambda: 'AWS Lambda',
  Logs: 'Amazon CloudWatch Logs',
  Macie: 'Amazon Macie',
  RDS: 'Amazon RDS',
  Route53: 'Amazon Route 53',
  S3: 'Amazon S3',
  Scheduler: 'Amazon EventBridge Scheduler',
  SecretsManager: 'AWS Secrets Manager',
  SecurityHub: 'AWS Security Hub',
  SNS: 'Amazon SNS',
  SQS: 'Amazon SQS',
  SSM: 'AWS Systems Manager',
  StepFunctions: 'AWS Step Functions',
  WAFv2: 'AWS WAF',
};

/**
 * Namespaces that describe deployment machinery or identity configuration and never store or
 * process PHI, so HIPAA eligibility does not apply to them.
 */
export const NO_PHI_CONTROL_PLANE: Readonly<Record<string, string>> = {
  CDK: 'CDK metadata (no runtime resource)',
  CloudFormation: 'AWS CloudFormation (deployment engine; stores no PHI)',
  IAM: 'AWS Identity and Access Management (identities and policies; stores no PHI)',
  Organizations: 'AWS Organizations (service control policies in the management account; stores no PHI)',
  RAM: "AWS Resource Access Manager (shares the backup account's air-gapped vault with the workload account; holds resource ARNs and account IDs, no PHI)",
};

export type EligibilityVerdict =
  { readonly allowed: true; readonly service: string } | { readonly allowed: false; readonly reason: string };

/** Decides whether a CloudFormation resource type may appear in a PHI deployment. */
export function eligibilityOf(cfnType: string): EligibilityVerdict {
  const [vendor, namespace] = cfnType.split('::');
  if (cfnType.startsWith('Custom::') || cfnType === 'AWS::CloudFormation::CustomResource') {
    return { allowed: true, service: 'CloudFormation custom resource (backed by AWS Lambda)' };
  }
  if (vendor !== 'AWS' || !namespace) {
    return { allowed: false, reason: `${cfnType} is not an AWS resource type` };
  }
  const service = HIPAA_ELIGIBLE_SERVICES[namespace] ?? NO_PHI_CONTROL_PLANE[namespace];
  if (service) return { allowed: true, service };
  return {
    allowed: false,
    reason: `${cfnType} belongs to a service (AWS::${namespace}) that is not on AWS's HIPAA Eligible Services Reference as recorded in lib/compliance/hipaa-eligible-services.ts`,
  };
}
