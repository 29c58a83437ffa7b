'use strict';
/**
 * The handler of the `Custom::InspectorScanning` custom resource (lib/constructs/vulnerability-scanning.ts):
 * turns on Amazon Inspector scanning of this account's ECR images and Lambda functions. CloudFormation has no
 * resource that enables Inspector for an account (the `AWS::InspectorV2::*` types configure filters, CIS scans
 * and code-security integrations of an account where it is already on), so this calls `inspector2:Enable`.
 *
 * Create and Update enable the scan types (Enable is idempotent: a type already on stays on). Delete does
 * NOTHING on purpose: Inspector is an account-wide service that other workloads or the organisation may rely on,
 * and disabling it deletes its findings, which are evidence of the vulnerability program.
 *
 * Plain CommonJS over the AWS SDK v3 that the Lambda Node.js runtime ships: no bundling needed.
 * Logs the account ID and scan types only.
 */
const { Inspector2Client, EnableCommand } = require('@aws-sdk/client-inspector2');

/**
 * Enables `resourceTypes` for this account (no `accountIds`: the caller's own account). Inspector reports a
 * refusal per account in `failedAccounts` with a 200 response, so that list is checked too: a scan type that did
 * not turn on fails the deployment instead of passing silently.
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_Enable.html
 */
async function enableScanning({ client, resourceTypes, clientToken, log = console.log }) {
  if (!Array.isArray(resourceTypes) || resourceTypes.length === 0) {
    throw new Error('no Inspector resource types to enable');
  }
  const response = await client.send(new EnableCommand({ resourceTypes, clientToken }));
  const failed = response.failedAccounts ?? [];
  if (failed.length > 0) {
    const reasons = failed.map((f) => `${f.accountId}: ${f.errorCode} ${f.errorMessage ?? ''}`.trim());
    throw new Error(`Inspector did not enable ${resourceTypes.join(', ')}: ${reasons.join('; ')}`);
  }
  for (const account of response.accounts ?? []) {
    log(`Inspector ${resourceTypes.join(', ')} for account ${account.accountId}: ${account.status}`);
  }
  return { accounts: (response.accounts ?? []).map((a) => a.accountId) };
}

/** CloudFormation custom resource handler (CustomResourceProvider: the return value is the response). */
async function handler(event) {
  const physicalId = event.PhysicalResourceId ?? `inspector2-${event.ResourceProperties.Account}`;
  if (event.RequestType === 'Create' || event.RequestType === 'Update') {
    await enableScanning({
      client: new Inspector2Client({}),
      resourceTypes: event.ResourceProperties.ResourceTypes,
      // At most 64 characters; a retried request of the same event is not enabled twice.
      clientToken: event.RequestId.slice(0, 64),
    });
  }
  // Delete: Inspector stays on (see above).
  return { PhysicalResourceId: physicalId };
}

module.exports = { enableScanning, handler };
