import * as path from 'path';
import {
  ArnFormat,
  CustomResource,
  CustomResourceProvider,
  CustomResourceProviderRuntime,
  Duration,
  Stack,
  type CfnResource,
} from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import { Construct } from 'constructs';
import { acknowledgeProviderOutsideVpc, dropRedundantRoleDependency } from './provider-handler';

/** CloudFormation type of the custom resource that empties a disposable vault before its deletion. */
export const VAULT_EMPTIER_RESOURCE_TYPE = 'Custom::BackupVaultEmptier';

/**
 * The handler lists and waits for at most 12 minutes (lambda/vault-emptier/index.js), below the Lambda
 * maximum of 15, so it reports what remains instead of timing out.
 */
const HANDLER_TIMEOUT = Duration.minutes(14);

export interface VaultEmptierProps {
  /** The disposable (sandbox) vault to empty when this resource is deleted. */
  readonly vault: backup.BackupVault;
}

/**
 * Sandbox profile only (a disposable LockedBackupVault): AWS Backup refuses to delete a vault that still
 * holds recovery points, so `cdk destroy --all` could not delete the vaults. This custom resource depends
 * on its vault, so CloudFormation deletes it first, and its Delete handler deletes every recovery point
 * of the vault and waits until the vault is empty.
 *
 * One `CustomResourceProvider` Lambda per stack (like CDK's `Custom::S3AutoDeleteObjects`): no VPC
 * option, no bundling (plain CommonJS over the runtime's AWS SDK v3).
 */
export class VaultEmptier extends Construct {
  readonly resource: CustomResource;
  readonly provider: CustomResourceProvider;

  constructor(scope: Construct, id: string, props: VaultEmptierProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.provider = CustomResourceProvider.getOrCreateProvider(this, VAULT_EMPTIER_RESOURCE_TYPE, {
      codeDirectory: path.join(__dirname, '..', '..', 'lambda', 'vault-emptier'),
      // The line of the project's own functions (FUNCTION_RUNTIME).
      runtime: CustomResourceProviderRuntime.NODEJS_24_X,
      timeout: HANDLER_TIMEOUT,
      description: `Sandbox only: deletes the recovery points of a disposable AWS Backup vault when its stack is deleted`,
    });
    for (const statement of VaultEmptier.policyStatements(stack, props.vault)) this.provider.addToRolePolicy(statement);

    this.resource = new CustomResource(this, 'Resource', {
      resourceType: VAULT_EMPTIER_RESOURCE_TYPE,
      serviceToken: this.provider.serviceToken,
      properties: { BackupVaultName: props.vault.backupVaultName },
    });
    // Its BackupVaultName (a GetAtt of the vault) makes it depend on the vault: created after it, deleted
    // before it. A DependsOn would repeat that (cfn-lint W3005).
    const handler = this.provider.node.findChild('Handler') as CfnResource;
    // Likewise CDK's DependsOn of the handler on its role, whose ARN the handler already reads.
    dropRedundantRoleDependency(handler);
    acknowledgeProviderOutsideVpc(
      handler,
      'Handler that empties the disposable AWS Backup vault of this stack when the stack is deleted, created only in the ' +
        'sandbox profile (holdsPhi: false, refused with PHI). It runs only during CloudFormation deletions and calls only ' +
        "the AWS Backup API on this stack's vault.",
    );
  }

  /** What the handler's role may do: list and delete the recovery points of this vault only. */
  static policyStatements(stack: Stack, vault: backup.BackupVault): Record<string, unknown>[] {
    return [
      { Effect: 'Allow', Action: ['backup:ListRecoveryPointsByBackupVault'], Resource: vault.backupVaultArn },
      {
        // DeleteRecoveryPoint takes the recoveryPoint resource type, whose ARN names no vault
        // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html; ARN format
        // as in https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DeleteRecoveryPoint.html). The
        // request names this vault, and the handler lists this vault only.
        Effect: 'Allow',
        Action: ['backup:DeleteRecoveryPoint'],
        Resource: stack.formatArn({
          service: 'backup',
          resource: 'recovery-point',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
      {
        // An EXPIRED recovery point can only be deleted by a role allowed to create AWS Backup's
        // service-linked role (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DeleteRecoveryPoint.html,
        // "Troubleshooting manual deletions").
        Effect: 'Allow',
        Action: ['iam:CreateServiceLinkedRole'],
        Resource: stack.formatArn({
          service: 'iam',
          region: '',
          resource: 'role',
          resourceName: 'aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup',
        }),
        Condition: { StringEquals: { 'iam:AWSServiceName': 'backup.amazonaws.com' } },
      },
    ];
  }
}
