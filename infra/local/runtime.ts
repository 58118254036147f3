/**
 * The embedded local runtime: the same service handlers as on AWS, wired from the same
 * topology to a local bus (EventBridge pattern language, archive), local queues (visibility
 * timeout, receive counts, DLQs, partial batch failures), dynalite for DynamoDB and PGlite for
 * PostgreSQL. State lives in a home folder (default `.alex/`), so jobs, the archive and DLQs
 * survive between commands.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { EventEnvelope } from '#events/envelope.ts';
import { InvalidInputError } from '#events/errors.ts';
import type { OutgoingEvent } from '#events/publisher.ts';

import type { SqsBatchHandler } from '#services/common/batch-handler.ts';
import { SqlPayloadStore } from '#services/common/claim-check.ts';
import { type ServiceContext, type ServiceHooks, serviceContext } from '#services/common/context.ts';
import type { DeadLetterPort } from '#services/common/dead-letter.ts';
import { type DeadlineScheduler, deadlineEnvelope } from '#services/common/deadlines.ts';
import { setMetricsSink } from '#services/common/metrics.ts';
import { modelFromEnv } from '#services/common/model/from-env.ts';
import { GuardedModel } from '#services/common/model/guard.ts';
import type { ModelPort } from '#services/common/model/port.ts';
import { OutboxRelay } from '#services/common/outbox.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { type RegisteredService, SERVICE_REGISTRY } from '#services/index.ts';
import { pricesFromEnvironment } from '#services/planner/prices/config.ts';
import type { PricePort } from '#services/planner/prices/port.ts';
import { type LocalResearch, localResearch } from '#services/researcher/local.ts';
import { migrate } from '../storage/migrate.ts';
import { metricsFileSink } from '../telemetry/metrics-file.ts';
import { startTelemetry, type Telemetry, tracingWanted } from '../telemetry/setup.ts';
import {
  allRules,
  BUS_NAME,
  databaseRoles,
  deadlineReceiver,
  effectivePattern,
  type QueueKey,
  queueSettings,
  type ServiceSpec,
  specsOf,
  TABLES,
} from '../topology.ts';
import { EventArchive } from './archive.ts';
import { type FaultOptions, ThrottlingModel } from './faults.ts';
import { checkHomePath, checkStoresPresent, lockHome, statePaths } from './home.ts';
import type { HomeLock } from './home-lock.ts';
import { loadQueueState, QueueJournal, type QueueState } from './queue-journal.ts';
import { clearInProgressRecords, ensureDeadlines } from './recovery.ts';
import { openHomeDatabase } from './stored-state.ts';

export type { FaultOptions } from './faults.ts';
export { defaultHome } from './home.ts';

import { LocalBus, LocalBusPublisher } from './bus.ts';
import { type LocalDynamo, startLocalDynamo } from './dynamodb.ts';
import { isJobEndType } from './job-messages.ts';
import { Poller, type QueueHandler } from './poller.ts';
import { LocalQueue, type QueueMessage } from './queue.ts';
import { isWorkerService, type WorkerHandler, workerHandler } from './worker-handler.ts';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

export type { QueueKey } from '../topology.ts';

export interface LocalRuntimeOptions {
  /** State folder; everything stays in memory when absent (tests). */
  home?: string;
  /**
   * Milliseconds of local time per second of configured queue time. Visibility timeouts are
   * sized for Lambda (the jobs queue's is 910 s); locally a retry should come back in about a
   * second, so the default is 1 ms per configured second.
   */
  msPerQueueSecond?: number;
  model?: ModelPort;
  /** Powertools log level for the services; silent by default so the CLI output stays readable. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  now?: () => Date;
  hooks?: ServiceHooks;
  faults?: FaultOptions;
  /** Market prices for positions without one; from the environment (Polygon) when absent. */
  prices?: PricePort;
  /**
   * Runs the specialists (reporter, charter, retirement; no database but the claim-check store,
   * reached through the worker's port) in worker threads, so their work uses another core, as
   * separate Lambda functions would. Off by default. Their model comes from the environment and
   * their clock is the real one, so `model`, `now` and `faults.modelThrottleRate` cannot be
   * combined with it.
   */
  workers?: boolean;
  /**
   * Where dynalite (the local DynamoDB) runs: in a worker thread by default, so its work uses the
   * other core; `'thread'` keeps it on this one, sparing a whole V8 isolate (about 15 MB of an
   * idle `alex serve`, whose DynamoDB work is a few requests per analysis).
   */
  dynamo?: 'worker' | 'thread';
  /** What the process runs (`analyze`, `serve`…), written in the home's lock for others to see. */
  command?: string;
  /**
   * Only look: no pollers, no recovery, nothing written (a torn tail is skipped, not cut). The
   * home's lock is still taken (in read mode), since PGlite cannot share its folder.
   */
  readOnly?: boolean;
  /** A lock on `home` the caller already holds (`alex serve` takes it before starting); not released by close. */
  lock?: HomeLock;
  /** Told each notice (a repaired file, recovered work) as it happens. */
  onNotice?: (line: string) => void;
  /** Longest wait for the work a dead owner left to settle (default 120 s). */
  recoveryTimeoutMs?: number;
  /** The services to run; the registry's (services/index.ts) by default. */
  services?: readonly RegisteredService[];
}

