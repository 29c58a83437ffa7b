/**
 * What a preflight check reports: one line per finding, `PASS|WARN|FAIL  <region or global>  <what>  — <fix>`,
 * and the summary and exit code of a run. A check that cannot ask AWS (no permission, throttled, an
 * unexpected error) is a FAIL that says why: an unchecked prerequisite is not a passed one.
 */
import { describeError } from '../cli/start';

export type Status = 'PASS' | 'WARN' | 'FAIL';

export interface CheckResult {
  readonly status: Status;
  /** The region the finding is about, or `global` (account-wide or not regional). */
  readonly scope: string;
  readonly what: string;
  /** The command (or config edit) that fixes a WARN or FAIL. */
  readonly fix?: string;
}

export const GLOBAL = 'global';

export const pass = (scope: string, what: string): CheckResult => ({ status: 'PASS', scope, what });
export const warn = (scope: string, what: string, fix: string): CheckResult => ({ status: 'WARN', scope, what, fix });
export const fail = (scope: string, what: string, fix: string): CheckResult => ({ status: 'FAIL', scope, what, fix });

/** Error names AWS services answer a missing IAM permission with. */
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
  'AuthorizationErrorException',
  'Forbidden',
]);

export function isAccessDenied(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return ACCESS_DENIED.has(e.name) || status === 403;
}

/** The error's name (`ResourceNotFoundException`, ...), for the "does not exist" answers. */
export function errorName(e: unknown): string {
  return e instanceof Error ? e.name : '';
}

/**
 * The FAIL of a check that could not be made. `permission` is the IAM action the call needs, so the
 * operator knows what to grant.
 */
export function couldNotCheck(scope: string, what: string, permission: string, e: unknown): CheckResult {
  if (isAccessDenied(e)) {
    return fail(
      scope,
      `cannot check ${what}: access denied (missing permission ${permission})`,
      `grant ${permission} to the role running the preflight (the AWS managed policy ReadOnlyAccess has it)`,
    );
  }
  return fail(
    scope,
    `cannot check ${what}: ${describeError(e)}`,
    `run npm run preflight again; if it persists, check ${permission} by hand`,
  );
}

/** Runs one check, turning anything it throws into a FAIL that says what could not be checked. */
export async function guarded(
  scope: string,
  what: string,
  permission: string,
  check: () => Promise<CheckResult | readonly CheckResult[]>,
): Promise<CheckResult[]> {
  try {
    const result = await check();
    return Array.isArray(result) ? [...(result as readonly CheckResult[])] : [result as CheckResult];
  } catch (e) {
    return [couldNotCheck(scope, what, permission, e)];
  }
}

/** The lines of `results`, the scope column padded so the `what` column lines up. */
export function formatResults(results: readonly CheckResult[]): string[] {
  const width = Math.max(GLOBAL.length, ...results.map((r) => r.scope.length));
  return results.map((r) => `${r.status}  ${r.scope.padEnd(width)}  ${r.what}${r.fix ? `  — ${r.fix}` : ''}`);
}

export interface Counts {
  readonly pass: number;
  readonly warn: number;
  readonly fail: number;
}

export function countResults(results: readonly CheckResult[]): Counts {
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  return { pass: count('PASS'), warn: count('WARN'), fail: count('FAIL') };
}

/** Exit codes of a run: no FAIL, at least one FAIL, usage or config error (nothing was checked). */
export const PREFLIGHT_EXIT = { ready: 0, notReady: 1, refused: 2 } as const;

export function exitCodeOf(results: readonly CheckResult[]): number {
  return countResults(results).fail > 0 ? PREFLIGHT_EXIT.notReady : PREFLIGHT_EXIT.ready;
}

/** The closing lines: the counts, and what to do next. */
export function summary(results: readonly CheckResult[], configPath: string): string {
  const { pass: p, warn: w, fail: f } = countResults(results);
  const counts = `${results.length} check${results.length === 1 ? '' : 's'}: ${p} passed, ${w} warning${w === 1 ? '' : 's'}, ${f} failed.`;
  if (f > 0)
    return `${counts}\nNOT READY to deploy: fix every FAIL above, then run npm run preflight -- -c config=${configPath} again.`;
  const next = `npx cdk deploy --all -c config=${configPath}`;
  return w > 0 ? `${counts}\nReady to deploy once each WARN is understood: ${next}` : `${counts}\nReady to deploy: ${next}`;
}
