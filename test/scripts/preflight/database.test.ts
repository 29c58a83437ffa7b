import { DescribeDBEngineVersionsCommand, DescribeOrderableDBInstanceOptionsCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { checkDatabase } from '../../../scripts/preflight/database';

const rds = mockClient(RDSClient);
afterEach(() => rds.reset());
const DB = {
  region: 'us-east-1',
  identifier: 'crm-demo-crm',
  engine: 'postgres',
  engineVersion: '16.9',
  instanceClass: 'db.t4g.medium',
  multiAz: true,
};
const check = () => checkDatabase(new RDSClient({}), DB, 'config/x.json');

test('an available version and a Multi-AZ capable class pass', async () => {
  rds
    .on(DescribeDBEngineVersionsCommand, { Engine: 'postgres', EngineVersion: '16.9' })
    .resolves({ DBEngineVersions: [{ EngineVersion: '16.9', Status: 'available' }] });
  rds
    .on(DescribeOrderableDBInstanceOptionsCommand, { DBInstanceClass: 'db.t4g.medium' })
    .resolves({ OrderableDBInstanceOptions: [{ MultiAZCapable: true }] });
  expect(await check()).toEqual([
    expect.objectContaining({ status: 'PASS', what: 'RDS postgres 16.9 on db.t4g.medium can be created (Multi-AZ)' }),
  ]);
});

test('a version not offered fails with the command that lists the offered ones', async () => {
  rds.on(DescribeDBEngineVersionsCommand).resolves({ DBEngineVersions: [] });
  const [r] = await check();
  expect(r).toMatchObject({ status: 'FAIL', what: 'postgres 16.9 is not offered in this region' });
  expect(r.fix).toMatch(/^aws rds describe-db-engine-versions --region us-east-1 --engine postgres/);
  expect(r.fix).toContain('database.engineVersion in config/x.json');
});

test('a deprecated version fails', async () => {
  rds.on(DescribeDBEngineVersionsCommand).resolves({ DBEngineVersions: [{ EngineVersion: '16.9', Status: 'deprecated' }] });
  expect((await check())[0].what).toBe('postgres 16.9 is deprecated: new instances cannot use it');
});

test('a class not offered for the version fails', async () => {
  rds.on(DescribeDBEngineVersionsCommand).resolves({ DBEngineVersions: [{ EngineVersion: '16.9', Status: 'available' }] });
  rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [] });
  expect((await check())[0]).toMatchObject({ status: 'FAIL', fix: expect.stringContaining('database.instanceType') });
});

test('a class without Multi-AZ fails', async () => {
  rds.on(DescribeDBEngineVersionsCommand).resolves({ DBEngineVersions: [{ EngineVersion: '16.9', Status: 'available' }] });
  rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [{ MultiAZCapable: false }] });
  expect((await check())[0].what).toContain('cannot run Multi-AZ');
});

test('access denied fails with the permissions', async () => {
  rds.on(DescribeDBEngineVersionsCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));
  expect((await check())[0].what).toContain('missing permission rds:DescribeDBEngineVersions');
});
