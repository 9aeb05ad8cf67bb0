import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { cancelBill } from '../../../commands/rules/cancel-bill.js';
import { createBill } from '../../../commands/rules/create-bill.js';
import { payBill } from '../../../commands/rules/pay-bill.js';
import { updateBill } from '../../../commands/rules/update-bill.js';
import type { Db } from '../../../db/pool.js';
import * as bills from '../../../db/rules/bills.js';
import { toPage } from '../../../lib/pagination.js';
import { RECURRENCES } from '../../../workflows/rules/bill-schedule.js';
import { auditRequest } from '../../audit.js';
import { notFound } from '../../errors.js';
import { idempotent } from '../../idempotency.js';
import { conflictResponses, errorResponses, IdParams, json, newRouter, securedRoute } from '../../router.js';
import { Currency, IsoDate, PositiveMoney, Text, Uuid } from '../../schemas.js';
import { atLeastOne, crud, strip } from './shared.js';

const BillSchema = bills.billRow.omit({ org_id: true }).openapi('Bill');
const BillFields = {
  name: Text(100),
  amount: PositiveMoney,
  currency: Currency.optional(),
  recurrence: z.enum(RECURRENCES).optional(),
  next_due_date: IsoDate,
  account_id: Uuid.nullable().optional(),
};
const routes = crud(
  'Bill',
  '/bills',
  BillSchema,
  z.object({ customer_id: Uuid, ...BillFields }).strict(),
  z
    .object(BillFields)
    .partial()
    .strict()
    .refine(atLeastOne, 'send at least one field to change')
    .openapi({ minProperties: 1 }),
);
const payRoute = securedRoute('rules:write', {
  method: 'post',
  path: '/bills/{id}/pay',
  tags: ['rules'],
  summary: 'The occurrence now due is paid: no reminder for it',
  request: { params: IdParams },
  responses: { 200: json(BillSchema, 'Paid'), ...conflictResponses, ...errorResponses },
});

/** Bills: each has its reminder workflow, `bill-<billId>` (06:00 in the customer's zone). */
export function billRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string }) {
  const { db } = deps;
  const audit = (c: Parameters<typeof auditRequest>[1], action: string, id: string) =>
    auditRequest(db, c, { action, resourceType: 'bill', resourceId: id });
  return newRouter()
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      const page = toPage(await bills.listBills(db, c.get('principal').orgId, q), q.limit);
      return c.json({ ...page, data: page.data.map(strip) }, 200);
    })
    .openapi(routes.create, async (c) => {
      const orgId = c.get('principal').orgId;
      const body = c.req.valid('json');
      const result = await idempotent(db, c, { action: 'bill' }, body, async () => {
        const row = await createBill(deps, orgId, body);
        await audit(c, 'bill.created', row.id);
        return { status: 201, body: strip(row) };
      });
      return c.json(result.body as z.infer<typeof BillSchema>, 201);
    })
    .openapi(routes.get, async (c) => {
      const row = await bills.getBill(db, c.get('principal').orgId, c.req.valid('param').id);
      if (!row) throw notFound('bill');
      return c.json(strip(row), 200);
    })
    .openapi(routes.update, async (c) => {
      const row = await updateBill(
        deps,
        c.get('principal').orgId,
        c.req.valid('param').id,
        c.req.valid('json'),
      );
      await audit(c, 'bill.updated', row.id);
      return c.json(strip(row), 200);
    })
    .openapi(routes.remove, async (c) => {
      const id = c.req.valid('param').id;
      await cancelBill(deps, c.get('principal').orgId, id);
      await audit(c, 'bill.cancelled', id);
      return c.body(null, 204);
    })
    .openapi(payRoute, async (c) => {
      const row = await payBill(deps, c.get('principal').orgId, c.req.valid('param').id);
      await audit(c, 'bill.paid', row.id);
      return c.json(strip(row), 200);
    });
}
