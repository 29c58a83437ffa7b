import { AssemblyIndex } from '../../lib/assembly/assembly-index';
import { readAssembly } from '../../lib/assembly/read';
import { baaRecord, dataClassification, retentionTable, roleMatrix } from '../../lib/report/policies';
import { shippedConfig } from '../helpers/config';
import { FIXTURE_DIR, NOW } from './fixture';

const index = new AssemblyIndex(readAssembly(FIXTURE_DIR));

describe('role matrix', () => {
  const rows = roleMatrix(shippedConfig('config/demo.json'), index);

  test('lists every role of the config with its scopes in plain words and whether it reaches PHI', () => {
    const frontDesk = rows.find((r) => r.name === 'front-desk')!;
    expect(frontDesk.scopes).toEqual(['patients.read', 'patients.write']);
    expect(frontDesk.mayDo[0]).toMatch(/patient demographics/);
    expect(frontDesk.seesPhi).toBe(true);
    expect(rows.find((r) => r.name === 'compliance-officer')?.seesPhi).toBe(false);
  });

  test('names the Cognito group of a role, and shows a role without one', () => {
    expect(rows.find((r) => r.name === 'front-desk')?.group?.logicalId).toBe('RoleGroupFrontDesk');
    expect(rows.find((r) => r.name === 'billing')?.group).toBeUndefined();
  });
});

describe('data classification', () => {
  const stores = dataClassification(index);

  test('classifies a store by the data class of its key, PHI stores first', () => {
    expect(stores.map((s) => [s.resource.logicalId, s.dataClass, s.holdsPhi])).toEqual([
      ['PhiDocumentsBucket', 'phi', true],
      ['PhiDocumentsAccessLogBucket', undefined, false],
    ]);
  });

  test('lists the controls the templates put on each store', () => {
    const phi = stores[0].controls;
    expect(phi).toEqual(
      expect.arrayContaining([
        'encrypted with KMS key PhiKey (phi)',
        'TLS only (TLS 1.2+) (bucket policy)',
        'versioned',
        'Object Lock GOVERNANCE 30 days',
        'server access logs',
      ]),
    );
    expect(phi.some((c) => c.startsWith('replicated to arn:aws:s3:::crm-demo-phi-replica-'))).toBe(true);
    expect(stores[1].controls).toContain('deletes denied to everyone (s3:DeleteObject, s3:DeleteObjectVersion)');
  });
});

describe('retention', () => {
  test('reads log, bucket and key retention from the templates', () => {
    const rows = retentionTable(index);
    expect(rows).toContainEqual({
      what: 'CloudWatch log groups (1)',
      where: 'Data',
      retention: '2192 days (6.0 years)',
      note: 'kept at least 6 years (164.316(b)(2)(i))',
    });
    expect(rows.find((r) => r.where === 'Data PhiDocumentsBucket')?.retention).toBe(
      'Object Lock GOVERNANCE 30 days; objects never expire',
    );
    expect(rows).toContainEqual({ what: 'KMS key deletion waiting period (1 key)', where: 'Keys PhiKey', retention: '30 days' });
  });
});

describe('BAA record', () => {
  test('records the executed BAA of a deployment that holds PHI', () => {
    const baa = baaRecord(shippedConfig('config/production.example.json'), NOW);
    expect(baa).toMatchObject({ holdsPhi: true, reference: 'AWS-BAA-ARTIFACT-EXAMPLE-0001', executedOn: '2026-01-15' });
    expect(baa.gate).toMatch(/^passed/);
  });

  test('a deployment without PHI records none, and says it must hold none', () => {
    expect(baaRecord(shippedConfig('config/demo.json'), NOW).gate).toMatch(/holdsPhi is false/);
  });
});
