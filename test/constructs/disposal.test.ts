import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { STATEFUL_REMOVAL_POLICY } from '../../lib/compliance/retention';
import { disposeOnDestroy } from '../../lib/constructs/disposal';

/** What the sandbox profile's aspects do to a stack of retained, protected resources. */
function build(disposable: boolean) {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'S');
  new logs.LogGroup(stack, 'Logs', { removalPolicy: STATEFUL_REMOVAL_POLICY });
  const db = new rds.CfnDBInstance(stack, 'Db', {
    dbInstanceClass: 'db.t4g.medium',
    engine: 'postgres',
    deletionProtection: true,
  });
  db.applyRemovalPolicy(STATEFUL_REMOVAL_POLICY);
  new cognito.CfnUserPool(stack, 'Pool', { deletionProtection: 'ACTIVE' });
  new athena.CfnWorkGroup(stack, 'WorkGroup', { name: 'wg' });
  if (disposable) disposeOnDestroy(app);
  return Template.fromStack(stack).toJSON().Resources as Record<
    string,
    { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }
  >;
}

describe('disposeOnDestroy (sandbox profile only)', () => {
  const resources = Object.values(build(true));
  const ofType = (type: string) => resources.find((r) => r.Type === type)!;

  test('every resource is deleted with its stack, the database without a final snapshot', () => {
    expect(resources.map((r) => `${r.Type} ${r.DeletionPolicy}`).sort()).toEqual([
      'AWS::Athena::WorkGroup Delete',
      'AWS::Cognito::UserPool Delete',
      'AWS::Logs::LogGroup Delete',
      'AWS::RDS::DBInstance Delete',
    ]);
  });

  test('turns off deletion protection and deletes what would block the deletion', () => {
    expect(ofType('AWS::RDS::DBInstance').Properties).toMatchObject({ DeletionProtection: false, DeleteAutomatedBackups: true });
    expect(ofType('AWS::Cognito::UserPool').Properties).toMatchObject({ DeletionProtection: 'INACTIVE' });
    expect(ofType('AWS::Athena::WorkGroup').Properties).toMatchObject({ RecursiveDeleteOption: true });
  });

  test('without it, nothing changes', () => {
    const kept = Object.values(build(false));
    expect(kept.filter((r) => r.Type !== 'AWS::Athena::WorkGroup').map((r) => r.DeletionPolicy)).toEqual([
      'RetainExceptOnCreate',
      'RetainExceptOnCreate',
      undefined,
    ]);
    expect(kept.find((r) => r.Type === 'AWS::RDS::DBInstance')!.Properties).toMatchObject({ DeletionProtection: true });
  });
});
