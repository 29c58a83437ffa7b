/**
 * Which HIPAA specifications a resource of the synthesized templates implements, and how: the
 * per-service mappings (mappings/*.ts) first, then the citations the resource's own description
 * carries (`[HIPAA 164.x] ...` on alarms, functions). Only claims what a template shows.
 */
import type { TemplateResource } from '../../assembly/model';
import { str } from '../../assembly/template-facts';
import { parseHipaaCitations, resolveCitation } from './citations';
import { ATHENA_MAPPINGS } from './mappings/athena';
import { BACKUP_MAPPINGS } from './mappings/backup';
import { CLOUDTRAIL_MAPPINGS } from './mappings/cloudtrail';
import { CLOUDWATCH_LOGS_MAPPINGS } from './mappings/cloudwatch-logs';
import { COGNITO_MAPPINGS } from './mappings/cognito';
import { DETECTIVE_SERVICES_MAPPINGS } from './mappings/detective-services';
import { ECS_MAPPINGS } from './mappings/ecs';
import { EVENTBRIDGE_MAPPINGS } from './mappings/eventbridge';
import { IAM_MAPPINGS } from './mappings/iam';
import { KMS_MAPPINGS } from './mappings/kms';
import { LOAD_BALANCING_MAPPINGS } from './mappings/load-balancing';
import type { MappingContext, ResourceSpecMapping } from './mappings/mapping';
import { ORGANIZATIONS_MAPPINGS } from './mappings/organizations';
import { RDS_MAPPINGS } from './mappings/rds';
import { S3_MAPPINGS } from './mappings/s3';
import { SECRETS_MANAGER_MAPPINGS } from './mappings/secrets-manager';
import { SNS_SQS_MAPPINGS } from './mappings/sns-sqs';
import { STEP_FUNCTIONS_MAPPINGS } from './mappings/step-functions';
import { VPC_MAPPINGS } from './mappings/vpc';
import { VULNERABILITY_AND_DATA_DISCOVERY_MAPPINGS } from './mappings/vulnerability-and-data-discovery';
import { WAF_MAPPINGS } from './mappings/waf';

export type { MappingContext, ResourceSpecMapping } from './mappings/mapping';

/** One claim: this resource implements this specification, this way. */
export interface SpecImplementation {
  readonly spec: string;
  readonly how: string;
}

/**
 * Every mapping, by service. Within a resource type their order matters: when two mappings of a type
 * claim the same specification, the first one's words are shown.
 */
export const RESOURCE_SPEC_MAPPINGS: readonly ResourceSpecMapping[] = [
  ...KMS_MAPPINGS,
  ...S3_MAPPINGS,
  ...RDS_MAPPINGS,
  ...CLOUDTRAIL_MAPPINGS,
  ...CLOUDWATCH_LOGS_MAPPINGS,
  ...ATHENA_MAPPINGS,
  ...VPC_MAPPINGS,
  ...DETECTIVE_SERVICES_MAPPINGS,
  ...VULNERABILITY_AND_DATA_DISCOVERY_MAPPINGS,
  ...EVENTBRIDGE_MAPPINGS,
  ...SNS_SQS_MAPPINGS,
  ...SECRETS_MANAGER_MAPPINGS,
  ...BACKUP_MAPPINGS,
  ...COGNITO_MAPPINGS,
  ...IAM_MAPPINGS,
  ...LOAD_BALANCING_MAPPINGS,
  ...WAF_MAPPINGS,
  ...ECS_MAPPINGS,
  ...ORGANIZATIONS_MAPPINGS,
  ...STEP_FUNCTIONS_MAPPINGS,
];

/** Resource properties that carry the deployment's own HIPAA citations (`[HIPAA 164.x] ...`). */
const CITING_PROPERTIES = ['Description', 'AlarmDescription'] as const;

/** Types whose citations make them checks (see the report's verifying checks), not implementations. */
export const CHECK_RESOURCE_TYPES: ReadonlySet<string> = new Set(['AWS::Config::ConfigRule']);

/** The HIPAA specifications a resource's own description cites (alarms, functions). */
export function citedSpecs(resource: TemplateResource): SpecImplementation[] {
  if (CHECK_RESOURCE_TYPES.has(resource.type)) return [];
  return CITING_PROPERTIES.flatMap((key) => {
    const text = str(resource.properties[key]);
    if (!text) return [];
    const how = text.replace(/^\[HIPAA [^\]]*\]\s*/, '').replace(/\s*\(HIPAA [^)]*(?:\([^)]*\)[^)]*)*\)\s*$/, '');
    return parseHipaaCitations(text).flatMap((c) => {
      const s = resolveCitation(c);
      return s ? [{ spec: s.id, how: how.length > 220 ? `${how.slice(0, 217)}...` : how }] : [];
    });
  });
}

/** Every specification a resource implements, and how (mapping table first, then its own citations). */
export function specsForResource(resource: TemplateResource, ctx: MappingContext): SpecImplementation[] {
  const out: SpecImplementation[] = [];
  const seen = new Set<string>();
  const add = (spec: string, how: string) => {
    if (seen.has(spec)) return;
    seen.add(spec);
    out.push({ spec, how });
  };
  for (const m of RESOURCE_SPEC_MAPPINGS) {
    if (m.type !== resource.type) continue;
    const how = m.describe(resource, ctx);
    if (how) for (const s of m.specs) add(s, how);
  }
  for (const c of citedSpecs(resource)) add(c.spec, c.how);
  return out;
}
