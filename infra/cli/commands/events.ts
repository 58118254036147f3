/**
 * `alex events put <event.json>`: publish as another system would, and let the runtime process
 * it. `alex events test-pattern`: match an event against a pattern, like
 * `aws events test-event-pattern`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { InvalidInputError } from '#events/errors.ts';
import { refuseOutsideEntry } from '#events/provenance.ts';
import { checkBusEntry } from '../../local/bus.ts';
import { InvalidEventPatternError, testEventPattern } from '../../local/event-pattern.ts';
import { LocalRuntime } from '../../local/runtime.ts';
import { type Command, EXIT, parse, readJsonFile, runtimeOptions, stateHome, UsageError } from '../cli-kit.ts';

const USAGE = `Usage: alex events put <event.json> [--home DIR] [--json]
       alex events test-pattern --pattern P.json --event E.json

put: publishes events onto the local bus as another system would with PutEvents, then runs
     until everything they started has settled. Only AnalysisRequested and ClassificationRequested
     are open to other systems; any other entry is refused with its reason (the rest are
     published; exit 2 when every entry was refused). The file holds one entry or an array of them,
     each either in PutEvents form {"Source", "DetailType", "Detail"} or in envelope form
     {"source", "detail-type", "detail"}. Detail may be an object or a JSON string.
test-pattern: prints true or false. An invalid pattern exits 2 and says why.`;

const PutEventsEntry = z.union([
  z.object({
    Source: z.string().min(1),
    DetailType: z.string().min(1),
    Detail: z.union([z.string(), z.record(z.string(), z.unknown())]),
    Resources: z.array(z.string()).optional(),
  }),
  z.object({
    source: z.string().min(1),
    'detail-type': z.string().min(1),
    detail: z.union([z.string(), z.record(z.string(), z.unknown())]),
    resources: z.array(z.string()).optional(),
  }),
]);

export const eventsCommand: Command = {
  name: 'events',
  summary: 'publish events as another system would, or test an event pattern',
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
    const raw = readJsonFile(resolve(io.cwd, file), 'event');
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0 || list.length > 10)
      throw new InvalidInputError('event file: give 1 to 10 entries, as one PutEvents call allows');
    const entries = list.map((entry, index) => {
      const parsed = InvalidInputError.parse(PutEventsEntry, entry, list.length > 1 ? `event[${index}]` : 'event');
      const detailType = 'DetailType' in parsed ? parsed.DetailType : parsed['detail-type'];
      const source = 'Source' in parsed ? parsed.Source : parsed.source;
      const detailRaw = 'Detail' in parsed ? parsed.Detail : parsed.detail;
      const detail = typeof detailRaw === 'string' ? readDetailString(detailRaw, index) : detailRaw;
      const resources =
        ('Resources' in parsed ? parsed.Resources : 'resources' in parsed ? parsed.resources : undefined) ?? [];
      return { detailType, source, detail, resources };
    });
    // Refused here, as PutEvents would refuse them, before the runtime (and its home) is touched.
    entries.forEach((entry, index) =>
      checkBusEntry(
        { ...entry, detail: JSON.stringify(entry.detail), time: new Date() },
        list.length > 1 ? `event[${index}]` : 'event',
      ),
    );

    // Internal detail-types only come from inside: each such entry is refused with its reason, as
    // PutEvents reports a failed entry, and the others are published.
    const refused = entries.flatMap((entry, index) => {
      const refusal = refuseOutsideEntry(entry);
      return refusal ? [{ index, detailType: entry.detailType, source: entry.source, ...refusal }] : [];
    });
    for (const r of refused) io.err(`alex: event[${r.index}] refused (${r.errorCode}): ${r.errorMessage}`);
    const allowed = entries.filter((_, index) => !refused.some((r) => r.index === index));
    if (allowed.length === 0) {
      if (values.json) io.out(JSON.stringify({ failedEntryCount: refused.length, refused, published: [] }, null, 2));
      return EXIT.badInput;
    }

    const runtime = await LocalRuntime.start({ home: stateHome(values.home, io), ...runtimeOptions('events put', io) });
    try {
      const dlqBefore = runtime.deadLetters().length;
      const followed: string[] = [];
      const ids = new Set<string>();
      const jobIds = new Set(allowed.map((e) => (e.detail as { jobId?: string }).jobId).filter(Boolean));
      const unsubscribe = runtime.bus.subscribe((envelope) => {
        const jobId = (envelope.detail as { jobId?: string })?.jobId;
        if (!ids.has(envelope.id) && jobId && jobIds.has(jobId))
          followed.push(`${envelope['detail-type']} from ${envelope.source}`);
      });
      const put = allowed.map((entry) => runtime.putRaw(entry));
      for (const envelope of put) ids.add(envelope.id);
      await runtime.idle(120_000);
      unsubscribe();
      const newDeadLetters = runtime.deadLetters().slice(dlqBefore);
      const summary = {
        failedEntryCount: refused.length,
        refused,
        published: put.map((e) => ({ id: e.id, detailType: e['detail-type'], source: e.source })),
        followedBy: followed,
        deadLetters: newDeadLetters.map((d) => ({ queue: d.queue, reason: d.message.attributes.reason })),
      };
      if (values.json) io.out(JSON.stringify(summary, null, 2));
      else {
        for (const e of summary.published) io.out(`published ${e.detailType} from ${e.source} (id ${e.id})`);
        for (const line of followed) io.out(`  then    ${line}`);
        for (const d of summary.deadLetters) io.out(`  DLQ     ${d.queue}: ${d.reason}`);
      }
      return EXIT.ok;
    } finally {
      await runtime.close();
    }
  },
};

function readDetailString(text: string, index: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`event[${index}].Detail is not valid JSON: ${(error as Error).message}`);
  }
}
