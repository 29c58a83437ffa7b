import { parseErasureRequest } from '../../../lambda/crypto-erasure/request';

const DIGEST = 'c'.repeat(64);
const RUN = 'teardown-20261206163000-0a1b2c3d';
const person = (session: string, role: string, id: string) => ({
  arn: `arn:aws:sts::111122223333:assumed-role/${role}/${session}`,
  userId: `${id}:${session}`,
  accountId: '111122223333',
});
const APPROVAL = {
  requestId: RUN,
  digest: DIGEST,
  requester: person('alice', 'crm-demo-operator', 'AROAOPERATOR'),
  requestedAt: '2026-12-06T16:30:00.000Z',
  approver: person('bob', 'crm-demo-erasure-approver', 'AROAAPPROVER'),
  approvedAt: '2026-12-06T17:00:00.000Z',
  executionArn: `arn:aws:states:us-east-1:111122223333:execution:crm-demo-crypto-erasure:${RUN}`,
};
const execute = (approval: unknown) =>
  parseErasureRequest({ phase: 'execute', confirmDigest: DIGEST, requestedBy: APPROVAL.requester.arn, runId: RUN, approval });

describe('erasure request with a two-person approval', () => {
  test('an approval for this run and digest by a second person is passed on', () => {
    expect(execute(APPROVAL)).toMatchObject({ phase: 'execute', approval: APPROVAL });
  });

  test('refused: the requester as approver, another digest, another run, a malformed approval', () => {
    expect(() => execute({ ...APPROVAL, approver: APPROVAL.requester })).toThrow(/two-person rule needs two people/);
    expect(() => execute({ ...APPROVAL, digest: 'd'.repeat(64) })).toThrow(/another digest/);
    expect(() => execute({ ...APPROVAL, requestId: 'teardown-other' })).toThrow(/another run/);
    expect(() => execute({ ...APPROVAL, approver: { arn: 'x' } })).toThrow(/not a two-person approval/);
  });
});
