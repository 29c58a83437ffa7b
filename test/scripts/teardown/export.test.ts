import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { formatExportStep, resolvePhiBucket } from '../../../scripts/teardown/export';
import { ACCOUNT, mockDeployment, NOW, PHI_BUCKET, REGION, type Mocks } from './fixtures';

let mocks: Mocks;
beforeEach(() => {
  mocks = mockDeployment();
});
afterEach(() => mocks.restore());

const input = { deployment: 'crm-demo', region: REGION, account: ACCOUNT, partition: 'aws', now: NOW };

test('reads the PHI bucket from the Data stack by its pinned logical ID', async () => {
  await expect(resolvePhiBucket(new CloudFormationClient({ region: REGION }), 'crm-demo')).resolves.toBe(PHI_BUCKET);
  expect(mocks.cfn.commandCalls(DescribeStackResourceCommand)[0].args[0].input).toEqual({
    StackName: 'crm-demo-data',
    LogicalResourceId: 'PhiDocumentsBucket',
  });
});

test('an unreadable Data stack leaves a placeholder and says where the name is, instead of failing the plan', async () => {
  mocks.cfn.on(DescribeStackResourceCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
  expect(await resolvePhiBucket(new CloudFormationClient({ region: REGION }), 'crm-demo')).toBeUndefined();
  const text = formatExportStep(input);
  expect(text).toMatch('aws s3 sync s3://<PHI_DOCUMENTS_BUCKET> s3://<CUSTOMER_BUCKET>/crm-demo/documents');
  expect(text).toMatch('could not be read from stack crm-demo-data: see its PhiDocumentsBucket resource');
});

test('the database export targets the final snapshot of <name>-crm, in the deployment region and partition', () => {
  const text = formatExportStep({ ...input, phiBucket: PHI_BUCKET, region: 'us-gov-west-1', partition: 'aws-us-gov' });
  expect(text).toMatch(
    'aws rds create-db-snapshot --region us-gov-west-1 --db-instance-identifier crm-demo-crm --db-snapshot-identifier crm-demo-crm-final-20260301',
  );
  expect(text).toMatch('--source-arn arn:aws-us-gov:rds:us-gov-west-1:111122223333:snapshot:crm-demo-crm-final-20260301');
  expect(text).toMatch(
    /describe-db-snapshots .* --db-instance-identifier crm-demo-crm --query "reverse\(sort_by\(DBSnapshots\[\?Status=='available'\]/,
  );
  expect(text).not.toMatch('could not be read');
});
