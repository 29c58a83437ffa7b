import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { checkQuota, INTERFACE_ENDPOINTS_QUOTA } from '../../../scripts/preflight/quotas';

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
