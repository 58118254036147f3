/**
 * Turns tracing on for this thread when it is configured, and only then loads the OpenTelemetry
 * SDK (a dynamic import: `alex --help` and a run without tracing never pay for it). Each service
 * gets its own resource (`service.name` = alex-<service>) under one global provider; spans go to
 * any OTLP/HTTP backend (OTEL_EXPORTER_OTLP_ENDPOINT and _HEADERS, read by the exporter itself),
 * to LangFuse (LANGFUSE_PUBLIC_KEY/SECRET_KEY/HOST) and, locally, to the state folder for `alex trace`.
 */
import type { Tracer, TracerOptions, TracerProvider } from '@opentelemetry/api';
import { setTracingEnabled } from '#services/common/tracing.ts';
import { langfuseTarget, type TelemetryEnv, tracingWanted } from './config.ts';

export { tracingWanted } from './config.ts';

export interface TelemetryOptions {
  env: TelemetryEnv;
  /** Where the local runtime keeps finished spans (one JSON line each) for `alex trace` and `alex watch`. */
  spansFile?: string;
}

export interface Telemetry {
  /** Exports what is buffered; a Lambda invocation awaits it before it returns (the environment freezes). */
  flush(): Promise<void>;
  /** Flushes and unregisters; tracing is off again in this thread. */
  shutdown(): Promise<void>;
}

let running: { telemetry: Telemetry; users: number } | undefined;

/** Starts tracing in this thread, or returns undefined when nothing is configured. Shared by every caller. */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry | undefined> {
  if (!tracingWanted(options.env)) return undefined;
  if (running) {
    running.users += 1;
    return handle(running.telemetry);
  }
  const telemetry = await registerProvider(options);
  running = { telemetry, users: 1 };
  return handle(telemetry);
}

/** One caller's hold on the shared provider: the last shutdown stops it. */
function handle(telemetry: Telemetry): Telemetry {
  let closed = false;
  return {
    flush: () => telemetry.flush(),
    shutdown: async () => {
      if (closed || !running) return;
      closed = true;
      running.users -= 1;
      if (running.users > 0) return telemetry.flush();
      running = undefined;
      await telemetry.shutdown();
    },
  };
}

async function registerProvider(options: TelemetryOptions): Promise<Telemetry> {
  const [api, core, hooks, resources, base, xray] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/id-generator-aws-xray'),
  ]);
  // Trace ids that start with the trace's start time (epoch seconds), then 96 random bits: still
  // W3C ids for every backend, and the only ones X-Ray keeps (its exporter in the ADOT collector
  // passes the first 32 bits on as the X-Ray id's time, and X-Ray drops a trace not from the last 30 days).
  const idGenerator = new xray.AWSXRayIdGenerator();
  const exporters = await spanExporters(options);
  const processors = exporters.map(
    (exporter) =>
      new base.BatchSpanProcessor(exporter, {
        scheduledDelayMillis: 2000,
        maxExportBatchSize: 1024,
        maxQueueSize: 4096,
      }),
  );
  const providers = new Map<string, InstanceType<typeof base.BasicTracerProvider>>();
  // One provider per service, so each service's spans carry its own service.name; all share the processors.
  const global: TracerProvider = {
    getTracer(name: string, version?: string, tracerOptions?: TracerOptions): Tracer {
      let provider = providers.get(name);
      if (!provider) {
        provider = new base.BasicTracerProvider({
          resource: resources.resourceFromAttributes({ 'service.name': name, 'service.namespace': 'alex' }),
          spanProcessors: processors,
          idGenerator,
        });
        providers.set(name, provider);
      }
      return provider.getTracer(name, version, tracerOptions);
    },
  };
  // Without a context manager startActiveSpan activates nothing and inject writes no traceparent.
  api.context.setGlobalContextManager(new hooks.AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(global);
  setTracingEnabled(true);
  const flush = async () => {
    await Promise.all(processors.map((processor) => processor.forceFlush()));
  };
  return {
    flush,
    shutdown: async () => {
      setTracingEnabled(false);
      await flush();
      await Promise.all(processors.map((processor) => processor.shutdown()));
      api.trace.disable();
      api.propagation.disable();
      api.context.disable();
    },
  };
}

type SpanExporter = import('@opentelemetry/sdk-trace-base').SpanExporter;

async function spanExporters({ env, spansFile }: TelemetryOptions): Promise<SpanExporter[]> {
  const exporters: SpanExporter[] = [];
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    // The exporter reads the endpoint, headers, timeout and compression from the standard variables.
    exporters.push(new OTLPTraceExporter());
  }
  const langfuse = langfuseTarget(env);
  if (langfuse) {
    const { OtlpJsonExporter } = await import('./otlp-json-exporter.ts');
    exporters.push(new OtlpJsonExporter(langfuse));
  }
  if (spansFile) {
    const { SpanFileExporter } = await import('./span-file.ts');
    exporters.push(new SpanFileExporter(spansFile));
  }
  return exporters;
}
