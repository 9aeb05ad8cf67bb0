import { z } from '@hono/zod-openapi';
import { listOutbox } from '../../db/notify/outbox.js';
import type { Db } from '../../db/pool.js';
import { pageQuerySchema, toPage } from '../../lib/pagination.js';
import { auditRequest } from '../audit.js';
import { ApiError } from '../errors.js';
import { errorResponses, json, newRouter, pageSchema, securedRoute } from '../router.js';

const routes = {
  // The messages as sent, to whole addresses and with answer links: for those who may see PII.
  outbox: securedRoute('pii:read', {
    method: 'get',
    path: '/dev/outbox',
    tags: ['development'],
    summary: 'What the local provider "sent" (not served in production)',
    request: { query: pageQuerySchema },
    responses: { 200: json(pageSchema(z.record(z.unknown())), 'Outbox, newest first'), ...errorResponses },
  }),
};

/** The outbox provider's messages, outside production: what would have been sent. */
export function devOutboxRoutes(deps: { db: Db; production: boolean }) {
  const { db } = deps;
  return newRouter().openapi(routes.outbox, async (c) => {
    if (deps.production) throw new ApiError(404, 'not_found', 'No route for GET /api/v1/dev/outbox');
    const q = c.req.valid('query');
    const page = toPage(await listOutbox(db, c.get('principal').orgId, q), q.limit);
    if (page.data.length) {
      await auditRequest(db, c, {
        action: 'customer.pii_viewed',
        resourceType: 'outbox',
        resourceId: null,
        after: { outbox_message_ids: page.data.map((m) => m.id) },
      });
    }
    return c.json(page, 200);
  });
}
