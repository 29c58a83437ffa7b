/**
 * The profile gate: the sandbox profile exists to evaluate the project in an account that is thrown
 * away afterwards, so it drops the controls that keep data for years (Object Lock, Vault Lock,
 * retained keys and logs). A deployment that holds PHI must keep them (HIPAA 164.310(d)(2)(iv) data
 * backup and storage, 164.316(b)(2)(i) six-year retention), so the two are refused together.
 */

import { valueAt, type ConfigIssue } from './cross-field';

/** The deployment profiles. `production` is the default; see `lib/config/profile.ts` for `sandbox`. */
export const DEPLOYMENT_PROFILES = ['production', 'sandbox'] as const;
export type DeploymentProfile = (typeof DEPLOYMENT_PROFILES)[number];

/**
 * Returns the reasons the profile gate refuses this configuration (empty when it passes). Takes the raw
 * input: the gate runs even when other fields failed, so any value may be missing or of the wrong type.
 */
export function profileIssues(config: unknown): ConfigIssue[] {
  if (valueAt(config, 'profile') !== 'sandbox' || valueAt(config, 'holdsPhi') !== true) return [];
  return [
    {
      path: ['profile'],
      message:
        'sandbox is refused for a deployment that holds PHI (holdsPhi: true): it removes Object Lock, Vault Lock and ' +
        'the retention of keys, logs and backups that HIPAA 164.310(d)(2)(iv) and 164.316(b)(2)(i) require. ' +
        'Use profile "production" (the default), or a separate sandbox config with holdsPhi: false.',
    },
  ];
}
