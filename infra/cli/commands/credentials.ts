/**
 * `alex credentials`: prints shell exports for an AWS SDK or the AWS CLI to reach the local
 * AWS-compatible endpoints: the endpoint URL and a key pair the runtime issued for a publisher
 * (made on first use, kept in the home folder). `eval "$(alex credentials)"`.
 */
import { DEFAULT_ENDPOINT_PORT } from '../../local/aws-endpoints/index.ts';
import { DEFAULT_PUBLISHER, ensureKey, recordedEndpoint } from '../../local/aws-endpoints/keys.ts';
import { LOCAL_REGION } from '../../local/runtime.ts';
import { type Command, EXIT, parse, stateHome } from '../cli-kit.ts';

const USAGE = `Usage: alex credentials [--home DIR] [--publisher NAME] [--internal] [--json]

Prints exports for the local AWS-compatible endpoints (EventBridge, SQS):
  eval "$(alex credentials)"; aws events put-events --entries file://request.json
Each publisher gets its own key pair (default "${DEFAULT_PUBLISHER}"), kept in the home folder. Outside
publishers may put AnalysisRequested and ClassificationRequested under their own source; --internal
makes a key for Alex's own tools, which may put any detail-type.
The endpoint is where \`alex endpoints\` last listened (default http://127.0.0.1:${DEFAULT_ENDPOINT_PORT}).`;

export const credentialsCommand: Command = {
  name: 'credentials',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        home: { type: 'string' },
        publisher: { type: 'string' },
        internal: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      this,
    );
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 0) {
      io.err(`alex: credentials takes no arguments (got ${positionals.join(' ')})\n\n${USAGE}`);
      return EXIT.badInput;
    }
    const home = stateHome(values.home, io);
    const key = ensureKey(home, values.publisher ?? DEFAULT_PUBLISHER, values.internal ?? false);
    const exports = {
      AWS_ENDPOINT_URL: recordedEndpoint(home) ?? `http://127.0.0.1:${DEFAULT_ENDPOINT_PORT}`,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
      AWS_REGION: LOCAL_REGION,
      // The AWS CLI v1 (botocore) reads the region from AWS_DEFAULT_REGION only.
      AWS_DEFAULT_REGION: LOCAL_REGION,
    };
    if (values.json) io.out(JSON.stringify({ publisher: key.publisher, internal: key.internal, ...exports }, null, 2));
    else for (const [name, value] of Object.entries(exports)) io.out(`export ${name}=${shellQuote(value)}`);
    return EXIT.ok;
  },
};

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
