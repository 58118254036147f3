/**
 * The AlexApi stack: a JWT-authorized HTTP API with throttling and access logs, alarms on 5xx
 * and latency, the SSE route streamed through CloudFront with origin access control, optional
 * WAF, cdk-nag clean, and no reference to another stack (it deploys alone).
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_SSM, STACK_NAMES } from '#infra/cdk/names.ts';
import { TemplateLinter } from '#infra/cdk/template-lint.ts';
import { type Synthesized, synthesize } from './synth.ts';

const API = { issuer: 'https://clerk.alex.example', audience: ['alex'], ratePerSecond: 25, burst: 50 };
const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/alex-edge/0c1d2e3f';
let synth: Synthesized;
let withWaf: Synthesized;

beforeAll(() => {
  synth = synthesize({ api: API });
  withWaf = synthesize({ api: { ...API, webAclArn: WEB_ACL } });
}, 600_000);

const resources = (s: Synthesized, type: string) =>
  Object.values(s.template(STACK_NAMES.api).Resources as Record<string, any>)
    .filter((r) => r.Type === type)
    .map((r) => r.Properties);

describe('AlexApi', () => {
  it('authorizes /v1 with a JWT authorizer for the configured issuer and audience; only /healthz and /openapi.json are open', () => {
    const [authorizer] = resources(synth, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: API.issuer, Audience: API.audience },
    });
    const routes = resources(synth, 'AWS::ApiGatewayV2::Route');
    expect(routes.map((r) => [r.RouteKey, r.AuthorizationType ?? 'NONE']).sort()).toEqual([
      ['ANY /v1/{proxy+}', 'JWT'],
      ['GET /healthz', 'NONE'],
      ['GET /openapi.json', 'NONE'],
    ]);
  });

  it('throttles the stage and writes JSON access logs', () => {
    const [stage] = resources(synth, 'AWS::ApiGatewayV2::Stage');
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 });
    expect(JSON.parse(stage.AccessLogSettings.Format)).toMatchObject({ status: '$context.status' });
  });

  it('alarms on 5xx and p99 latency', () => {
    const alarms = resources(synth, 'AWS::CloudWatch::Alarm');
    expect(alarms.find((a) => a.AlarmName === 'alex-api-5xx')).toMatchObject({
      MetricName: '5xx',
      Namespace: 'AWS/ApiGateway',
    });
    expect(alarms.find((a) => a.AlarmName === 'alex-api-latency-p99')).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: 2000,
    });
  });

  it('streams SSE from a Function URL that only CloudFront may call, with WAF when configured', () => {
    const [url] = resources(synth, 'AWS::Lambda::Url');
    expect(url).toMatchObject({ AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' });
    expect(resources(synth, 'AWS::CloudFront::OriginAccessControl')[0].OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 'lambda',
      SigningBehavior: 'always',
    });
    const [plain] = resources(synth, 'AWS::CloudFront::Distribution');
    expect(plain.DistributionConfig.WebACLId).toBeUndefined();
    const [guarded] = resources(withWaf, 'AWS::CloudFront::Distribution');
    expect(guarded.DistributionConfig.WebACLId).toBe(WEB_ACL);
  });

  it("gives the functions only the jobs queue, the Data API, the database secret and users' Scheduler schedules", () => {
    const actions = resources(synth, 'AWS::IAM::Policy')
      .flatMap((p) => p.PolicyDocument.Statement)
      .flatMap((s: any) => [s.Action].flat());
    expect(new Set(actions)).toEqual(
      new Set([
        'sqs:SendMessage',
        'rds-data:ExecuteStatement',
        'rds-data:BatchExecuteStatement',
        'rds-data:BeginTransaction',
        'rds-data:CommitTransaction',
        'rds-data:RollbackTransaction',
        'secretsmanager:GetSecretValue',
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'iam:PassRole',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]),
    );
  });

  it('passes the CloudFormation registry schemas', () => {
    expect(new TemplateLinter().lint(synth.template(STACK_NAMES.api) as never)).toEqual([]);
  });

  it('writes its URL and stream URL, as origins, to SSM for the AlexWeb stack', () => {
    const parameters = Object.fromEntries(resources(synth, 'AWS::SSM::Parameter').map((p) => [p.Name, p.Value]));
    // ApiEndpoint is https://{api-id}.execute-api.{region}.amazonaws.com: an origin already.
    expect(parameters[API_SSM.url]).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^HttpApi/), 'ApiEndpoint'] });
    expect(parameters[API_SSM.streamUrl]).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^Stream/), 'DomainName'] }]],
    });
  });

  it('refers to no other stack (no Fn::ImportValue), so it deploys alone', () => {
    expect(JSON.stringify(synth.template(STACK_NAMES.api))).not.toContain('Fn::ImportValue');
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding, with and without WAF', () => {
    for (const s of [synth, withWaf]) {
      const report = new AwsSolutionsChecks(s.app).validateScope(s.api!);
      expect(
        report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      ).toEqual([]);
    }
  });
});
