/**
 * Faults the local runtime can inject, to show that at-least-once delivery, disorder, crashes,
 * silent specialists and a throttling model change nothing that matters: no job is lost and
 * no analysis is written twice.
 */
import { ModelUnavailableError } from '#services/common/model/errors.ts';
import type { ModelPort, ModelRequest, ModelResponse } from '#services/common/model/port.ts';
import type { RelayStage } from '#services/common/outbox.ts';
import type { ServiceName } from '../topology.ts';

export interface FaultOptions {
  /** Chance (0..1) that a rule delivers an event to its queue twice. */
  duplicateRate?: number;
  /** Receive messages in random order. */
  shuffle?: boolean;
  /** Each delivery from the bus to a queue is delayed by up to this many milliseconds. */
  maxDeliveryDelayMs?: number;
  /**
   * Chance (0..1) that an invocation's result is lost after the function ran: the function did
   * its work, but the batch is retried as if it had crashed before acknowledging.
   */
  crashRate?: number;
  /** Services that never answer: their messages are taken and dropped. */
  silentServices?: readonly ServiceName[];
  /** With silentServices: the chance (0..1) that one batch goes unanswered; 1 when absent. */
  silentRate?: number;
  /** Chance (0..1) that a model call is throttled (ModelUnavailableError, retried by SQS). */
  modelThrottleRate?: number;
  /** The random source, seeded in tests and the reliability run. */
  random?: () => number;
  /**
   * Kill this process (SIGKILL) when an outbox relay reaches this stage of sending a row: after
   * the commit and before the publish, or after the publish and before marking it sent. The
   * process tier sets it through ALEX_FAULT_KILL_AT (see `killAtFromEnv`).
   */
  killAt?: RelayStage;
}

/** A model that sometimes answers "throttled", as Bedrock does under load. */
export class ThrottlingModel implements ModelPort {
  readonly name: string;
  throttled = 0;

  constructor(
    private readonly inner: ModelPort,
    private readonly rate: number,
    private readonly random: () => number,
  ) {
    this.name = inner.name;
  }

  async generate<T>(request: ModelRequest<T>): Promise<ModelResponse<T>> {
    if (this.random() < this.rate) {
      this.throttled += 1;
      throw new ModelUnavailableError('ThrottlingException: Too many requests (injected fault)', {
        model: this.name,
        status: 429,
      });
    }
    return this.inner.generate(request);
  }
}