export interface QueuePair {
  queue: LocalQueue;
  dlq: LocalQueue;
}

export class LocalRuntime {
  readonly queues = new Map<QueueKey, QueuePair>();
  private readonly pollers: Poller[] = [];
  private readonly workers: WorkerHandler[] = [];
  private readonly failureReasons = new Map<string, string>();
  readonly publisher: LocalBusPublisher;
  private readonly prices: PricePort | undefined;

  private constructor(
    readonly options: LocalRuntimeOptions,
    readonly bus: LocalBus,
    readonly archive: EventArchive,
    readonly db: SqlDatabase,
    readonly dynamo: LocalDynamo,
    readonly model: ModelPort,
  ) {
    this.publisher = new LocalBusPublisher(bus);
    this.prices = options.prices ?? pricesFromEnvironment(process.env);
  }

  static async start(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
    if (options.workers) refuseWhatWorkersCannotUse(options);
    const notices: string[] = [];
    const notice = (line: string) => {
      notices.push(line);
      options.onNotice?.(line);
    };
    // Opened in this order and closed in reverse if a step fails, so a failed start leaves no
    // handle open (an open database would keep the process alive) and the lock released.
    const opened: Array<() => Promise<void> | void> = [];
    try {
      const home = options.home ? checkHomePath(options.home) : undefined;
      let lock: HomeLock | undefined = options.lock;
      if (home && !lock) {
        const locked = await lockHome(home, options.command ?? 'runtime', options.readOnly ? 'read' : 'write');
        lock = locked.lock;
        opened.push(() => locked.lock.release());
        locked.notices.forEach(notice);
      }
      if (home) checkStoresPresent(home);
      const paths = home ? statePaths(home) : undefined;
      // Each registered database service's role, as the deploy's migrator makes them on Aurora.
      const roles = databaseRoles(specsOf(options.services));
      const db = await openHomeDatabase(paths?.postgres, roles);
      opened.push(() => db.close());
      await migrate(db, undefined, roles);
      const dynamo = await startLocalDynamo(paths?.dynamodb, { inWorker: options.dynamo !== 'thread' });
      opened.push(() => dynamo.close());
      const archive = new EventArchive(paths?.archive, {
        repairTornTail: !options.readOnly,
        onNotice: notice,
      });
      const loaded = home ? loadQueueState(home, { repairTornTail: !options.readOnly }) : undefined;
      loaded?.notices.forEach(notice);
      let journal: QueueJournal | undefined;
      const bus = new LocalBus({
        name: BUS_NAME,
        account: LOCAL_ACCOUNT,
        region: LOCAL_REGION,
        archive,
        batch: (work) => (journal ? journal.batch(work) : work()),
      });
      const model = modelWithFaults(options.model ?? modelFromEnv(process.env), options.faults);
      // Tracing is on only when configured; then the state folder also keeps the spans for `alex trace`.
      const spansFile = paths && !options.readOnly && tracingWanted(process.env) ? paths.spans : undefined;
      const telemetry = await startTelemetry({ env: process.env, ...(spansFile ? { spansFile } : {}) });
      if (telemetry) opened.push(() => telemetry.shutdown());
      // The services' EMF metrics are kept in the state folder, as CloudWatch would keep them.
      const metricsFile = paths && !options.readOnly ? paths.metrics : undefined;
      if (metricsFile) {
        setMetricsSink(metricsFileSink(metricsFile));
        opened.push(() => setMetricsSink(undefined));
      }
      const runtime = new LocalRuntime({ ...options, home }, bus, archive, db, dynamo, model);
      runtime.telemetry = telemetry;
      runtime.metricsFile = metricsFile;
      runtime.spansFile = spansFile;
      runtime.lock = options.lock ? undefined : lock;
      runtime.notices.push(...notices);
      if (home && !options.readOnly) {
        journal = runtime.journal = new QueueJournal(home, () => runtime.queueContents());
        opened.push(() => runtime.journal?.close());
      }
      runtime.wire();
      if (loaded) runtime.restore(loaded.state);
      if (options.readOnly) return runtime;
      const unclean = lock?.tookOverFrom !== undefined || (loaded?.journalRecords ?? 0) > 0;
      await runtime.recover(unclean, notice);
      return runtime;
    } catch (error) {
      for (const close of opened.reverse()) await Promise.resolve(close()).catch(() => undefined);
      throw error;
    }
  }

