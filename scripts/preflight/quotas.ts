/**
 * Service quotas this deployment consumes that a fresh or busy account may not have room for: VPCs per
 * region (counting the VPCs already there), interface endpoints in its one VPC (it has no NAT gateway, so every AWS service the workload reaches is an
 * interface endpoint) and Fargate vCPUs for the CRM service at its maximum task count, during a rolling
 * deployment (which starts the new tasks before it stops the old ones). Elastic IPs and
 * NAT gateways are not used. A quota the account never changed reads as its AWS default.
 */
import { paginateDescribeVpcs, type EC2Client } from '@aws-sdk/client-ec2';
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
  /** How much of it is used already (for a per-region quota); 0 when not given. */
  readonly inUse?: number;
}

/**
 * VPCs per Region (default 5), service code `vpc`:
 * https://docs.aws.amazon.com/general/latest/gr/vpc-service.html
 */
export const VPCS_PER_REGION_QUOTA = { serviceCode: 'vpc', quotaCode: 'L-F678F1CE', label: 'VPCs per Region' } as const;

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
    const inUse = need.inUse ?? 0;
    const total = inUse + need.needed;
    const finding = `${what} is ${value}; ${need.inUse === undefined ? '' : `${inUse} in use and `}this deployment needs ${need.needed}`;
    if (value >= total) return pass(region, finding);
    return fail(
      region,
      finding,
      `aws service-quotas request-service-quota-increase --region ${region} --service-code ${need.serviceCode} --quota-code ${need.quotaCode} --desired-value ${total}`,
    );
  });
}

/** The CloudFormation tag on every resource a stack created. */
const STACK_NAME_TAG = 'aws:cloudformation:stack-name';

/**
 * Room for `needed` more VPCs in `region`: the VPCs there now (paginated DescribeVpcs) plus `needed`
 * against the VPCs-per-Region quota. VPCs of `ownedBy` (healthy stacks of this deployment) are its own
 * and not counted twice.
 */
export function checkVpcsPerRegion(
  serviceQuotas: ServiceQuotasClient,
  ec2: EC2Client,
  region: string,
  needed: number,
  ownedBy: readonly string[] = [],
): Promise<CheckResult[]> {
  return guarded(region, 'how many VPCs the region has', 'ec2:DescribeVpcs', async () => {
    let inUse = 0;
    for await (const page of paginateDescribeVpcs({ client: ec2 }, {})) {
      inUse += (page.Vpcs ?? []).filter(
        (v) => !ownedBy.includes(v.Tags?.find((t) => t.Key === STACK_NAME_TAG)?.Value ?? ''),
      ).length;
    }
    return checkQuota(serviceQuotas, region, { ...VPCS_PER_REGION_QUOTA, needed, inUse });
  });
}
