import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/pool.js';
import * as rules from '../../db/rules/alert-rules.js';
import * as bills from '../../db/rules/bills.js';
import * as budgets from '../../db/rules/budgets.js';
import * as goals from '../../db/rules/goals.js';
import { deleteWithRules, ownedByCustomer } from '../../db/rules/targets.js';
import { getCustomer } from '../../db/customers/customers.js';
import { pageQuerySchema, toPage } from '../../lib/pagination.js';
import { cancelBillReminder, notifyBillReminder } from '../../temporal/clients/rules.js';
import { RECURRENCES } from '../../workflows/rules/bill-schedule.js';
import { BILL_DAYS_BEFORE, BUDGET_THRESHOLDS, GOAL_MILESTONES } from '../../workflows/rules/evaluators.js';
import { auditRequest } from '../audit.js';
import { ApiError, notFound } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { errorResponses, IdParams, json, jsonBody, newRouter, pageSchema, securedRoute } from '../router.js';
import { Currency, IsoDate, Money, PositiveMoney, Uuid } from '../schemas.js';

const literals = <T extends readonly number[]>(values: T) =>
  z.union(values.map((v) => z.literal(v)) as unknown as [z.ZodLiteral<T[number]>, z.ZodLiteral<T[number]>]);

/** Each rule type's conditions, exactly as the seed specifies them; a wrong shape is a 400 naming the field. */
const ruleFields = {
  customer_id: Uuid,
  email_delivery: z.boolean().default(true),
  sms_delivery: z.boolean().default(false),
  active: z.boolean().default(true),
};
const AlertRuleBody = z
  .discriminatedUnion('alert_type', [
    z.object({
      ...ruleFields,
      alert_type: z.literal('account_threshold'),
      conditions: z
        .object({ account_id: Uuid, threshold: PositiveMoney, direction: z.enum(['below', 'above']) })
        .strict(),
    }),
    z.object({
      ...ruleFields,
      alert_type: z.literal('goal'),
      conditions: z
        .object({ goal_id: Uuid, milestone_percentage: literals(GOAL_MILESTONES).optional() })
        .strict(),
    }),
    z.object({
      ...ruleFields,
      alert_type: z.literal('merchant_name'),
      conditions: z
        .object({
          merchant_pattern: z.string().trim().min(1).max(100),
          match_type: z.enum(['exact', 'contains']),
          frequency: z.enum(['immediate', 'daily_digest', 'first_of_day']).default('immediate'),
        })
        .strict(),
    }),
    z.object({
      ...ruleFields,
      alert_type: z.literal('spending_target'),
      conditions: z
        .object({ budget_id: Uuid, threshold_percentage: literals(BUDGET_THRESHOLDS).optional() })
        .strict(),
    }),
    z.object({
      ...ruleFields,
      alert_type: z.literal('transaction_limit'),
      conditions: z.object({ amount: PositiveMoney, account_id: Uuid.optional() }).strict(),
    }),
    z.object({
      ...ruleFields,
      alert_type: z.literal('upcoming_bill'),
      conditions: z.object({ bill_id: Uuid, days_before: literals(BILL_DAYS_BEFORE) }).strict(),
    }),
  ])
  .openapi('AlertRuleInput');
type AlertRuleBody = z.infer<typeof AlertRuleBody>;

const AlertRuleSchema = rules.alertRuleRow.omit({ org_id: true }).openapi('AlertRule');
const GoalSchema = goals.goalRow.omit({ org_id: true }).openapi('Goal');
const BudgetSchema = budgets.budgetRow
  .omit({ org_id: true })
  .extend({ period_key: z.string(), period_start: z.string(), period_end: z.string(), spent: z.string() })
  .openapi('Budget');
const BillSchema = bills.billRow.omit({ org_id: true }).openapi('Bill');

const DateOnly = IsoDate;
const GoalFields = {
  name: z.string().trim().min(1).max(100),
  target_amount: PositiveMoney,
  current_amount: Money.refine((v) => !v.startsWith('-'), 'must not be negative').optional(),
  currency: Currency.optional(),
  target_date: DateOnly.nullable().optional(),
};
const BudgetFields = {
  name: z.string().trim().min(1).max(100),
  amount: PositiveMoney,
  currency: Currency.optional(),
  period: z.enum(budgets.BUDGET_PERIODS).optional(),
  category: z.string().trim().min(1).max(50).nullable().optional(),
};
const BillFields = {
  name: z.string().trim().min(1).max(100),
  amount: PositiveMoney,
  currency: Currency.optional(),
  recurrence: z.enum(RECURRENCES).optional(),
  next_due_date: DateOnly,
  account_id: Uuid.nullable().optional(),
};
const atLeastOne = (p: object) => Object.keys(p).length > 0;
const ListQuery = pageQuerySchema.extend({ customer_id: Uuid.optional() });

