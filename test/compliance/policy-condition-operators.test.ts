/**
 * IAM, KMS, S3 and SNS refuse a whole policy whose condition operator they do not know, and synth does
 * not check it: every operator in every shipped template must be one IAM documents
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 */
import { SHIPPED_CONFIGS } from '../helpers/config';
import { shippedAssembly, shippedStacks } from '../helpers/shipped-assembly';

const BASE =
  '(String(Not)?Equals(IgnoreCase)?|String(Not)?Like|Numeric(Not)?Equals|Numeric(Less|Greater)Than(Equals)?|' +
  'Date(Not)?Equals|Date(Less|Greater)Than(Equals)?|Bool|BinaryEquals|(Not)?IpAddress|Arn(Not)?Equals|Arn(Not)?Like)';
const OPERATOR = new RegExp(`^((ForAnyValue|ForAllValues):)?(${BASE}(IfExists)?|Null)$`);

/** Every key of every `Condition` object anywhere in `value`. */
function conditionOperators(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => conditionOperators(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Condition' && v && typeof v === 'object' && !Array.isArray(v)) out.push(...Object.keys(v));
      conditionOperators(v, out);
    }
  }
  return out;
}

test('the pattern knows the documented operators and refuses a misspelt one', () => {
  for (const ok of ['NumericGreaterThanEquals', 'ForAnyValue:StringEquals', 'ArnLike', 'BoolIfExists', 'Null']) {
    expect(ok).toMatch(OPERATOR);
  }
  for (const bad of ['NumericGreaterThanOrEquals', 'StringEqual', 'NullIfExists']) expect(bad).not.toMatch(OPERATOR);
});

test.each(SHIPPED_CONFIGS)('every policy condition operator in %s is one IAM knows', (file) => {
  const operators = shippedStacks(shippedAssembly(file)).flatMap((s) => conditionOperators(s.template.Resources));
  expect(operators.length).toBeGreaterThan(50);
  expect([...new Set(operators)].filter((o) => !OPERATOR.test(o))).toEqual([]);
});
