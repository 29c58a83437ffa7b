/**
 * Typed reads of synthesized templates and asymmetric matchers for CloudFormation values, so that
 * assertions compare whole (partial) objects with `toMatchObject` instead of digging through `any`.
 */
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { flat, isCrossStackRef } from './cfn-values';

export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}
export type CfnResources = Readonly<Record<string, CfnResource>>;

/** An IAM, bucket, topic or key policy statement as synthesized. */
export interface CfnStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: { readonly Service?: string | string[]; readonly AWS?: unknown };
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** A stack's synthesized resources by logical ID. */
export function resourcesIn(stack: Stack): CfnResources {
  return Template.fromStack(stack).toJSON().Resources as CfnResources;
}

/** The resources of one type, with their logical IDs. */
export function ofType(resources: CfnResources, type: string): [string, CfnResource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** The value at `path` inside `value` (object keys and array indexes), or undefined. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const key of path) v = v === null || typeof v !== 'object' ? undefined : (v as Record<string | number, unknown>)[key];
  return v;
}

/** The statements of a resource's `PolicyDocument` (bucket, topic, queue and managed policies) or `KeyPolicy`. */
export function statementsOf(resource: CfnResource): CfnStatement[] {
  const document = resource.Properties.PolicyDocument ?? resource.Properties.KeyPolicy;
  return (at(document, 'Statement') as CfnStatement[] | undefined) ?? [];
}

/** Where each policy type names what it is attached to. */
const POLICY_TARGETS = {
  'AWS::S3::BucketPolicy': 'Bucket',
  'AWS::SNS::TopicPolicy': 'Topics',
  'AWS::SQS::QueuePolicy': 'Queues',
} as const;

/** The policy of `type` attached to the resource with `logicalId` (a bucket, a topic or a queue). */
export function policyOf(resources: CfnResources, type: keyof typeof POLICY_TARGETS, logicalId: string): [string, CfnResource] {
  const ref = JSON.stringify({ Ref: logicalId });
  const attached = ofType(resources, type).filter(([, r]) => {
    const target = r.Properties[POLICY_TARGETS[type]];
    return (Array.isArray(target) ? target : [target]).some((t) => JSON.stringify(t) === ref);
  });
  if (attached.length !== 1) throw new Error(`expected one ${type} of ${logicalId}, found ${attached.length}`);
  return attached[0];
}

interface Matcher {
  asymmetricMatch(actual: unknown): boolean;
  toAsymmetricMatcher(): string;
}

/** Matches a cross-stack reference (export or stack output) to `attribute` (`'Ref'` for a Ref) of `logicalId`. */
export function crossStackRef(logicalId: string, attribute: string): Matcher {
  return {
    asymmetricMatch: (actual) => isCrossStackRef(actual, logicalId, attribute),
    toAsymmetricMatcher: () => `crossStackRef(${logicalId}, ${attribute})`,
  };
}

/** Matches a value whose `flat` form is `expected` (or matches it, for a RegExp). */
export function flatly(expected: string | RegExp): Matcher {
  return {
    asymmetricMatch: (actual) => {
      let text: string;
      try {
        text = flat(actual);
      } catch {
        return false;
      }
      return typeof expected === 'string' ? text === expected : expected.test(text);
    },
    toAsymmetricMatcher: () => `flatly(${String(expected)})`,
  };
}

/** What a pinned, retained stateful resource looks like: its type, retained on deletion and on replacement. */
export const retained = (type: string) => ({ Type: type, DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
