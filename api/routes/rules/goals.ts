import { z } from '@hono/zod-openapi';
import { createGoal } from '../../../commands/rules/create-goal.js';
import { deleteRuleTarget } from '../../../commands/rules/delete-rule-target.js';
import { updateGoal } from '../../../commands/rules/update-goal.js';
import * as goals from '../../../db/rules/goals.js';
import { toPage } from '../../../lib/pagination.js';
import { commandActor } from '../../audit.js';
import { notFound } from '../../errors.js';
import { newRouter } from '../../router.js';
import { Currency, IsoDate, NonNegativeMoney, PositiveMoney, Text, Uuid } from '../../schemas.js';
import { atLeastOne, crud, evaluateAfterChange, strip, type RulesRouteDeps } from './shared.js';

const GoalSchema = goals.goalRow.omit({ org_id: true }).openapi('Goal');
const GoalFields = {
  name: Text(100),
  target_amount: PositiveMoney,
  current_amount: NonNegativeMoney.optional(),
  currency: Currency.optional(),
  target_date: IsoDate.nullable().optional(),
};
const routes = crud(
  'Goal',
  '/goals',
  GoalSchema,
  z.object({ customer_id: Uuid, ...GoalFields }).strict(),
  z
    .object(GoalFields)
    .partial()
    .strict()
    .refine(atLeastOne, 'send at least one field to change')
    .openapi({ minProperties: 1 }),
);

/** Savings goals (the goal rule watches their progress). */
export function goalRoutes(deps: RulesRouteDeps) {
  const { db } = deps;
  return newRouter()
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      const rows = await goals.listGoals(db, c.get('principal').orgId, q);
      const page = toPage(rows, q.limit);
      return c.json({ ...page, data: page.data.map(strip) }, 200);
    })
    .openapi(routes.create, async (c) => {
      const orgId = c.get('principal').orgId;
      const body = c.req.valid('json');
      const row = await createGoal(db, orgId, body, commandActor(c));
      await evaluateAfterChange(deps, c, row.customer_id);
      return c.json(strip(row), 201);
    })
    .openapi(routes.get, async (c) => {
      const row = await goals.getGoal(db, c.get('principal').orgId, c.req.valid('param').id);
      if (!row) throw notFound('goal');
      return c.json(strip(row), 200);
    })
    .openapi(routes.update, async (c) => {
      const p = c.get('principal');
      const row = await updateGoal(
        db,
        p.orgId,
        c.req.valid('param').id,
        c.req.valid('json'),
        commandActor(c),
      );
      if (!row) throw notFound('goal');
      await evaluateAfterChange(deps, c, row.customer_id);
      return c.json(strip(row), 200);
    })
    .openapi(routes.remove, async (c) => {
      const orgId = c.get('principal').orgId;
      if (!(await deleteRuleTarget(db, orgId, 'goal', c.req.valid('param').id, commandActor(c))))
        throw notFound('goal');
      return c.body(null, 204);
    });
}
