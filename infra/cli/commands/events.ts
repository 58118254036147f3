/**
 * `alex events put <event.json>`: publish as another system would, and let the runtime process
 * it. `alex events test-pattern`: match an event against a pattern, like
 * `aws events test-event-pattern`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidInputError } from '#events/errors.ts';
import { InvalidEventPatternError, testEventPattern } from '../../local/event-pattern.ts';
import { type Command, EXIT, parse, UsageError } from '../cli-kit.ts';

const USAGE = `Usage: alex events put <event.json> [--home DIR] [--json]
       alex events test-pattern --pattern P.json --event E.json

put: publishes events onto the local bus as another system would with PutEvents, then runs
     until everything they started has settled. Only AnalysisRequested and ClassificationRequested
     are open to other systems; any other entry is refused with its reason (the rest are
     published; exit 2 when every entry was refused). The file holds one entry or an array of them,
     each either in PutEvents form {"Source", "DetailType", "Detail"} or in envelope form
     {"source", "detail-type", "detail"}. Detail may be an object or a JSON string.
test-pattern: prints true or false. An invalid pattern exits 2 and says why.`;

export const eventsCommand: Command = {
  name: 'events',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { home: { type: 'string' }, json: { type: 'boolean' }, pattern: { type: 'string' }, event: { type: 'string' } },
      this,
    );
    const [action, file] = positionals;
    if (values.help || !action) {
      io.out(USAGE);
      return values.help ? EXIT.ok : EXIT.badInput;
    }
    if (action === 'test-pattern') {
      if (!values.pattern || !values.event)
        throw new UsageError(`test-pattern needs --pattern and --event\n\n${USAGE}`);
      const pattern = resolve(io.cwd, values.pattern);
      const event = resolve(io.cwd, values.event);
      for (const [path, what] of [
        [pattern, 'pattern'],
        [event, 'event'],
      ] as const) {
        if (!existsSync(path)) throw new InvalidInputError(`${what} file not found: ${path}`);
      }
      try {
        io.out(String(testEventPattern(readFileSync(pattern, 'utf8'), readFileSync(event, 'utf8'))));
        return EXIT.ok;
      } catch (error) {
        if (error instanceof InvalidEventPatternError) throw new InvalidInputError(error.message);
        throw new InvalidInputError((error as Error).message);
      }
    }
    if (action !== 'put') throw new UsageError(`unknown events action "${action}"\n\n${USAGE}`);
    if (!file) throw new UsageError(`events put needs a file\n\n${USAGE}`);
    // Its own module: it brings zod, the bus and the runtime (with the AWS SDK), which test-pattern needs none of.
    const { putEvents } = await import('./events-put.ts');
    return putEvents(resolve(io.cwd, file), { home: values.home, json: values.json }, io);
  },
};
