/**
 * The sandbox profile (config/sandbox.json, lib/config/profile.ts) as `npm run synth:sandbox` builds it:
 * `cdk destroy --all` must delete every resource it deployed (emptying what holds data first), and only
 * what AWS itself keeps for a while may remain, listed with until when (`sandboxRemainders`).
 * The synthesized assembly is shared with the other whole-app tests (test/helpers/shipped-assembly.ts).
 */
import { SANDBOX_RELAXED_CONTROLS, sandboxRemainders } from '../lib/config/profile';
import { VAULT_EMPTIER_RESOURCE_TYPE } from '../lib/constructs/vault-emptier';
import { renderHtml } from '../lib/report/html';
import { renderMarkdown } from '../lib/report/markdown';
import { buildReportModel } from '../lib/report/model';
import { projectGuardRules } from '../lib/report/project-rules';
import { controlTowerGuardRules, hipaaRuleApplicability, packRules } from '../lib/report/rule-packs';
import { SANDBOX_CONFIG } from './helpers/config';
import { reportAssembly } from './report/fixture';
import { shippedAssembly, shippedStacks, type ShippedStack, type TemplateResource } from './helpers/shipped-assembly';

const assembly = shippedAssembly(SANDBOX_CONFIG);
const stacks = shippedStacks(assembly);

interface Located {
  readonly stack: ShippedStack;
  readonly id: string;
  readonly resource: TemplateResource;
}
const all: Located[] = stacks.flatMap((stack) =>
  Object.entries(stack.template.Resources).map(([id, resource]) => ({ stack, id, resource })),
);
const ofType = (type: string) => all.filter((r) => r.resource.Type === type);
const where = (r: Located) => `${r.stack.id}/${r.id} (${r.resource.Type})`;

/**
 * Types CloudFormation does not delete when DeletionPolicy is missing: RDS snapshots instances (and
 * clusters) by default (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
 */
const SNAPSHOT_BY_DEFAULT = new Set(['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::EC2::Volume']);

/**
 * What is deleted, but not at once: every resource of these types must be listed in `sandboxRemainders`
 * (by the words given here), so the teardown output says until when it remains.
 */
const REMAINS_FOR_A_WHILE: Record<string, RegExp> = {
  'AWS::KMS::Key': /KMS keys/,
  'AWS::SecretsManager::Secret': /secret/,
};

