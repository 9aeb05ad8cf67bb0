import { z } from '@hono/zod-openapi';
import type { FieldCipher } from '../../lib/field-encryption.js';
import { eraseCustomer } from '../../commands/platform/erase-customer.js';
import { exportCustomer } from '../../db/platform/privacy.js';
import type { Db } from '../../db/pool.js';
import { auditRequest, commandActor } from '../audit.js';
import { notFound } from '../errors.js';
import { errorResponses, IdParams, json, newRouter, securedRoute } from '../router.js';

const tags = ['privacy'];
const routes = {
  export: securedRoute('pii:read', {
    method: 'get',
    path: '/customers/{id}/export',
    tags,
    summary: 'Everything held about the customer, unmasked, table by table (GDPR access)',
    request: { params: IdParams },
    responses: {
      200: json(z.record(z.array(z.record(z.unknown())).or(z.record(z.unknown()))), 'The export'),
      ...errorResponses,
    },
  }),
  erase: securedRoute('customers:erase', {
    method: 'post',
    path: '/customers/{id}/erase',
    tags,
    summary: 'Anonymise the customer’s personal data; financial records are kept (GDPR erasure)',
    request: { params: IdParams },
    responses: {
      200: json(z.object({ id: z.string(), erased: z.literal(true) }), 'Erased'),
      ...errorResponses,
    },
  }),
};

export function privacyRoutes(deps: { db: Db; cipher: FieldCipher }) {
  const { db } = deps;
  return newRouter()
    .openapi(routes.export, async (c) => {
      const { id } = c.req.valid('param');
      const data = await exportCustomer(db, c.get('principal').orgId, id, deps.cipher);
      if (!data) throw notFound('customer');
      await auditRequest(db, c, { action: 'customer.exported', resourceType: 'customer', resourceId: id });
      c.header('Content-Disposition', `attachment; filename="customer-${id}.json"`);
      return c.json(data as Record<string, Record<string, unknown>>, 200);
    })
    .openapi(routes.erase, async (c) => {
      const { id } = c.req.valid('param');
      const orgId = c.get('principal').orgId;
      if (!(await eraseCustomer(db, orgId, id, commandActor(c)))) throw notFound('customer');
      return c.json({ id, erased: true as const }, 200);
    });
}
