/**
 * `alex endpoints`: keeps the local runtime running behind the AWS-compatible endpoints
 * (EventBridge and SQS on one port, 127.0.0.1 by default) until interrupted, so other systems
 * publish to Alex with an AWS SDK or the AWS CLI. `alex serve` mounts the same handler.
 */
import { DEFAULT_ENDPOINT_PORT, startAwsEndpointServer } from '../../local/aws-endpoints/index.ts';
import { ensureKey, loadKeyStore, recordEndpoint } from '../../local/aws-endpoints/keys.ts';
import { LocalRuntime } from '../../local/runtime.ts';
import { type Command, EXIT, parse, runtimeOptions, stateHome, UsageError } from '../cli-kit.ts';

const USAGE = `Usage: alex endpoints [--home DIR] [--port N] [--host ADDRESS]

Runs the local runtime with AWS-compatible EventBridge and SQS endpoints on one port
(default ${DEFAULT_ENDPOINT_PORT}, on 127.0.0.1), until Ctrl-C. Requests must be SigV4-signed with a key
from \`alex credentials\`. Prints the endpoint URL when it is ready.`;

export const endpointsCommand: Command = {
  name: 'endpoints',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parse(
      argv,
      { home: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
      this,
    );
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    const port = values.port === undefined ? DEFAULT_ENDPOINT_PORT : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new UsageError(`--port: must be a whole number from 0 to 65535 (got "${values.port}")\n\n${USAGE}`);
    }
    const home = stateHome(values.home, io);
    ensureKey(home);
    const runtime = await LocalRuntime.start({ home, ...runtimeOptions('endpoints', io) });
    let server: Awaited<ReturnType<typeof startAwsEndpointServer>>;
    try {
      server = await startAwsEndpointServer({ runtime, keys: loadKeyStore(home), port, host: values.host });
    } catch (error) {
      await runtime.close();
      throw error;
    }
    recordEndpoint(home, server.url);
    io.out(`alex: AWS-compatible endpoints (EventBridge, SQS) at ${server.url}`);
    io.out(`alex: eval "$(alex credentials${values.home ? ` --home ${values.home}` : ''})" to use them; Ctrl-C stops`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    await runtime.close();
    return EXIT.ok;
  },
};
