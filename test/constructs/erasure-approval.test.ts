/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates and state machine definitions are untyped JSON */
import { Duration, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { acknowledgedFindings, failedPlugins, openFindings, readValidationReport } from '../../lib/compliance/report';
import type { CryptoErasureProps } from '../../lib/constructs/crypto-erasure';
import { twoPersonApprovalProblems } from '../../lib/constructs/erasure-approval';
import { ORGANIZATION_CONFIG } from '../helpers/config';
import { cryptoErasureStandIns, erasureDefinition } from '../helpers/crypto-erasure-stand-ins';
import { shippedAssembly } from '../helpers/shipped-assembly';
import { STACK_IDS } from '../../lib/vocabulary';

const APPROVER_ROLE = 'crm-demo-erasure-approver';
const APPROVER_ARN = `arn:aws:iam::111122223333:role/${APPROVER_ROLE}`;
const ORG = 'o-a1b2c3d4e5';
const TWO_PERSON = { approverRoleName: APPROVER_ROLE, requestExpiry: Duration.hours(24), organizationId: ORG };

function synthesized(overrides: Partial<CryptoErasureProps>) {
  const { ops, erasure } = cryptoErasureStandIns(overrides);
  const resources = Template.fromStack(ops).toJSON().Resources as Record<
    string,
    { Type: string; Properties: any; DependsOn?: any }
  >;
  const id = (e: { node: { defaultChild?: unknown } }) => ops.resolve((e.node.defaultChild as CfnElement).logicalId) as string;
  return { ops, erasure, resources, id };
}

/** The state machine definition as JSON, references written `<...>`. */
const definitionOf = ({ erasure, ops }: ReturnType<typeof synthesized>) => erasureDefinition(ops, erasure);

/** Every state reachable from `start`, following Next, Choices, Default and Catch. */
function reachable(definition: { States: Record<string, any> }, start: string): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string | undefined) => {
    if (!name || seen.has(name)) return;
    seen.add(name);
    const s = definition.States[name];
    for (const next of [
      s.Next,
      s.Default,
      ...(s.Choices ?? []).map((c: any) => c.Next),
      ...(s.Catch ?? []).map((c: any) => c.Next),
    ])
      visit(next);
  };
  visit(start);
  return seen;
}

const on = synthesized({ twoPersonApproval: TWO_PERSON });
const off = synthesized({});
const definition = definitionOf(on);
const ofType = (type: string) => Object.entries(on.resources).filter(([, r]) => r.Type === type);

describe('twoPersonApproval absent', () => {
  test('no approval resources; the state machine goes from the input check straight to execute', () => {
    expect(off.erasure.approval).toBeUndefined();
    expect(Object.values(off.resources).filter((r) => r.Type === 'AWS::Lambda::Url')).toEqual([]);
    const d = definitionOf(off);
    expect(d.States['Check input'].Choices[0].Next).toBe('Execute');
    expect(d.States['Wait for approval']).toBeUndefined();
    expect(JSON.stringify(d)).not.toContain('approval');
  });

  test('every resource of the construct is the same as with the rule, but for the approval itself', () => {
    // The rule only adds (functions, URLs, permissions, statements) and changes the state machine's
    // definition and timeout and the erasure function's environment: everything else is byte-identical.
    const changed = new Set([
      on.id(on.erasure.stateMachine),
      on.id(on.erasure.stateMachinePolicy),
      on.id(on.erasure.handler.function),
      on.id(on.erasure.handler.policy),
    ]);
    for (const [logicalId, resource] of Object.entries(off.resources)) {
      if (changed.has(logicalId)) continue;
      expect([logicalId, on.resources[logicalId]]).toEqual([logicalId, resource]);
    }
  });
});

