/**
 * Traces and LangFuse keys on AWS, in the synthesized templates. `-c tracing=xray`: every service
 * function gets the ADOT collector layer (arm64, the region's ARN), its OTLP endpoint and the X-Ray
 * actions. `-c langfuseSecret=…`: only the functions that call a model (needs.model: the tagger and
 * the reporter) learn the secret and may read it, and nothing else may. Both off by default.
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '#infra/cdk/config.ts';
import { STACK_NAMES } from '#infra/cdk/names.ts';
import { SERVICE_NAMES } from '#infra/topology.ts';
import { SERVICE_REGISTRY } from '#services/index.ts';
import { type Synthesized, synthesize } from './synth.ts';

/** What the services declare (needs.model in services/<name>/service.ts); today the tagger and the reporter. */
const MODEL_USERS: string[] = SERVICE_REGISTRY.filter(({ service }) => service.needs.model).map(
  ({ service }) => service.name,
);
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:alex/langfuse-Ab12Cd';

function serviceFunction(app: Synthesized, service: string): Record<string, any> {
  const functions = Object.values(app.template(STACK_NAMES.service(service)).Resources as Record<string, any>).filter(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.ALEX_EVENT_BUS_NAME,
  );
  expect(functions).toHaveLength(1);
  return functions[0]!.Properties;
}

function statements(app: Synthesized, service: string): Array<Record<string, any>> {
  return Object.values(app.template(STACK_NAMES.service(service)).Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('tracing and LangFuse on AWS', () => {
  let xray: Synthesized;
  let byArn: Synthesized;
  beforeAll(() => {
    xray = synthesize({
      region: 'eu-west-1',
      tracing: 'xray',
      langfuseSecret: 'alex/langfuse',
      api: { issuer: 'https://auth.example.com', audience: ['alex'] },
    });
    byArn = synthesize({ region: 'eu-west-1', langfuseSecret: SECRET_ARN });
  }, 300_000);

  it('knows which services call a model from their declarations', () => {
    expect(MODEL_USERS).toEqual(expect.arrayContaining(['tagger', 'reporter']));
    expect(MODEL_USERS).not.toContain('charter');
  });

  it('is off by default: no layer, no collector endpoint, no X-Ray permission, no LangFuse secret', () => {
    expect(resolveConfig().tracing).toBe('off');
    expect(resolveConfig().langfuseSecret).toBeUndefined();
    for (const service of SERVICE_NAMES) {
      const fn = serviceFunction(byArn, service);
      expect(fn.Layers).toBeUndefined();
      expect(fn.Environment.Variables.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
      expect(statements(byArn, service).map((s) => s.Sid)).not.toContain('XRayTraces');
    }
  });

  it('with tracing=xray adds the arm64 ADOT collector layer of the region to every service function', () => {
    for (const service of SERVICE_NAMES) {
      const fn = serviceFunction(xray, service);
      expect(fn.Architectures).toEqual(['arm64']);
      // The account and name AWS publishes the collector layer under (aws-observability/aws-otel-lambda).
      expect(fn.Layers).toEqual(['arn:aws:lambda:eu-west-1:901920570463:layer:aws-otel-collector-arm64-ver-0-115-0:2']);
      expect(fn.Environment.Variables.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://localhost:4318');
      // Alex starts its own spans: no language layer's exec wrapper.
      expect(fn.Environment.Variables.AWS_LAMBDA_EXEC_WRAPPER).toBeUndefined();
    }
  });

  it("traces the API's buffered function, where a job's trace starts, but not its stream", () => {
    const functions = Object.values(xray.template(STACK_NAMES.api).Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => r.Properties);
    const buffered = functions.find((f) => f.FunctionName === 'alex-api')!;
    const stream = functions.find((f) => f.FunctionName === 'alex-api-stream')!;
    expect(buffered.Layers).toEqual([
      'arn:aws:lambda:eu-west-1:901920570463:layer:aws-otel-collector-arm64-ver-0-115-0:2',
    ]);
    expect(buffered.Environment.Variables.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://localhost:4318');
    expect(stream.Layers).toBeUndefined();
    const sids = Object.values(xray.template(STACK_NAMES.api).Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement.map((s: { Sid?: string }) => s.Sid));
    expect(sids).toContain('XRayTraces');
    expect(sids).not.toContain('LangfuseKeys');
  });

  it('grants each role exactly the two X-Ray actions the collector calls, which take no resource ARN', () => {
    for (const service of SERVICE_NAMES) {
      const found = statements(xray, service).filter((s) => s.Sid === 'XRayTraces');
      expect(found).toEqual([
        {
          Sid: 'XRayTraces',
          Effect: 'Allow',
          Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          Resource: '*',
        },
      ]);
    }
  });

  it('gives only the services that call a model the LangFuse secret, by name, with its six-character suffix', () => {
    for (const service of SERVICE_NAMES) {
      const fn = serviceFunction(xray, service);
      const grant = statements(xray, service).find((s) => s.Sid === 'LangfuseKeys');
      if (!MODEL_USERS.includes(service)) {
        expect(fn.Environment.Variables.ALEX_LANGFUSE_SECRET_ARN).toBeUndefined();
        expect(grant).toBeUndefined();
        continue;
      }
      expect(fn.Environment.Variables.ALEX_LANGFUSE_SECRET_ARN).toBe('alex/langfuse');
      expect(grant).toMatchObject({ Action: 'secretsmanager:GetSecretValue' });
      expect(JSON.stringify(grant!.Resource)).toContain(':secret:alex/langfuse-??????');
    }
  });

  it('grants a secret given by complete ARN on exactly that ARN', () => {
    for (const service of MODEL_USERS) {
      expect(serviceFunction(byArn, service).Environment.Variables.ALEX_LANGFUSE_SECRET_ARN).toBe(SECRET_ARN);
      expect(statements(byArn, service).find((s) => s.Sid === 'LangfuseKeys')).toMatchObject({
        Action: 'secretsmanager:GetSecretValue',
        Resource: SECRET_ARN,
      });
    }
  });

  it('passes cdk-nag AwsSolutions with tracing and the secret on', () => {
    const report = new AwsSolutionsChecks(xray.app).validateScope(xray.app);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
  });

  it('refuses a secret that is neither a name nor a complete ARN, and LangFuse without a route out', () => {
    expect(() => resolveConfig({ langfuseSecret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x' })).toThrow(
      /langfuseSecret: must be a Secrets Manager secret name \(e\.g\. alex\/langfuse\) or its complete ARN/,
    );
    expect(() => resolveConfig({ vpc: true, langfuseSecret: 'alex/langfuse' })).toThrow(
      /vpc: private networking has no route to the internet, so the functions cannot reach LangFuse/,
    );
  });
});
