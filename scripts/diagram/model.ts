/**
 * What the diagram is drawn from: the synthesized templates reduced to stacks and their resources.
 * Plain data, so the drawing rules can be tested on a hand-made or trimmed model without a synth.
 */

/** One resource of a template. */
export interface ResourceModel {
  readonly logicalId: string;
  /** CloudFormation type, e.g. `AWS::S3::Bucket`. */
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** One stack: its construct id (`Keys`, `Dr`, ...), its region and its resources. */
export interface StackModel {
  readonly id: string;
  readonly region: string;
  readonly resources: readonly ResourceModel[];
}

/** A whole deployment. */
export interface AppModel {
  readonly primaryRegion: string;
  readonly drRegion: string;
  readonly stacks: readonly StackModel[];
}

/** The model without any resource of the given types (what the drawing does when a resource is removed). */
export function withoutTypes(model: AppModel, types: readonly string[]): AppModel {
  return {
    ...model,
    stacks: model.stacks.map((s) => ({ ...s, resources: s.resources.filter((r) => !types.includes(r.type)) })),
  };
}
