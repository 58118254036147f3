/**
 * AlexApi: the HTTP API in front of Alex. API Gateway (HTTP API) with its JWT authorizer, stage
 * throttling and access logs routes /v1 to a Lambda running the same Hono app as `alex serve`;
 * the SSE route streams from the same function through a Function URL (response streaming)
 * behind CloudFront with origin access control, where an optional WAF web ACL attaches. Shared
 * resources come by name (jobs queue, alarm topic) or SSM parameter (database), so it deploys alone.
 */
import { CfnOutput, Duration, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { API_ENV } from '#infra/api/env.ts';
import { SCHEDULE_GROUP, SCHEDULER_ROLE_NAME } from '#infra/schedules/target.ts';
import { ENV } from '#services/common/environment.ts';
import { JOBS_QUEUE } from '../../topology.ts';
import type { AlexConfig } from '../config.ts';
import { functionAlarms } from '../constructs/alarms.ts';
import { BundledFunction } from '../constructs/bundled-function.ts';
import { exportTracesToXray } from '../constructs/tracing.ts';
import { ALARM_TOPIC_NAME, API_FUNCTION_NAME, API_SSM, deadLetterQueueName, SSM } from '../names.ts';
import { DATA_API_ACTIONS, logRetention } from './service-stack.ts';

export interface ApiStackProps extends StackProps {
  config: AlexConfig;
  api: NonNullable<AlexConfig['api']>;
}

/** p99 latency above this for three 5-minute periods pages someone. */
export const API_LATENCY_ALARM_MS = 2000;

export class ApiStack extends Stack {
  readonly httpApi: apigw.HttpApi;
  readonly function: BundledFunction;
  readonly streamFunction: BundledFunction;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, api } = props;
    const role = new iam.Role(this, 'Role', {
      roleName: `${API_FUNCTION_NAME}-function`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Alex API: send jobs, read and write portfolios and jobs through the Data API',
    });
    const clusterArn = ssm.StringParameter.valueForStringParameter(this, SSM.databaseClusterArn);
    const secretArn = ssm.StringParameter.valueForStringParameter(this, SSM.databaseSecretArn);
    const allow = (sid: string, actions: string[], resources: string[]) =>
      role.addToPolicy(new iam.PolicyStatement({ sid, actions, resources }));
    allow('SendJobs', ['sqs:SendMessage'], [this.formatArn({ service: 'sqs', resource: JOBS_QUEUE.name })]);
    allow('DataApi', DATA_API_ACTIONS, [clusterArn]);
    allow('DatabaseCredentials', ['secretsmanager:GetSecretValue'], [secretArn]);
    // Users' schedules: one Scheduler schedule each, in Alex's group, run as the core's Scheduler role.
    allow(
      'UserSchedules',
      ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
      [this.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${SCHEDULE_GROUP}/*` })],
    );
    const schedulerRoleArn = this.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: SCHEDULER_ROLE_NAME,
    });
    const region = Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:${region}:<AWS::AccountId>:schedule/${SCHEDULE_GROUP}/*]`,
      reason: "Users' schedules are created at run time, one per row, named by its id: only Alex's group is reachable",
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PassSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [schedulerRoleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );

    const environment = {
      [API_ENV.issuer]: api.issuer,
      [API_ENV.audience]: api.audience[0]!,
      [API_ENV.jwksUrl]: api.jwksUrl ?? `${api.issuer.replace(/\/$/, '')}/.well-known/jwks.json`,
      [API_ENV.corsOrigins]: api.corsOrigins.join(','),
      [API_ENV.jobsQueueUrl]: `https://sqs.${this.region}.${this.urlSuffix}/${this.account}/${JOBS_QUEUE.name}`,
      [API_ENV.jobsQueueArn]: this.formatArn({ service: 'sqs', resource: JOBS_QUEUE.name }),
      [API_ENV.jobsDeadLetterQueueArn]: this.formatArn({
        service: 'sqs',
        resource: deadLetterQueueName(JOBS_QUEUE.name),
      }),
      [API_ENV.schedulerRoleArn]: schedulerRoleArn,
      [ENV.databaseClusterArn]: clusterArn,
      [ENV.databaseSecretArn]: secretArn,
      [ENV.databaseName]: config.aurora.databaseName,
      POWERTOOLS_SERVICE_NAME: API_FUNCTION_NAME,
      POWERTOOLS_LOG_LEVEL: config.logLevel,
    };
    const common = {
      memoryMb: 512,
      role,
      logRetention: logRetention(config),
      sourceMap: config.sourceMaps,
      environment,
    };
    this.function = new BundledFunction(this, 'Handler', {
      ...common,
      entry: 'infra/api/lambda.ts',
      functionName: API_FUNCTION_NAME,
      description: 'Alex HTTP API (the app alex serve runs), behind API Gateway',
      timeoutSeconds: 29,
    });
    // The same app streamed: SSE needs response streaming, which only a Function URL offers.
    this.streamFunction = new BundledFunction(this, 'StreamHandler', {
      ...common,
      entry: 'infra/api/lambda-stream.ts',
      functionName: `${API_FUNCTION_NAME}-stream`,
      description: 'Alex HTTP API, streamed (Server-Sent Events) through CloudFront',
      timeoutSeconds: 900,
    });
    // The buffered API starts a job's trace (its request span); the stream only reads, so it stays untraced.
    if (config.tracing === 'xray') exportTracesToXray(this.function, role);
    const fn = this.function.function;

    this.httpApi = this.buildHttpApi(api, fn, config);
    this.distribution = this.buildStreamingDistribution(api, this.streamFunction.function);

    const topic = sns.Topic.fromTopicArn(
      this,
      'AlarmTopic',
      this.formatArn({ service: 'sns', resource: ALARM_TOPIC_NAME }),
    );
    this.apiAlarms(topic);
    functionAlarms(this, 'FunctionAlarms', fn, API_FUNCTION_NAME, topic);
    functionAlarms(this, 'StreamFunctionAlarms', this.streamFunction.function, `${API_FUNCTION_NAME}-stream`, topic);
    // By value, for the AlexWeb stack to read at deploy time (its CSP and config.json): no export.
    new ssm.StringParameter(this, 'ApiUrlParameter', {
      parameterName: API_SSM.url,
      stringValue: this.httpApi.apiEndpoint,
    });
    new ssm.StringParameter(this, 'StreamUrlParameter', {
      parameterName: API_SSM.streamUrl,
      stringValue: `https://${this.distribution.distributionDomainName}`,
    });
    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint, description: 'Alex API base URL' });
    new CfnOutput(this, 'StreamUrl', {
      value: `https://${this.distribution.distributionDomainName}`,
      description: 'Base URL for GET /v1/analyses/{jobId}/events (token in access_token)',
    });
  }

  private buildHttpApi(api: ApiStackProps['api'], fn: lambda.IFunction, config: AlexConfig): apigw.HttpApi {
    const authorizer = new HttpJwtAuthorizer('Jwt', api.issuer, {
      authorizerName: 'alex-jwt',
      jwtAudience: api.audience,
    });
    const httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: 'alex-api',
      description: 'Alex HTTP API',
      createDefaultStage: false,
      corsPreflight:
        api.corsOrigins.length > 0
          ? {
              allowOrigins: api.corsOrigins,
              allowMethods: [
                apigw.CorsHttpMethod.GET,
                apigw.CorsHttpMethod.PUT,
                apigw.CorsHttpMethod.POST,
                apigw.CorsHttpMethod.DELETE,
              ],
              allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-none-match', 'last-event-id'],
              exposeHeaders: ['location', 'etag', 'retry-after', 'ratelimit', 'ratelimit-policy'],
              maxAge: Duration.minutes(10),
            }
          : undefined,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: '/aws/apigateway/alex-api',
      retention: logRetention(config),
    });
    const stage = httpApi.addStage('Stage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: api.ratePerSecond, burstLimit: api.burst },
    });
    (stage.node.defaultChild as apigw.CfnStage).accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        time: '$context.requestTime',
        method: '$context.httpMethod',
        route: '$context.routeKey',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        user: '$context.authorizer.claims.sub',
        authorizerError: '$context.authorizer.error',
      }),
    };
    const integration = new HttpLambdaIntegration('App', fn, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    httpApi.addRoutes({ path: '/v1/{proxy+}', methods: [apigw.HttpMethod.ANY], integration, authorizer });
    for (const path of ['/healthz', '/openapi.json']) {
      const [route] = httpApi.addRoutes({ path, methods: [apigw.HttpMethod.GET], integration });
      Validations.of(route!).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${path} is public by design: liveness and the API description`,
      });
    }
    return httpApi;
  }

  private buildStreamingDistribution(api: ApiStackProps['api'], fn: lambda.Function): cloudfront.Distribution {
    const url = fn.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.AWS_IAM,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
    });
    const distribution = new cloudfront.Distribution(this, 'Stream', {
      comment: 'Alex SSE: GET /v1/analyses/{jobId}/events streamed from the API function',
      defaultBehavior: {
        origin: origins.FunctionUrlOrigin.withOriginAccessControl(url, { readTimeout: Duration.seconds(60) }),
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      webAclId: api.webAclArn,
    });
    const acknowledged = [
      { id: 'AwsSolutions-CFR1', reason: 'No geo restriction: users are wherever their token is valid' },
      ...(api.webAclArn
        ? []
        : [{ id: 'AwsSolutions-CFR2', reason: 'WAF is opt-in: set api.webAclArn (e.g. the AlexWaf stack output)' }]),
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'No access logs: the query carries the bearer token (EventSource cannot set headers); the function logs requests',
      },
      { id: 'AwsSolutions-CFR4', reason: 'The default *.cloudfront.net certificate; TLS 1.2 minimum is set' },
    ];
    for (const finding of acknowledged) Validations.of(distribution).acknowledge(finding);
    return distribution;
  }

  private apiAlarms(topic: sns.ITopic): void {
    const action = new cwActions.SnsAction(topic);
    new cloudwatch.Alarm(this, 'ServerErrors', {
      alarmName: 'alex-api-5xx',
      alarmDescription: 'The API answered 5xx: read the alex-api function logs and the access log',
      metric: this.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(action);
    new cloudwatch.Alarm(this, 'Latency', {
      alarmName: 'alex-api-latency-p99',
      alarmDescription: `p99 latency over ${API_LATENCY_ALARM_MS} ms for 15 minutes`,
      metric: this.httpApi.metricLatency({ period: Duration.minutes(5), statistic: 'p99' }),
      threshold: API_LATENCY_ALARM_MS,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(action);
  }
}
