import { createRoute, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { ping, type Db } from '../../db/pool.js';
import { ApiError } from '../errors.js';
import { json, newRouter } from '../router.js';

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);

const live = createRoute({
  method: 'get',
  path: '/health/live',
  tags: ['health'],
  responses: { 200: json(z.object({ status: z.literal('ok') }), 'The process is up') },
});

const ready = createRoute({
  method: 'get',
  path: '/health/ready',
  tags: ['health'],
  responses: {
    200: json(
      z.object({ status: z.literal('ready'), checks: z.record(z.enum(['up', 'down'])) }),
      'Postgres and Temporal answer',
    ),
    503: json(
      z.object({ error: z.object({ code: z.string(), message: z.string() }) }),
      'A dependency is down',
    ),
  },
});

/** Liveness says the process runs; readiness says its dependencies answer, naming any that do not. */
export function healthRoutes(deps: { db: Db; temporal: Client }) {
  return newRouter()
    .openapi(live, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(ready, async (c) => {
      const [postgres, temporal] = await Promise.all([
        withTimeout(ping(deps.db), 3_000).then(
          () => 'up' as const,
          () => 'down' as const,
        ),
        withTimeout(deps.temporal.workflowService.getSystemInfo({}), 3_000).then(
          () => 'up' as const,
          () => 'down' as const,
        ),
      ]);
      const checks = { postgres, temporal };
      const down = Object.entries(checks)
        .filter(([, s]) => s === 'down')
        .map(([name]) => name);
      if (down.length) {
        throw new ApiError(503, 'not_ready', `${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} down`, {
          checks,
        });
      }
      return c.json({ status: 'ready' as const, checks }, 200);
    });
}
