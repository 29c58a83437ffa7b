/**
 * Control Tower control objectives and the HIPAA specifications a cfn-guard rule with that objective
 * gives evidence for (the report's verifying checks).
 */

/**
 * Control Tower control objectives (the `Objectives` of each cfn-guard rule's metadata) and the
 * specifications a rule with that objective gives evidence for. Used only where a rule's AWS Config
 * counterpart is not in the project's own HIPAA Config rule table. CO.7 (costs) and CO.10 (protect
 * configurations) map to no specification.
 */
export const CONTROL_TOWER_OBJECTIVE_SPECS: Readonly<Record<string, readonly string[]>> = {
  'CO.1': ['164.312(b)'],
  'CO.2': ['164.312(a)(2)(iv)'],
  'CO.3': ['164.312(e)(1)', '164.312(e)(2)(ii)'],
  'CO.4': ['164.312(c)(1)'],
  'CO.5': ['164.308(a)(4)(ii)(B)'],
  'CO.6': ['164.312(a)(1)'],
  'CO.8': ['164.308(a)(7)(i)'],
  'CO.9': ['164.308(a)(7)(ii)(C)'],
  'CO.11': ['164.308(a)(6)(ii)'],
  'CO.12': ['164.308(a)(1)(ii)(B)'],
  'CO.15': ['164.312(d)'],
};