describe('twoPersonApproval: the state machine', () => {
  test('waits for approval after the input check, before execute', () => {
    expect(definition.States['Check input'].Choices[0].Next).toBe('Wait for approval');
    expect(definition.States['Wait for approval'].Next).toBe('Execute');
  });

  test('the wait is a task token callback to the request function, with the run it confirms, timing out at the expiry', () => {
    const wait = definition.States['Wait for approval'];
    expect(wait).toMatchObject({
      Type: 'Task',
      Resource: 'arn:<AWS::Partition>:states:::lambda:invoke.waitForTaskToken',
      TimeoutSeconds: 24 * 3600,
      ResultPath: '$.approval',
      Parameters: {
        FunctionName: `<${on.id(on.erasure.approval!.requestFunction.function)}.Arn>`,
        Payload: {
          awaitingApproval: {
            'requestId.$': '$.runId',
            'digest.$': '$.confirmDigest',
            'requestedBy.$': '$.requestedBy',
            'executionArn.$': '$$.Execution.Id',
          },
          'taskToken.$': '$$.Task.Token',
        },
      },
    });
    expect(wait.HeartbeatSeconds).toBeUndefined();
    expect(wait.Retry).toEqual([expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.ServiceException']) })]);
  });

  test('a timeout ends in "Request expired", which destroys nothing; any other error stops the run', () => {
    const wait = definition.States['Wait for approval'];
    expect(wait.Catch[0]).toEqual({ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Request expired' });
    expect(wait.Catch[1]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'Wait for approval failed' });
    expect(definition.States['Request expired']).toMatchObject({ Type: 'Fail', Error: 'ErasureRequestExpired' });
    const destructive = ['Execute', 'Verify', 'Certify', 'Finalize'];
    for (const refusal of ['Request expired', 'Wait for approval failed']) {
      for (const state of destructive) expect(reachable(definition, refusal).has(state)).toBe(false);
    }
  });

  test('execute is unreachable except through the approval: every path from the start passes the wait', () => {
    const withoutWait = { States: { ...definition.States, 'Wait for approval': { Type: 'Fail' } } };
    expect(reachable(withoutWait, definition.StartAt).has('Execute')).toBe(false);
    expect(reachable(definition, definition.StartAt).has('Execute')).toBe(true);
  });

  test('execute and both certifies get the approval; the timeout grows by the expiry', () => {
    for (const state of ['Execute', 'Certify', 'Certify final']) {
      expect(definition.States[state].Parameters.Payload['approval.$']).toBe('$.approval');
    }
    expect((definition as any).TimeoutSeconds).toBe(35 * 86400 + 24 * 3600);
  });

  test('its role may also invoke the request function (the wait task), nothing else new', () => {
    const statements = on.resources[on.id(on.erasure.stateMachinePolicy)].Properties.PolicyDocument.Statement;
    const offStatements = off.resources[off.id(off.erasure.stateMachinePolicy)].Properties.PolicyDocument.Statement;
    expect(statements.filter((s: any) => !offStatements.some((o: any) => JSON.stringify(o) === JSON.stringify(s)))).toEqual([
      {
        Sid: 'ConfirmErasureRequest',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [on.id(on.erasure.approval!.requestFunction.function), 'Arn'] },
      },
    ]);
  });
});

describe('twoPersonApproval: the erasure function', () => {
  test('knows the rule is on, and may read only the approval records (execute checks them)', () => {
    const env = on.resources[on.id(on.erasure.handler.function)].Properties.Environment.Variables;
    const offEnv = off.resources[off.id(off.erasure.handler.function)].Properties.Environment.Variables;
    expect(env).toEqual({ ...offEnv, TWO_PERSON_RULE: 'on' });
    const statements = on.resources[on.id(on.erasure.handler.policy)].Properties.PolicyDocument.Statement as any[];
    const offStatements = off.resources[off.id(off.erasure.handler.policy)].Properties.PolicyDocument.Statement as any[];
    const added = statements.filter((s) => !offStatements.some((o) => JSON.stringify(o) === JSON.stringify(s)));
    expect(added.map((s) => [s.Sid, s.Action])).toEqual([
      ['ReadApprovals', 's3:GetObject'],
      ['DecryptApprovals', 'kms:Decrypt'],
    ]);
    expect(JSON.stringify(added[0].Resource)).toContain('/certificates-of-destruction/*/approval.json');
  });
});

describe('twoPersonApproval: who may call what', () => {
  const permissions = ofType('AWS::Lambda::Permission').map(([, r]) => r.Properties);
  const fnId = (which: 'requestFunction' | 'approveFunction') => on.id(on.erasure.approval![which].function);
  const of = (which: 'requestFunction' | 'approveFunction') =>
    permissions.filter((p) => JSON.stringify(p.FunctionName).includes(fnId(which)));

  test('both functions have an AWS_IAM URL, no other', () => {
    const urls = ofType('AWS::Lambda::Url').map(([, r]) => r.Properties);
    expect(urls).toHaveLength(2);
    for (const url of urls) expect(url.AuthType).toBe('AWS_IAM');
  });

  test('the approve URL admits only the approver role ARN, in the organization (both URL actions)', () => {
    expect(of('approveFunction')).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunctionUrl',
        Principal: APPROVER_ARN,
        FunctionUrlAuthType: 'AWS_IAM',
        PrincipalOrgID: ORG,
      }),
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Principal: APPROVER_ARN,
        InvokedViaFunctionUrl: true,
        PrincipalOrgID: ORG,
      }),
    ]);
  });

  test('the request URL admits principals of this account, in the organization; nobody else may invoke either', () => {
    expect(of('requestFunction').map((p) => [p.Action, p.Principal, p.PrincipalOrgID])).toEqual([
      ['lambda:InvokeFunctionUrl', '111122223333', ORG],
      ['lambda:InvokeFunction', '111122223333', ORG],
    ]);
    expect(permissions).toHaveLength(4);
  });

  test('only the approve function may send the task result, and only success; the request function only starts runs', () => {
    const policies = ofType('AWS::IAM::ManagedPolicy').map(([logicalId, r]) => ({
      logicalId,
      statements: r.Properties.PolicyDocument.Statement as any[],
    }));
    const withAction = (action: string) =>
      policies.filter((p) => p.statements.some((s) => [s.Action].flat().some((a: string) => a === action || a === 'states:*')));
    const approvePolicy = on.id(on.erasure.approval!.approveFunction.policy);
    expect(withAction('states:SendTaskSuccess').map((p) => p.logicalId)).toEqual([approvePolicy]);
    expect(withAction('states:SendTaskFailure')).toEqual([]);
    expect(withAction('states:StartExecution').map((p) => p.logicalId)).toEqual([
      on.id(on.erasure.approval!.requestFunction.policy),
    ]);
    const send = policies.find((p) => p.logicalId === approvePolicy)!.statements.find((s) => s.Sid === 'CompleteApprovalTask');
    expect(send.Resource).toBe('arn:aws:states:us-east-1:111122223333:stateMachine:crm-demo-crypto-erasure');
  });

  test('the functions know the approver role, the organization, the state machine and the expiry', () => {
    const env = on.resources[fnId('approveFunction')].Properties.Environment.Variables;
    expect(env).toMatchObject({
      ACCOUNT_ID: '111122223333',
      APPROVER_ROLE_NAME: APPROVER_ROLE,
      ORGANIZATION_ID: ORG,
      REQUEST_EXPIRY_SECONDS: String(24 * 3600),
    });
    expect(on.resources[fnId('requestFunction')].Properties.FunctionName).toBe('crm-demo-crypto-erasure-request');
    expect(on.resources[fnId('approveFunction')].Properties.FunctionName).toBe('crm-demo-crypto-erasure-approve');
  });
});

