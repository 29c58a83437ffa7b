/**
 * Trust between accounts (issue 14): every statement that lets a principal of another account in is scoped by
 * `aws:PrincipalOrgID` and names an exact role, in every stack of every shipped config, whichever account
 * the stack is in.
 */
import { crossAccountTrustProblems } from '../lib/assembly/cross-account';
import { ALL_SHIPPED_CONFIGS } from './helpers/config';
import { shippedAssembly, shippedStacks } from './helpers/shipped-assembly';

describe.each(ALL_SHIPPED_CONFIGS)('cross-account trust in %s', (file) => {
  test('every stack, in every account: no other account is let in except by organization and exact role', () => {
    const stacks = shippedStacks(shippedAssembly(file));
    const problems = stacks.flatMap((s) =>
      crossAccountTrustProblems(
        s.template.Resources as never,
        /^\d{12}$/.test(s.artifact.environment.account) ? s.artifact.environment.account : undefined,
        /^[a-z]{2}(-[a-z]+)+-\d$/.test(s.artifact.environment.region) ? s.artifact.environment.region : undefined,
      ).map((p) => `${s.id}/${p}`),
    );
    expect(problems).toEqual([]);
  });
});
