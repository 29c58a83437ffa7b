/**
 * What every cross-field rule of the config needs so that "every problem is reported at once" holds.
 *
 * Zod 4 skips the refinements of an object (or array) once one of its fields failed with an aborting
 * issue: a wrong type, an enum or literal (fixed-value) mismatch, a missing or unknown field. Only
 * "continuable" failures such as a regex, a minimum or another refinement let them run. So a config with
 * `holdsPhi: true`, no BAA and `logs.retentionDays: 365` reported the retention and not the BAA gate.
 * A check's `when` option overrides that default (zod/v4/core/api.d.ts, `$ZodSuperRefineParams.when`:
 * "By default, it is skipped if prior parsing produced aborting issues"). Every cross-field rule of the
 * config runs with `RUN_ON_ANY_OBJECT` or `RUN_ON_ANY_ARRAY`, and therefore sees the raw input of the
 * fields that failed: each rule takes `unknown` and reads it only through the accessors below.
 */

/** One problem a cross-field rule finds, with its path relative to the value it checked. */
export interface ConfigIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path` inside raw input, or undefined as soon as a step is not an object or array. */
export function valueAt(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (isRecord(current) && typeof key === 'string') current = current[key];
    else if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else return undefined;
  }
  return current;
}

/** The number at `path`, or undefined when it is missing or not a finite number. */
export function numberAt(value: unknown, ...path: (string | number)[]): number | undefined {
  const v = valueAt(value, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The string at `path`, or undefined when it is missing or not a string. */
export function stringAt(value: unknown, ...path: (string | number)[]): string | undefined {
  const v = valueAt(value, ...path);
  return typeof v === 'string' ? v : undefined;
}

/** The items of an array, or none when the value is not an array. */
export function itemsOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Check option for an object's cross-field rule: run even when some of its fields failed, as long as
 * the value is an object at all (when it is not, its own type error is the one problem to report).
 */
export const RUN_ON_ANY_OBJECT = { when: (payload: { value: unknown }): boolean => isRecord(payload.value) };

/** Check option for a rule across an array's items: run even when some items failed. */
export const RUN_ON_ANY_ARRAY = { when: (payload: { value: unknown }): boolean => Array.isArray(payload.value) };

/** Adds the issues a rule found to zod's refinement context. */
export function reportIssues(
  ctx: { addIssue(issue: { code: 'custom'; path: (string | number)[]; message: string }): void },
  issues: readonly ConfigIssue[],
): void {
  for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}
