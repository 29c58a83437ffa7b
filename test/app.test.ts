import { PHI_IN_LOGS_QUERY, PHI_LOG_POLICY_NAME } from '../lib/constructs/log-data-protection';
import { deploymentNames, LOGICAL_IDS } from '../lib/vocabulary';
import { ALL_SHIPPED_CONFIGS } from './helpers/config';
import { shippedAssembly, shippedStacks, type ShippedStack } from './helpers/shipped-assembly';

type Tag = { Key: string; Value: string };

/** The Tags of every resource in `stack` that has tags (tags are applied by an aspect at synth). */
function resourceTags(stack: ShippedStack): Tag[][] {
  return Object.values(stack.template.Resources)
    .map((r) => r.Properties?.Tags)
    .filter((t): t is Tag[] => Array.isArray(t));
}

/** The stacks by construct ID, and in the order the app builds them. */
function stacksOf(file: string): { all: ShippedStack[]; byId: Record<string, ShippedStack> } {
  const all = shippedStacks(shippedAssembly(file));
  return { all, byId: Object.fromEntries(all.map((s) => [s.id, s])) };
}

describe('the deployment as a whole', () => {
  const demo = stacksOf('config/demo.json');
  const production = stacksOf('config/production.example.json');
  const dependencies = (s: ShippedStack) => s.artifact.dependencies.map((d) => d.id);

  test('the demo says in every stack description and on every tagged resource that it holds no PHI', () => {
    expect(demo.all).toHaveLength(10);
    for (const stack of demo.all) {
      expect(stack.template.Description).toMatch(/Holds NO PHI \(holdsPhi: false\)/);
      const tagged = resourceTags(stack);
      expect(tagged.length).toBeGreaterThan(0);
      for (const tags of tagged) expect(tags).toContainEqual({ Key: 'hipaa-crm:holds-phi', Value: 'false' });
    }
  });

  test('a PHI deployment names its BAA in every stack description and tags its resources as holding PHI', () => {
    expect(production.all).toHaveLength(10);
    for (const stack of production.all) {
      expect(stack.template.Description).toMatch(/Holds PHI under BAA AWS-BAA-ARTIFACT-EXAMPLE-0001/);
      for (const tags of resourceTags(stack)) {
        expect(tags).toEqual(
          expect.arrayContaining([
            { Key: 'hipaa-crm:holds-phi', Value: 'true' },
            { Key: 'hipaa-crm:deployment', Value: 'acme-crm-prod' },
          ]),
        );
      }
    }
  });

  test('stacks are named after the deployment, pinned to its account, and the DR stack is in the DR region', () => {
    expect(production.all.map((s) => s.artifact.stackName)).toEqual([
      'acme-crm-prod-keys',
      'acme-crm-prod-network',
      'acme-crm-prod-data',
      'acme-crm-prod-dr',
      'acme-crm-prod-dr-operations',
      'acme-crm-prod-backup',
      'acme-crm-prod-audit',
      'acme-crm-prod-identity',
      'acme-crm-prod-app',
      'acme-crm-prod-operations',
    ]);
    const { Dr, DrOperations } = production.byId;
    expect(Dr.artifact.environment.region).toBe('us-west-2');
    expect(DrOperations.artifact.environment.region).toBe('us-west-2');
    for (const s of production.all.filter((x) => x !== Dr && x !== DrOperations)) {
      expect(s.artifact.environment.region).toBe('us-east-1');
    }
    for (const s of production.all) expect(s.artifact.environment.account).toBe('111122223333');
  });

  test('every stateful stack is termination-protected; only the stateless ones are not', () => {
    const stateless = ['App', 'Operations', 'DrOperations'];
    for (const stack of demo.all) expect(stack.artifact.terminationProtection).toBe(!stateless.includes(stack.id));
  });

  test('the data stack deploys after the DR stack (S3 checks that the replication destination exists)', () => {
    expect(dependencies(demo.byId.Data)).toContain('Dr');
  });

  test('the backup stack deploys after the DR stack (its plan copies into the DR vault), the data stack after it', () => {
    expect(dependencies(demo.byId.Backup)).toContain('Dr');
    expect(dependencies(demo.byId.Data)).toContain('Backup');
  });

  test('the audit stack deploys after the DR stack (evidence replication) and the Identity stack (sign-in log export)', () => {
    for (const deployment of [demo, production]) {
      expect(dependencies(deployment.byId.Audit)).toEqual(expect.arrayContaining(['Dr', 'Identity']));
    }
  });

  test('extra tags from the config reach every stack', () => {
    for (const stack of production.all) {
      for (const tags of resourceTags(stack)) {
        expect(tags).toEqual(
          expect.arrayContaining([
            { Key: 'cost-center', Value: 'clinical-it' },
            { Key: 'owner', Value: 'practice-manager' },
          ]),
        );
      }
    }
  });
});

