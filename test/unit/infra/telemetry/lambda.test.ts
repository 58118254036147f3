/**
 * A deployed function's tracing with LangFuse keys in Secrets Manager: the real
 * @aws-sdk/client-secrets-manager reads the JSON secret from a loopback server speaking its wire
 * format (awsJson1_1), once at cold start; the batch's spans then reach LangFuse's OTLP endpoint
 * (a loopback receiver) before the batch returns. A bad secret turns tracing off with a line that
 * names the secret and the field, and never holds a key.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exportingAfterEach, traceLambda } from '#infra/telemetry/lambda.ts';
import type { Telemetry } from '#infra/telemetry/setup.ts';
import { tracerOf, withBatchExport } from '#services/common/tracing.ts';
import { type OtlpReceiver, startOtlpReceiver } from '#test/support/otlp-receiver.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '#test/support/polygon-server.ts';

const PUBLIC_KEY = 'pk-lf-from-secret';
const SECRET_KEY = 'sk-lf-from-secret-9f3a';

let secrets: FakeSecretsManager;
let receiver: OtlpReceiver;
let telemetry: Telemetry | undefined;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  secrets = await startFakeSecretsManager({
    'alex/langfuse': JSON.stringify({ publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, host: receiver.url }),
    'alex/langfuse-bare': SECRET_KEY,
    'alex/langfuse-no-secret-key': JSON.stringify({ publicKey: PUBLIC_KEY, host: receiver.url }),
  });
});
afterAll(async () => {
  await secrets.close();
  await receiver.close();
});
afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
  secrets.requests.length = 0;
});

function start(secretId: string | undefined, log: string[] = []) {
  return traceLambda({
    env: secretId ? { ALEX_LANGFUSE_SECRET_ARN: secretId } : {},
    secretsManager: () => secrets.client(),
    log: (line) => log.push(line),
  });
}

describe('tracing in a Lambda function with the LangFuse secret', () => {
  it('reads the keys from Secrets Manager once and exports the batch spans to LangFuse before the batch returns', async () => {
    telemetry = await start('arn:aws:secretsmanager:us-east-1:123456789012:secret:alex/langfuse-AbCdEf');
    expect(telemetry).toBeDefined();
    await withBatchExport(async () => tracerOf('reporter').startSpan('reporter process AnalysisPlanned').end());
    expect(secrets.requests).toEqual(['arn:aws:secretsmanager:us-east-1:123456789012:secret:alex/langfuse-AbCdEf']);
    const span = receiver.spans.find((received) => received.name === 'reporter process AnalysisPlanned')!;
    // X-Ray keeps a trace only when its id starts with the trace's start, in epoch seconds (hex).
    expect(Math.abs(Number.parseInt(span.traceId.slice(0, 8), 16) - Date.now() / 1000)).toBeLessThan(60);
    const request = receiver.requests.at(-1)!;
    expect(request.path).toBe('/api/public/otel/v1/traces');
    // base64("pk-lf-from-secret:sk-lf-from-secret-9f3a"), worked out with `printf %s … | base64`.
    expect(request.headers.authorization).toBe('Basic cGstbGYtZnJvbS1zZWNyZXQ6c2stbGYtZnJvbS1zZWNyZXQtOWYzYQ==');
  });

  it('exports a wrapped handler spans before the handler returns (the API entry point)', async () => {
    telemetry = await start('alex/langfuse');
    const handler = exportingAfterEach(async (path: string) => {
      tracerOf('api').startSpan(`POST ${path}`).end();
      return 202;
    });
    expect(await handler('/v1/analyses')).toBe(202);
    expect(receiver.spans.map((span) => span.name)).toContain('POST /v1/analyses');
  });

  it('starts no tracing and asks Secrets Manager nothing when no secret is configured', async () => {
    telemetry = await start(undefined);
    expect(telemetry).toBeUndefined();
    expect(secrets.requests).toEqual([]);
  });

  it('turns tracing off, naming the missing field, when the secret lacks secretKey', async () => {
    const log: string[] = [];
    telemetry = await start('alex/langfuse-no-secret-key', log);
    expect(telemetry).toBeUndefined();
    expect(log).toEqual([
      'alex: tracing is off: ALEX_LANGFUSE_SECRET_ARN: secret "alex/langfuse-no-secret-key" needs secretKey as ' +
        'strings; store a JSON object {"publicKey": "pk-lf-…", "secretKey": "sk-lf-…", "host": "https://…"}',
    ]);
  });

  it('never puts a key in the log, even when the secret holds a bare key rather than JSON', async () => {
    const log: string[] = [];
    telemetry = await start('alex/langfuse-bare', log);
    expect(telemetry).toBeUndefined();
    expect(log).toHaveLength(1);
    expect(log[0]).toContain('secret "alex/langfuse-bare" is not JSON');
    expect(log[0]).not.toContain(SECRET_KEY);
    expect(log[0]).not.toContain('9f3a');
  });

  it('says which secret it could not read when Secrets Manager refuses', async () => {
    const log: string[] = [];
    telemetry = await start('alex/absent', log);
    expect(log[0]).toMatch(/^alex: tracing is off: .*secret "alex\/absent" \(ResourceNotFoundException: /);
  });
});
