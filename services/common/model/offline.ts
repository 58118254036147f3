/**
 * The offline model: no network, deterministic. It returns the request's own offline answer,
 * validated against the request's schema exactly as a remote model's answer would be.
 */
import type { ModelPort, ModelRequest, ModelResponse } from './port.ts';

export class OfflineModel implements ModelPort {
  readonly name = 'offline';
  calls = 0;

  async generate<T>(request: ModelRequest<T>): Promise<ModelResponse<T>> {
    const started = performance.now();
    this.calls += 1;
    const output = request.schema.parse(request.offline());
    return {
      output,
      model: this.name,
      offline: true,
      usage: { inputTokens: 0, outputTokens: 0 },
      latencyMs: performance.now() - started,
    };
  }
}
