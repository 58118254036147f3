/**
 * `alex schedule add|list|remove --user ID`: a user's scheduled analyses. While `alex serve` owns
 * the home, the command goes through its API with a token from the home's local issuer (the
 * server holds the database); otherwise it opens the home's database itself. `alex serve` fires
 * the schedules; on AWS, the API creates one EventBridge Scheduler schedule each.
 */
import { InvalidInputError } from '#events/errors.ts';
import { UserId } from '#events/values.ts';
import { loadOrCreateSigningKey, signLocalToken } from '../../api/local-issuer.ts';
import { recordedEndpoint } from '../../local/aws-endpoints/keys.ts';
import { readHomeOwner } from '../../local/home-lock.ts';
import { openStoredState } from '../../local/stored-state.ts';
import { ScheduleService, type ScheduleView } from '../../schedules/schedules.ts';
import { type Command, EXIT, type Io, parse, runtimeOptions, stateHome, UsageError } from '../cli-kit.ts';

const USAGE = `Usage: alex schedule add --user ID --cron "EXPR" [--timezone TZ] [--tasks report,charts,retirement]
       alex schedule list --user ID
       alex schedule remove --user ID <scheduleId>
       (each also takes --home DIR and --json)

EXPR is an EventBridge Scheduler expression, read in --timezone (an IANA name; UTC by default):
  cron(0 6 ? * MON *)        06:00 every Monday (six fields: minutes hours day-of-month month
                             day-of-week year; one of the two day fields is ?)
  0 6 ? * MON *              the same, without cron(…)
  rate(7 days)               every 7 days from now (minutes, hours or days)
  at(2027-01-31T09:00:00)    once
\`alex serve\` fires them (a schedule missed while it was down fires once when it starts); each
fire is an analysis in \`alex jobs list\`, its jobId derived from the schedule and the time.`;

interface Backend {
  add(userId: string, input: object): Promise<ScheduleView>;
  list(userId: string): Promise<ScheduleView[]>;
  remove(userId: string, id: string): Promise<boolean>;
  close(): Promise<void>;
}

export const scheduleCommand: Command = {
  name: 'schedule',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        user: { type: 'string' },
        cron: { type: 'string' },
        timezone: { type: 'string' },
        tasks: { type: 'string' },
        home: { type: 'string' },
        json: { type: 'boolean' },
      },
      this,
    );
    const [action, id, ...rest] = positionals;
    if (values.help || !action) {
      io.out(USAGE);
      return values.help ? EXIT.ok : EXIT.badInput;
    }
    if (!['add', 'list', 'remove'].includes(action) || rest.length > 0)
      throw new UsageError(`unknown schedule action "${positionals.join(' ')}"\n\n${USAGE}`);
    if (!values.user) throw new UsageError(`give --user ID\n\n${USAGE}`);
    const userId = InvalidInputError.parse(UserId, values.user, '--user');
    if (action === 'add' && !values.cron) throw new UsageError(`schedule add needs --cron "EXPR"\n\n${USAGE}`);
    if (action === 'remove' && !id) throw new UsageError(`schedule remove needs the schedule id\n\n${USAGE}`);
    if (action !== 'remove' && id) throw new UsageError(`schedule ${action} takes no id\n\n${USAGE}`);

    const backend = await open(stateHome(values.home, io), io);
    try {
      if (action === 'add') {
        const view = await backend.add(userId, {
          expression: asExpression(values.cron!),
          ...(values.timezone ? { timezone: values.timezone } : {}),
          ...(values.tasks ? { tasks: values.tasks.split(',').map((t) => t.trim()) } : {}),
        });
        io.out(values.json ? JSON.stringify(view, null, 2) : `added ${line(view)}`);
        return EXIT.ok;
      }
      if (action === 'list') {
        const views = await backend.list(userId);
        if (values.json) io.out(JSON.stringify(views, null, 2));
        else if (views.length === 0) io.out(`no schedules for ${userId}`);
        else for (const view of views) io.out(line(view));
        return EXIT.ok;
      }
      if (!(await backend.remove(userId, id!))) {
        io.err(`alex: ${userId} has no schedule ${id}`);
        return EXIT.badInput;
      }
      io.out(`removed ${id}`);
      return EXIT.ok;
    } finally {
      await backend.close();
    }
  },
};

/** A bare six-field cron is wrapped; anything else is read as given. */
function asExpression(text: string): string {
  const trimmed = text.trim();
  return /^(cron|rate|at)\(/.test(trimmed) || trimmed.split(/\s+/).length !== 6 ? trimmed : `cron(${trimmed})`;
}

function line(view: ScheduleView): string {
  const next = view.nextFireAt ? `next ${view.nextFireAt}` : 'no further fires';
  const last = view.lastFiredAt ? `, last ${view.lastFiredAt} (job ${view.lastJobId})` : '';
  const tasks = view.tasks ? ` [${view.tasks.join(',')}]` : '';
  return `${view.id}  ${view.expression} ${view.timezone}${tasks}  ${next}${last}`;
}

async function open(home: string, io: Io): Promise<Backend> {
  const owner = readHomeOwner(home);
  const url = recordedEndpoint(home);
  if (owner?.mode === 'write' && owner.command === 'serve' && url) return overHttp(home, url);
  const state = await openStoredState(home, runtimeOptions('schedule', io));
  const service = new ScheduleService(state.db);
  return {
    add: (userId, input) => service.add(userId, input, new Date()),
    list: (userId) => service.list(userId, new Date()),
    remove: (userId, id) => service.remove(userId, id),
    close: () => state.close(),
  };
}

/** Through the running server's API, as the user, with a short-lived local token. */
function overHttp(home: string, url: string): Backend {
  const call = async (userId: string, method: string, path: string, body?: object) => {
    const token = await signLocalToken(await loadOrCreateSigningKey(home), { userId, ttlSeconds: 60 });
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (response.status === 400) {
      const errors = (parsed.errors as Array<{ field: string; message: string }> | undefined) ?? [];
      throw new InvalidInputError(
        String(parsed.detail),
        errors.map((e) => `${e.field}: ${e.message}`),
      );
    }
    if (response.status === 401)
      throw new UsageError(`${url} does not accept this home's local tokens (it uses another issuer): use its API`);
    return { status: response.status, body: parsed };
  };
  const expect = (result: { status: number; body: Record<string, unknown> }, ok: number) => {
    if (result.status !== ok) throw new Error(`alex serve answered ${result.status}: ${String(result.body.detail)}`);
    return result.body;
  };
  return {
    add: async (userId, input) => expect(await call(userId, 'POST', '/v1/schedules', input), 201) as never,
    list: async (userId) => expect(await call(userId, 'GET', '/v1/schedules'), 200).items as ScheduleView[],
    remove: async (userId, id) => {
      const result = await call(userId, 'DELETE', `/v1/schedules/${encodeURIComponent(id)}`);
      if (result.status === 404) return false;
      expect(result, 204);
      return true;
    },
    close: async () => {},
  };
}
