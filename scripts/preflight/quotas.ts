/**
 * Service quotas this deployment consumes that a fresh or busy account may not have room for: interface
 * endpoints in its one VPC (it has no NAT gateway, so every AWS service the workload reaches is an
 * interface endpoint) and Fargate vCPUs for the CRM service at its maximum task count, during a rolling
 * deployment (which starts the new tasks before it stops the old ones). Elastic IPs and
 * NAT gateways are not used. A quota the account never changed reads as its AWS default.
 */
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  type ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { errorName, fail, guarded, pass, type CheckResult } from './result';

export interface QuotaNeed {
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly label: string;
  /** How much of it this deployment uses. */
  readonly needed: number;
}

/** Interface VPC endpoints per VPC (default 50). */
export const INTERFACE_ENDPOINTS_QUOTA = {
  serviceCode: 'vpc',
  quotaCode: 'L-29B6F2EB',
  label: 'interface VPC endpoints per VPC',
} as const;
/** Fargate On-Demand vCPU resource count. */
export const FARGATE_VCPU_QUOTA = { serviceCode: 'fargate', quotaCode: 'L-3032A538', label: 'Fargate On-Demand vCPUs' } as const;

async function quotaValue(client: ServiceQuotasClient, need: QuotaNeed): Promise<number | undefined> {
  const input = { ServiceCode: need.serviceCode, QuotaCode: need.quotaCode };
  try {
    return (await client.send(new GetServiceQuotaCommand(input))).Quota?.Value;
  } catch (e) {
    // An account that never changed the quota has no applied value: the default applies.
    if (errorName(e) !== 'NoSuchResourceException') throw e;
    return (await client.send(new GetAWSDefaultServiceQuotaCommand(input))).Quota?.Value;
  }
}

export function checkQuota(client: ServiceQuotasClient, region: string, need: QuotaNeed): Promise<CheckResult[]> {
  const what = `quota ${need.label} (${need.quotaCode})`;
  return guarded(region, what, 'servicequotas:GetServiceQuota and servicequotas:GetAWSDefaultServiceQuota', async () => {
    const value = await quotaValue(client, need);
    if (value === undefined) throw new Error(`Service Quotas returned no value for ${need.serviceCode}/${need.quotaCode}`);
    if (value >= need.needed) return pass(region, `${what} is ${value}; this deployment needs ${need.needed}`);
    return fail(
      region,
      `${what} is ${value}; this deployment needs ${need.needed}`,
      `aws service-quotas request-service-quota-increase --region ${region} --service-code ${need.serviceCode} --quota-code ${need.quotaCode} --desired-value ${need.needed}`,
    );
  });
}
