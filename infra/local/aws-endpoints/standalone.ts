/**
 * The bus, archive and queues of the topology without the services behind them: what the
 * endpoints need when nothing should consume (wire-format tests, the ingress benchmark). Rules
 * deliver into the queues exactly as in the full runtime; nothing reads them.
 */
import { allRules, BUS_NAME, effectivePattern, queueSettings, SERVICE_NAMES } from '#infra/topology.ts';
import { EventArchive } from '../archive.ts';
import { LocalBus } from '../bus.ts';
import { LocalQueue } from '../queue.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, type QueueKey, type QueuePair } from '../runtime.ts';
import type { EndpointRuntime } from './local-resources.ts';

export function standaloneRuntime(
  options: { archiveFile?: string; visibilityTimeoutMs?: number } = {},
): EndpointRuntime {
  const archive = new EventArchive(options.archiveFile);
  const bus = new LocalBus({ name: BUS_NAME, account: LOCAL_ACCOUNT, region: LOCAL_REGION, archive });
  const queues = new Map<QueueKey, QueuePair>();
  for (const key of ['jobs', ...SERVICE_NAMES] as QueueKey[]) {
    const settings = queueSettings(key);
    const dlq = new LocalQueue(`${settings.name}-dlq`, {
      visibilityTimeoutMs: options.visibilityTimeoutMs ?? 30_000,
      maxReceiveCount: Number.POSITIVE_INFINITY,
    });
    const queue = new LocalQueue(settings.name, {
      visibilityTimeoutMs: options.visibilityTimeoutMs ?? settings.visibilityTimeoutSeconds * 1000,
      maxReceiveCount: settings.maxReceiveCount,
      deadLetterQueue: dlq,
    });
    queues.set(key, { queue, dlq });
  }
  for (const rule of allRules()) {
    const { queue } = queues.get(rule.target)!;
    bus.addRule(rule.name, effectivePattern(rule), (json) => queue.send(json));
  }
  return { bus, archive, queues };
}
