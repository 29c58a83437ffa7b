/**
 * GuardDuty, Security Hub, AWS Config and Amazon Macie exist once per account and region. Where the deployment
 * creates one (its `detection` toggle is on) and the account already has one, the deploy fails; where
 * it creates none and the account has none, nothing watches the region.
 */
import {
  DescribeConfigurationRecordersCommand,
  DescribeDeliveryChannelsCommand,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import { ListDetectorsCommand, type GuardDutyClient } from '@aws-sdk/client-guardduty';
import { GetMacieSessionCommand, type Macie2Client } from '@aws-sdk/client-macie2';
import { DescribeHubCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { DetectiveServices } from './footprint';
import { errorName, fail, guarded, pass, warn, type CheckResult } from './result';

export interface DetectiveClients {
  readonly guardduty: GuardDutyClient;
  readonly securityhub: SecurityHubClient;
  readonly config: ConfigServiceClient;
  readonly macie: Macie2Client;
}

interface Service {
  readonly key: keyof DetectiveServices;
  readonly label: string;
  readonly permission: string;
  /** What the account already has in the region, described; undefined for nothing. */
  readonly existing: (clients: DetectiveClients) => Promise<string | undefined>;
  /** How to switch it on by hand where the deployment does not create it. */
  readonly enable: (region: string) => string;
}

const SERVICES: readonly Service[] = [
  {
    key: 'guardDuty',
    label: 'GuardDuty detector',
    permission: 'guardduty:ListDetectors',
    existing: async ({ guardduty }) => {
      const ids = (await guardduty.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
      return ids.length > 0 ? `detector ${ids.join(', ')}` : undefined;
    },
    enable: (region) => `aws guardduty create-detector --enable --region ${region}`,
  },
  {
    key: 'securityHub',
    label: 'Security Hub',
    permission: 'securityhub:DescribeHub',
    existing: async ({ securityhub }) => {
      try {
        const hub = await securityhub.send(new DescribeHubCommand({}));
        return `hub ${hub.HubArn ?? 'enabled'}`;
      } catch (e) {
        // An account that never enabled Security Hub is "not subscribed" (InvalidAccessException).
        if (['InvalidAccessException', 'ResourceNotFoundException'].includes(errorName(e))) return undefined;
        throw e;
      }
    },
    enable: (region) => `aws securityhub enable-security-hub --region ${region}`,
  },
  {
    key: 'config',
    label: 'AWS Config recorder',
    permission: 'config:DescribeConfigurationRecorders and config:DescribeDeliveryChannels',
    existing: async ({ config }) => {
      const recorders = (await config.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? [];
      const channels = (await config.send(new DescribeDeliveryChannelsCommand({}))).DeliveryChannels ?? [];
      const found = [...recorders.map((r) => `recorder ${r.name}`), ...channels.map((c) => `delivery channel ${c.name}`)];
      return found.length > 0 ? found.join(', ') : undefined;
    },
    enable: (region) => `set up AWS Config in ${region} (console: AWS Config, Get started; record all resource types)`,
  },
  {
    key: 'macie',
    label: 'Macie session',
    permission: 'macie2:GetMacieSession',
    existing: async ({ macie }) => {
      try {
        const session = await macie.send(new GetMacieSessionCommand({}));
        return `Macie ${session.status ?? 'enabled'}`;
      } catch (e) {
        // Macie answers an account where it was never enabled with AccessDeniedException "Macie is not
        // enabled" (not a missing permission: that one names the action).
        if (errorName(e) === 'AccessDeniedException' && /Macie is not enabled/i.test(String((e as Error).message))) {
          return undefined;
        }
        throw e;
      }
    },
    enable: (region) => `aws macie2 enable-macie --region ${region}`,
  },
];

const TOGGLES: Record<keyof DetectiveServices, string> = {
  guardDuty: 'guardDuty',
  securityHub: 'securityHub',
  config: 'config',
  macie: 'macie',
};

/**
 * `creates`: what the deployment's templates create in `region`. `togglesApply`: the `detection`
 * toggles decide this region's services (the primary region); elsewhere the deployment never creates them.
 */
export async function checkDetectiveServices(
  clients: DetectiveClients,
  region: string,
  creates: DetectiveServices,
  togglesApply: boolean,
  configPath: string,
): Promise<CheckResult[]> {
  const results = await Promise.all(
    SERVICES.map((s) =>
      guarded(region, `the ${s.label}`, s.permission, async () => {
        const existing = await s.existing(clients);
        const toggle = `detection.${TOGGLES[s.key]}`;
        if (creates[s.key]) {
          if (existing) {
            return fail(
              region,
              `${toggle} is on but the account already has a ${s.label} here (${existing}): a second one fails to deploy`,
              `set ${toggle} to false in ${configPath} (the existing one stays in use)`,
            );
          }
          return pass(region, `no ${s.label} yet: the deployment creates one (${toggle} on)`);
        }
        if (existing) return pass(region, `${s.label} already present (${existing}); the deployment creates none here`);
        return togglesApply
          ? warn(
              region,
              `${toggle} is off but the account has no ${s.label} here: nothing would watch the region`,
              `set ${toggle} to true in ${configPath}, or ${s.enable(region)}`,
            )
          : warn(region, `no ${s.label} in this region, and the deployment creates none here`, s.enable(region));
      }),
    ),
  );
  return results.flat();
}