describe('twoPersonApproval settings', () => {
  test('refuses a malformed role name, an expiry outside 1 hour to 30 days, a malformed organization', () => {
    expect(twoPersonApprovalProblems(TWO_PERSON)).toEqual([]);
    expect(
      twoPersonApprovalProblems({ approverRoleName: 'a role', requestExpiry: Duration.minutes(30), organizationId: 'org' }),
    ).toHaveLength(3);
    expect(twoPersonApprovalProblems({ ...TWO_PERSON, requestExpiry: Duration.days(31) })).toEqual([
      'requestExpiry must be from 1 hour to 30 days',
    ]);
    expect(() => cryptoErasureStandIns({ twoPersonApproval: { ...TWO_PERSON, approverRoleName: '' } })).toThrow(
      /approverRoleName is not an IAM role name/,
    );
  });
});

/** Checked where the rule ships: the Operations stack of the organization example, synthesized once per run with every rule pack. */
describe('twoPersonApproval compliance (config/organization.example.json)', () => {
  const { dir } = shippedAssembly(ORGANIZATION_CONFIG);
  const report = readValidationReport(dir);
  const approval = `${STACK_IDS.operations}/CryptoErasure/Approval/`;

  test('zero open findings from every rule pack on the approval functions', () => {
    expect(failedPlugins(report)).toEqual([]);
    expect(openFindings(report).filter((f) => f.constructPath.startsWith(`${STACK_IDS.operations}/CryptoErasure/`))).toEqual([]);
  });

  test('the packs did check the approval functions: only the documented exceptions are acknowledged there', () => {
    const acked = [
      ...new Set(
        acknowledgedFindings(report)
          .filter((f) => f.constructPath.startsWith(approval))
          .map((f) => `${f.rule.replace(/\[Resource::.*\]/, '[Resource::...]')} @ ${f.constructPath.slice(approval.length)}`),
      ),
    ].sort();
    expect(acked).toEqual(
      [
        'AwsSolutions-IAM5[Resource::...] @ Approve/Policy/Resource',
        'AwsSolutions-IAM5[Resource::...] @ Request/Policy/Resource',
        'HIPAA.Security-LambdaInsideVPC @ Approve/Function/Resource',
        'HIPAA.Security-LambdaInsideVPC @ Request/Function/Resource',
        'NIST.800.53.R5-LambdaInsideVPC @ Approve/Function/Resource',
        'NIST.800.53.R5-LambdaInsideVPC @ Request/Function/Resource',
        'lambda_inside_vpc_check @ Approve/Function/Resource',
        'lambda_inside_vpc_check @ Request/Function/Resource',
      ].sort(),
    );
  });
});