describe.each(['config/demo.json', 'config/production.example.json'])('stateful resources of %s', (file) => {
  const { all } = stacksOf(file);
  const resources = all.flatMap((s) => Object.entries(s.template.Resources).map(([id, r]) => ({ at: `${s.id}/${id}`, ...r })));
  const STATEFUL = [
    'AWS::S3::Bucket',
    'AWS::Logs::LogGroup',
    'AWS::KMS::Key',
    'AWS::Backup::BackupVault',
    'AWS::RDS::DBInstance',
    'AWS::SecretsManager::Secret',
    'AWS::Cognito::UserPool',
  ];

  test('are kept on stack deletion and replacement, except when the operation that created them rolls back', () => {
    // With a plain Retain, a failed first deploy leaves named log groups, vaults, replica buckets and the
    // database behind, and the retry fails with "already exists" (lib/compliance/retention.ts).
    const stateful = resources.filter((r) => STATEFUL.includes(r.Type));
    expect(stateful.length).toBeGreaterThan(30);
    for (const r of stateful) {
      expect({ at: r.at, deletion: r.DeletionPolicy, replace: r.UpdateReplacePolicy }).toEqual({
        at: r.at,
        deletion: 'RetainExceptOnCreate',
        replace: 'Retain',
      });
    }
  });

  test('no resource keeps a plain Retain', () => {
    expect(resources.filter((r) => r.DeletionPolicy === 'Retain').map((r) => r.at)).toEqual([]);
  });
});

describe.each(['config/demo.json', 'config/production.example.json'])('resource policies of %s', (file) => {
  const { all } = stacksOf(file);
  type Statement = { Effect?: string; Principal?: { Service?: unknown }; Action?: unknown; Condition?: unknown };
  const statements = all.flatMap((s) =>
    Object.entries(s.template.Resources).flatMap(([id, r]) => {
      if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') return [];
      const p = r.Properties as
        { KeyPolicy?: { Statement: Statement[] }; PolicyDocument?: { Statement: Statement[] } } | undefined;
      return (p?.KeyPolicy ?? p?.PolicyDocument)?.Statement?.map((statement) => ({ at: `${s.id}/${id}`, statement })) ?? [];
    }),
  );

  test('no key, topic, queue or bucket policy lets an AWS service act without a condition naming this account or resource', () => {
    const unconditioned = statements
      .filter(({ statement: s }) => s.Effect === 'Allow' && s.Principal?.Service !== undefined && s.Condition === undefined)
      .map(({ at, statement: s }) => `${at} ${JSON.stringify(s.Principal)} ${JSON.stringify(s.Action)}`);
    // The one exception: CDK's statement for ALB access logs reads the log bucket's ACL, nothing in it.
    expect(unconditioned.filter((u) => !/^App\/LoadBalancerAccessLogsBucketPolicy\w+ .*"s3:GetBucketAcl"$/.test(u))).toEqual([]);
    expect(statements.length).toBeGreaterThan(50);
  });
});

describe.each(ALL_SHIPPED_CONFIGS)('PHI never in logs: %s', (file) => {
  const stacks = shippedStacks(shippedAssembly(file));
  const logGroups = stacks.flatMap((s) =>
    Object.entries(s.template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Logs::LogGroup')
      .map(([id, r]) => ({
        where: `${s.id}/${id}`,
        policy: r.Properties?.DataProtectionPolicy as { Name?: string } | undefined,
      })),
  );

  test('every log group of every stack, both regions, carries the PHI data protection policy', () => {
    expect(logGroups.length).toBeGreaterThan(10);
    expect(logGroups.filter((g) => g.policy?.Name !== PHI_LOG_POLICY_NAME).map((g) => g.where)).toEqual([]);
  });

  test.each([
    ['Audit', LOGICAL_IDS.audit.securityTopic],
    ['DrOperations', 'SecurityTopic'],
  ])('%s alarms on any finding in its region, on its security topic', (stackId, topicPrefix) => {
    const stack = stacks.find((s) => s.id === stackId)!;
    const alarms = Object.values(stack.template.Resources).filter(
      (r) =>
        r.Type === 'AWS::CloudWatch::Alarm' &&
        JSON.stringify(r.Properties?.Metrics ?? []).includes(PHI_IN_LOGS_QUERY.slice(0, 30)),
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0].Properties?.AlarmName).toBe(deploymentNames(shippedAssembly(file).config.name).phiInLogsAlarm);
    expect(alarms[0].Properties?.AlarmActions).toEqual([{ Ref: expect.stringMatching(new RegExp(`^${topicPrefix}`)) }]);
  });
});