  /** Lines worth telling the user about the home as it was opened (repairs, recovery). */
  readonly notices: string[] = [];
  private lock: HomeLock | undefined;
  private journal: QueueJournal | undefined;
  private telemetry: Telemetry | undefined;
  /** Where finished spans are kept, when tracing is on and the runtime has a home. */
  spansFile: string | undefined;
  /** Where the services' metrics are kept, when the runtime has a home. */
  metricsFile: string | undefined;

  /**
   * Starts the pollers; if the last owner died, first clears what it held and, with the
   * deadlines of unfinished jobs in place, runs until the work it left has settled.
   */
  private async recover(unclean: boolean, notice: (line: string) => void): Promise<void> {
    const pending = [...this.queues.values()].reduce((sum, { queue }) => sum + queue.visibleCount, 0);
    if (unclean) await clearInProgressRecords(this.dynamo.client, TABLES.idempotency);
    // Announcements a killed owner committed but did not send (or sent but did not mark) leave
    // first, before any handler runs: one relay at a time, so none is sent twice by this process.
    const relayed = await new OutboxRelay(this.db, this.publisher, {
      onStage: this.options.hooks?.onOutboxStage,
    }).sweep();
    if (relayed > 0) notice(`sent ${relayed} announcement(s) an earlier command had stored but not sent`);
    const given = this.options.home
      ? await ensureDeadlines(this.db, this.queues.get(this.deadlineQueue)!.queue, this.deadlineScheduler, new Date())
      : [];
    for (const poller of this.pollers) poller.start();
    if (pending === 0 && given.length === 0) return;
    const finished: string[] = [];
    const unsubscribe = this.bus.subscribe((envelope) => {
      const type = envelope['detail-type'];
      if (isJobEndType(type))
        finished.push(
          `${(envelope.detail as { jobId: string }).jobId} ${type === 'AnalysisFailed' ? 'failed' : (envelope.detail as { status: string }).status}`,
        );
    });
    try {
      await this.idle(this.options.recoveryTimeoutMs ?? 120_000);
    } finally {
      unsubscribe();
    }
    if (pending > 0 || finished.length > 0)
      notice(
        `recovered ${pending} queued message(s) left by an earlier command` +
          (finished.length > 0 ? `; jobs finished: ${finished.join(', ')}` : ''),
      );
  }