describe('sandbox deployment: cdk destroy --all leaves nothing behind', () => {
  test('synthesizes, with the sandbox profile and no PHI', () => {
    expect(assembly.synthFailed).toBe(false);
    expect(assembly.config.profile).toBe('sandbox');
    expect(assembly.config.holdsPhi).toBe(false);
    expect(stacks.length).toBe(10);
  });

  test('no resource is retained or snapshotted when its stack is deleted', () => {
    const kept = all.filter(({ resource }) => {
      const policy = resource.DeletionPolicy ?? (SNAPSHOT_BY_DEFAULT.has(resource.Type) ? 'Snapshot' : 'Delete');
      return policy !== 'Delete';
    });
    expect(kept.map(where)).toEqual([]);
  });

  test('no stack is termination-protected (cdk destroy refuses a protected stack)', () => {
    expect(stacks.filter((s) => s.artifact.terminationProtection).map((s) => s.id)).toEqual([]);
  });

  test("every bucket is emptied before deletion by CDK's auto-delete, which nothing denies", () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThanOrEqual(15);
    const emptied = new Set(
      ofType('Custom::S3AutoDeleteObjects').map(
        (r) => `${r.stack.id}/${(r.resource.Properties?.BucketName as { Ref?: string }).Ref}`,
      ),
    );
    expect(buckets.filter((b) => !emptied.has(`${b.stack.id}/${b.id}`)).map(where)).toEqual([]);
    // A deny of object deletion without a condition would stop the auto-delete handler too.
    const denies = ofType('AWS::S3::BucketPolicy').flatMap((p) =>
      ((p.resource.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement ?? [])
        .filter((s) => s.Effect === 'Deny' && !s.Condition)
        .filter((s) => [s.Action].flat().some((a) => /^s3:(\*|Delete)/.test(String(a))))
        .map((s) => `${where(p)} ${String(s.Sid)}`),
    );
    expect(denies).toEqual([]);
  });

  test('no bucket locks an object version: Object Lock without a default retention', () => {
    const locking = ofType('AWS::S3::Bucket').filter(
      (b) => (b.resource.Properties?.ObjectLockConfiguration as { Rule?: unknown } | undefined)?.Rule !== undefined,
    );
    expect(locking.map(where)).toEqual([]);
  });

  test('no vault is locked or denies deleting recovery points', () => {
    const vaults = ofType('AWS::Backup::BackupVault');
    expect(vaults).toHaveLength(2);
    for (const v of vaults) {
      expect(v.resource.Properties?.LockConfiguration).toBeUndefined();
      expect(JSON.stringify(v.resource.Properties?.AccessPolicy ?? {})).not.toMatch(/Deny/);
    }
  });

  test('every vault is emptied before deletion by its VaultEmptier, after the backup plan that fills it is deleted', () => {
    const vaults = ofType('AWS::Backup::BackupVault');
    const emptiers = ofType(VAULT_EMPTIER_RESOURCE_TYPE);
    // The GetAtt of the vault makes CloudFormation delete the emptier first.
    const emptied = new Set(
      emptiers.map(
        (e) => `${e.stack.id}/${(e.resource.Properties?.BackupVaultName as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0]}`,
      ),
    );
    expect(vaults.map((v) => `${v.stack.id}/${v.id}`).sort()).toEqual([...emptied].sort());
    // Every plan (in the Backup stack, with the primary vault) is deleted before the emptier runs: it depends on it.
    const plans = ofType('AWS::Backup::BackupPlan');
    expect(plans.length).toBeGreaterThanOrEqual(1);
    for (const plan of plans) {
      const dependsOn = [(plan.resource as { DependsOn?: string | string[] }).DependsOn ?? []].flat();
      const sameStack = emptiers.filter((e) => e.stack === plan.stack).map((e) => e.id);
      expect(sameStack).toHaveLength(1);
      expect(dependsOn).toEqual(expect.arrayContaining(sameStack));
    }
  });

  test('the database, the user pool, the Athena workgroup and the load balancer can be deleted', () => {
    const [db] = ofType('AWS::RDS::DBInstance');
    expect(db.resource.Properties).toMatchObject({ DeletionProtection: false, DeleteAutomatedBackups: true });
    const [pool] = ofType('AWS::Cognito::UserPool');
    expect(pool.resource.Properties?.DeletionProtection).toBe('INACTIVE');
    const [workGroup] = ofType('AWS::Athena::WorkGroup');
    expect(workGroup.resource.Properties?.RecursiveDeleteOption).toBe(true);
    const [alb] = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(alb.resource.Properties?.LoadBalancerAttributes).toContainEqual({
      Key: 'deletion_protection.enabled',
      Value: 'false',
    });
  });

  test('what remains for a while is listed with until when; keys wait the 7-day KMS minimum', () => {
    const remainders = sandboxRemainders(assembly.config).map((r) => `${r.what} ${r.until}`);
    for (const [type, listed] of Object.entries(REMAINS_FOR_A_WHILE)) {
      if (ofType(type).length) expect(remainders.some((r) => listed.test(r))).toBe(true);
    }
    const keys = ofType('AWS::KMS::Key');
    expect(keys).toHaveLength(7);
    for (const k of keys) expect(k.resource.Properties?.PendingWindowInDays).toBe(7);
    expect(remainders.join('\n')).toMatch(/7 days after/);
  });

  test('every stack description says it is a sandbox and names every relaxed control', () => {
    for (const s of stacks) {
      expect(s.template.Description).toContain('SANDBOX profile');
      for (const r of SANDBOX_RELAXED_CONTROLS) expect(s.template.Description).toContain(r.id);
    }
  });
});

describe('the HIPAA report of the sandbox', () => {
  const validated = reportAssembly(assembly.dir);
  const model = buildReportModel({
    assembly: validated,
    config: assembly.config,
    configFile: SANDBOX_CONFIG,
    packRules: packRules(),
    applicability: hipaaRuleApplicability(validated),
    guardRules: controlTowerGuardRules(),
    projectRules: projectGuardRules(),
    now: new Date('2026-03-01T12:00:00Z'),
  });

  test('lists every relaxed control with its HIPAA rule, and what remains after destroy', () => {
    expect(model.summary.openFindings).toBe(0);
    expect(model.sandbox?.relaxed).toBe(SANDBOX_RELAXED_CONTROLS);
    const markdown = renderMarkdown(model);
    expect(markdown).toContain('## Sandbox profile: controls relaxed for evaluation');
    const html = renderHtml(model);
    for (const r of SANDBOX_RELAXED_CONTROLS) {
      expect(markdown).toContain(`| ${r.control.replace(/([\\`*_[\]])/g, '\\$1')} | ${r.hipaa} |`);
      expect(html).toContain(`<td>${r.control}</td><td>${r.hipaa}</td>`);
    }
    expect(markdown).toMatch(/What remains after `cdk destroy --all`, and until when:\n\n- the KMS keys/);
  });
});
