import { z } from '@hono/zod-openapi';
import { createBudget } from '../../../commands/rules/create-budget.js';
import { deleteRuleTarget } from '../../../commands/rules/delete-rule-target.js';
import { updateBudget } from '../../../commands/rules/update-budget.js';
import * as budgets from '../../../db/rules/budgets.js';
import { toPage } from '../../../lib/pagination.js';
import { commandActor } from '../../audit.js';
import { notFound } from '../../errors.js';
import { newRouter } from '../../router.js';
import { Currency, PositiveMoney, Text, Uuid } from '../../schemas.js';
import { atLeastOne, crud, evaluateAfterChange, strip, type RulesRouteDeps } from './shared.js';

const BudgetSchema = budgets.budgetRow
  .omit({ org_id: true })
  .extend({ period_key: z.string(), period_start: z.string(), period_end: z.string(), spent: z.string() })
  .openapi('Budget');
const BudgetFields = {
  name: Text(100),
  amount: PositiveMoney,
  currency: Currency.optional(),
  period: z.enum(budgets.BUDGET_PERIODS).optional(),
  category: Text(50).nullable().optional(),
};
const routes = crud(
  'Budget',
  '/budgets',
  BudgetSchema,
  z.object({ customer_id: Uuid, ...BudgetFields }).strict(),
  z
    .object(BudgetFields)
    .partial()
    .strict()
    .refine(atLeastOne, 'send at least one field to change')
    .openapi({ minProperties: 1 }),
);

/** Budgets, each shown with its spending this period (the spending_target rule watches it). */
export function budgetRoutes(deps: RulesRouteDeps) {
  const { db } = deps;
  const budgetView = async (orgId: string, b: budgets.BudgetRow) => ({
    ...strip(b),
    ...(await budgets.budgetSpending(db, orgId, b.id)),
  });
  return newRouter()
    .openapi(routes.list, async (c) => {
      const orgId = c.get('principal').orgId;
      const q = c.req.valid('query');
      const page = toPage(await budgets.listBudgets(db, orgId, q), q.limit);
      return c.json({ ...page, data: await Promise.all(page.data.map((b) => budgetView(orgId, b))) }, 200);
    })
    .openapi(routes.create, async (c) => {
      const orgId = c.get('principal').orgId;
      const body = c.req.valid('json');
      const row = await createBudget(db, orgId, body, commandActor(c));
      await evaluateAfterChange(deps, c, row.customer_id);
      return c.json(await budgetView(orgId, row), 201);
    })
    .openapi(routes.get, async (c) => {
      const orgId = c.get('principal').orgId;
      const row = await budgets.getBudget(db, orgId, c.req.valid('param').id);
      if (!row) throw notFound('budget');
      return c.json(await budgetView(orgId, row), 200);
    })
    .openapi(routes.update, async (c) => {
      const orgId = c.get('principal').orgId;
      const row = await updateBudget(
        db,
        orgId,
        c.req.valid('param').id,
        c.req.valid('json'),
        commandActor(c),
      );
      if (!row) throw notFound('budget');
      await evaluateAfterChange(deps, c, row.customer_id);
      return c.json(await budgetView(orgId, row), 200);
    })
    .openapi(routes.remove, async (c) => {
      const orgId = c.get('principal').orgId;
      if (!(await deleteRuleTarget(db, orgId, 'budget', c.req.valid('param').id, commandActor(c))))
        throw notFound('budget');
      return c.body(null, 204);
    });
}