  private wire(): void {
    const msPerSecond = this.options.msPerQueueSecond ?? 1;
    const faults = this.options.faults ?? {};
    const random = faults.random ?? Math.random;
    const registry = this.options.services ?? SERVICE_REGISTRY;
    const specs = specsOf(registry);
    for (const key of ['jobs', ...specs.map((spec) => spec.name)] as QueueKey[]) {
      const settings = queueSettings(key, specs);
      const store = this.journal;
      const dlq = new LocalQueue(`${settings.name}-dlq`, {
        visibilityTimeoutMs: 1000,
        maxReceiveCount: Number.POSITIVE_INFINITY,
        store,
      });
      const queue = new LocalQueue(settings.name, {
        visibilityTimeoutMs: settings.visibilityTimeoutSeconds * msPerSecond,
        maxReceiveCount: settings.maxReceiveCount,
        deadLetterQueue: dlq,
        random: faults.shuffle ? random : undefined,
        store,
      });
      this.queues.set(key, { queue, dlq });
    }
    for (const rule of allRules(specs)) {
      const { queue } = this.queues.get(rule.target)!;
      this.bus.addRule(rule.name, effectivePattern(rule), (json) => {
        // One sync for the burst of sends a put fans out to (see LocalBus.put's batch hook).
        const delay = () => (faults.maxDeliveryDelayMs ? Math.floor(random() * faults.maxDeliveryDelayMs) : 0);
        queue.send(json, {}, delay());
        if (faults.duplicateRate && random() < faults.duplicateRate) queue.send(json, {}, delay());
      });
    }
    const deadLetters: DeadLetterPort = {
      send: async (letter) => {
        const pair = [...this.queues.values()].find(({ queue }) => queue.name === letter.sourceQueue);
        if (!pair) throw new Error(`no local queue named ${letter.sourceQueue}`);
        pair.dlq.enqueue({
          messageId: crypto.randomUUID(),
          body: letter.body,
          sentAt: Date.now(),
          receiveCount: letter.receiveCount,
          attributes: { reason: letter.reason, sourceQueue: letter.sourceQueue },
        });
      },
    };
    const deadlineQueue = deadlineReceiver(specs).name;
    // Deadlines arrive on the receiver's queue (the aggregator's) as delayed messages, as SQS
    // DelaySeconds would do.
    const deadlines: DeadlineScheduler = {
      schedule: async (detail, now) => {
        const { queue } = this.queues.get(deadlineQueue)!;
        queue.send(
          deadlineEnvelope(detail, now, LOCAL_REGION, LOCAL_ACCOUNT),
          {},
          Math.max(0, Date.parse(detail.deadline) - Date.now()),
        );
      },
    };
    this.deadlineScheduler = deadlines;
    this.deadlineQueue = deadlineQueue;
    for (const [index, { service, createHandler }] of registry.entries()) {
      const spec = specs[index]!;
      const ctx = serviceContext(service, {
        publisher: this.publisher,
        deadLetters,
        deadlines,
        logger: new Logger({ serviceName: `alex-${spec.name}`, logLevel: this.options.logLevel ?? 'SILENT' }),
        dynamo: this.dynamo.client,
        tables: { idempotency: TABLES.idempotency, completion: TABLES.completion },
        db: async () => this.db,
        payloads: this.payloads,
        vectors: this.research.vectors,
        knowledge: this.research.knowledge,
        model: this.model,
        now: this.options.now ?? (() => new Date()),
        prices: this.prices,
        onRecordFailure: (messageId, reason) => this.failureReasons.set(messageId, reason),
      });
      const inProcess = () => createHandler(ctx, this.hooks);
      this.pollersOf(spec, this.handlerOf(spec, inProcess, ctx, deadLetters));
    }
  }

