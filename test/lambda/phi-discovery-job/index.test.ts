import {
  CreateClassificationJobCommand,
  Macie2Client,
  ResourceNotFoundException,
  AccessDeniedException,
  UpdateClassificationJobCommand,
} from '@aws-sdk/client-macie2';
import { mockClient } from 'aws-sdk-client-mock';

const macie = mockClient(Macie2Client);
/** The commands sent, in order, as `{ command, input }`. */
const sent = () =>
  macie.calls().map((c) => ({ command: c.args[0].constructor.name.replace(/Command$/, ''), input: c.args[0].input }));

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../../../lambda/phi-discovery-job/index.js') as {
  handler: (event: Record<string, unknown>) => Promise<{ PhysicalResourceId: string }>;
};

const REQUEST = {
  name: 'crm-demo-phi-discovery-0123abcd',
  jobType: 'SCHEDULED',
  samplingPercentage: 100,
  s3JobDefinition: { bucketCriteria: { includes: { and: [] } } },
};
const event = (RequestType: string, extra: Record<string, unknown> = {}) => ({
  RequestType,
  RequestId: 'req-1',
  ResourceProperties: { JobRequest: JSON.stringify(REQUEST) },
  ...extra,
});

beforeEach(() => {
  macie.reset();
  macie.on(CreateClassificationJobCommand).resolves({ jobId: 'job-new' });
  macie.on(UpdateClassificationJobCommand).resolves({});
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

describe('phi-discovery-job handler', () => {
  test('Create creates the job of the request (numbers intact), idempotent per request, and returns its ID', async () => {
    await expect(handler(event('Create'))).resolves.toEqual({ PhysicalResourceId: 'job-new' });
    expect(sent()).toEqual([{ command: 'CreateClassificationJob', input: { ...REQUEST, clientToken: 'req-1' } }]);
  });

  test('Update with a new definition creates a new job (CloudFormation then deletes, so cancels, the old one)', async () => {
    const old = { JobRequest: JSON.stringify({ ...REQUEST, name: 'crm-demo-phi-discovery-old' }) };
    await expect(handler(event('Update', { PhysicalResourceId: 'job-old', OldResourceProperties: old }))).resolves.toEqual({
      PhysicalResourceId: 'job-new',
    });
    expect(sent().map((s) => s.command)).toEqual(['CreateClassificationJob']);
  });

  test('Update with the same definition keeps the job', async () => {
    const same = { JobRequest: JSON.stringify(REQUEST) };
    await expect(handler(event('Update', { PhysicalResourceId: 'job-old', OldResourceProperties: same }))).resolves.toEqual({
      PhysicalResourceId: 'job-old',
    });
    expect(sent()).toEqual([]);
  });

  test('Delete cancels the job; a job Macie no longer has is fine; any other error fails', async () => {
    await expect(handler(event('Delete', { PhysicalResourceId: 'job-old' }))).resolves.toEqual({ PhysicalResourceId: 'job-old' });
    expect(sent()).toEqual([{ command: 'UpdateClassificationJob', input: { jobId: 'job-old', jobStatus: 'CANCELLED' } }]);

    macie.on(UpdateClassificationJobCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(handler(event('Delete', { PhysicalResourceId: 'job-old' }))).resolves.toEqual({ PhysicalResourceId: 'job-old' });

    macie.on(UpdateClassificationJobCommand).rejects(new AccessDeniedException({ message: 'denied', $metadata: {} }));
    await expect(handler(event('Delete', { PhysicalResourceId: 'job-old' }))).rejects.toThrow('denied');
  });

  test('a request without a name or job definition is refused before any call; so is an answer without a job ID', async () => {
    await expect(handler(event('Create', { ResourceProperties: { JobRequest: '{"name":"x"}' } }))).rejects.toThrow(
      /needs a name/,
    );
    expect(sent()).toEqual([]);
    macie.on(CreateClassificationJobCommand).resolves({});
    await expect(handler(event('Create'))).rejects.toThrow(/no job ID/);
  });
});
