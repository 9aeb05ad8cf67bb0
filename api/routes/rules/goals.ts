import { z } from '@hono/zod-openapi';
import { getCustomer } from '../../../db/customers/customers.js';
import type { Db } from '../../../db/pool.js';
import * as goals from '../../../db/rules/goals.js';
import { deleteWithRules } from '../../../db/rules/targets.js';
import { InvalidReferenceError } from '../../../lib/domain-errors.js';
import { toPage } from '../../../lib/pagination.js';
import { auditRequest } from '../../audit.js';
import { notFound } from '../../errors.js';
import { newRouter } from '../../router.js';
import { Currency, IsoDate, Money, PositiveMoney, Uuid } from '../../schemas.js';
import { atLeastOne, crud, strip } from './shared.js';

const GoalSchema = goals.goalRow.omit({ org_id: true }).openapi('Goal');
const GoalFields = {
  name: z.string().trim().min(1).max(100),
  target_amount: PositiveMoney,
  current_amount: Money.refine((v) => !v.startsWith('-'), 'must not be negative').optional(),
  currency: Currency.optional(),
  target_date: IsoDate.nullable().optional(),
};
const routes = crud(
  'Goal',
  '/goals',
  GoalSchema,
  z.object({ customer_id: Uuid, ...GoalFields }).strict(),
  z.object(GoalFields).partial().strict().refine(atLeastOne, 'send at least one field to change'),
);

/** Savings goals (the goal rule watches their progress). */
export function goalRoutes(deps: { db: Db }) {
  const { db } = deps;
  const requireCustomer = async (orgId: string, id: string) => {
    if (!(await getCustomer(db, orgId, id)))
      throw new InvalidReferenceError('body.customer_id', 'no such customer');
  };
  const audit = (c: Parameters<typeof auditRequest>[1], action: string, id: string) =>
    auditRequest(db, c, { action, resourceType: 'goal', resourceId: id });
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
      await requireCustomer(orgId, body.customer_id);
      const row = await goals.createGoal(db, orgId, body);
      await audit(c, 'goal.created', row.id);
      return c.json(strip(row), 201);
    })
    .openapi(routes.get, async (c) => {
      const row = await goals.getGoal(db, c.get('principal').orgId, c.req.valid('param').id);
      if (!row) throw notFound('goal');
      return c.json(strip(row), 200);
    })
    .openapi(routes.update, async (c) => {
      const row = await goals.updateGoal(
        db,
        c.get('principal').orgId,
        c.req.valid('param').id,
        c.req.valid('json'),
      );
      if (!row) throw notFound('goal');
      await audit(c, 'goal.updated', row.id);
      return c.json(strip(row), 200);
    })
    .openapi(routes.remove, async (c) => {
      const id = c.req.valid('param').id;
      const orgId = c.get('principal').orgId;
      const target = { table: 'goals', column: 'goal_id' } as const;
      if (!(await db.transaction((t) => deleteWithRules(t, orgId, target, id)))) throw notFound('goal');
      await audit(c, 'goal.deleted', id);
      return c.body(null, 204);
    });
}
