/**
 * `alex serve`: keeps the local runtime running behind the HTTP API until SIGINT/SIGTERM, then
 * drains (no new requests or messages; running handlers finish or stay queued) and exits 0
 * within 10 s. Prints the URL and how to get a token.
 */

import { startApiServer } from '../../api/server.ts';
import { AwsEndpoints } from '../../local/aws-endpoints/index.ts';
import { ensureKey, loadKeyStore, recordEndpoint } from '../../local/aws-endpoints/keys.ts';
import { isJobEndType } from '../../local/job-messages.ts';
import { LocalRuntime } from '../../local/runtime.ts';
import { LocalScheduler } from '../../schedules/local-firing.ts';
import { compileWasmBaselineOnly } from '../../storage/pglite.ts';
import { ensureWebBuild } from '../../web/build.ts';
import { type Command, EXIT, parse, runtimeOptions, stateHome, UsageError } from '../cli-kit.ts';
import { collectAfterWork } from '../collect-after-work.ts';

const USAGE = `Usage: alex serve [--port 8080] [--host 127.0.0.1] [--home DIR]

Runs the local runtime (bus, queues, services, database) behind the Alex HTTP API (/v1, JWT),
the dashboard at / (open the printed URL: its #signin= code signs you in as a user you pick) and, on the same port, the AWS-compatible EventBridge and SQS endpoints (requests carrying
X-Amz-Target; SigV4-signed with a key from \`alex credentials\`). Binds to 127.0.0.1 unless --host says otherwise. Stop with Ctrl-C (SIGINT) or SIGTERM: it
drains and exits 0 within 10 s; queued and unfinished jobs resume on the next start.

Auth is never off: with no ALEX_AUTH_JWKS_URL, a signing key is created in the home folder and
\`alex token --user ID\` prints a token for it. Otherwise ALEX_AUTH_JWKS_URL, ALEX_AUTH_ISSUER
and ALEX_AUTH_AUDIENCE name the issuer (Clerk, Cognito, …).
Environment: ALEX_CORS_ORIGINS (comma-separated), ALEX_API_RATE and ALEX_API_BURST (per user).

Schedules (\`alex schedule add\`, /v1/schedules) fire while it runs; one missed while it was
down fires once when it starts.`;

/** Running handlers get this long to finish before the runtime closes with them still in flight. */
const DRAIN_MS = 6000;

export const serveCommand: Command = {
  name: 'serve',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { port: { type: 'string' }, host: { type: 'string' }, home: { type: 'string' }, workers: { type: 'boolean' } },
      this,
    );
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`serve takes no arguments\n\n${USAGE}`);
    const port = values.port === undefined ? 8080 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError('--port must be a whole number from 0 to 65535 (0 picks a free port)');
    const home = stateHome(values.home, io);
    // Before the runtime: a development checkout rebuilds a stale dashboard here (about a second).
    const dashboard = await ensureWebBuild();
    // Before PGlite loads: optimising its WebAssembly would keep 60–80 MB of an idle server.
    compileWasmBaselineOnly();
    const runtime = await LocalRuntime.start({
      home,
      workers: values.workers,
      // In this thread: a server's few DynamoDB requests per analysis are not worth an isolate.
      dynamo: 'thread',
      logLevel: (io.env.ALEX_LOG_LEVEL as 'INFO' | undefined) ?? 'SILENT',
      ...runtimeOptions('serve', io),
    });
    let server: Awaited<ReturnType<typeof startApiServer>>;
    try {
      ensureKey(home);
      const endpoints = new AwsEndpoints({ runtime, keys: loadKeyStore(home) });
      const awsProtocol = (request: Request) => endpoints.handleFetch(request);
      server = await startApiServer({
        runtime,
        home,
        port,
        host: values.host,
        env: io.env,
        app: { awsProtocol },
        dashboard,
      });
    } catch (error) {
      await runtime.close();
      throw error;
    }
    // Started once the API is up: a slot missed while the server was down fires now, once.
    const scheduler = new LocalScheduler({
      db: runtime.db,
      send: (body) => {
        runtime.sendJob(body);
      },
      onError: (error) => io.err(`alex: schedules: ${(error as Error).message}`),
    });
    scheduler.start();
    // An analysis's garbage is collected when the work stops, not left for V8's distant schedule.
    const collector = collectAfterWork();
    const stopCollecting = runtime.bus.subscribe((envelope) => {
      if (isJobEndType(envelope['detail-type'])) collector.workEnded();
      else collector.workSeen();
    });
    io.out(`alex: serving ${server.url} (home ${home}, pid ${process.pid})`);
    if (dashboard.kind === 'missing') io.err(`alex: no dashboard: ${dashboard.reason}`);
    else if (dashboard.kind === 'stale') io.err(`alex: serving an out-of-date dashboard: ${dashboard.reason}`);
    io.out(
      server.signInCode
        ? `alex: dashboard at ${server.url}/#signin=${server.signInCode} (the code signs you in; keep it to yourself)`
        : `alex: dashboard at ${server.url}/`,
    );
    io.out(`alex: API description at ${server.url}/openapi.json`);
    recordEndpoint(home, server.url);
    io.out(
      `alex: AWS-compatible endpoints (EventBridge, SQS) at ${server.url}; eval "$(alex credentials --home ${home})"`,
    );
    if (server.issuer === 'local')
      io.out(
        `alex: get a token with \`alex token --user <id> --home ${home}\`; send it as Authorization: Bearer <token>`,
      );
    else io.out(`alex: tokens come from ${server.issuer}`);

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    io.err(`alex: ${signal}: draining`);
    stopCollecting();
    collector.stop();
    await scheduler.stop();
    await server.close();
    const finished = await runtime.stopPolling(DRAIN_MS);
    await runtime.close();
    io.err(
      finished
        ? 'alex: stopped; queued jobs resume on the next start'
        : 'alex: stopped; unfinished messages return to their queues on the next start',
    );
    return EXIT.ok;
  },
};