  /** In a worker thread when `workers` is on and the service can run there, else in this thread. */
  private handlerOf(
    spec: ServiceSpec,
    inProcess: () => SqsBatchHandler,
    ctx: ServiceContext,
    deadLetters: DeadLetterPort,
  ): QueueHandler {
    if (!this.options.workers || !isWorkerService(spec)) return inProcess();
    const worker = workerHandler(spec.name, {
      dynamoEndpoint: this.dynamo.endpoint,
      publisher: this.publisher,
      deadLetters,
      payloads: this.payloads,
      knowledge: this.research.knowledge,
      onRecordFailure: ctx.onRecordFailure!,
      logLevel: this.options.logLevel ?? 'SILENT',
      ...(this.spansFile ? { spansFile: this.spansFile } : {}),
      ...(this.metricsFile ? { metricsFile: this.metricsFile } : {}),
    });
    this.workers.push(worker);
    return worker.handle;
  }

  /** One poller per queue the service consumes, with its function's limits, as an event source mapping. */
  private pollersOf(spec: ServiceSpec, handler: QueueHandler): void {
    const faults = this.options.faults ?? {};
    const random = faults.random ?? Math.random;
    const specs = specsOf(this.options.services);
    for (const key of spec.consumes) {
      const { queue } = this.queues.get(key)!;
      const settings = queueSettings(key, specs);
      this.pollers.push(
        new Poller(queue, handler, {
          functionName: `alex-${spec.name}`,
          batchSize: settings.batchSize,
          concurrency: spec.maxConcurrency,
          timeoutMs: spec.timeoutSeconds * 1000,
          memoryMb: spec.memoryMb,
          region: LOCAL_REGION,
          account: LOCAL_ACCOUNT,
          faults: {
            crashRate: faults.crashRate,
            silent: faults.silentServices?.includes(spec.name),
            silentRate: faults.silentRate,
            random,
          },
          takeFailureReason: (messageId) => {
            const reason = this.failureReasons.get(messageId);
            this.failureReasons.delete(messageId);
            return reason;
          },
        }),
      );
    }
  }

  /** The caller's hooks, with the injected kill (faults.killAt) when asked for. */
  private get hooks(): ServiceHooks {
    const hooks = this.options.hooks ?? {};
    const killAt = this.options.faults?.killAt;
    if (!killAt) return hooks;
    return {
      ...hooks,
      onOutboxStage: (stage, eventId) => {
        hooks.onOutboxStage?.(stage, eventId);
        if (stage === killAt) process.kill(process.pid, 'SIGKILL');
      },
    };
  }

  /** The claim-check store: PostgreSQL's payloads table, lent to worker threads through their port. */
  readonly payloads = new SqlPayloadStore(async () => this.db);

  private localResearch: LocalResearch | undefined;
  /** The knowledge base's embedder, vector store and search, on this database; lent to workers too. */
  get research(): LocalResearch {
    this.localResearch ??= localResearch(this.db);
    return this.localResearch;
  }

  /** Set by wire(): deadlines go to the receiver's queue as delayed messages. */
  private deadlineScheduler!: DeadlineScheduler;
  private deadlineQueue!: QueueKey;

  /** The threads the specialists run in when `workers` is on (empty otherwise). */
  get workerThreadIds(): number[] {
    return this.workers.flatMap((worker) => worker.threadId ?? []);
  }

  /** Sends a job message to the jobs queue, as `aws sqs send-message` would. */
  sendJob(body: string): string {
    return this.queues.get('jobs')!.queue.send(body);
  }

