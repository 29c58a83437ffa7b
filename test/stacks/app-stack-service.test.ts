/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
/** The App stack's CRM service: Fargate, container hardening, IAM and network access. */
import { Template } from 'aws-cdk-lib/assertions';
import type { Deployment } from '../../lib/app';
import type { DeploymentConfig } from '../../lib/config/schema';
import { AppStackFixture, flatExports, flatPartitioned, type Resources } from '../helpers/app-stack';
import { flat, isCrossStackRef, KEY_IDS } from '../helpers/cfn-values';
import { SHIPPED_CONFIGS } from '../helpers/config';

const S3_PREFIX_LIST_US_EAST_1 = 'pl-63a5400a';

describe.each(SHIPPED_CONFIGS)('App stack CRM service from %s', (file) => {
  let config: DeploymentConfig;
  let deployment: Deployment;
  let resources: Resources;
  let account: string;
  const fx = new AppStackFixture(file);

  beforeAll(() => {
    fx.load();
    ({ config, deployment, resources, account } = fx);
  });

  const ofType = (type: string) => fx.ofType(type);
  const only = (type: string) => fx.only(type);
  const rulesOf = (type: string) => fx.propertiesOf(type);
  const albSg = () => fx.albSecurityGroupId;
  const crmSg = () => fx.crmSecurityGroupId;
  const taskDefinition = () => fx.taskDefinition();
  const container = () => fx.container();
  const policyOfRole = (roleId: string) => fx.policyOfRole(roleId);
  const normalized = (statements: any[]) => fx.normalized(statements);
  const subnetIdsOf = (group: string) => fx.subnetIdsOf(group);
  const refersToAll = (refs: unknown[], ids: string[]) => fx.expectRefsTo(refs, ids);

  describe('CRM service', () => {
    test('runs on Fargate LATEST in the workload subnets, without public IPs or ECS Exec', () => {
      const service = only('AWS::ECS::Service')[1].Properties;
      expect(service).toMatchObject({
        LaunchType: 'FARGATE',
        PlatformVersion: 'LATEST',
        EnableExecuteCommand: false,
        DesiredCount: config.workload.minTasks,
      });
      expect(service.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
      expect(service.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups).toEqual([{ 'Fn::GetAtt': [crmSg(), 'GroupId'] }]);
      refersToAll(service.NetworkConfiguration.AwsvpcConfiguration.Subnets, subnetIdsOf('Workload'));
    });

    test('deploys without dropping below capacity and rolls back failed deployments', () => {
      expect(only('AWS::ECS::Service')[1].Properties.DeploymentConfiguration).toEqual({
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      });
    });

    test('the cluster has Container Insights', () => {
      expect(only('AWS::ECS::Cluster')[1].Properties.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
    });

    test('scales on CPU between the configured minimum and maximum', () => {
      expect(only('AWS::ApplicationAutoScaling::ScalableTarget')[1].Properties).toMatchObject({
        MinCapacity: config.workload.minTasks,
        MaxCapacity: config.workload.maxTasks,
        ScalableDimension: 'ecs:service:DesiredCount',
      });
      expect(
        only('AWS::ApplicationAutoScaling::ScalingPolicy')[1].Properties.TargetTrackingScalingPolicyConfiguration,
      ).toMatchObject({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      });
    });

    test('the task has the configured size, awsvpc networking and a named family', () => {
      expect(taskDefinition()).toMatchObject({
        Cpu: String(config.workload.cpu),
        Memory: String(config.workload.memoryMiB),
        NetworkMode: 'awsvpc',
        RequiresCompatibilities: ['FARGATE'],
        Family: `${config.name}-crm`,
      });
    });

    test('the container is hardened: read-only root, non-root user, unprivileged, every capability dropped', () => {
      expect(container()).toMatchObject({
        Name: 'crm',
        Essential: true,
        ReadonlyRootFilesystem: true,
        User: '1000',
        Privileged: false,
        Memory: config.workload.memoryMiB,
        LinuxParameters: { Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: true },
        PortMappings: [{ ContainerPort: config.workload.containerPort, Protocol: 'tcp', Name: 'http' }],
        MountPoints: [{ ContainerPath: '/tmp', SourceVolume: 'tmp', ReadOnly: false }],
      });
      expect(container().LinuxParameters.Capabilities.Add).toBeUndefined();
      expect(container().Environment).toBeUndefined();
      expect(taskDefinition().Volumes).toEqual([{ Name: 'tmp' }]);
    });

    test('the container health check calls the configured path on the container port', () => {
      expect(container().HealthCheck).toEqual({
        Command: [
          'CMD-SHELL',
          `wget -q -O /dev/null 'http://127.0.0.1:${config.workload.containerPort}${config.workload.healthCheckPath}' || exit 1`,
        ],
        Interval: 30,
        Timeout: 5,
        Retries: 3,
        StartPeriod: 60,
      });
    });

    test('runs the configured ECR image, or the placeholder built from containers/placeholder', () => {
      const image = flat(container().Image['Fn::Sub'] ?? container().Image);
      if (config.workload.image) {
        const { repositoryName, tag } = config.workload.image;
        const separator = tag.startsWith('sha256:') ? '@' : ':';
        expect(image).toBe(`${account}.dkr.ecr.${config.regions.primary}.<AWS::URLSuffix>/${repositoryName}${separator}${tag}`);
      } else {
        expect(image).toMatch(/\/cdk-hnb659fds-container-assets-\$\{AWS::AccountId\}-us-east-1:[0-9a-f]{64}$/);
      }
    });

    test('logs in blocking mode to its own log group, encrypted with the audit key and kept as configured', () => {
      expect(container().LogConfiguration).toEqual({
        LogDriver: 'awslogs',
        Options: {
          'awslogs-group': { Ref: 'CrmServiceLogGroup' },
          'awslogs-stream-prefix': 'crm',
          'awslogs-region': config.regions.primary,
          mode: 'blocking',
        },
      });
      const group = resources.CrmServiceLogGroup.Properties;
      expect(group.LogGroupName).toBe(`/ecs/${config.name}/crm`);
      expect(isCrossStackRef(group.KmsKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
      expect(group.RetentionInDays).toBe(config.logs.retentionDays);
    });
  });

  describe('IAM', () => {
    const taskRoleId = () => taskDefinition().TaskRoleArn['Fn::GetAtt'][0] as string;
    const executionRoleId = () => taskDefinition().ExecutionRoleArn['Fn::GetAtt'][0] as string;

    test('both roles carry only their customer-managed policy: no inline or AWS-managed policy', () => {
      for (const id of [taskRoleId(), executionRoleId()]) {
        expect(resources[id].Properties.Policies).toBeUndefined();
        expect(resources[id].Properties.ManagedPolicyArns).toBeUndefined();
      }
      expect(ofType('AWS::IAM::Policy')).toEqual([]);
    });

    test('only ECS tasks of this account may assume the task role', () => {
      const [trust] = resources[taskRoleId()].Properties.AssumeRolePolicyDocument.Statement;
      expect(flatPartitioned(trust)).toEqual({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:<AWS::Partition>:ecs:${config.regions.primary}:${account}:*` },
        },
      });
    });

    test('the task role has exactly the least-privilege statements', () => {
      const statements = policyOfRole(taskRoleId());
      const dbUserArn = flatExports(statements[0].Resource);
      expect(dbUserArn).toBe(`arn:<AWS::Partition>:rds-db:${config.regions.primary}:${account}:dbuser:<export>/crm_app`);
      expect(
        isCrossStackRef(
          statements[0].Resource['Fn::Join'][1].find((p: any) => p['Fn::GetStackOutput']),
          'PhiDatabase',
          'DbiResourceId',
        ),
      ).toBe(true);
      for (const s of statements) expect(s.Effect).toBe('Allow');
      expect(normalized(statements)).toEqual([
        { Sid: 'ConnectToDatabaseAsCrmUser', Action: ['rds-db:connect'], Resource: [dbUserArn], Condition: undefined },
        { Sid: 'ListDocuments', Action: ['s3:ListBucket'], Resource: ['<export>'], Condition: undefined },
        {
          Sid: 'ReadWriteDocuments',
          Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
          Resource: ['<export>/*'],
          Condition: undefined,
        },
        {
          Sid: 'UseDocumentsKeyThroughS3',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: ['<PhiKey.Arn>'],
          Condition: expect.objectContaining({
            StringEquals: { 'kms:ViaService': `s3.${config.regions.primary}.amazonaws.com` },
          }),
        },
      ]);
      expect(isCrossStackRef(statements[1].Resource, 'PhiDocumentsBucket', 'Arn')).toBe(true);
      expect(isCrossStackRef(statements[2].Resource['Fn::Join'][1][0], 'PhiDocumentsBucket', 'Arn')).toBe(true);
      for (const s of statements) for (const a of [s.Action].flat()) expect(a).not.toContain('*');
    });

    test('the execution role may pull the image, get a registry token and write the CRM log streams only', () => {
      const statements = normalized(policyOfRole(executionRoleId()));
      const repository = config.workload.image
        ? `arn:<AWS::Partition>:ecr:${config.regions.primary}:${account}:repository/${config.workload.image.repositoryName}`
        : expect.stringMatching(/:repository\/.*cdk-hnb659fds-container-assets-/);
      expect(statements).toEqual([
        {
          Sid: undefined,
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Resource: [repository],
          Condition: undefined,
        },
        { Sid: undefined, Action: ['ecr:GetAuthorizationToken'], Resource: ['*'], Condition: undefined },
        {
          Sid: undefined,
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: ['<CrmServiceLogGroup.Arn>'],
          Condition: undefined,
        },
      ]);
    });
  });

  describe('network access of the CRM', () => {
    test('admits only the load balancer, on the container port', () => {
      const own = JSON.stringify({ 'Fn::GetAtt': [crmSg(), 'GroupId'] });
      expect(resources[crmSg()].Properties.SecurityGroupIngress).toBeUndefined();
      expect(rulesOf('AWS::EC2::SecurityGroupIngress').filter((r) => JSON.stringify(r.GroupId) === own)).toEqual([
        expect.objectContaining({
          SourceSecurityGroupId: { 'Fn::GetAtt': [albSg(), 'GroupId'] },
          IpProtocol: 'tcp',
          FromPort: config.workload.containerPort,
          ToPort: config.workload.containerPort,
        }),
      ]);
    });

    test('egress: HTTPS to the VPC and to the S3 prefix list, the database port, nothing else', () => {
      const own = JSON.stringify({ 'Fn::GetAtt': [crmSg(), 'GroupId'] });
      expect(resources[crmSg()].Properties.SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: config.network.vpcCidr, IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
      ]);
      const egress = rulesOf('AWS::EC2::SecurityGroupEgress').filter((r) => JSON.stringify(r.GroupId) === own);
      expect(egress).toHaveLength(2);
      expect(egress).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            DestinationPrefixListId: S3_PREFIX_LIST_US_EAST_1,
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
          }),
          expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5433, ToPort: 5433 }),
        ]),
      );
      const dbSgId = fx.databaseSecurityGroupId;
      const toDb = egress.find((r) => r.FromPort === 5433)!;
      expect(isCrossStackRef(toDb.DestinationSecurityGroupId, dbSgId, 'GroupId')).toBe(true);
      expect(JSON.stringify(resources)).not.toMatch(/"CidrIpv6"/);
    });

    test('the database admits the CRM on its port, by a rule in this stack; the Data stack does not reference this one', () => {
      const dbSgId = fx.databaseSecurityGroupId;
      const toDb = rulesOf('AWS::EC2::SecurityGroupIngress').filter((r) => isCrossStackRef(r.GroupId, dbSgId, 'GroupId'));
      expect(toDb).toEqual([
        expect.objectContaining({
          SourceSecurityGroupId: { 'Fn::GetAtt': [crmSg(), 'GroupId'] },
          IpProtocol: 'tcp',
          FromPort: 5433,
          ToPort: 5433,
        }),
      ]);
      const data = JSON.stringify(Template.fromStack(deployment.data).toJSON());
      expect(data).not.toContain(deployment.app.stackName);
      expect(deployment.data.dependencies).not.toContain(deployment.app);
    });
  });
});
