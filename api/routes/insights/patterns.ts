import { z } from '@hono/zod-openapi';
import { detectCustomerPatterns } from '../../../commands/insights/detect-patterns.js';
import { getCustomer } from '../../../db/customers/customers.js';
import * as patterns from '../../../db/insights/patterns.js';
import type { Db } from '../../../db/pool.js';
import { notFound } from '../../errors.js';
import { errorResponses, IdParams, json, newRouter, securedRoute } from '../../router.js';

const PatternSchema = patterns.patternRow.omit({ org_id: true }).openapi('BehaviorPattern');
const view = ({ org_id: _org, ...p }: patterns.PatternRow) => p;
const Patterns = z.object({ data: z.array(PatternSchema) });

const tags = ['insights'];
const routes = {
  list: securedRoute('insights:read', {
    method: 'get',
    path: '/customers/{id}/patterns',
    tags,
    request: { params: IdParams },
    responses: { 200: json(Patterns, 'Current patterns, strongest first'), ...errorResponses },
  }),
  detect: securedRoute('insights:write', {
    method: 'post',
    path: '/customers/{id}/patterns/detect',
    tags,
    summary:
      "Detect the customer's patterns now (the hourly pass does it for customers with new interactions)",
    request: { params: IdParams },
    responses: {
      200: json(Patterns, 'The patterns found, which replace the current ones'),
      ...errorResponses,
    },
  }),
};

/** A customer's behaviour patterns: read, or detected again on demand. */
export function patternRoutes(deps: { db: Db }) {
  const { db } = deps;
  return newRouter()
    .openapi(routes.list, async (c) => {
      const orgId = c.get('principal').orgId;
      const { id } = c.req.valid('param');
      if (!(await getCustomer(db, orgId, id))) throw notFound('customer');
      return c.json({ data: (await patterns.listPatterns(db, orgId, id)).map(view) }, 200);
    })
    .openapi(routes.detect, async (c) => {
      const orgId = c.get('principal').orgId;
      const customer = await getCustomer(db, orgId, c.req.valid('param').id);
      if (!customer) throw notFound('customer');
      await detectCustomerPatterns(db, orgId, [{ id: customer.id, timezone: customer.timezone }]);
      return c.json({ data: (await patterns.listPatterns(db, orgId, customer.id)).map(view) }, 200);
    });
}
