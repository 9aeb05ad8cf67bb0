import { z } from '@hono/zod-openapi';
import { PaymentsDisabledError } from '../../../activities/bail/providers/types.js';
import type { Client } from '@temporalio/client';
import { createPaymentPlan } from '../../../commands/bail/create-payment-plan.js';
import { cancelPaymentPlan, settlePaymentPlan } from '../../../commands/bail/end-payment-plan.js';
import {
  installmentRow,
  listInstallments,
  getPaymentPlan,
  paymentPlanRow,
} from '../../../db/bail/payment-plans.js';
import { PAYMENT_METHODS } from '../../../db/bail/payments.js';
import type { Db } from '../../../db/pool.js';
import { dispatchStarts } from '../../../temporal/clients/pending-starts.js';
import { paymentPlanWorkflowId } from '../../../workflows/bail/ids.js';
import { splitInstallments } from '../../../workflows/bail/plan-schedule.js';
import { commandActor } from '../../audit.js';
import { notFound } from '../../errors.js';
import { idempotent } from '../../idempotency.js';
import {
  conflictResponses,
  errorResponses,
  IdempotencyHeaders,
  IdParams,
  json,
  jsonBody,
  newRouter,
  securedRoute,
} from '../../router.js';
import { IsoDate, PositiveMoney, Text } from '../../schemas.js';
import { UNPROCESSABLE } from '../../../lib/domain-errors.js';

const tags = ['bail'];

export const PaymentPlanSchema = paymentPlanRow
  .extend({
    installments: z.array(installmentRow),
    paid: z.string().openapi({ description: 'Sum of paid installments' }),
    remaining: z.string(),
    workflow_id: z.string(),
  })
  .openapi('BailPaymentPlan');

/** A saved card from the agency's card form (Stripe Elements / SetupIntent): the ids only. */
const PaymentMethod = z
  .object({
    payment_method_id: z
      .string()
      .regex(/^[\w-]{3,100}$/)
      .openapi({ example: 'pm_card_visa' }),
    provider_customer_id: z
      .string()
      .regex(/^[\w-]{3,100}$/)
      .optional()
      .openapi({ example: 'cus_123' }),
  })
  .strict();

// Due dates from today (UTC, a day's slack for zones behind it) up to five years ahead.
const DueDate = IsoDate.refine(
  (d) => {
    const t = Date.parse(d);
    return t >= Date.now() - 2 * 86_400_000 && t <= Date.now() + 5 * 366 * 86_400_000;
  },
  { message: 'must be from today up to five years ahead', params: UNPROCESSABLE },
);

const NewPlan = z
  .object({
    payment_method: PaymentMethod,
    schedule: z
      .object({
        total: PositiveMoney,
        count: z.number().int().min(1).max(60),
        first_due_date: DueDate,
        interval: z.enum(['week', 'two_weeks', 'month']),
      })
      .strict()
      .optional()
      .openapi({ description: 'An even split (cents on the first); or give `installments`' }),
    installments: z
      .array(z.object({ due_date: DueDate, amount: PositiveMoney }).strict())
      .min(1)
      .max(60)
      .optional()
      .openapi({ description: 'Explicit installments, in due-date order' }),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (!b.schedule === !b.installments)
      ctx.addIssue({
        code: 'custom',
        path: ['schedule'],
        message: 'give exactly one of schedule and installments',
      });
    if (b.schedule && Math.round(Number(b.schedule.total) * 100) < b.schedule.count)
      ctx.addIssue({
        code: 'custom',
        path: ['schedule', 'total'],
        message: 'must be at least a cent per installment',
        params: UNPROCESSABLE,
      });
    const dates = b.installments?.map((i) => i.due_date) ?? [];
    dates.forEach((d, i) => {
      if (i > 0 && d <= dates[i - 1]!)
        ctx.addIssue({
          code: 'custom',
          path: ['installments', i, 'due_date'],
          message: 'must be after the one before',
          params: UNPROCESSABLE,
        });
    });
  })
  .openapi({
    oneOf: [{ required: ['schedule'] }, { required: ['installments'] }],
    description:
      'Exactly one of schedule and installments. Due dates from today up to five years ahead, at least a cent per installment and installments in due-date order are 422s.',
  });

