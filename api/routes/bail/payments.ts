import { z } from '@hono/zod-openapi';
import { recordPayment } from '../../../commands/bail/record-payment.js';
import { PAYMENT_METHODS, paymentRow } from '../../../db/bail/payments.js';
import type { Db } from '../../../db/pool.js';
import { commandActor } from '../../audit.js';
import { idempotent } from '../../idempotency.js';
import {
  errorResponses,
  IdempotencyHeaders,
  IdParams,
  json,
  jsonBody,
  newRouter,
  securedRoute,
} from '../../router.js';
import { PositiveMoney } from '../../schemas.js';

export const PaymentSchema = paymentRow.openapi('BailPayment');

const routes = {
  record: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/bonds/{id}/payments',
    tags: ['bail'],
    summary: 'Record a payment taken by hand (cash, check, transfer, a card on a terminal)',
    request: {
      params: IdParams,
      headers: IdempotencyHeaders,
      body: jsonBody(
        z
          .object({
            amount: PositiveMoney,
            method: z.enum(PAYMENT_METHODS),
            reference: z
              .string()
              .trim()
              .max(200)
              .optional()
              .openapi({ description: 'Check number, receipt…' }),
          })
          .strict(),
      ),
    },
    responses: { 201: json(PaymentSchema, 'Recorded (completed)'), ...errorResponses },
  }),
};

export function paymentRoutes(deps: { db: Db }) {
  const { db } = deps;
  return newRouter().openapi(routes.record, async (c) => {
    const p = c.get('principal');
    const bondId = c.req.valid('param').id;
    const body = c.req.valid('json');
    const r = await idempotent(db, c, { action: 'bail.payment', resourceId: bondId }, body, async (key) => {
      const { row } = await recordPayment(
        db,
        p.orgId,
        bondId,
        { amount: body.amount, method: body.method, reference: body.reference ?? null, key },
        commandActor(c),
      );
      return { status: 201, body: row };
    });
    return c.json(r.body as z.infer<typeof PaymentSchema>, 201);
  });
}
