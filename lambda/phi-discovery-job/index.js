'use strict';
/**
 * The handler of the `Custom::MaciePhiDiscoveryJob` custom resource (lib/constructs/phi-discovery.ts): the
 * scheduled Amazon Macie classification job that looks for PHI in the buckets where none may be.
 * CloudFormation has no classification job resource (the `AWS::Macie::*` types are the session, custom data
 * identifiers, allow lists, findings filters and members), so this calls the Macie API.
 *
 * Macie jobs cannot be changed once created, except their status
 * (https://docs.aws.amazon.com/macie/latest/APIReference/jobs-jobid.html). So:
 * - Create, and Update with a changed definition: create a job from `JobRequest` (a JSON string: custom
 *   resource properties reach the handler as strings) and return its ID as the physical ID. On an Update,
 *   CloudFormation then deletes the old physical ID, which cancels the old job.
 * - Delete: cancel the job. Its findings and results stay in Macie (evidence); a job already gone is fine.
 *
 * Plain CommonJS over the AWS SDK v3 that the Lambda Node.js runtime ships: no bundling needed.
 * Logs job IDs and names only; the job definition names buckets by tag, never objects.
 */
const { Macie2Client, CreateClassificationJobCommand, UpdateClassificationJobCommand } = require('@aws-sdk/client-macie2');

/** Creates the job of `request` (the CreateClassificationJob input without its token) and returns its ID. */
async function createJob({ client, request, clientToken, log = console.log }) {
  if (!request || typeof request.name !== 'string' || !request.s3JobDefinition) {
    throw new Error('the job request needs a name and an s3JobDefinition');
  }
  const response = await client.send(new CreateClassificationJobCommand({ ...request, clientToken }));
  if (!response.jobId) throw new Error(`Macie returned no job ID for ${request.name}`);
  log(`created Macie job ${request.name} (${response.jobId})`);
  return response.jobId;
}

/** Cancels job `jobId`; a job Macie no longer has is already gone. */
async function cancelJob({ client, jobId, log = console.log }) {
  try {
    await client.send(new UpdateClassificationJobCommand({ jobId, jobStatus: 'CANCELLED' }));
    log(`cancelled Macie job ${jobId}`);
  } catch (error) {
    if (error && error.name === 'ResourceNotFoundException') {
      log(`Macie job ${jobId} no longer exists`);
      return;
    }
    throw error;
  }
}

/** CloudFormation custom resource handler (CustomResourceProvider: the return value is the response). */
async function handler(event) {
  const client = new Macie2Client({});
  if (event.RequestType === 'Delete') {
    await cancelJob({ client, jobId: event.PhysicalResourceId });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const request = JSON.parse(event.ResourceProperties.JobRequest);
  if (event.RequestType === 'Update' && event.ResourceProperties.JobRequest === event.OldResourceProperties?.JobRequest) {
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  // The request ID is unique per CloudFormation request: a retried delivery creates no second job.
  const jobId = await createJob({ client, request, clientToken: event.RequestId });
  return { PhysicalResourceId: jobId };
}

module.exports = { createJob, cancelJob, handler };
