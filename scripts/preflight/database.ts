/**
 * The database engine version and instance class can be created in the region: RDS retires minor
 * versions, and not every class is offered for every version, Multi-AZ or gp3.
 */
import { DescribeDBEngineVersionsCommand, DescribeOrderableDBInstanceOptionsCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { DatabaseFootprint } from './footprint';
import { fail, guarded, pass, type CheckResult } from './result';

export function checkDatabase(rds: RDSClient, db: DatabaseFootprint, configPath: string): Promise<CheckResult[]> {
  const { region, engine, engineVersion: version, instanceClass } = db;
  const what = `RDS ${engine} ${version} on ${instanceClass}`;
  const listVersions = `aws rds describe-db-engine-versions --region ${region} --engine ${engine} --query "DBEngineVersions[?Status=='available'].EngineVersion"; set database.engineVersion in ${configPath}`;
  return guarded(region, what, 'rds:DescribeDBEngineVersions and rds:DescribeOrderableDBInstanceOptions', async () => {
    const versions =
      (await rds.send(new DescribeDBEngineVersionsCommand({ Engine: engine, EngineVersion: version }))).DBEngineVersions ?? [];
    const found = versions.find((v) => v.EngineVersion === version);
    if (!found) return fail(region, `${engine} ${version} is not offered in this region`, listVersions);
    if (found.Status && found.Status !== 'available') {
      return fail(region, `${engine} ${version} is ${found.Status}: new instances cannot use it`, listVersions);
    }
    const options =
      (
        await rds.send(
          new DescribeOrderableDBInstanceOptionsCommand({
            Engine: engine,
            EngineVersion: version,
            DBInstanceClass: instanceClass,
          }),
        )
      ).OrderableDBInstanceOptions ?? [];
    const listClasses = `aws rds describe-orderable-db-instance-options --region ${region} --engine ${engine} --engine-version ${version} --query "OrderableDBInstanceOptions[?MultiAZCapable].DBInstanceClass"; set database.instanceType in ${configPath}`;
    if (options.length === 0)
      return fail(region, `${instanceClass} is not offered for ${engine} ${version} in this region`, listClasses);
    if (db.multiAz && !options.some((o) => o.MultiAZCapable)) {
      return fail(
        region,
        `${instanceClass} cannot run Multi-AZ with ${engine} ${version} here (the deployment is always Multi-AZ)`,
        listClasses,
      );
    }
    return pass(region, `${what} can be created${db.multiAz ? ' (Multi-AZ)' : ''}`);
  });
}
