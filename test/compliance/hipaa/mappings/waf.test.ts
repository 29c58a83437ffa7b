import { claimsOf } from './claims';

describe('AWS WAF', () => {
  test('the WAF protects from malicious software, naming its rules; a web ACL without rules does not', () => {
    expect(claimsOf('AWS::WAFv2::WebACL', { Rules: [{ Name: 'AWSManagedRulesCommonRuleSet' }, { Name: 'RateLimit' }] })).toEqual({
      '164.308(a)(5)(ii)(B)': 'web ACL with 2 rules (AWSManagedRulesCommonRuleSet, RateLimit)',
    });
    expect(claimsOf('AWS::WAFv2::WebACL', { Rules: [] })).toEqual({});
  });

  test('request logging is an audit control, with the fields it redacts', () => {
    expect(claimsOf('AWS::WAFv2::LoggingConfiguration', { RedactedFields: [{ QueryString: {} }] })).toEqual({
      '164.312(b)': 'logs the requests the web ACL inspects (1 field(s) redacted)',
    });
    expect(claimsOf('AWS::WAFv2::LoggingConfiguration', {})).toEqual({ '164.312(b)': 'logs the requests the web ACL inspects' });
  });
});