const strip = <T extends { org_id: string }>({ org_id: _org, ...rest }: T) => rest;

function crud<
  S extends z.ZodTypeAny,
  C extends z.ZodTypeAny,
  P extends z.ZodTypeAny,
  Q extends typeof ListQuery = typeof ListQuery,
>(
  name: string,
  path: string,
  schema: S,
  create: C,
  patch: P,
  opts: { patchMethod?: 'patch' | 'put'; listQuery?: Q } = {},
) {
  const patchMethod = opts.patchMethod ?? 'patch';
  const tags = ['rules'];
  return {
    list: securedRoute('rules:read', {
      method: 'get',
      path,
      tags,
      request: { query: (opts.listQuery ?? ListQuery) as Q },
      responses: { 200: json(pageSchema(schema), `${name}s, newest first`), ...errorResponses },
    }),
    create: securedRoute('rules:write', {
      method: 'post',
      path,
      tags,
      request: { body: jsonBody(create) },
      responses: { 201: json(schema, 'Created'), ...errorResponses },
    }),
    get: securedRoute('rules:read', {
      method: 'get',
      path: `${path}/{id}`,
      tags,
      request: { params: IdParams },
      responses: { 200: json(schema, name), ...errorResponses },
    }),
    update: securedRoute('rules:write', {
      method: patchMethod,
      path: `${path}/{id}`,
      tags,
      request: { params: IdParams, body: jsonBody(patch) },
      responses: { 200: json(schema, 'Updated'), ...errorResponses },
    }),
    remove: securedRoute('rules:write', {
      method: 'delete',
      path: `${path}/{id}`,
      tags,
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
  };
}

const goalRoutes = crud(
  'Goal',
  '/goals',
  GoalSchema,
  z.object({ customer_id: Uuid, ...GoalFields }).strict(),
  z.object(GoalFields).partial().strict().refine(atLeastOne, 'send at least one field to change'),
);
const budgetRoutes = crud(
  'Budget',
  '/budgets',
  BudgetSchema,
  z.object({ customer_id: Uuid, ...BudgetFields }).strict(),
  z.object(BudgetFields).partial().strict().refine(atLeastOne, 'send at least one field to change'),
);
const billRoutes = crud(
  'Bill',
  '/bills',
  BillSchema,
  z.object({ customer_id: Uuid, ...BillFields }).strict(),
  z.object(BillFields).partial().strict().refine(atLeastOne, 'send at least one field to change'),
);
const ruleRoutes = crud('Alert rule', '/alert-rules', AlertRuleSchema, AlertRuleBody, AlertRuleBody, {
  patchMethod: 'put',
  listQuery: ListQuery.extend({
    alert_type: z.enum(rules.alertRuleRow.shape.alert_type.options).optional(),
    active: z.enum(['true', 'false']).optional(),
  }),
});
const payRoute = securedRoute('rules:write', {
  method: 'post',
  path: '/bills/{id}/pay',
  tags: ['rules'],
  summary: 'The occurrence now due is paid: no reminder for it',
  request: { params: IdParams },
  responses: { 200: json(BillSchema, 'Paid'), ...errorResponses },
});

const fieldError = (path: string, message: string) =>
  new ApiError(400, 'validation_failed', 'The request is not valid', {
    issues: [{ path, message, code: 'invalid_reference' }],
  });

export function rulesRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string }) {
  const { db, temporal } = deps;
  const prefix = deps.taskQueuePrefix;

  const requireCustomer = async (orgId: string, id: string, path = 'body.customer_id') => {
    if (!(await getCustomer(db, orgId, id))) throw fieldError(path, 'no such customer');
  };

  /** A rule's target must be the customer's own account, goal, budget or bill. */
  async function checkTarget(orgId: string, r: AlertRuleBody) {
    await requireCustomer(orgId, r.customer_id);
    const c = r.conditions as Record<string, unknown>;
    const targets = [
      ['account_id', 'accounts', 'account'],
      ['goal_id', 'goals', 'goal'],
      ['budget_id', 'budgets', 'budget'],
      ['bill_id', 'bills', 'bill'],
    ] as const;
    for (const [field, table, what] of targets) {
      if (typeof c[field] !== 'string') continue;
      if (!(await ownedByCustomer(db, orgId, table, c[field], r.customer_id)))
        throw fieldError(`body.conditions.${field}`, `no such ${what} for this customer`);
    }
  }

  /** A bill's account, when given, must be the customer's own. */
  const checkBillAccount = async (
    orgId: string,
    customerId: string,
    accountId: string | null | undefined,
  ) => {
    if (!accountId) return;
    if (!(await ownedByCustomer(db, orgId, 'accounts', accountId, customerId)))
      throw fieldError('body.account_id', 'no such account for this customer');
  };

  const budgetView = async (orgId: string, b: budgets.BudgetRow) => ({
    ...strip(b),
    ...(await budgets.budgetSpending(db, orgId, b.id)),
  });

  const audit = (
    c: Parameters<typeof auditRequest>[1],
    action: string,
    resourceType: string,
    resourceId: string,
  ) => auditRequest(db, c, { action, resourceType, resourceId });

  // An upcoming_bill rule's bill re-plans its reminders when the rule changes.
  const touchBill = async (orgId: string, billId: unknown) => {
    if (typeof billId !== 'string') return;
    const bill = await bills.getBill(db, orgId, billId);
    if (bill?.status === 'active') await notifyBillReminder(temporal, bill, 'updated', { prefix });
  };

  return (
    newRouter()
      // Goals
      .openapi(goalRoutes.list, async (c) => {
        const q = c.req.valid('query');
        const rows = await goals.listGoals(db, c.get('principal').orgId, q);
        const page = toPage(rows, q.limit);
        return c.json({ ...page, data: page.data.map(strip) }, 200);
      })
      .openapi(goalRoutes.create, async (c) => {
        const orgId = c.get('principal').orgId;
        const body = c.req.valid('json');
        await requireCustomer(orgId, body.customer_id);
        const row = await goals.createGoal(db, orgId, body);
        await audit(c, 'goal.created', 'goal', row.id);
        return c.json(strip(row), 201);
      })
      .openapi(goalRoutes.get, async (c) => {
        const row = await goals.getGoal(db, c.get('principal').orgId, c.req.valid('param').id);
        if (!row) throw notFound('goal');
        return c.json(strip(row), 200);
      })
      .openapi(goalRoutes.update, async (c) => {
        const row = await goals.updateGoal(
          db,
          c.get('principal').orgId,
          c.req.valid('param').id,
          c.req.valid('json'),
        );
        if (!row) throw notFound('goal');
        await audit(c, 'goal.updated', 'goal', row.id);
        return c.json(strip(row), 200);
      })
      .openapi(goalRoutes.remove, async (c) => {
        const id = c.req.valid('param').id;
        const orgId = c.get('principal').orgId;
        const target = { table: 'goals', column: 'goal_id' } as const;
        if (!(await db.transaction((t) => deleteWithRules(t, orgId, target, id)))) throw notFound('goal');
        await audit(c, 'goal.deleted', 'goal', id);
        return c.body(null, 204);
      })
      // Budgets
      .openapi(budgetRoutes.list, async (c) => {
        const orgId = c.get('principal').orgId;
        const q = c.req.valid('query');
        const page = toPage(await budgets.listBudgets(db, orgId, q), q.limit);
        return c.json({ ...page, data: await Promise.all(page.data.map((b) => budgetView(orgId, b))) }, 200);
      })
      .openapi(budgetRoutes.create, async (c) => {
        const orgId = c.get('principal').orgId;
        const body = c.req.valid('json');
        await requireCustomer(orgId, body.customer_id);
        const row = await budgets.createBudget(db, orgId, body);
        await audit(c, 'budget.created', 'budget', row.id);
        return c.json(await budgetView(orgId, row), 201);
      })
      .openapi(budgetRoutes.get, async (c) => {
        const orgId = c.get('principal').orgId;
        const row = await budgets.getBudget(db, orgId, c.req.valid('param').id);
        if (!row) throw notFound('budget');
        return c.json(await budgetView(orgId, row), 200);
      })
      .openapi(budgetRoutes.update, async (c) => {
        const orgId = c.get('principal').orgId;
        const row = await budgets.updateBudget(db, orgId, c.req.valid('param').id, c.req.valid('json'));
        if (!row) throw notFound('budget');
        await audit(c, 'budget.updated', 'budget', row.id);
        return c.json(await budgetView(orgId, row), 200);
      })
      .openapi(budgetRoutes.remove, async (c) => {
        const id = c.req.valid('param').id;
        const orgId = c.get('principal').orgId;
        const target = { table: 'budgets', column: 'budget_id' } as const;
        if (!(await db.transaction((t) => deleteWithRules(t, orgId, target, id)))) throw notFound('budget');
        await audit(c, 'budget.deleted', 'budget', id);
        return c.body(null, 204);
      })
      // Bills: each has its reminder workflow, bill-<billId>
      .openapi(billRoutes.list, async (c) => {
        const q = c.req.valid('query');
        const page = toPage(await bills.listBills(db, c.get('principal').orgId, q), q.limit);
        return c.json({ ...page, data: page.data.map(strip) }, 200);
      })
      .openapi(billRoutes.create, async (c) => {
        const orgId = c.get('principal').orgId;
        const body = c.req.valid('json');
        const result = await idempotent(db, c, { action: 'bill' }, body, async () => {
          await requireCustomer(orgId, body.customer_id);
          await checkBillAccount(orgId, body.customer_id, body.account_id);
          const row = await bills.createBill(db, orgId, body);
          try {
            await notifyBillReminder(temporal, row, 'created', { prefix });
          } catch (err) {
            // No bill without its reminder: undo, and let the client retry.
            await bills.deleteBill(db, orgId, row.id);
            throw err;
          }
          await audit(c, 'bill.created', 'bill', row.id);
          return { status: 201, body: strip(row) };
        });
        return c.json(result.body as z.infer<typeof BillSchema>, 201);
      })
      .openapi(billRoutes.get, async (c) => {
        const row = await bills.getBill(db, c.get('principal').orgId, c.req.valid('param').id);
        if (!row) throw notFound('bill');
        return c.json(strip(row), 200);
      })
      .openapi(billRoutes.update, async (c) => {
        const orgId = c.get('principal').orgId;
        const body = c.req.valid('json');
        const current = await bills.getBill(db, orgId, c.req.valid('param').id);
        if (!current) throw notFound('bill');
        await checkBillAccount(orgId, current.customer_id, body.account_id);
        const row = await bills.updateBill(db, orgId, current.id, {
          ...body,
          // A new due date brings a finished bill back.
          ...(body.next_due_date && { status: 'active' as const }),
        });
        if (!row) throw notFound('bill');
        if (row.status === 'active') await notifyBillReminder(temporal, row, 'updated', { prefix });
        await audit(c, 'bill.updated', 'bill', row.id);
        return c.json(strip(row), 200);
      })
      .openapi(billRoutes.remove, async (c) => {
        const orgId = c.get('principal').orgId;
        const id = c.req.valid('param').id;
        const row = await bills.updateBill(db, orgId, id, { status: 'cancelled' });
        if (!row) throw notFound('bill');
        await cancelBillReminder(temporal, id);
        await audit(c, 'bill.cancelled', 'bill', id);
        return c.body(null, 204);
      })
      .openapi(payRoute, async (c) => {
        const orgId = c.get('principal').orgId;
        const id = c.req.valid('param').id;
        const row = await bills.markPaid(db, orgId, id);
        if (!row) {
          if (await bills.getBill(db, orgId, id))
            throw new ApiError(409, 'conflict', 'The bill is not active');
          throw notFound('bill');
        }
        await notifyBillReminder(temporal, row, 'paid', { prefix });
        await audit(c, 'bill.paid', 'bill', id);
        return c.json(strip(row), 200);
      })
      // Alert rules
      .openapi(ruleRoutes.list, async (c) => {
        const q = c.req.valid('query');
        const rows = await rules.listAlertRules(db, c.get('principal').orgId, {
          ...q,
          active: q.active === undefined ? undefined : q.active === 'true',
        });
        const page = toPage(rows, q.limit);
        return c.json({ ...page, data: page.data.map(strip) }, 200);
      })
      .openapi(ruleRoutes.create, async (c) => {
        const orgId = c.get('principal').orgId;
        const body = c.req.valid('json');
        await checkTarget(orgId, body);
        const row = await rules.createAlertRule(db, orgId, body);
        await touchBill(orgId, row.bill_id);
        await audit(c, 'alert_rule.created', 'alert_rule', row.id);
        return c.json(strip(row), 201);
      })
      .openapi(ruleRoutes.get, async (c) => {
        const row = await rules.getAlertRule(db, c.get('principal').orgId, c.req.valid('param').id);
        if (!row) throw notFound('alert rule');
        return c.json(strip(row), 200);
      })
      .openapi(ruleRoutes.update, async (c) => {
        const orgId = c.get('principal').orgId;
        const id = c.req.valid('param').id;
        const before = await rules.getAlertRule(db, orgId, id);
        if (!before) throw notFound('alert rule');
        const body = c.req.valid('json');
        await checkTarget(orgId, body);
        const row = await rules.replaceAlertRule(db, orgId, id, body);
        if (!row) throw notFound('alert rule');
        await touchBill(orgId, before.bill_id);
        if (row.bill_id !== before.bill_id) await touchBill(orgId, row.bill_id);
        await audit(c, 'alert_rule.updated', 'alert_rule', id);
        return c.json(strip(row), 200);
      })
      .openapi(ruleRoutes.remove, async (c) => {
        const orgId = c.get('principal').orgId;
        const row = await rules.deleteAlertRule(db, orgId, c.req.valid('param').id);
        if (!row) throw notFound('alert rule');
        await touchBill(orgId, row.bill_id);
        await audit(c, 'alert_rule.deleted', 'alert_rule', row.id);
        return c.body(null, 204);
      })
  );
}
