import { claimsOf } from './claims';

describe('Amazon VPC resources', () => {
  test('a flow log is an audit control', () => {
    expect(claimsOf('AWS::EC2::FlowLog', { ResourceType: 'VPC', ResourceId: { Ref: 'Vpc' }, TrafficType: 'ALL' })).toEqual({
      '164.312(b)': 'flow log of VPC <Vpc>, traffic ALL',
    });
  });

  test('a private endpoint is transmission security', () => {
    expect(claimsOf('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.us-east-1.secretsmanager' })).toEqual({
      '164.312(e)(1)': 'private endpoint for com.amazonaws.us-east-1.secretsmanager: traffic to it stays on the AWS network',
    });
  });

  test('a security group and the emptied default security group are access controls', () => {
    expect(claimsOf('AWS::EC2::SecurityGroup', { GroupDescription: 'database: from the CRM only' })).toEqual({
      '164.312(a)(1)': 'security group: database: from the CRM only',
    });
    expect(claimsOf('Custom::VpcRestrictDefaultSG', {})).toEqual({
      '164.312(a)(1)': "removes every rule from the VPC's default security group",
    });
  });

  test('an isolated subnet is an access control; a public one is not', () => {
    expect(claimsOf('AWS::EC2::Subnet', { Tags: [{ Key: 'aws-cdk:subnet-type', Value: 'Isolated' }] })).toEqual({
      '164.312(a)(1)': 'isolated subnet: no route to or from the internet',
    });
    expect(claimsOf('AWS::EC2::Subnet', { Tags: [{ Key: 'aws-cdk:subnet-type', Value: 'Public' }] })).toEqual({});
  });
});