  /** Publishes catalog events, validated, as a service would. */
  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    await this.publisher.publish(events);
  }

  /** Puts raw entries as another system would with PutEvents: only the envelope is checked here. */
  putRaw(entry: { detailType: string; source: string; detail: unknown; resources?: string[] }): EventEnvelope {
    const [envelope] = this.bus.put([
      {
        detailType: entry.detailType,
        source: entry.source,
        detail: JSON.stringify(entry.detail),
        resources: entry.resources ?? [],
        time: new Date(),
      },
    ]);
    return envelope!;
  }

  /** Resolves with the first event on the bus that satisfies `predicate`. */
  waitForEvent(predicate: (envelope: EventEnvelope) => boolean, timeoutMs: number): Promise<EventEnvelope> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      // A caller that stopped waiting for other reasons must not be kept alive by this timer.
      timer.unref();
      const unsubscribe = this.bus.subscribe((envelope) => {
        if (!predicate(envelope)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(envelope);
      });
    });
  }

  /** Resolves when no queue holds a message and no function is running (DLQs aside). */
  async idle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const busy = [...this.queues.values()].some(({ queue }) => !queue.isEmpty) || this.pollers.some((p) => p.busy);
      if (!busy) return;
      if (Date.now() > deadline) throw new Error(`the local runtime did not settle within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * Stops taking messages and waits up to `timeoutMs` for running invocations to finish; any
   * still running then stay in flight and are persisted with their queue by close(), so the next
   * start delivers them again. Returns whether everything finished.
   */
  async stopPolling(timeoutMs: number): Promise<boolean> {
    for (const poller of this.pollers) poller.stop();
    const deadline = Date.now() + timeoutMs;
    while (this.pollers.some((poller) => poller.busy)) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }

  deadLetters(): Array<{ queue: string; message: QueueMessage }> {
    return [...this.queues.values()].flatMap(({ dlq }) =>
      dlq.peekAll().map((message) => ({ queue: dlq.name, message })),
    );
  }

  async close(): Promise<void> {
    for (const poller of this.pollers) poller.stop();
    await Promise.all(this.workers.map((worker) => worker.close()));
    await this.telemetry?.shutdown();
    if (this.metricsFile) setMetricsSink(undefined);
    // The journal is folded into the snapshot before the queues stop: a clean close leaves it empty.
    this.journal?.close();
    for (const { queue, dlq } of this.queues.values()) {
      queue.close();
      dlq.close();
    }
    this.archive.flush();
    await this.dynamo.close();
    await this.db.close();
    this.lock?.release();
  }

  /** Every message of every queue and DLQ, by queue name (what the snapshot holds). */
  private queueContents(): Record<string, QueueMessage[]> {
    const state: Record<string, QueueMessage[]> = {};
    for (const { queue, dlq } of this.queues.values()) {
      state[queue.name] = queue.peekAll();
      state[dlq.name] = dlq.peekAll();
    }
    return state;
  }

  private restore(state: QueueState): void {
    for (const { queue, dlq } of this.queues.values()) {
      for (const message of state.get(queue.name)?.values() ?? []) queue.restore(message);
      for (const message of state.get(dlq.name)?.values() ?? []) dlq.restore(message);
    }
  }
}

/** Options that are functions or objects of this thread, which a worker thread cannot share. */
function refuseWhatWorkersCannotUse(options: LocalRuntimeOptions): void {
  const shared = [
    options.model && 'model (workers use the model ALEX_MODEL selects)',
    options.now && 'now (workers use the real clock)',
    options.faults?.modelThrottleRate && 'faults.modelThrottleRate (the throttle would not reach the workers)',
  ].filter(Boolean);
  if (shared.length > 0) throw new InvalidInputError(`workers: cannot be combined with ${shared.join(', ')}`);
}

/** Puts an injected throttle between the guard and the model, so the guard sees it as real. */
function modelWithFaults(model: ModelPort, faults: FaultOptions | undefined): ModelPort {
  if (!faults?.modelThrottleRate) return model;
  const inner = model instanceof GuardedModel ? model.inner : model;
  return new GuardedModel(new ThrottlingModel(inner, faults.modelThrottleRate, faults.random ?? Math.random));
}
