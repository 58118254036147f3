/**
 * A token bucket per user: `burst` requests at once, refilled at `ratePerSecond`. The answer
 * carries what the RateLimit header fields draft asks (policy, remaining, seconds to reset), so
 * a client can pace itself instead of retrying blindly. Buckets of idle users are forgotten.
 */
import type { Clock } from './ports.ts';

export interface RateLimitSettings {
  ratePerSecond: number;
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitSettings = { ratePerSecond: 20, burst: 40 };

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until a request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly settings: RateLimitSettings,
    private readonly clock: Clock,
  ) {}

  take(userId: string): RateDecision {
    const { ratePerSecond, burst } = this.settings;
    const now = this.clock.now();
    const bucket = this.buckets.get(userId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * ratePerSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    // Delete-then-set keeps the map in least-recently-used order for the sweep below.
    this.buckets.delete(userId);
    this.buckets.set(userId, bucket);
    if (this.buckets.size > 100_000) this.buckets.delete(this.buckets.keys().next().value!);
    return {
      allowed,
      remaining: Math.floor(bucket.tokens),
      retryAfterSeconds: allowed ? 0 : Math.ceil((1 - bucket.tokens) / ratePerSecond),
      resetSeconds: Math.ceil((burst - bucket.tokens) / ratePerSecond),
    };
  }

  /** `RateLimit-Policy` value: quota and window in seconds for a full bucket. */
  get policy(): string {
    const { ratePerSecond, burst } = this.settings;
    return `"burst";q=${burst};w=${Math.max(1, Math.ceil(burst / ratePerSecond))}`;
  }
}

export function rateLimitHeader(decision: RateDecision): string {
  return `"burst";r=${decision.remaining};t=${decision.resetSeconds}`;
}
