import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter, type Store } from 'hono-rate-limiter';
import * as counters from '../db/platform/rate-limits.js';
import type { Db } from '../db/pool.js';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

const WINDOW_MS = 60_000;

/**
 * hono-rate-limiter's store over Postgres: fixed one-minute windows shared by every API replica,
 * so a client's limit is the same whichever replica answers.
 */
export class PostgresRateLimitStore implements Store<AppEnv> {
  private lastSweep = 0;
  /** `prefix` keeps the counters of deployments that share a database (TASK_QUEUE_PREFIX) apart. */
  constructor(
    private readonly db: Db,
    private readonly keyPrefix = '',
  ) {}

  private windowStart(now = Date.now()) {
    return new Date(now - (now % WINDOW_MS));
  }

  async increment(key: string) {
    const start = this.windowStart();
    const totalHits = await counters.hit(this.db, this.keyPrefix + key, start);
    if (Date.now() - this.lastSweep > WINDOW_MS) {
      this.lastSweep = Date.now();
      await counters.dropWindowsBefore(this.db, new Date(start.getTime() - WINDOW_MS));
    }
    return { totalHits, resetTime: new Date(start.getTime() + WINDOW_MS) };
  }

  async decrement(key: string) {
    await counters.unhit(this.db, this.keyPrefix + key, this.windowStart());
  }

  async resetKey(key: string) {
    await counters.resetKey(this.db, this.keyPrefix + key);
  }
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
  store: Store<AppEnv>,
  name: string,
  limit: number,
  keyOf: (c: Context<AppEnv>) => string,
): MiddlewareHandler<AppEnv> {
  const limiter = rateLimiter<AppEnv>({
    windowMs: WINDOW_MS,
    limit,
    store,
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
