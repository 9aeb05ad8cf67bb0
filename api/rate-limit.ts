import type { Context, MiddlewareHandler, Next } from 'hono';
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

  /**
   * Counts one hit of `key` against `limit` and answers its place in the window: at once (no
   * promise, so a request pays no turn for it) from a fresh estimate far from the limit, else once
   * the flush that counts it answers. The store must know the limit to count exactly near it.
   */
  hit(key: string, limit: number): Hit | Promise<Hit> {
    const c = this.counter(this.keyPrefix + key);
    const resetTime = c.window + WINDOW_MS;
    c.pending += 1;
    const fresh = Date.now() - c.knownAt < STALE_MS;
    if (fresh && c.known + c.inflight + c.pending <= limit - Math.max(1, Math.ceil(limit / 10))) {
      this.schedule();
      return { totalHits: c.known + c.inflight + c.pending, resetTime };
    }
    const place = c.pending;
    c.batch ??= deferred();
    const counted = c.batch.promise;
    this.flush().catch(() => {}); // its failure reaches this hit through `counted`
    return counted.then((base) => ({ totalHits: base + place, resetTime }));
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

/** The client's address, as the request context read it (behind TRUSTED_PROXIES, the forwarded one). */
export const clientIp = (c: Context<AppEnv>): string => c.get('clientIp') ?? 'unknown';

/** A hit's place in its key's window, and when the window ends (epoch ms). */
export type Hit = { totalHits: number; resetTime: number };

/**
 * A limit of `limit` requests a minute per key: past it, 429 with Retry-After. Every answer
 * carries X-RateLimit-Limit, -Remaining and -Reset (seconds until the window resets); where two
 * limits apply (address, then caller), the caller's.
 */
export function limitPerMinute(
  store: PostgresRateLimitStore,
  name: string,
  limit: number,
  keyOf: (c: Context<AppEnv>) => string,
): MiddlewareHandler<AppEnv> {
  const rejected = (c: Context<AppEnv>, hit: Hit) => {
    setHeaders(c, limit, hit);
    return new ApiError(429, 'rate_limited', `Too many requests: at most ${limit} a minute`, undefined, {
      'Retry-After': secondsLeft(hit),
    });
  };
  const pass = (c: Context<AppEnv>, next: Next, hit: Hit) => {
    if (hit.totalHits > limit) throw rejected(c, hit);
    setHeaders(c, limit, hit);
    return next();
  };
  return (c, next) => {
    const counted = store.hit(`${name}:${keyOf(c)}`, limit);
    return counted instanceof Promise ? counted.then((hit) => pass(c, next, hit)) : pass(c, next, counted);
  };
}

const secondsLeft = (hit: Hit) => String(Math.max(1, Math.ceil((hit.resetTime - Date.now()) / 1000)));

function setHeaders(c: Context<AppEnv>, limit: number, hit: Hit) {
  c.header('X-RateLimit-Limit', String(limit));
  c.header('X-RateLimit-Remaining', String(Math.max(0, limit - hit.totalHits)));
  c.header('X-RateLimit-Reset', secondsLeft(hit));
}
