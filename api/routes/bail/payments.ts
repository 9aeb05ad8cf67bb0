import { z } from '@hono/zod-openapi';
import type { PaymentProvider } from '../../../activities/bail/providers/types.js';
import { chargeCard } from '../../../commands/bail/charge-card.js';
import { recordPayment } from '../../../commands/bail/record-payment.js';
import { PAYMENT_METHODS, paymentRow } from '../../../db/bail/payments.js';
import type { Db } from '../../../db/pool.js';
import { commandActor } from '../../audit.js';
import { idempotent } from '../../idempotency.js';
import {
  conflictResponses,
  errorResponses,
  IdempotencyHeaders,
  IdParams,
  RequiredIdempotencyHeaders,
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
  charge: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/bonds/{id}/payments/charge',
    tags: ['bail'],
    summary: 'Charge a saved card now (e.g. the premium at signing)',
    description:
      'The answer is the payment: `completed`, `pending` (the provider is still processing; a webhook settles it) or `failed` with `failure_reason` (a decline). Idempotency-Key is required: a retry with the same key never charges twice, and after a 503 (the provider did not answer) it asks the provider again about the same payment.',
    request: {
      params: IdParams,
      headers: RequiredIdempotencyHeaders,
      body: jsonBody(
        z
          .object({
            amount: PositiveMoney,
            payment_method_id: z
              .string()
              .regex(/^[\w-]{3,100}$/)
              .openapi({ example: 'pm_card_visa' }),
            provider_customer_id: z
              .string()
              .regex(/^[\w-]{3,100}$/)
              .optional(),
          })
          .strict(),
      ),
    },
    responses: {
      201: json(PaymentSchema, 'The payment (completed, pending or failed)'),
      ...conflictResponses,
      ...errorResponses,
    },
  }),
};

export function paymentRoutes(deps: { db: Db; payments: PaymentProvider }) {
  const { db } = deps;
  return newRouter()
    .openapi(routes.charge, async (c) => {
      const p = c.get('principal');
      const bondId = c.req.valid('param').id;
      const body = c.req.valid('json');
      const target = { action: 'bail.charge', resourceId: bondId, required: true, resumable: true };
      const r = await idempotent(db, c, target, body, async (key) => ({
        status: 201,
        body: await chargeCard(
          db,
          deps.payments,
          p.orgId,
          bondId,
          {
            amount: body.amount,
            customerId: body.provider_customer_id ?? null,
            paymentMethodId: body.payment_method_id,
            key,
          },
          commandActor(c),
        ),
      }));
      return c.json(r.body as z.infer<typeof PaymentSchema>, 201);
    })
    .openapi(routes.record, async (c) => {
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
