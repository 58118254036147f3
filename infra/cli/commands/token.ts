/** `alex token --user ID [--ttl SECONDS]`: a bearer token from the home folder's local issuer. */

import { InvalidInputError } from '#events/errors.ts';
import { UserId } from '#events/values.ts';
import { DEFAULT_TOKEN_TTL_SECONDS, loadOrCreateSigningKey, signLocalToken } from '../../api/local-issuer.ts';
import { type Command, EXIT, parse, stateHome, UsageError } from '../cli-kit.ts';

const USAGE = `Usage: alex token --user ID [--ttl SECONDS] [--home DIR]

Prints a JWT for user ID signed by the home folder's local issuer (the key \`alex serve\` uses
when no ALEX_AUTH_JWKS_URL is set). The token is valid for --ttl seconds (default ${DEFAULT_TOKEN_TTL_SECONDS}).
  curl -H "Authorization: Bearer $(alex token --user sam)" http://127.0.0.1:8080/v1/analyses`;

const MAX_TTL_SECONDS = 30 * 24 * 3600;

export const tokenCommand: Command = {
  name: 'token',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { user: { type: 'string' }, ttl: { type: 'string' }, home: { type: 'string' } },
      this,
    );
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 0 || !values.user) throw new UsageError(`give --user ID\n\n${USAGE}`);
    const userId = InvalidInputError.parse(UserId, values.user, '--user');
    const ttl = values.ttl === undefined ? DEFAULT_TOKEN_TTL_SECONDS : Number(values.ttl);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS)
      throw new UsageError(`--ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS} (30 days)`);
    const key = await loadOrCreateSigningKey(stateHome(values.home, io));
    io.out(await signLocalToken(key, { userId, ttlSeconds: ttl }));
    return EXIT.ok;
  },
};
