/** Configuration of the two approval functions, from the environment the construct sets (APPROVAL_ENV). */
import { requireEnv } from '../shared/errors';

export const APPROVAL_ENV = {
  account: 'ACCOUNT_ID',
  approverRoleName: 'APPROVER_ROLE_NAME',
  /** Optional: both callers must be in this organization. */
  organizationId: 'ORGANIZATION_ID',
  stateMachineArn: 'STATE_MACHINE_ARN',
  evidenceBucket: 'EVIDENCE_BUCKET',
  evidenceKmsKeyArn: 'EVIDENCE_KMS_KEY_ARN',
  /** How long a request waits for its approval (the wait task's TimeoutSeconds). */
  requestExpirySeconds: 'REQUEST_EXPIRY_SECONDS',
} as const;

export interface ApprovalConfig {
  readonly account: string;
  readonly approverRoleName: string;
  readonly organizationId?: string;
  readonly stateMachineArn: string;
  readonly evidenceBucket: string;
  readonly evidenceKmsKeyArn: string;
  readonly requestExpirySeconds: number;
}

/** Reads every variable; a missing or malformed one is a deployment bug (throws, never approves). */
export function parseApprovalConfig(env: NodeJS.ProcessEnv): ApprovalConfig {
  const read = (name: string) => requireEnv(name, env);
  const config: ApprovalConfig = {
    account: read(APPROVAL_ENV.account),
    approverRoleName: read(APPROVAL_ENV.approverRoleName),
    ...(env[APPROVAL_ENV.organizationId] ? { organizationId: env[APPROVAL_ENV.organizationId] } : {}),
    stateMachineArn: read(APPROVAL_ENV.stateMachineArn),
    evidenceBucket: read(APPROVAL_ENV.evidenceBucket),
    evidenceKmsKeyArn: read(APPROVAL_ENV.evidenceKmsKeyArn),
    requestExpirySeconds: Number(read(APPROVAL_ENV.requestExpirySeconds)),
  };
  const problems: string[] = [];
  if (!/^\d{12}$/.test(config.account)) problems.push(`${APPROVAL_ENV.account} is not a 12-digit account ID`);
  if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+$/.test(config.stateMachineArn))
    problems.push(`${APPROVAL_ENV.stateMachineArn} is not a state machine ARN`);
  if (!Number.isInteger(config.requestExpirySeconds) || config.requestExpirySeconds <= 0)
    problems.push(`${APPROVAL_ENV.requestExpirySeconds} must be a positive whole number`);
  if (problems.length > 0) throw new Error(`erasure approval configuration: ${problems.join('; ')}`);
  return config;
}

/** The ARN of the execution named `name` of the state machine (deterministic: known before it starts). */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
