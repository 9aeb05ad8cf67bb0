import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter, type Store } from 'hono-rate-limiter';
import * as counters from '../db/platform/rate-limits.js';
import type { Db } from '../db/pool.js';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

const WINDOW_MS = 60_000;
/** A total older than this (a key not seen here lately) is asked again before it is relied on. */
const STALE_MS = 1000;

/**
 * One key's hits in its current window: the total Postgres last answered, hits in flight to it and
 * not sent yet, and (when a hit waits for its exact count) the batch that will carry the pending
 * hits, answering the total counted before them.
 */
type Counter = {
  key: string;
  window: number;
  known: number;
  knownAt: number;
  inflight: number;
  pending: number;
  batch:
    { promise: Promise<number>; resolve: (base: number) => void; reject: (err: unknown) => void } | undefined;
};

/**
 * Fixed one-minute windows shared by every API replica through Postgres, without a statement per
 * request: each replica adds its hits to the shared counters in one statement for all keys every
 * `flushMs`, and learns the totals back. Far from a key's limit, and with a total learnt in the
 * last second, a hit is answered from that estimate; otherwise (the last 10 % of the limit, a key
 * not seen here lately) it waits for the flush that counts it and gets its exact place in the
 * window. So the limit is exact on one replica, and across replicas off only by what the others
 * counted since this one's last flush: a client must send a tenth of its limit within one
 * `flushMs` to get more. A busy client costs one statement per `flushMs`, not one per request.
 */
export class PostgresRateLimitStore {
  /** By window and key: a hit still waiting in the last window goes to that window. */
  private readonly counters = new Map<string, Counter>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private lastSweep = 0;
  /** `keyPrefix` keeps the counters of deployments that share a database (TASK_QUEUE_PREFIX) apart. */
  constructor(
    private readonly db: Db,
    private readonly keyPrefix = '',
    private readonly flushMs = 100,
  ) {}

  /** hono-rate-limiter's store for one limit (the store must know it to count exactly near it). */
  forLimit(limit: number): Store<AppEnv> {
    const margin = Math.max(1, Math.ceil(limit / 10));
    return {
      increment: async (key) => {
        const c = this.counter(this.keyPrefix + key);
        const resetTime = new Date(c.window + WINDOW_MS);
        c.pending += 1;
        const fresh = Date.now() - c.knownAt < STALE_MS;
        if (fresh && c.known + c.inflight + c.pending <= limit - margin) {
          this.schedule();
          return { totalHits: c.known + c.inflight + c.pending, resetTime };
        }
        const place = c.pending;
        c.batch ??= deferred();
        const counted = c.batch.promise;
        this.flush().catch(() => {}); // its failure reaches this hit through `counted`
        return { totalHits: (await counted) + place, resetTime };
      },
      decrement: (key) => {
        this.counter(this.keyPrefix + key).pending -= 1;
        this.schedule();
      },
      resetKey: async (key) => {
        this.counters.delete(this.counter(this.keyPrefix + key).window + this.keyPrefix + key);
        await counters.resetKey(this.db, this.keyPrefix + key);
      },
    };
  }

  private counter(key: string): Counter {
    const now = Date.now();
    const window = now - (now % WINDOW_MS);
    let c = this.counters.get(window + key);
    if (!c) {
      c = { key, window, known: 0, knownAt: 0, inflight: 0, pending: 0, batch: undefined };
      this.counters.set(window + key, c);
    }
    return c;
  }

  private schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.flush().catch(() => {}); // Postgres is down: requests near a limit see it
    }, this.flushMs);
    this.timer.unref();
  }

  /** Sends every pending hit, after the flush in flight. */
  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.flushing.then(() => this.send());
    this.flushing = next.catch(() => {});
    return next;
  }

  private async send(): Promise<void> {
    const now = Date.now();
    const window = now - (now % WINDOW_MS);
    const byWindow = new Map<number, { c: Counter; hits: number; batch: Counter['batch'] }[]>();
    for (const [id, c] of this.counters) {
      if (c.pending !== 0) {
        const group = byWindow.get(c.window) ?? [];
        group.push({ c, hits: c.pending, batch: c.batch });
        byWindow.set(c.window, group);
        c.inflight += c.pending;
        c.pending = 0;
        c.batch = undefined;
      } else if (c.window < window && c.inflight === 0) this.counters.delete(id);
    }
    let failure: unknown;
    for (const [start, group] of byWindow) {
      try {
        const totals = await counters.addHits(
          this.db,
          new Date(start),
          group.map((s) => ({ key: s.c.key, hits: s.hits })),
        );
        const byKey = new Map(totals.map((t) => [t.key, t.hits]));
        for (const s of group) {
          const total = byKey.get(s.c.key) ?? s.c.known + s.hits;
          s.c.known = total;
          s.c.knownAt = Date.now();
          s.c.inflight -= s.hits;
          s.batch?.resolve(total - s.hits);
        }
      } catch (err) {
        // Those hits go uncounted (Postgres is down); the ones waiting for their count fail.
        for (const s of group) {
          s.c.inflight -= s.hits;
          s.batch?.reject(err);
        }
        failure ??= err;
      }
    }
    if (failure) throw failure;
    if (now - this.lastSweep > WINDOW_MS) {
      this.lastSweep = now;
      await counters.dropWindowsBefore(this.db, new Date(window - WINDOW_MS));
    }
  }
}

function deferred(): NonNullable<Counter['batch']> {
  let resolve!: (base: number) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<number>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a rejection is handled by the hits awaiting it
  return { promise, resolve, reject };
}

export const clientIp = (c: Context<AppEnv>): string => {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served by @hono/node-server (app.request() in tests)
  }
};

/**
 * A limit of `limit` requests a minute per key: past it, 429 with Retry-After. Every answer
 * carries X-RateLimit-Limit, -Remaining and -Reset (seconds until the window resets).
 */
export function limitPerMinute(
  store: PostgresRateLimitStore,
  name: string,
  limit: number,
  keyOf: (c: Context<AppEnv>) => string,
): MiddlewareHandler<AppEnv> {
  const limiter = rateLimiter<AppEnv>({
    windowMs: WINDOW_MS,
    limit,
    store: store.forLimit(limit),
    standardHeaders: false,
    keyGenerator: (c) => `${name}:${keyOf(c)}`,
    handler: (c) => {
      throw new ApiError(429, 'rate_limited', `Too many requests: at most ${limit} a minute`, undefined, {
        'Retry-After': retryAfter(c),
      });
    },
  });
  return async (c, next) => {
    await limiter(c, async () => {
      setHeaders(c);
      await next();
    });
  };
}

type Info = { limit: number; remaining: number; resetTime?: Date | undefined };
const info = (c: Context<AppEnv>) => (c as unknown as { get(k: string): Info | undefined }).get('rateLimit');
const secondsLeft = (i: Info | undefined) =>
  String(i?.resetTime ? Math.max(1, Math.ceil((i.resetTime.getTime() - Date.now()) / 1000)) : 60);
const retryAfter = (c: Context<AppEnv>) => {
  setHeaders(c);
  return secondsLeft(info(c));
};
function setHeaders(c: Context<AppEnv>) {
  const i = info(c);
  if (!i) return;
  c.header('X-RateLimit-Limit', String(i.limit));
  c.header('X-RateLimit-Remaining', String(Math.max(0, i.remaining)));
  c.header('X-RateLimit-Reset', secondsLeft(i));
}
