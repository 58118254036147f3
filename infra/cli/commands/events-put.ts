/**
 * `alex events put <event.json>`: publishes as another system would with PutEvents, then runs
 * the local runtime until everything the events started has settled.
 */
import * as z from 'zod';
import { InvalidInputError } from '#events/errors.ts';
import { publishRefusal } from '#events/provenance.ts';
import { checkBusEntry } from '../../local/bus.ts';
import { LocalRuntime } from '../../local/runtime.ts';
import { EXIT, type Io, readJsonFile, runtimeOptions, stateHome } from '../cli-kit.ts';

const OUTSIDE_PUBLISHER = { name: 'alex events put', internal: false };

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

export async function putEvents(file: string, options: { home?: string; json?: boolean }, io: Io): Promise<number> {
  const raw = readJsonFile(file, 'event');
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

  // Internal detail-types only come from inside (`events put` publishes as another system would): each such entry is refused with its reason, as
  // PutEvents reports a failed entry, and the others are published.
  const refused = entries.flatMap((entry, index) => {
    const refusal = publishRefusal(entry, OUTSIDE_PUBLISHER);
    return refusal ? [{ index, detailType: entry.detailType, source: entry.source, ...refusal }] : [];
  });
  for (const r of refused) io.err(`alex: event[${r.index}] refused (${r.errorCode}): ${r.errorMessage}`);
  const allowed = entries.filter((_, index) => !refused.some((r) => r.index === index));
  if (allowed.length === 0) {
    if (options.json) io.out(JSON.stringify({ failedEntryCount: refused.length, refused, published: [] }, null, 2));
    return EXIT.badInput;
  }

  const runtime = await LocalRuntime.start({ home: stateHome(options.home, io), ...runtimeOptions('events put', io) });
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
    if (options.json) io.out(JSON.stringify(summary, null, 2));
    else {
      for (const e of summary.published) io.out(`published ${e.detailType} from ${e.source} (id ${e.id})`);
      for (const line of followed) io.out(`  then    ${line}`);
      for (const d of summary.deadLetters) io.out(`  DLQ     ${d.queue}: ${d.reason}`);
    }
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

function readDetailString(text: string, index: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`event[${index}].Detail is not valid JSON: ${(error as Error).message}`);
  }
}
