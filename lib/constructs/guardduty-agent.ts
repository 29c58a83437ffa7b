/**
 * Where GuardDuty keeps its Runtime Monitoring agent for ECS on Fargate: an ECR repository of a
 * GuardDuty-owned account, one per region. With automated agent management, GuardDuty adds the agent
 * as a sidecar to every task, pulled with the task's execution role; that role must be allowed to pull
 * it (https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-ecs-support.html), and
 * may be limited to the agent's repository
 * (https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring-ecr-repository-gdu-agent.html).
 * The accounts below are those of
 * https://docs.aws.amazon.com/guardduty/latest/ug/ecs-runtime-agent-ecr-image-uri.html (2026-12-06).
 */
const AGENT_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '593207742271',
  'us-east-2': '307168627858',
  'us-west-1': '684579721401',
  'us-west-2': '733349766148',
  'ca-central-1': '354763396469',
  'sa-east-1': '758426053663',
  'eu-west-1': '694911143906',
  'eu-west-2': '892757235363',
  'eu-west-3': '665651866788',
  'eu-north-1': '591436053604',
  'eu-central-1': '323658145986',
  'eu-central-2': '529164026651',
  'me-central-1': '000014521398',
  'ap-south-1': '251508486986',
  'ap-south-2': '950823858135',
  'ap-southeast-1': '174946120834',
  'ap-southeast-2': '005257825471',
};

const AGENT_REPOSITORY = 'aws-guardduty-agent-fargate';

/** The ARN of the GuardDuty Fargate agent's repository in `region`; throws for a region not listed above. */
export function guardDutyFargateAgentRepositoryArn(region: string): string {
  const account = AGENT_ACCOUNTS[region];
  if (!account) {
    throw new Error(
      `The GuardDuty Runtime Monitoring agent repository of ${region} is not known to this project: add its account ` +
        'to lib/constructs/guardduty-agent.ts from https://docs.aws.amazon.com/guardduty/latest/ug/ecs-runtime-agent-ecr-image-uri.html ' +
        `(regions known: ${Object.keys(AGENT_ACCOUNTS).join(', ')}).`,
    );
  }
  return `arn:aws:ecr:${region}:${account}:repository/${AGENT_REPOSITORY}`;
}