const routes = {
  create: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/bonds/{id}/payment-plans',
    tags,
    summary: 'Put a bond on a payment plan, charged to a saved card on each due date',
    description:
      'Installments are charged off-session at 10:00 on their due date in the client’s time zone; a failed charge is retried 1, 3 and 7 days later with a notice each time, then the plan is delinquent and the agent gets a task.',
    request: { params: IdParams, headers: IdempotencyHeaders, body: jsonBody(NewPlan) },
    responses: { 201: json(PaymentPlanSchema, 'Created'), ...conflictResponses, ...errorResponses },
  }),
  get: securedRoute('bail:read', {
    method: 'get',
    path: '/bail/payment-plans/{id}',
    tags,
    summary: 'A payment plan with its schedule',
    request: { params: IdParams },
    responses: { 200: json(PaymentPlanSchema, 'The plan'), ...errorResponses },
  }),
  cancel: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/payment-plans/{id}/cancel',
    tags,
    summary: 'Cancel a plan: no more charges',
    request: {
      params: IdParams,
      body: jsonBody(z.object({ reason: Text(500).optional() }).strict()),
    },
    responses: { 200: json(PaymentPlanSchema, 'Cancelled'), ...conflictResponses, ...errorResponses },
  }),
  settle: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/payment-plans/{id}/settle',
    tags,
    summary: 'Record that the client paid the rest another way: the plan is paid',
    request: {
      params: IdParams,
      headers: IdempotencyHeaders,
      body: jsonBody(
        z
          .object({
            method: z.enum(
              PAYMENT_METHODS.filter((m) => m !== 'card') as ['debit', 'bank_transfer', 'check', 'cash'],
            ),
            reference: z.string().trim().max(200).optional(),
          })
          .strict(),
      ),
    },
    responses: { 200: json(PaymentPlanSchema, 'Paid'), ...conflictResponses, ...errorResponses },
  }),
};

export function paymentPlanRoutes(deps: {
  db: Db;
  temporal: Client;
  taskQueuePrefix: string;
  /** False with PAYMENTS_PROVIDER=manual: no card is ever charged, so no plan charges one. */
  cardPayments?: boolean;
}) {
  const { db } = deps;
  async function view(orgId: string, planId: string): Promise<z.infer<typeof PaymentPlanSchema>> {
    const plan = await getPaymentPlan(db, orgId, planId);
    if (!plan) throw notFound('payment plan');
    const installments = [...(await listInstallments(db, orgId, planId))];
    const cents = (s: typeof installments) => s.reduce((a, i) => a + Math.round(Number(i.amount) * 100), 0);
    const paid = cents(installments.filter((i) => i.status === 'paid'));
    const open = cents(installments.filter((i) => i.status === 'pending' || i.status === 'failed'));
    return {
      ...plan,
      installments,
      paid: (paid / 100).toFixed(2),
      remaining: (open / 100).toFixed(2),
      workflow_id: paymentPlanWorkflowId(plan.id),
    };
  }
  return newRouter()
    .openapi(routes.create, async (c) => {
      const p = c.get('principal');
      const bondId = c.req.valid('param').id;
      const body = c.req.valid('json');
      if (deps.cardPayments === false) throw new PaymentsDisabledError();
      const r = await idempotent(
        db,
        c,
        { action: 'bail.payment_plan', resourceId: bondId },
        body,
        async () => {
          const installments = body.schedule
            ? splitInstallments({
                total: body.schedule.total,
                count: body.schedule.count,
                firstDueDate: body.schedule.first_due_date,
                interval: body.schedule.interval,
              })
            : body.installments!.map((i, n) => ({ seq: n + 1, dueDate: i.due_date, amount: i.amount }));
          const { plan, starts } = await createPaymentPlan(
            db,
            p.orgId,
            bondId,
            {
              installments,
              customerId: body.payment_method.provider_customer_id ?? null,
              paymentMethodId: body.payment_method.payment_method_id,
            },
            commandActor(c),
          );
          await dispatchStarts(deps.temporal, db, starts, {
            prefix: deps.taskQueuePrefix,
            log: c.get('log'),
          });
          return { status: 201, body: await view(p.orgId, plan.id) };
        },
      );
      return c.json(r.body as z.infer<typeof PaymentPlanSchema>, 201);
    })
    .openapi(routes.get, async (c) =>
      c.json(await view(c.get('principal').orgId, c.req.valid('param').id), 200),
    )
    .openapi(routes.cancel, async (c) => {
      const p = c.get('principal');
      const { plan, starts } = await cancelPaymentPlan(
        db,
        p.orgId,
        c.req.valid('param').id,
        c.req.valid('json').reason ?? null,
        commandActor(c),
      );
      await dispatchStarts(deps.temporal, db, starts, { prefix: deps.taskQueuePrefix, log: c.get('log') });
      return c.json(await view(p.orgId, plan.id), 200);
    })
    .openapi(routes.settle, async (c) => {
      const p = c.get('principal');
      const planId = c.req.valid('param').id;
      const body = c.req.valid('json');
      const r = await idempotent(
        db,
        c,
        { action: 'bail.payment_plan.settle', resourceId: planId },
        body,
        async (key) => {
          const { starts } = await settlePaymentPlan(
            db,
            p.orgId,
            planId,
            { method: body.method, reference: body.reference ?? null, key },
            commandActor(c),
          );
          await dispatchStarts(deps.temporal, db, starts, {
            prefix: deps.taskQueuePrefix,
            log: c.get('log'),
          });
          return { status: 200, body: await view(p.orgId, planId) };
        },
      );
      return c.json(r.body as z.infer<typeof PaymentPlanSchema>, 200);
    });
}
