/**
 * Which trace exports the environment asks for. Off unless one of these is set: the standard
 * OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT), LangFuse's keys, or ALEX_TRACE=1 (spans kept
 * only in the state folder). OTEL_SDK_DISABLED=true turns everything off, as the SDKs agree.
 */

export type TelemetryEnv = Readonly<Record<string, string | undefined>>;

/** LangFuse Cloud (EU), LangFuse's own SDKs' default when LANGFUSE_HOST is unset. */
export const LANGFUSE_DEFAULT_HOST = 'https://cloud.langfuse.com';

export function tracingWanted(env: TelemetryEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return Boolean(
    env.OTEL_EXPORTER_OTLP_ENDPOINT ||
      env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
      (env.LANGFUSE_PUBLIC_KEY && env.LANGFUSE_SECRET_KEY) ||
      env.ALEX_TRACE === '1',
  );
}

export interface OtlpTarget {
  url: string;
  headers: Record<string, string>;
}

/**
 * LangFuse's OTLP/HTTP traces endpoint and headers: `<host>/api/public/otel/v1/traces`, Basic
 * auth of public:secret key, and the ingestion-version header LangFuse asks direct exporters for.
 */
export function langfuseTarget(env: TelemetryEnv): OtlpTarget | undefined {
  const { LANGFUSE_PUBLIC_KEY: publicKey, LANGFUSE_SECRET_KEY: secretKey } = env;
  if (!publicKey || !secretKey) return undefined;
  const host = (env.LANGFUSE_HOST || env.LANGFUSE_BASE_URL || LANGFUSE_DEFAULT_HOST).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(host)) {
    throw new Error(
      `LANGFUSE_HOST: "${host}" is not an http(s) URL; set it to your LangFuse address, e.g. ${LANGFUSE_DEFAULT_HOST}`,
    );
  }
  return {
    url: `${host}/api/public/otel/v1/traces`,
    headers: {
      Authorization: `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString('base64')}`,
      'x-langfuse-ingestion-version': '4',
    },
  };
}
