/**
 * The BAA gate. HIPAA 45 CFR 164.308(b)(1) and 164.314(a): a covered entity may let a business
 * associate (here AWS) create, receive, maintain or transmit ePHI only under a Business Associate
 * Agreement. A deployment that says it holds PHI must therefore record the executed agreement
 * before synth will produce anything that could store PHI.
 */
import { isRecord, stringAt, valueAt, type ConfigIssue } from './cross-field';

/**
 * Returns the reasons the BAA gate refuses this configuration (empty when it passes). Takes the raw
 * input: the gate runs even when other fields failed, so any value may be missing or of the wrong type.
 */
export function baaGateIssues(config: unknown, today: Date = new Date()): ConfigIssue[] {
  if (valueAt(config, 'holdsPhi') !== true) return [];
  const baa = valueAt(config, 'baa');
  if (baa === undefined || baa === null) {
    return [
      {
        path: ['baa'],
        message:
          'this deployment is marked holdsPhi: true but records no executed Business Associate Agreement. ' +
          'HIPAA (45 CFR 164.308(b)) requires a BAA with AWS before any PHI is stored: accept the AWS BAA in AWS Artifact, ' +
          'then record it here as { "reference": "<agreement id>", "executedOn": "YYYY-MM-DD" }.',
      },
    ];
  }
  // A `baa` that is not an object is refused by its own type check.
  const executedOnText = isRecord(baa) ? stringAt(baa, 'executedOn') : undefined;
  const executedOn = executedOnText ? Date.parse(`${executedOnText}T00:00:00Z`) : NaN;
  if (!Number.isNaN(executedOn) && executedOn > today.getTime()) {
    return [
      {
        path: ['baa', 'executedOn'],
        message: `is in the future (${executedOnText}): PHI may only be stored once the BAA is executed.`,
      },
    ];
  }
  return [];
}
