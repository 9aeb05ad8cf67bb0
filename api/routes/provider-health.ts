import { z } from '@hono/zod-openapi';
import { listHealth } from '../../db/notify/provider-health.js';
import type { Db } from '../../db/pool.js';
import { errorResponses, json, newRouter, securedRoute } from '../router.js';

const routes = {
  breakers: securedRoute('workflows:admin', {
    method: 'get',
    path: '/admin/circuit-breakers',
    tags: ['admin'],
    summary: 'Circuit breaker state per provider (shared by every worker)',
    responses: {
      200: json(z.object({ data: z.array(z.record(z.unknown())) }), 'Providers'),
      ...errorResponses,
    },
  }),
};

/** Each provider's circuit breaker, for on-call staff. */
export function providerHealthRoutes(deps: { db: Db }) {
  const { db } = deps;
  return newRouter().openapi(routes.breakers, async (c) =>
    c.json({ data: [...(await listHealth(db))] }, 200),
  );
}
