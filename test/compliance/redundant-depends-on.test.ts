/**
 * No resource of any stack lists in DependsOn a resource its properties already reference (Ref or
 * GetAtt): CloudFormation orders those by the reference, and cfn-lint reports the repetition (W3005),
 * which `npm run lint:cfn` and CI refuse. Checked here too so that `npm test` needs no Python.
 */
import { ALL_SHIPPED_CONFIGS } from '../helpers/config';
import { shippedAssembly, shippedStacks } from '../helpers/shipped-assembly';

/** The logical IDs a value references with Ref, Fn::GetAtt or a ${Name} of Fn::Sub. */
function referenced(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referenced(item, found);
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner);
      else if (key === 'Fn::GetAtt') found.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const [, name] of String(text).matchAll(/\$\{([^!][^.}]*)[.}]/g)) found.add(name);
      }
      referenced(inner, found);
    }
  }
  return found;
}

test('the reference finder sees Ref, GetAtt (both forms) and Fn::Sub names', () => {
  const props = {
    A: { Ref: 'R' },
    B: { 'Fn::GetAtt': ['G', 'Arn'] },
    C: { 'Fn::GetAtt': 'H.Arn' },
    D: { 'Fn::Sub': '${S.Arn}/${T}' },
  };
  expect([...referenced(props)].sort()).toEqual(['G', 'H', 'R', 'S', 'T']);
});

describe.each(ALL_SHIPPED_CONFIGS)('%s', (file) => {
  test('no DependsOn repeats a reference of the same resource (cfn-lint W3005)', () => {
    const redundant = shippedStacks(shippedAssembly(file)).flatMap((stack) =>
      Object.entries(stack.template.Resources).flatMap(([id, resource]) => {
        const refs = referenced(resource.Properties ?? {});
        return [(resource as { DependsOn?: string | string[] }).DependsOn ?? []]
          .flat()
          .filter((dep) => refs.has(dep))
          .map((dep) => `${stack.id}/${id} -> ${dep}`);
      }),
    );
    expect(redundant).toEqual([]);
  });
});
