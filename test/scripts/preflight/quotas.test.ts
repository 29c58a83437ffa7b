import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { checkQuota, checkVpcsPerRegion, INTERFACE_ENDPOINTS_QUOTA } from '../../../scripts/preflight/quotas';

const quotas = mockClient(ServiceQuotasClient);
afterEach(() => quotas.reset());
const check = (needed: number) => checkQuota(new ServiceQuotasClient({}), 'us-east-1', { ...INTERFACE_ENDPOINTS_QUOTA, needed });

test('an applied quota with room passes', async () => {
  quotas.on(GetServiceQuotaCommand, { ServiceCode: 'vpc', QuotaCode: 'L-29B6F2EB' }).resolves({ Quota: { Value: 50 } });
  expect((await check(11))[0]).toMatchObject({
    status: 'PASS',
    what: 'quota interface VPC endpoints per VPC (L-29B6F2EB) is 50; this deployment needs 11',
  });
});

test('a quota the account never changed reads as the AWS default', async () => {
  quotas.on(GetServiceQuotaCommand).rejects(Object.assign(new Error('none'), { name: 'NoSuchResourceException' }));
  quotas.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 50 } });
  expect((await check(11))[0].status).toBe('PASS');
});

test('a quota below the need fails with the increase request', async () => {
  quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
  expect((await check(11))[0]).toMatchObject({
    status: 'FAIL',
    fix: 'aws service-quotas request-service-quota-increase --region us-east-1 --service-code vpc --quota-code L-29B6F2EB --desired-value 11',
  });
});

test('access denied fails with the permission', async () => {
  quotas.on(GetServiceQuotaCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
  expect((await check(11))[0].what).toContain('missing permission servicequotas:GetServiceQuota');
});

describe('VPCs per Region: the VPCs already there plus the ones this deployment creates', () => {
  const ec2 = mockClient(EC2Client);
  afterEach(() => ec2.reset());
  const vpcs = (...stacks: (string | undefined)[]) =>
    stacks.map((s, i) => ({ VpcId: `vpc-${i}`, Tags: s ? [{ Key: 'aws:cloudformation:stack-name', Value: s }] : [] }));
  const checkVpcs = (owned: string[] = []) =>
    checkVpcsPerRegion(new ServiceQuotasClient({}), new EC2Client({}), 'us-east-1', 1, owned);

  test('every page of DescribeVpcs is counted; room for one more passes', async () => {
    ec2
      .on(DescribeVpcsCommand)
      .resolvesOnce({ Vpcs: vpcs(undefined, 'other'), NextToken: 't' })
      .resolves({ Vpcs: vpcs('x') });
    quotas.on(GetServiceQuotaCommand, { ServiceCode: 'vpc', QuotaCode: 'L-F678F1CE' }).resolves({ Quota: { Value: 5 } });
    expect(await checkVpcs()).toEqual([
      {
        status: 'PASS',
        scope: 'us-east-1',
        what: 'quota VPCs per Region (L-F678F1CE) is 5; 3 in use and this deployment needs 1',
      },
    ]);
    expect(ec2.commandCalls(DescribeVpcsCommand)).toHaveLength(2);
  });

  test('a full region fails with the increase request for in use + needed', async () => {
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: vpcs(undefined, 'a', 'b', 'c', 'd') });
    quotas.on(GetServiceQuotaCommand).rejects(Object.assign(new Error('none'), { name: 'NoSuchResourceException' }));
    quotas.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
    expect((await checkVpcs())[0]).toMatchObject({
      status: 'FAIL',
      fix: 'aws service-quotas request-service-quota-increase --region us-east-1 --service-code vpc --quota-code L-F678F1CE --desired-value 6',
    });
  });

  test("the VPC of this deployment's existing stack is its own, not counted twice", async () => {
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: vpcs(undefined, 'a', 'b', 'c', 'crm-demo-network') });
    quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
    expect((await checkVpcs(['crm-demo-network']))[0].status).toBe('PASS');
  });

  test('DescribeVpcs denied fails with ec2:DescribeVpcs, and no quota is read', async () => {
    ec2.on(DescribeVpcsCommand).rejects(Object.assign(new Error('no'), { name: 'UnauthorizedOperation' }));
    const [r] = await checkVpcs();
    expect(r).toMatchObject({ status: 'FAIL', what: expect.stringContaining('missing permission ec2:DescribeVpcs') });
    expect(quotas.calls()).toHaveLength(0);
  });
});
