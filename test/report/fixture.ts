/** The report model built from the fixture assembly (test/assembly/fixture.ts) and the demo config. */
import type { ValidatedAssembly } from '../../lib/assembly/model';
import { readAssembly } from '../../lib/assembly/read';
import { buildReportModel, type ReportInput, type ReportModel } from '../../lib/report/model';
import { projectGuardRules } from '../../lib/report/project-rules';
import { controlTowerGuardRules, hipaaRuleApplicability, packRules } from '../../lib/report/rule-packs';
import { FIXTURE_DIR } from '../assembly/fixture';
import { shippedConfig } from '../helpers/config';

export { FIXTURE_DIR, fixtureCopy } from '../assembly/fixture';

export const NOW = new Date('2026-03-01T12:00:00Z');

/** The assembly in `dir`, as the report reads it (its validation report required). */
export function reportAssembly(dir: string): ValidatedAssembly {
  return readAssembly(dir, { requireValidationReport: true });
}

export function modelOf(
  assembly: ValidatedAssembly,
  configOverrides: Record<string, unknown> = {},
  inputs: Partial<ReportInput> = {},
): ReportModel {
  return buildReportModel({
    assembly,
    config: shippedConfig('config/demo.json', configOverrides),
    configFile: 'config/demo.json',
    packRules: packRules(),
    applicability: hipaaRuleApplicability(assembly),
    guardRules: controlTowerGuardRules(),
    projectRules: projectGuardRules(),
    now: NOW,
    ...inputs,
  });
}

export function fixtureModel(configOverrides: Record<string, unknown> = {}): ReportModel {
  return modelOf(reportAssembly(FIXTURE_DIR), configOverrides);
}

/** A guard file with what the parser must get right: several specs per tag, nested messages, braces in comments and regexes. */
export const FIXTURE_GUARD = `
# A comment naming rule not_a_rule { with a brace
let keys = Resources.*[ Type == 'AWS::KMS::Key' ]
let stores = Resources.*[
    Type in ['AWS::S3::Bucket', 'AWS::SQS::Queue']
]

rule fixture_keys_rotate when %keys !empty {
    %keys.Properties.EnableKeyRotation == true
    %keys.Properties.Description == /^[a-z]{3,}/
    <<
        [HIPAA 164.312(a)(2)(iv), 164.310(d)(2)(i)] Keys rotate; a brace in a message } does not end the rule.
        rule not_a_rule_either { on a line of its own
    >>
}

rule fixture_stores_encrypted when %stores !empty {
    %stores[ Properties.Tags exists ] {
        Properties.KmsKeyId exists
        <<
            [HIPAA 164.312(a)(2)(iv)] Every store names its key.
        >>
    }
    <<
        [HIPAA 164.316(b)(2)(i)] A second message may cite another specification.
    >>
}

rule fixture_no_nat_gateway {
    Resources.*[ Type == 'AWS::EC2::NatGateway' ] empty
    <<
        [HIPAA 164.312(e)(1)] No NAT gateway.
    >>
}

rule fixture_untagged when %keys !empty {
    %keys.Properties.KeyUsage == 'ENCRYPT_DECRYPT'
    << A message without a HIPAA tag. >>
}

let queues = Resources.*[ Type == 'AWS::SQS::Queue' ]

rule fixture_queues_only when
    %queues !empty
{
    %queues.Properties.KmsMasterKeyId exists
    <<
        [HIPAA 164.312(a)(2)(iv)] Queues name their key.
    >>
}
`;
