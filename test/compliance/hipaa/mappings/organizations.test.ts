import { GUARDRAIL_STATEMENT_SPECS } from '../../../../lib/compliance/hipaa/mappings/organizations';
import { organizationSettings } from '../../../../lib/config/organization';
import { guardrailPolicies } from '../../../../lib/constructs/organization-guardrails';
import { guardrailsOf } from '../../../../lib/stacks/guardrails-stack';
import { ORGANIZATION_CONFIG, shippedConfig } from '../../../helpers/config';
import { claimsOf } from './claims';

const scp = (sids: string[], type = 'SERVICE_CONTROL_POLICY') => ({
  Name: 'crm-guardrails-data',
  Type: type,
  Content: { Version: '2012-10-17', Statement: sids.map((Sid) => ({ Sid, Effect: 'Deny', Action: '*', Resource: '*' })) },
});

describe('AWS::Organizations::Policy', () => {
  test('a guardrail policy implements the specifications of its deny statements, naming them', () => {
    expect(claimsOf('AWS::Organizations::Policy', scp(['DenyTrailStopOrDeletion', 'DenyRecoveryPointDeletion']))).toEqual({
      '164.312(b)': 'service control policy crm-guardrails-data on the workload OU denies: DenyTrailStopOrDeletion',
      '164.308(a)(7)(ii)(A)': 'service control policy crm-guardrails-data on the workload OU denies: DenyRecoveryPointDeletion',
      '164.312(c)(1)': 'service control policy crm-guardrails-data on the workload OU denies: DenyRecoveryPointDeletion',
    });
  });

  test('statements it does not know, allow statements and other policy types claim nothing', () => {
    expect(claimsOf('AWS::Organizations::Policy', scp(['DenySomethingElse']))).toEqual({});
    expect(claimsOf('AWS::Organizations::Policy', scp(['DenyTrailStopOrDeletion'], 'TAG_POLICY'))).toEqual({});
    const allow = scp([]);
    allow.Content.Statement = [{ Sid: 'DenyTrailStopOrDeletion', Effect: 'Allow', Action: '*', Resource: '*' }];
    expect(claimsOf('AWS::Organizations::Policy', allow)).toEqual({});
  });

  test('every statement the guardrails build has its specifications, and the table names no statement they lack', () => {
    const config = shippedConfig(ORGANIZATION_CONFIG);
    const organization = organizationSettings(config);
    if (!organization) throw new Error('the organization example has no organization block');
    const sids = guardrailPolicies(guardrailsOf(config.name, organization)).flatMap((p) =>
      p.content.Statement.map((s) => String(s.Sid)),
    );
    expect([...sids].sort()).toEqual(Object.keys(GUARDRAIL_STATEMENT_SPECS).sort());
  });
});
