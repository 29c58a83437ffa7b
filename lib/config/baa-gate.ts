/**
 * The BAA gate. HIPAA 45 CFR 164.308(b)(1) and 164.314(a): a covered entity may let a business
 * associate (here AWS) create, receive, maintain or transmit ePHI only under a Business Associate
 * Agreement. A deployment that says it holds PHI must therefore record the executed agreement
 * before synth will produce anything that could store PHI.
 */
export interface BaaGateInput {
  readonly holdsPhi?: boolean;
  readonly baa?: { readonly reference?: string; readonly executedOn?: string };
}

export interface BaaGateIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Returns the reasons the BAA gate refuses this configuration (empty when it passes). */
export function baaGateIssues(config: BaaGateInput, today: Date = new Date()): BaaGateIssue[] {
  if (config.holdsPhi !== true) return [];
  if (!config.baa) {
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
  const executedOn = config.baa.executedOn ? Date.parse(`${config.baa.executedOn}T00:00:00Z`) : NaN;
  if (!Number.isNaN(executedOn) && executedOn > today.getTime()) {
    return [
      {
        path: ['baa', 'executedOn'],
        message: `is in the future (${config.baa.executedOn}): PHI may only be stored once the BAA is executed.`,
      },
    ];
  }
  return [];
}
